import { type AbsolutePath, definePlaybook, directory, type Host, hostText, packages, type Role, user, ValidationError } from '../index.ts';
import { logrotate } from '../roles/logrotate/index.ts';
import { monit } from '../roles/monit/index.ts';
import { nginxSite } from '../roles/nginx-site/index.ts';
import { serviceUnit } from '../roles/service-unit/index.ts';
import { sudoers } from '../roles/sudoers/index.ts';

/**
 * The Blot stack of reference 001 on a systemd host: redis, the app as a service that needs
 * redis, nginx in front of it, monit asking both over HTTP and restarting the one that stops
 * answering, `Defaults requiretty` out of /etc/sudoers, and the app's logs rotated by copy then
 * truncate so logging is never interrupted. The app's code is deployed to `blot_dir` apart
 * (a `git` step, or the deploy's own `git pull`); this playbook runs what is there.
 *
 * On systemd the distribution's own units of redis, nginx and monit are used, so their init.d
 * scripts are not turned off as the reference does for upstart (roles/init-scripts-off does it
 * where a unit of one's own replaces one).
 *
 * Variables (inventory or `-e`): `blot_dir` (/var/www/blot), `blot_user` (blot), `blot_port`
 * (8080, the app's port on 127.0.0.1), `blot_command` (the app's command line, words split on
 * blanks; default `/usr/bin/node DIR/app/index.js`), `blot_packages` (what the app needs to
 * run, comma-separated; default nodejs), `blot_server_name` (nginx's server_name; default `_`).
 */
export default definePlaybook({
  name: 'blot',
  plays: [{ name: 'blot', hosts: 'all', become: true, roles: (host) => blotStack(blotSettings(host)) }],
});

/** What the stack is built from, read from a host's variables. */
interface BlotSettings {
  readonly dir: AbsolutePath;
  readonly user: string;
  readonly port: number;
  readonly command: readonly [AbsolutePath, ...string[]];
  readonly packages: readonly string[];
  readonly serverName: string;
}

function blotStack(settings: BlotSettings): Role[] {
  const { dir, port } = settings;
  const logs = `${dir}/logs` as AbsolutePath;
  const base: Role = {
    name: 'blot-base',
    resources: [
      packages({ names: ['redis-server', ...settings.packages] }),
      user({ name: settings.user, system: true, home: dir, shell: '/usr/sbin/nologin' }),
      directory({ path: logs, owner: settings.user, group: settings.user, mode: '0755' }),
    ],
  };
  const app = serviceUnit({
    name: 'blot',
    description: 'Blot',
    command: settings.command,
    user: settings.user,
    workingDirectory: dir,
    environment: { PORT: String(port), LOG_FILE: `${logs}/app.log` },
    // Blot needs redis running before it starts (reference 001): redis → app → nginx.
    requires: ['redis-server'],
  });
  const site = nginxSite({
    name: 'blot',
    removeDefault: true,
    content: `server {
    listen 80;
    server_name ${settings.serverName};
    location / {
        # 127.0.0.1, not localhost: the reference saw nginx fail to resolve it.
        proxy_pass http://127.0.0.1:${port};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
`,
  });
  const watch = monit({
    // monit truncates its log at times: a file of its own, beside the app's (reference 001).
    logFile: `${logs}/monit.log` as AbsolutePath,
    checks: [
      {
        name: 'blot',
        matching: `^${escapeRegex(settings.command.join(' '))}`,
        start: { command: '/bin/systemctl start blot', timeoutSeconds: 60 },
        stop: { command: '/bin/systemctl stop blot', timeoutSeconds: 60 },
        http: [{ port, request: '/' }],
      },
      {
        name: 'nginx',
        pidfile: '/run/nginx.pid',
        start: { command: '/bin/systemctl start nginx', timeoutSeconds: 60 },
        stop: { command: '/bin/systemctl stop nginx', timeoutSeconds: 60 },
        http: [{ port: 80, request: '/' }],
        dependsOn: ['blot'],
      },
    ],
  });
  const rotation = logrotate({
    name: 'blot',
    rules: [{ paths: [`${logs}/*.log` as AbsolutePath], schedule: 'daily', rotate: 14, copytruncate: true, delaycompress: true }],
  });
  return [sudoers({}), base, app, site, watch, rotation];
}

function blotSettings(host: Host): BlotSettings {
  const text = (name: string, fallback: string): string => hostText(host, name) ?? fallback;
  const dir = text('blot_dir', '/var/www/blot');
  if (!dir.startsWith('/')) throw new ValidationError('blot_dir', `host ${host.name}: must be an absolute path, got ${dir}`);
  const port = Number(text('blot_port', '8080'));
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ValidationError('blot_port', `host ${host.name}: must be a TCP port, got ${text('blot_port', '')}`);
  const words = text('blot_command', `/usr/bin/node ${dir}/app/index.js`).split(/\s+/).filter(Boolean);
  const [program, ...args] = words;
  if (program === undefined || !program.startsWith('/'))
    throw new ValidationError('blot_command', `host ${host.name}: must start with the program's absolute path`);
  const list = text('blot_packages', 'nodejs')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    dir: dir as AbsolutePath,
    user: text('blot_user', 'blot'),
    port,
    command: [program as AbsolutePath, ...args],
    packages: list,
    serverName: text('blot_server_name', '_'),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
