import { ValidationError } from '../errors.ts';
import { DIFF_CAP_BYTES } from '../protocol.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { keysOf, knownKeys, text } from '../validate.ts';
import { attributesApply } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { editApply } from './edit-in-place.ts';
import { writeAtomically } from './file.ts';

/**
 * The host's name, in the three places it lives: /etc/hostname (the name at boot), the
 * 127.0.1.1 line of /etc/hosts (so the name resolves without DNS, Debian's convention) and
 * the running kernel's name (`hostname`, what `uname -n` prints). The check compares all
 * three; the apply changes only those that differ, without a reboot.
 */
export interface HostnameProps extends CommonProps {
  /**
   * The name: dot-separated labels of letters, digits and hyphens (RFC 1123), at most 64
   * characters, e.g. `supporttest`. /etc/hostname holds exactly this line.
   */
  readonly name: string;
  /**
   * The fully qualified name, given first on the 127.0.1.1 line before `name`:
   * `127.0.1.1	supporttest.example.org	supporttest`. Unset: the line maps `name` alone.
   */
  readonly fqdn?: string;
}

export interface HostnameResource extends HostnameProps {
  readonly type: 'hostname';
}

/** Declares the host's name: /etc/hostname, /etc/hosts' 127.0.1.1 line and the running name. */
export function hostname(props: HostnameProps): HostnameResource {
  return { type: 'hostname', ...props };
}

const KEYS = keysOf<HostnameResource>({ type: true, name: true, fqdn: true, ...COMMON_KEYS });
const LABELS = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const HOSTS = '/etc/hosts';
const HOSTNAME = '/etc/hostname';

/**
 * /etc/hosts with the wanted 127.0.1.1 line: the first such line is kept when it already
 * names the same hosts (whatever its blanks or comment), replaced otherwise; without one,
 * the line goes after the first 127.0.0.1 line, or first.
 */
const HOSTS_EDIT = `BEGIN { want = ENVIRON["BOSUN_LINE"]; nw = split(want, w); n = 0 }
{ l[++n] = $0 }
END {
  first = 0; loop = 0
  for (i = 1; i <= n; i++) {
    s = l[i]; sub(/#.*/, "", s); nf = split(s, f)
    if (!first && f[1] == "127.0.1.1") { first = i; same = nf == nw; for (k = 2; k <= nf && same; k++) same = (f[k] "") == (w[k] "") }
    if (!loop && f[1] == "127.0.0.1") loop = i
  }
  if (first && !same) l[first] = want
  if (!first && !loop) print want
  for (i = 1; i <= n; i++) { print l[i]; if (!first && i == loop) print want }
}`;

export function compileHostname(resource: HostnameResource): Step {
  knownKeys(resource, KEYS, 'hostname');
  const name = hostName(resource.name, 'hostname.name', 64);
  const where = `hostname(${name})`;
  const fqdn = resource.fqdn === undefined ? undefined : hostName(resource.fqdn, `${where}.fqdn`, 253);
  const hostsLine = `127.0.1.1\t${[fqdn, name].filter((n, i, all) => n !== undefined && all.indexOf(n) === i).join('\t')}`;
  const edit = { path: HOSTS, transform: sh`BOSUN_LINE=${hostsLine} awk ${HOSTS_EDIT}`, create: true };
  const fileOk = sh`printf '%s\\n' ${name} | cmp -s - ${HOSTNAME}`;
  const hostsOk = sh`[ -f ${HOSTS} ] && ${edit.transform} <${HOSTS} | cmp -s - ${HOSTS}`;
  const runningOk = sh`[ "$(uname -n)" = ${name} ]`;
  return {
    name: `hostname ${name}`,
    resource: 'hostname',
    ...commonFields(resource, where),
    check: lines(
      sh`if [ -d ${HOSTNAME} ] || [ -d ${HOSTS} ]; then _bosun_cannot ${`${HOSTNAME} or ${HOSTS} is a directory`}; fi`,
      sh`${fileOk} || exit 1`,
      code('# shellcheck disable=SC2094'),
      sh`${hostsOk} || exit 1`,
      runningOk,
    ),
    makes: [HOSTNAME, HOSTS],
    apply: lines(
      sh`if ! { ${fileOk}; }; then (`,
      writeAtomically(HOSTNAME, sh`printf '%s\\n' ${name} >"$_bosun_tmp"`, attributesApply(code('"$_bosun_tmp"'), HOSTNAME, {}, '644')),
      code(') || exit 1; fi'),
      code('# shellcheck disable=SC2094'),
      sh`if ! { ${hostsOk}; }; then (`,
      editApply(edit),
      code(') || exit 1; fi'),
      // The kernel's own name: `hostname` where there is one, else the kernel's file for it.
      sh`${runningOk} || if command -v hostname >/dev/null 2>&1; then hostname ${name}; else printf '%s\\n' ${name} >/proc/sys/kernel/hostname; fi`,
    ),
    diff: { path: 'hostname', sensitive: false, probe: diffProbe(name, edit.transform) },
  };
}

function hostName(value: unknown, field: string, max: number): string {
  const checked = text(value, field);
  if (!LABELS.test(checked) || checked.length > max) {
    throw new ValidationError(
      field,
      `is not a host name (dot-separated labels of letters, digits and inner hyphens, at most ${max} characters): ${JSON.stringify(checked)}`,
    );
  }
  return checked;
}

/** Check mode: the three places now, and as the apply would leave them, as two short texts. */
function diffProbe(name: string, hostsEdit: Shell): Shell {
  const first = code(`awk '{ s = $0; sub(/#.*/, "", s); split(s, f) } f[1] == "127.0.1.1" { print; exit }'`);
  return sh`if [ -f ${HOSTS} ]; then _bosun_src=${HOSTS}; else _bosun_src=/dev/null; fi
{ printf '/etc/hostname: %s\\n' "$(head -n 1 ${HOSTNAME} 2>/dev/null)"
  printf '/etc/hosts: %s\\n' "$(${first} "$_bosun_src")"
  printf 'running: %s\\n' "$(uname -n)"
} | head -c ${DIFF_CAP_BYTES} | _bosun_data before "$_bosun_step"
{ printf '/etc/hostname: %s\\n' ${name}
  printf '/etc/hosts: %s\\n' "$(${hostsEdit} <"$_bosun_src" | ${first})"
  printf 'running: %s\\n' ${name}
} | _bosun_data after "$_bosun_step"`;
}
