import { ValidationError } from '../errors.ts';
import { DIFF_CAP_BYTES } from '../protocol.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { identifier, keysOf, knownKeys, oneLine } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { writeAtomically } from './file.ts';

/**
 * Kernel parameters, both kept and live: a file of bosun's own under /etc/sysctl.d (read
 * at boot by systemd-sysctl or procps) and the running kernel's values, set through
 * /proc/sys. The check compares both. A parameter this kernel does not have, or one it
 * will not let this host change (a container's read-only /proc/sys), makes the step fail
 * in check mode too, saying which. Files in /etc/sysctl.d are read in name order and a
 * later one wins at boot: choose `name` accordingly.
 */
export interface SysctlProps extends CommonProps {
  /** The file's name under /etc/sysctl.d, without `.conf`: `60-redis` is /etc/sysctl.d/60-redis.conf. */
  readonly name: string;
  /**
   * Each parameter and its value, as sysctl names them: `{ 'vm.overcommit_memory': 1,
   * 'net.ipv4.ip_local_port_range': '32768 60999' }`. Inside a dotted name a `/` stands for a
   * dot of a component (an interface `eth0.100`: `net.ipv4.conf.eth0/100.rp_filter`), as in
   * sysctl.d(5). A value is one line without leading or trailing blanks; a list of numbers
   * compares equal whatever blanks separate them (the kernel prints tabs).
   */
  readonly settings: Readonly<Record<string, string | number>>;
}

export interface SysctlResource extends SysctlProps {
  readonly type: 'sysctl';
}

/** Declares kernel parameters, persisted in /etc/sysctl.d/NAME.conf and set live. */
export function sysctl(props: SysctlProps): SysctlResource {
  return { type: 'sysctl', ...props };
}

const KEYS = keysOf<SysctlResource>({ type: true, name: true, settings: true, ...COMMON_KEYS });
const DIR = '/etc/sysctl.d';
const FILE_NAME = /^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*$/;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_/-]*)+$/;
const NUMBERS = /^-?[0-9]+([ \t]+-?[0-9]+)*$/;

/** One parameter, checked: its name, the file under /proc/sys, its value and how it compares. */
interface Setting {
  readonly key: string;
  readonly proc: string;
  readonly value: string;
  /** The live value as read, normalized (numbers separated by one space) when the value is a list of numbers. */
  readonly live: Shell;
  readonly wanted: string;
}

export function compileSysctl(resource: SysctlResource): Step {
  knownKeys(resource, KEYS, 'sysctl');
  const name = identifier(resource.name, 'sysctl.name', FILE_NAME, 'file name under /etc/sysctl.d (letters, digits, _ . @ + -)');
  const where = `sysctl(${name})`;
  if (name.endsWith('.conf')) throw new ValidationError(`${where}.name`, 'is given without .conf (bosun adds it)');
  const settings = settingsOf(resource.settings, `${where}.settings`);
  const path = `${DIR}/${name}.conf`;
  const content = `# Managed by bosun.\n${settings.map((s) => `${s.key} = ${s.value}\n`).join('')}`;
  const fileOk = sh`[ -f ${path} ] && [ ! -L ${path} ] && printf '%s' ${content} | cmp -s - ${path}`;
  const liveOk = (s: Setting): Shell => sh`[ "$(${s.live})" = ${s.wanted} ]`;
  return {
    name: `sysctl ${name}: ${settings.map((s) => `${s.key}=${s.value}`).join(' ')}`,
    resource: 'sysctl',
    ...commonFields(resource, where),
    check: lines(
      sh`if [ -e ${DIR} ] && [ ! -d ${DIR} ]; then _bosun_cannot ${`${DIR} is not a directory`}; fi`,
      ...settings.map(
        (s) =>
          sh`[ -e ${s.proc} ] || _bosun_cannot ${`${where}: this kernel has no parameter ${s.key} (${s.proc})`}
${liveOk(s)} || [ -w ${s.proc} ] || _bosun_cannot ${`${where}: ${s.key} cannot be changed on this host (${s.proc} is read-only, as in a container)`}`,
      ),
      sh`${fileOk} || exit 1`,
      ...settings.map((s) => sh`${liveOk(s)} || exit 1`),
    ),
    makes: [DIR, path],
    // Live values first: the kernel refusing one is the validation, and then no file keeps it for the next boot.
    apply: lines(
      ...settings.map(
        (s) =>
          sh`${liveOk(s)} || printf '%s\\n' ${s.value} >${s.proc} || { printf 'bosun: the kernel refused %s = %s\\n' ${s.key} ${s.value} >&2; exit 1; }`,
      ),
      sh`if ! { ${fileOk}; }; then`,
      sh`[ -d ${DIR} ] || mkdir -p ${DIR} || exit 1`,
      writeAtomically(path, sh`printf '%s' ${content} >"$_bosun_tmp"`, code('chmod 644 "$_bosun_tmp" || exit 1')),
      code('fi'),
    ),
    diff: {
      path,
      sensitive: false,
      desired: `${content}${liveLines(settings.map((s) => [s.key, s.wanted]))}`,
      probe: diffProbe(path, settings),
    },
  };
}

/** The settings checked: names by their grammar, values one line without outer blanks, in the file's order. */
function settingsOf(given: unknown, field: string): Setting[] {
  const record = knownKeys(given, Object.keys((given ?? {}) as object), field);
  const entries = Object.entries(record);
  if (entries.length === 0) throw new ValidationError(field, 'must set at least one parameter');
  return entries.map(([key, raw]) => {
    const at = `${field}.${key}`;
    if (!KEY.test(key)) throw new ValidationError(at, `is not a kernel parameter name like net.ipv4.ip_forward: ${JSON.stringify(key)}`);
    const value = settingValue(raw, at);
    // sysctl.d(5): in a dotted name, dots and slashes trade places on the way to /proc/sys.
    const proc = `/proc/sys/${key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))}`;
    const numbers = NUMBERS.test(value);
    return {
      key,
      proc,
      value,
      live: numbers ? sh`tr -s '[:blank:]' ' ' <${proc}` : sh`cat ${proc}`,
      wanted: numbers ? value.split(/[ \t]+/).join(' ') : value,
    };
  });
}

function settingValue(raw: unknown, field: string): string {
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) throw new ValidationError(field, `must be a whole number or a string, got ${raw}`);
    return String(raw);
  }
  const value = oneLine(raw, field);
  if (value === '') throw new ValidationError(field, 'must not be empty');
  if (/^[ \t]|[ \t]$/.test(value)) throw new ValidationError(field, 'must not start or end with a blank (sysctl.d drops them)');
  return value;
}

/** The live values, as lines under the file's content in a diff. */
function liveLines(values: readonly (readonly [string, string])[]): string {
  return values.map(([key, value]) => `# live value: ${key} = ${value}\n`).join('');
}

/** Check mode: the current file and live values, as one text to diff against the wanted ones. */
function diffProbe(path: string, settings: readonly Setting[]): Shell {
  return sh`{ if [ -f ${path} ]; then cat ${path}; fi
${lines(...settings.map((s) => sh`printf '# live value: %s = %s\\n' ${s.key} "$(${s.live} 2>/dev/null)"`))}
} | head -c ${DIFF_CAP_BYTES} | _bosun_data before "$_bosun_step"`;
}
