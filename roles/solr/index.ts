// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  absent,
  type AbsolutePath,
  absolutePath,
  command,
  directory,
  download,
  file,
  group,
  handler,
  keysOf,
  knownKeys,
  type LocalPath,
  oneLine,
  oneOf,
  packages,
  quote,
  type Resource,
  type Role,
  service,
  stringList,
  symlink,
  systemdUnit,
  unarchive,
  user,
  ValidationError,
  wholeNumber,
} from '../../index.ts';

/**
 * Solr as reference 000's "more permanent solution" lays it out (Solr's "Taking Solr to
 * Production"): the release in /opt/solr-X.Y.Z owned by root, /opt/solr a link to it, data, logs
 * and the pid file under /var/solr owned by a `solr` system user that owns nothing else, the
 * settings in /etc/default/solr.in.sh, and a systemd unit that starts it at boot. The old install
 * and its `@reboot` crontab line are removed only when `removeOld` asks for it.
 */
export interface SolrCommonProps {
  /** The release: `9.4.0`. Its files go in `${installDir}/solr-${version}`. */
  readonly version: `${number}.${number}.${number}`;
  /** Where releases are unpacked (default /opt); `${installDir}/solr` links to the current one. */
  readonly installDir?: AbsolutePath;
  /** Solr's writable directory (default /var/solr): data in `data/`, logs in `logs/`, the pid file itself. */
  readonly varDir?: AbsolutePath;
  /** The port Solr listens on (default 8983). */
  readonly port?: number;
  /** The system user (and group) Solr runs as (default solr); it owns only `varDir`. */
  readonly user?: string;
  /** The Java heap (SOLR_HEAP), e.g. `512m`. Unset: Solr's default. */
  readonly heap?: string;
  /** More settings for solr.in.sh, each written as `NAME="value"` (quoted for sh). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Packages Solr needs on the host (default a headless Java runtime and lsof, which bin/solr uses). */
  readonly packages?: readonly string[];
  /** Running and started at boot (default), or `unmanaged` (an image in a chroot, where nothing runs). */
  readonly state?: 'running' | 'unmanaged';
  /** Remove an install this one replaces. Unset: nothing old is touched. */
  readonly removeOld?: SolrRemoveOldOptions;
}

/** A release fetched by the host from a URL and checked against its sha512 (Apache publishes one per release). */
export interface SolrDownloadProps extends SolrCommonProps {
  /** The release's sha512, from its `.sha512` file. */
  readonly sha512: string;
  /** Where to fetch it. Default: the Apache archive's URL of `version`. */
  readonly url?: string;
  /** Not with a download. */
  readonly archive?: never;
}

/** A release tarball shipped with the playbook (a mirror, or a build of one's own). */
export interface SolrArchiveProps extends SolrCommonProps {
  /** The .tgz: `new URL('./files/solr-9.4.0.tgz', import.meta.url)`. Its entries sit under one top directory, as Apache's do. */
  readonly archive: LocalPath;
  /** Not with an archive. */
  readonly sha512?: never;
  /** Not with an archive. */
  readonly url?: never;
}

/** The parameters of `solr`: a release downloaded or shipped. */
export type SolrProps = SolrDownloadProps | SolrArchiveProps;

/** An old install to remove, as the reference's temporary fix left it. */
export interface SolrRemoveOldOptions {
  /** The old install's directory, removed with all it holds: `/home/webadmin/solr-5.2.1`. */
  readonly path: AbsolutePath;
  /** The user whose crontab started it (`webadmin`): its lines that mention `path`'s last component and `bin/solr` are removed. */
  readonly crontabUser?: string;
}

const KEYS = keysOf<SolrDownloadProps | SolrArchiveProps>({
  version: true,
  installDir: true,
  varDir: true,
  port: true,
  user: true,
  heap: true,
  settings: true,
  packages: true,
  state: true,
  removeOld: true,
  sha512: true,
  url: true,
  archive: true,
});
const REMOVE_OLD_KEYS = keysOf<SolrRemoveOldOptions>({ path: true, crontabUser: true });
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;
const PRINCIPAL = /^[a-z_][a-z0-9_-]{0,31}$/;
const SETTING = /^[A-Z_][A-Z0-9_]*$/;
export const RESTART_SOLR = 'restart solr';

