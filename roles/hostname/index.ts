// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import { handler, hostname as hostnameResource, keysOf, knownKeys, type Role, service, stringList, ValidationError } from '../../index.ts';

/**
 * A host renamed as the clone procedure of the support site does it (a clone of `support`
 * becomes `supporttest`): the new name in /etc/hostname and on the 127.0.1.1 line of
 * /etc/hosts, set on the running host too, so that it persists after a reboot without
 * `sudo hostname` by hand; the services that read the name at start are restarted when it changes.
 */
export interface HostnameProps {
  /** The new name, e.g. `supporttest` (RFC 1123 labels, at most 64 characters). */
  readonly name: string;
  /** The fully qualified name, first on the 127.0.1.1 line: `supporttest.bioconductor.org`. Unset: the name alone. */
  readonly fqdn?: string;
  /** Services restarted after a rename, e.g. `['apache2', 'postgresql']` (the procedure checks both after its reboot). Default none. */
  readonly restart?: readonly string[];
}

const KEYS = keysOf<HostnameProps>({ name: true, fqdn: true, restart: true });
const SERVICE = /^[A-Za-z0-9][A-Za-z0-9@._:-]*$/;

/** The host's name, everywhere it lives, with the services that read it restarted on a change. */
export function hostname(props: HostnameProps): Role {
  const where = 'hostname';
  knownKeys(props, KEYS, where);
  const restart = props.restart === undefined ? [] : stringList(props.restart, `${where}.restart`);
  restart.forEach((name, i) => {
    if (!SERVICE.test(name)) throw new ValidationError(`${where}.restart[${i}]`, `is not a service name: ${JSON.stringify(name)}`);
    if (restart.indexOf(name) !== i) throw new ValidationError(`${where}.restart[${i}]`, `${JSON.stringify(name)} is given twice`);
  });
  const notify = restart.map((name) => `restart ${name} (renamed)`);
  return {
    name: 'hostname',
    tags: ['hostname'],
    resources: [
      hostnameResource({
        name: props.name,
        ...(props.fqdn !== undefined && { fqdn: props.fqdn }),
        ...(notify.length > 0 && { notify }),
      }),
    ],
    handlers: restart.map((name, i) => handler(notify[i]!, service({ name, state: 'restarted' }))),
  };
}
