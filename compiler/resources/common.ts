import { type KeySet, oneLine, stringList } from '../validate.ts';

/** Fields every resource accepts. */
export interface CommonProps {
  /** Handlers to run (once, at the end) when this resource changes something. */
  readonly notify?: readonly string[];
  /** Tags for `--tags` selection. */
  readonly tags?: readonly string[];
  /**
   * Only on hosts run by one of these init systems, as the script probes it on the host
   * (`systemd` when systemd is PID 1, `upstart` when upstart is, `sysv` otherwise, a chroot
   * included). Elsewhere the resource is ok and changes nothing. Unset: every host.
   */
  readonly onInit?: readonly InitSystem[];
}

/** An init system the script tells apart on the host. */
export type InitSystem = 'systemd' | 'upstart' | 'sysv';

/** The notify/tags of a resource, checked. */
export function commonFields(props: CommonProps, where: string): { notify: string[]; tags: string[] } {
  const notify = props.notify === undefined ? [] : stringList(props.notify, `${where}.notify`);
  for (const [index, name] of notify.entries()) oneLine(name, `${where}.notify[${index}]`);
  return { notify, tags: props.tags === undefined ? [] : stringList(props.tags, `${where}.tags`) };
}

/** The keys of CommonProps, spread into each resource's `keysOf` record. */
export const COMMON_KEYS: KeySet<CommonProps> = { notify: true, tags: true, onInit: true };
