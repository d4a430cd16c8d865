// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  type AbsolutePath,
  directory,
  file,
  keysOf,
  knownKeys,
  oneLine,
  oneOf,
  packages,
  type Role,
  ValidationError,
  wholeNumber,
} from '../../index.ts';

/**
 * Parameters of the unattended-upgrades role. Every default is the value of the
 * operations procedure it replaces: security and stable updates from the
 * distribution's own archive, lists refreshed weekly, no reboot, no autoremove.
 */
export interface UnattendedUpgradesProps {
  /**
   * Origins-Pattern entries. Default: the host's own distribution and codename,
   * resolved on the host by unattended-upgrades (`${distro_codename}`), for Debian
   * (main and security) and Ubuntu (release, security, ESM) archives.
   */
  readonly origins?: readonly string[];
  /** APT::Periodic::Update-Package-Lists, in days (0 disables). Default 7. */
  readonly updatePackageListsDays?: number;
  /** APT::Periodic::Unattended-Upgrade, in days (0 disables). Default 1. */
  readonly unattendedUpgradeDays?: number;
  /** Reboot by itself when an upgrade asks for it. Default false: reboots are planned by people. */
  readonly automaticReboot?: boolean;
  /** When an automatic reboot happens (HH:MM). Default "02:00". */
  readonly automaticRebootTime?: `${number}:${number}`;
  /** Remove dependencies no longer needed after an upgrade. Default false. */
  readonly removeUnusedDependencies?: boolean;
  /** Where unattended-upgrades logs. Default /var/log/unattended-upgrades. */
  readonly logDir?: AbsolutePath;
  /** How many rotated logs to keep. Default 4. */
  readonly logRotate?: number;
  /** How often logs rotate. Default monthly. */
  readonly logRotateFrequency?: 'daily' | 'weekly' | 'monthly';
  /** Refresh package lists before installing the packages. Default true (a fresh image may have none). */
  readonly updateCache?: boolean;
}

/** The default Origins-Pattern: each entry only matches its own distribution's archive. */
export const DEFAULT_ORIGINS: readonly string[] = [
  'origin=Debian,codename=${distro_codename},label=Debian',
  'origin=Debian,codename=${distro_codename},label=Debian-Security',
  'origin=Debian,codename=${distro_codename}-security,label=Debian-Security',
  'o=Ubuntu,a=${distro_codename}',
  'o=Ubuntu,a=${distro_codename}-security',
  'o=UbuntuESM,a=${distro_codename}',
];

const KEYS = keysOf<UnattendedUpgradesProps>({
  origins: true,
  updatePackageListsDays: true,
  unattendedUpgradeDays: true,
  automaticReboot: true,
  automaticRebootTime: true,
  removeUnusedDependencies: true,
  logDir: true,
  logRotate: true,
  logRotateFrequency: true,
  updateCache: true,
});

/** Automatic security updates with unattended-upgrades, as in the EC2 update procedure. */
export function unattendedUpgrades(props: UnattendedUpgradesProps = {}): Role {
  const where = 'unattendedUpgrades';
  knownKeys(props, KEYS, where);
  const origins = (props.origins ?? DEFAULT_ORIGINS).map((origin, i) => aptString(origin, `${where}.origins[${i}]`));
  const days = (value: number | undefined, fallback: number, field: string): number => wholeNumber(value ?? fallback, `${where}.${field}`);
  const logDir = (props.logDir ?? '/var/log/unattended-upgrades').replace(/\/+$/, '') as AbsolutePath;
  const reboot = props.automaticReboot ?? false;
  const rebootTime = props.automaticRebootTime ?? '02:00';
  if (!/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/.test(rebootTime))
    throw new ValidationError(`${where}.automaticRebootTime`, `must be HH:MM, got ${JSON.stringify(rebootTime)}`);
  const frequency = oneOf(props.logRotateFrequency ?? 'monthly', `${where}.logRotateFrequency`, ['daily', 'weekly', 'monthly'] as const);
  const bool = (value: boolean): string => (value ? 'true' : 'false');

  const unattended = [
    '// Managed by bosun (role unattended-upgrades): local changes will be overwritten.',
    'Unattended-Upgrade::Origins-Pattern {',
    ...origins.map((origin) => `        "${origin}";`),
    '};',
    `Unattended-Upgrade::Remove-Unused-Dependencies "${bool(props.removeUnusedDependencies ?? false)}";`,
    `Unattended-Upgrade::Remove-Unused-Kernel-Packages "${bool(props.removeUnusedDependencies ?? false)}";`,
    `Unattended-Upgrade::Automatic-Reboot "${bool(reboot)}";`,
    ...(reboot ? [`Unattended-Upgrade::Automatic-Reboot-Time "${rebootTime}";`] : []),
    '',
  ].join('\n');
  const periodic = [
    '// Managed by bosun (role unattended-upgrades).',
    '// Do "apt-get update" automatically every n-days (0 = disable)',
    `APT::Periodic::Update-Package-Lists "${days(props.updatePackageListsDays, 7, 'updatePackageListsDays')}";`,
    '// Do "apt-get upgrade" automatically every n-days (0 = disable)',
    `APT::Periodic::Unattended-Upgrade "${days(props.unattendedUpgradeDays, 1, 'unattendedUpgradeDays')}";`,
    '',
  ].join('\n');
  const logrotate = [
    `${logDir}/unattended-upgrades.log`,
    `${logDir}/unattended-upgrades-dpkg.log`,
    `${logDir}/unattended-upgrades-shutdown.log`,
    '{',
    `  rotate ${wholeNumber(props.logRotate ?? 4, `${where}.logRotate`)}`,
    `  ${frequency}`,
    '  compress',
    '  missingok',
    '  notifempty',
    '}',
    '',
  ].join('\n');

  return {
    name: 'unattended-upgrades',
    tags: ['unattended-upgrades'],
    resources: [
      packages({ names: ['unattended-upgrades', 'logrotate'], updateCache: props.updateCache ?? true }),
      file({ path: '/etc/apt/apt.conf.d/50unattended-upgrades', content: unattended, mode: '0644', owner: 'root', group: 'root' }),
      file({ path: '/etc/apt/apt.conf.d/20auto-upgrades', content: periodic, mode: '0644', owner: 'root', group: 'root' }),
      directory({ path: logDir, mode: '0755', owner: 'root', group: 'root' }),
      file({
        path: '/etc/logrotate.d/unattended-upgrades',
        content: logrotate,
        mode: '0644',
        owner: 'root',
        group: 'root',
        validate: ['logrotate', '-d', '%s'],
      }),
    ],
  };
}

/** A value inside an apt.conf string: one line, no double quote (apt.conf has no escapes). */
function aptString(value: string, field: string): string {
  const checked = oneLine(value, field);
  if (checked.includes('"')) throw new ValidationError(field, 'must not contain a double quote (apt.conf strings cannot escape it)');
  return checked;
}
