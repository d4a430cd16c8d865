// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  absent,
  bool,
  command,
  file,
  handler,
  keysOf,
  knownKeys,
  type LocalPath,
  oneLine,
  oneOf,
  packages,
  type Resource,
  type Role,
  service,
  symlink,
  template,
  type TemplateValue,
  text,
  ValidationError,
} from '../../index.ts';
import { cloneSite } from './clone.ts';

export { CERTBOT_MARK, cloneSite } from './clone.ts';

/**
 * An nginx site (Debian's layout): /etc/nginx/sites-available/NAME from text (`content`) or a
 * Jinja2 template (`template`, `vars`), enabled by a link in /etc/nginx/sites-enabled, the default
 * site removed on request. Each new file is checked by `nginx -t` (the site inside an `http`
 * block) before it replaces the old one, and the `reload nginx` handler runs `nginx -t` on the
 * whole configuration before it reloads. These parameters go with either kind of site.
 */
export interface NginxSiteCommonProps {
  /** The site's file name in sites-available and sites-enabled: `blot`. Letters, digits, `_`, `.`, `-`. */
  readonly name: string;
  /** Linked into /etc/nginx/sites-enabled (default true); false removes the link and keeps the file. */
  readonly enabled?: boolean;
  /** Remove the package's default site from sites-enabled (default false). */
  readonly removeDefault?: boolean;
  /** Install the nginx package first (default true). */
  readonly installPackage?: boolean;
  /** nginx running and started at boot (`running`, default), or left as it is (`unmanaged`: an image in a chroot). */
  readonly state?: 'running' | 'unmanaged';
}

/** A site from text or from a template: the parameters of `nginxSite`. */
export type NginxSiteProps = NginxSiteContentProps | NginxSiteTemplateProps;

/** A site given as its text, which may be fitted for a clone of its host (`clone`). */
export interface NginxSiteContentProps extends NginxSiteCommonProps {
  /** The site file's text: a `server { … }` block or several, as nginx reads them in `http`. */
  readonly content: string;
  /**
   * Fit the site for a clone of its host, as the support-site procedure (reference 000) does by
   * hand: the host name replaced by the clone's address, Certbot's lines commented out.
   */
  readonly clone?: SiteCloneOptions;
  /** Not with `content`. */
  readonly template?: never;
  /** Not with `content`. */
  readonly vars?: never;
}

/** A site rendered from a Jinja2 template of the role (as Ansible's `template`). */
export interface NginxSiteTemplateProps extends NginxSiteCommonProps {
  /** The template: `new URL('./templates/site.conf.j2', import.meta.url)` or an absolute path. */
  readonly template: LocalPath;
  /** The variables the template sees. */
  readonly vars?: Readonly<Record<string, TemplateValue>>;
  /** Not with a template: a clone's differences belong in its variables. */
  readonly clone?: never;
  /** Not with `template`. */
  readonly content?: never;
}

/** How a site is fitted for a clone of its host (reference 000, "Editting nginx"). */
export interface SiteCloneOptions {
  /** Each `from` replaced everywhere by its `to`: `{ from: 'support.bioconductor.org', to: '34.207.62.169' }`. */
  readonly replace?: readonly { readonly from: string; readonly to: string }[];
  /** Lines holding this text are commented out (default `# managed by Certbot`); false comments out none. */
  readonly commentOut?: string | false;
  /** Comment out the last `server {` block, as the procedure does with the HTTPS redirect (default false). */
  readonly commentOutLastServer?: boolean;
}

const KEYS = keysOf<NginxSiteContentProps | NginxSiteTemplateProps>({
  name: true,
  content: true,
  clone: true,
  template: true,
  vars: true,
  enabled: true,
  removeDefault: true,
  installPackage: true,
  state: true,
});
const CLONE_KEYS = keysOf<SiteCloneOptions>({ replace: true, commentOut: true, commentOutLastServer: true });
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const AVAILABLE = '/etc/nginx/sites-available';
const ENABLED = '/etc/nginx/sites-enabled';
export const RELOAD_NGINX = 'reload nginx';

