import { quote, ValidationError } from '../../index.ts';
import type { ServiceUnitProps } from './index.ts';

/** A service description checked by the role: what the systemd and the upstart renderings both read. */
export type CheckedService = Omit<ServiceUnitProps, 'init' | 'state' | 'enabled'> & { readonly enabled: boolean; readonly where: string };

/**
 * The upstart job (/etc/init/NAME.conf) of a service, in the stanzas of upstart's init(5):
 * events, respawning, the process environment, then the processes. Every value that reaches a
 * shell (exec, pre-start, the env file) is quoted for sh; stanza arguments are refused where
 * upstart's parser would read them otherwise (a quote, a line break).
 */
export function upstartJob(service: CheckedService): string {
  const { where } = service;
  const out: string[] = ['# Managed by bosun (role service-unit): local changes will be overwritten.'];
  out.push(`description "${stanzaText(service.description ?? service.name, `${where}.description`)}"`);
  const requires = service.requires ?? [];
  if (requires.length === 0) {
    out.push(`start on ${event(service.upstart?.startOn ?? 'runlevel [2345]', `${where}.upstart.startOn`)}`);
    out.push(`stop on ${event(service.upstart?.stopOn ?? 'runlevel [!2345]', `${where}.upstart.stopOn`)}`);
  } else {
    if (service.upstart?.startOn !== undefined || service.upstart?.stopOn !== undefined)
      throw new ValidationError(
        `${where}.upstart.startOn`,
        'a service that requires others starts and stops with them: give requires or startOn/stopOn',
      );
    out.push(
      `start on ${combined(
        requires.map((name) => `started ${name}`),
        'and',
      )}`,
    );
    out.push(
      `stop on ${combined(
        requires.map((name) => `stopping ${name}`),
        'or',
      )}`,
    );
  }
  if (!service.enabled) out.push('manual');
  if ((service.restart ?? 'always') !== 'no') {
    out.push('respawn');
    if (service.restartLimit !== undefined) out.push(`respawn limit ${service.restartLimit.count} ${service.restartLimit.seconds}`);
  }
  if (service.forks !== undefined) out.push(`expect ${service.forks.expect}`);
  const setuid = service.upstart?.setuid ?? true;
  if (setuid && service.user !== undefined) out.push(`setuid ${service.user}`);
  if (setuid && service.group !== undefined) out.push(`setgid ${service.group}`);
  if (service.workingDirectory !== undefined) out.push(`chdir ${plainPath(service.workingDirectory, `${where}.workingDirectory`)}`);
  if (service.umask !== undefined) out.push(`umask ${service.umask}`);
  if (service.openFiles !== undefined) out.push(`limit nofile ${service.openFiles} ${service.openFiles}`);
  out.push(`console ${service.upstart?.console ?? 'log'}`);
  for (const [key, value] of Object.entries(service.environment ?? {}))
    out.push(`env ${key}="${stanzaText(value, `${where}.environment.${key}`)}"`);
  if (service.preStart !== undefined && service.preStart.length > 0) {
    out.push('pre-start script', ...service.preStart.map((command, i) => `  ${words(command, `${where}.preStart[${i}]`)}`), 'end script');
  }
  const program =
    !setuid && service.user !== undefined
      ? ['/usr/bin/sudo', '-u', service.user, ...(service.group === undefined ? [] : ['-g', service.group]), '--', ...service.command]
      : service.command;
  const exec = `exec ${words(program, `${where}.command`)}`;
  if (service.environmentFile === undefined) out.push(exec);
  else out.push('script', '  set -a', `  . ${quote(service.environmentFile)}`, '  set +a', `  ${exec}`, 'end script');
  return `${out.join('\n')}\n`;
}

/** `A and B`, parenthesised when there are several (init(5): `start on (A and B C=D and E F=G)`). */
function combined(events: readonly string[], operator: 'and' | 'or'): string {
  return events.length === 1 ? events[0]! : `(${events.join(` ${operator} `)})`;
}

/** A command line for sh: each word quoted, so upstart hands it to the shell as the words given. */
function words(command: readonly string[], field: string): string {
  return command.map((word, i) => quote(word, `${field}[${i}]`)).join(' ');
}

/** Text inside a double-quoted stanza argument: one line, no quote or backslash (upstart would read them). */
function stanzaText(value: string, field: string): string {
  if (/["\\\r\n]/.test(value)) throw new ValidationError(field, 'must be one line without " or \\ (upstart reads them in a stanza)');
  return value;
}

/** An event expression as written in a start on / stop on stanza: one line, no comment. */
function event(value: string, field: string): string {
  if (/[\r\n#]/.test(value) || value.trim() === '') throw new ValidationError(field, 'must be one event expression on one line (no #)');
  return value;
}

function plainPath(value: string, field: string): string {
  if (/[\s"'\\#]/.test(value)) throw new ValidationError(field, 'must be a path without blanks, quotes, backslashes or #');
  return value;
}