/** Solr installed for production from a release tarball, run by systemd as its own user. */
export function solr(props: SolrProps): Role {
  knownKeys(props, KEYS, 'solr');
  const version = oneLine(props.version, 'solr.version');
  if (!VERSION.test(version))
    throw new ValidationError('solr.version', `must be a release number like 9.4.0, got ${JSON.stringify(version)}`);
  const where = `solr(${version})`;
  if (props.archive !== undefined && (props.sha512 !== undefined || props.url !== undefined))
    throw new ValidationError(`${where}.archive`, 'give archive, or sha512 (and url), not both');
  if (props.archive === undefined && props.sha512 === undefined)
    throw new ValidationError(`${where}.sha512`, 'a downloaded release needs its sha512 (or give archive)');
  const installDir = absolutePath(props.installDir ?? '/opt', `${where}.installDir`);
  const varDir = absolutePath(props.varDir ?? '/var/solr', `${where}.varDir`);
  const port = wholeNumber(props.port ?? 8983, `${where}.port`);
  if (port < 1 || port > 65535) throw new ValidationError(`${where}.port`, `must be a TCP port (1-65535), got ${port}`);
  const account = oneLine(props.user ?? 'solr', `${where}.user`);
  if (!PRINCIPAL.test(account)) throw new ValidationError(`${where}.user`, `is not a user name: ${JSON.stringify(account)}`);
  const state = oneOf(props.state ?? 'running', `${where}.state`, ['running', 'unmanaged'] as const);
  const notify = state === 'running' ? [RESTART_SOLR] : [];
  const release = `${installDir}/solr-${version}` as AbsolutePath;
  const current = `${installDir}/solr` as AbsolutePath;
  const tarball = `${installDir}/solr-${version}.tgz` as AbsolutePath;
  const fetched: Resource[] =
    props.archive === undefined
      ? [
          download({
            url: props.url ?? defaultUrl(version),
            sha512: props.sha512!,
            path: tarball,
            mode: '0644',
            owner: 'root',
            group: 'root',
          }),
          unarchive({ remoteSrc: tarball, path: release, stripComponents: 1, owner: 'root', group: 'root', mode: '0755', notify }),
        ]
      : [
          unarchive({
            src: props.archive,
            path: release,
            format: 'tar.gz',
            stripComponents: 1,
            owner: 'root',
            group: 'root',
            mode: '0755',
            notify,
          }),
        ];
  const owned = { owner: account, group: account } as const;
  return {
    name: `solr ${version}`,
    tags: ['solr'],
    resources: [
      packages({ names: stringList(props.packages ?? ['default-jre-headless', 'lsof'], `${where}.packages`) as [string, ...string[]] }),
      group({ name: account, system: true }),
      user({ name: account, group: account, system: true, home: varDir, shell: '/usr/sbin/nologin', createHome: false }),
      ...fetched,
      symlink({ path: current, target: release, notify }),
      directory({ path: varDir, mode: '0750', ...owned }),
      directory({ path: `${varDir}/data`, mode: '0750', ...owned }),
      directory({ path: `${varDir}/logs`, mode: '0750', ...owned }),
      // Solr's home needs its solr.xml; the release's own is the start, as Solr's install script does.
      command({
        name: `${varDir}/data/solr.xml from the release`,
        argv: ['install', '-o', account, '-g', account, '-m', '0640', `${current}/server/solr/solr.xml`, `${varDir}/data/solr.xml`],
        creates: `${varDir}/data/solr.xml`,
      }),
      file({
        path: '/etc/default/solr.in.sh',
        content: solrInSh(props, { varDir, port }, where),
        mode: '0640',
        owner: 'root',
        group: account,
        notify,
      }),
      systemdUnit({
        name: 'solr.service',
        unit: { description: `Apache Solr ${version}`, after: ['network.target'] },
        service: {
          type: 'forking',
          user: account,
          group: account,
          environment: { SOLR_INCLUDE: '/etc/default/solr.in.sh' },
          execStart: [`${current}/bin/solr`, 'start'],
          execStop: [[`${current}/bin/solr`, 'stop']],
          pidFile: `${varDir}/solr-${port}.pid` as AbsolutePath,
          limitNOFILE: 65000,
          restart: 'on-failure',
          timeoutStartSec: '3min',
          extra: { LimitNPROC: '65000' },
        },
        install: { wantedBy: ['multi-user.target'] },
        enabled: true,
        notify,
      }),
      ...(state === 'running' ? [service({ name: 'solr.service', state: 'running' })] : []),
      ...removeOld(props.removeOld, `${where}.removeOld`),
    ],
    handlers: state === 'running' ? [handler(RESTART_SOLR, service({ name: 'solr.service', state: 'restarted' }))] : [],
  };
}