/**
 * Checks a candidate site file (`$1`) as nginx reads it: inside the `http` block of a main
 * configuration written next to nginx.conf (so the site's relative includes, such as
 * `snippets/…`, resolve as they will), with `nginx -t`. Runs in apply mode only.
 */
const CHECK_SITE = [
  'conf=$(mktemp /etc/nginx/.bosun-site-check.XXXXXX) || exit 1',
  `trap 'rm -f "$conf"' EXIT`,
  `printf 'events {}\\nhttp {\\n  include mime.types;\\n  include "%s";\\n}\\n' "$1" >"$conf" || exit 1`,
  'nginx -t -q -c "$conf"',
].join('\n');

/** The whole configuration checked, then nginx reloaded (started when it is not running). */
const RELOAD = [
  'nginx -t -q || exit 1',
  'if [ -d /run/systemd/system ]; then exec systemctl reload-or-restart nginx; fi',
  'exec service nginx reload',
].join('\n');

/** An nginx site: the file, its link, the default site's, nginx running, and a reload when any changed. */
export function nginxSite(props: NginxSiteProps): Role {
  knownKeys(props, KEYS, 'nginxSite');
  const name = oneLine(props.name, 'nginxSite.name');
  if (!NAME.test(name))
    throw new ValidationError('nginxSite.name', `is not a site file name (letters, digits, _ . -): ${JSON.stringify(name)}`);
  const where = `nginxSite(${name})`;
  if (name === 'default' && props.removeDefault === true)
    throw new ValidationError(`${where}.removeDefault`, 'the site is named default: removing the default site would remove it');
  if (props.content !== undefined && props.template !== undefined)
    throw new ValidationError(`${where}.template`, 'give content or template, not both');
  if (props.content === undefined && props.template === undefined)
    throw new ValidationError(`${where}.content`, 'give content or template');
  const enabled = bool(props.enabled ?? true, `${where}.enabled`);
  const state = oneOf(props.state ?? 'running', `${where}.state`, ['running', 'unmanaged'] as const);
  const path = `${AVAILABLE}/${name}` as const;
  const link = `${ENABLED}/${name}` as const;
  // An unmanaged nginx (a chroot) is not reloaded: nothing runs there.
  const notify = state === 'running' ? [RELOAD_NGINX] : [];
  const validate = ['sh', '-c', CHECK_SITE, 'nginx-site', '%s'];
  const attributes = { mode: '0644', owner: 'root', group: 'root' } as const;
  const site: Resource =
    props.template !== undefined
      ? template({ src: props.template, path, vars: props.vars ?? {}, validate, notify, ...attributes })
      : file({ path, content: siteContent(props as NginxSiteContentProps, where), validate, notify, ...attributes });
  return {
    name: `nginx-site ${name}`,
    tags: ['nginx', 'nginx-site'],
    resources: [
      ...(bool(props.installPackage ?? true, `${where}.installPackage`) ? [packages({ names: ['nginx'] })] : []),
      site,
      enabled ? symlink({ path: link, target: path, notify }) : absent({ path: link, notify }),
      ...(bool(props.removeDefault ?? false, `${where}.removeDefault`) ? [absent({ path: `${ENABLED}/default`, notify })] : []),
      ...(state === 'running' ? [service({ name: 'nginx', enabled: true, state: 'running' })] : []),
    ],
    handlers:
      state === 'running' ? [handler(RELOAD_NGINX, command({ name: 'nginx -t, then reload nginx', argv: ['sh', '-c', RELOAD] }))] : [],
  };
}

function siteContent(props: NginxSiteContentProps, where: string): string {
  const content = text(props.content, `${where}.content`);
  if (props.clone === undefined) return content;
  knownKeys(props.clone, CLONE_KEYS, `${where}.clone`);
  if (props.clone.commentOutLastServer !== undefined) bool(props.clone.commentOutLastServer, `${where}.clone.commentOutLastServer`);
  if (props.clone.replace !== undefined && !Array.isArray(props.clone.replace))
    throw new ValidationError(`${where}.clone.replace`, 'must be a list of { from, to }');
  return cloneSite(content, props.clone, where);
}