/** Apache's archive keeps every release; Solr moved out of Lucene's tree with 9.0. */
function defaultUrl(version: string): string {
  const major = Number(version.split('.')[0]);
  return major >= 9
    ? `https://archive.apache.org/dist/solr/solr/${version}/solr-${version}.tgz`
    : `https://archive.apache.org/dist/lucene/solr/${version}/solr-${version}.tgz`;
}

/** /etc/default/solr.in.sh: bin/solr sources it (SOLR_INCLUDE), so every value is quoted for sh. */
function solrInSh(props: SolrProps, paths: { varDir: string; port: number }, where: string): string {
  const settings: [string, string][] = [
    ['SOLR_PID_DIR', paths.varDir],
    ['SOLR_HOME', `${paths.varDir}/data`],
    ['SOLR_LOGS_DIR', `${paths.varDir}/logs`],
    ['SOLR_PORT', String(paths.port)],
    ...(props.heap === undefined ? [] : ([['SOLR_HEAP', oneLine(props.heap, `${where}.heap`)]] as [string, string][])),
  ];
  for (const [name, value] of Object.entries(props.settings ?? {})) {
    if (!SETTING.test(name)) throw new ValidationError(`${where}.settings.${name}`, 'is not a setting name (capitals, digits, _)');
    if (settings.some(([taken]) => taken === name))
      throw new ValidationError(`${where}.settings.${name}`, 'is set by the role from its own parameters');
    settings.push([name, oneLine(value, `${where}.settings.${name}`)]);
  }
  return `# Managed by bosun (role solr): local changes will be overwritten.\n${settings.map(([name, value]) => `${name}=${quote(value)}`).join('\n')}\n`;
}

/** The old install and the crontab line that started it, removed only when asked. */
function removeOld(old: SolrRemoveOldOptions | undefined, where: string): Resource[] {
  if (old === undefined) return [];
  knownKeys(old, REMOVE_OLD_KEYS, where);
  const path = absolutePath(old.path, `${where}.path`);
  const out: Resource[] = [absent({ path })];
  if (old.crontabUser !== undefined) {
    const owner = oneLine(old.crontabUser, `${where}.crontabUser`);
    if (!PRINCIPAL.test(owner)) throw new ValidationError(`${where}.crontabUser`, `is not a user name: ${JSON.stringify(owner)}`);
    // The reference's line: `@reboot cd $HOME/solr-5.2.1 && bin/solr start -f > $HOME/solr.log 2>&1`.
    const dir = path.slice(path.lastIndexOf('/') + 1);
    const matches = 'crontab -u "$1" -l 2>/dev/null | grep -F -- "$2" | grep -qF bin/solr';
    out.push(
      command({
        name: `crontab of ${owner}: no line starting ${dir}`,
        argv: [
          'sh',
          '-c',
          `crontab -u "$1" -l | awk -v d="$2" 'index($0, d) && index($0, "bin/solr") { next } { print }' | crontab -u "$1" -`,
          'sh',
          owner,
          dir,
        ],
        unless: { argv: ['sh', '-c', `! ${matches}`, 'sh', owner, dir] },
      }),
    );
  }
  return out;
}
