// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  type AbsolutePath,
  absolutePath,
  cron,
  file,
  keysOf,
  knownKeys,
  oneLine,
  oneOf,
  packages,
  type Resource,
  type Role,
  stringList,
  ValidationError,
} from '../../index.ts';
import { metricsScript } from './metrics-script.ts';

export { metricsScript } from './metrics-script.ts';

/**
 * The custom metrics of reference 000 ("Alarms and metrics for new instances"): memory and disk
 * use sent to CloudWatch every five minutes by a script (/usr/local/bin/cloudwatch-metrics) that
 * an /etc/cron.d entry runs, through the host's aws CLI. The instance's credentials come from its
 * instance profile (cloudwatch:PutMetricData). The StatusCheckFailed alarm of each instance is the
 * controller's part: `bosun alarms` (docs/cloudwatch.md).
 */
export interface CloudwatchMetricsProps {
  /** The metrics' namespace (default `System/Linux`, where AWS's monitoring scripts put them). */
  readonly namespace?: string;
  /** The region the metrics go to. Default: the instance's own, from the instance metadata service. */
  readonly region?: string;
  /** The instance the metrics are of (the InstanceId dimension). Default: from the instance metadata service. */
  readonly instanceId?: string;
  /** The mount points whose disk use is sent (default `/`). */
  readonly paths?: readonly AbsolutePath[];
  /** Minutes between runs (default 5, as the reference). Divides 60. */
  readonly everyMinutes?: 1 | 2 | 3 | 4 | 5 | 6 | 10 | 12 | 15 | 20 | 30;
  /** The user cron runs the script as (default root; any user the instance profile's credentials reach). */
  readonly user?: string;
  /** CloudWatch's endpoint, for a VPC endpoint (or a test server). Default: the region's. */
  readonly endpointUrl?: string;
  /** Packages the script needs (default `awscli`, `curl` for the metadata service, and `cron`); [] installs none. */
  readonly packages?: readonly string[];
  /** The job is there (default) or removed with its script (`absent`). */
  readonly state?: 'present' | 'absent';
}

const KEYS = keysOf<CloudwatchMetricsProps>({
  namespace: true,
  region: true,
  instanceId: true,
  paths: true,
  everyMinutes: true,
  user: true,
  endpointUrl: true,
  packages: true,
  state: true,
});
export const SCRIPT_PATH = '/usr/local/bin/cloudwatch-metrics';
const EVERY = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];

/** Memory and disk use of the host sent to CloudWatch on a schedule. */
export function cloudwatchMetrics(props: CloudwatchMetricsProps = {}): Role {
  const where = 'cloudwatchMetrics';
  knownKeys(props, KEYS, where);
  const state = oneOf(props.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  const matching = (value: string | undefined, field: string, pattern: RegExp, what: string): string | undefined => {
    if (value === undefined) return undefined;
    const checked = oneLine(value, `${where}.${field}`);
    if (!pattern.test(checked)) throw new ValidationError(`${where}.${field}`, `is not ${what}: ${JSON.stringify(checked)}`);
    return checked;
  };
  const paths = (props.paths ?? ['/']).map((path, i) => {
    const checked = absolutePath(path, `${where}.paths[${i}]`);
    // The path becomes a dimension value of `--dimensions Name=Value,…`: no comma, no blank.
    if (/[\s,=]/.test(checked)) throw new ValidationError(`${where}.paths[${i}]`, 'must not contain blanks, commas or =');
    return checked;
  });
  if (paths.length === 0) throw new ValidationError(`${where}.paths`, 'must list at least one mount point');
  const every = props.everyMinutes ?? 5;
  if (!EVERY.includes(every))
    throw new ValidationError(`${where}.everyMinutes`, `must divide 60 (${EVERY.join(', ')}), got ${JSON.stringify(every)}`);
  const user = matching(props.user, 'user', /^[a-z_][a-z0-9_-]{0,31}$/, 'a user name') ?? 'root';
  const script = metricsScript({
    namespace: matching(props.namespace ?? 'System/Linux', 'namespace', /^[^:][^\r\n]{0,254}$/, 'a CloudWatch namespace')!,
    region: matching(props.region, 'region', /^[a-z]{2}(-[a-z]+)+-[0-9]+$/, 'a region like us-east-1'),
    instanceId: matching(props.instanceId, 'instanceId', /^i-[0-9a-f]{8,17}$/, 'an instance id like i-0123456789abcdef0'),
    paths,
    endpointUrl: matching(props.endpointUrl, 'endpointUrl', /^https?:\/\/[^\s]+$/, 'an http(s) URL'),
  });
  const names = stringList(props.packages ?? ['awscli', 'curl', 'cron'], `${where}.packages`);
  const job = { file: 'cloudwatch-metrics', user, schedule: { minute: `*/${every}` } };
  // cron mails what a job prints; the script's complaints go to syslog instead, where the reference looked.
  const commandLine = `${SCRIPT_PATH} 2>&1 | logger -t cloudwatch-metrics`;
  const resources: Resource[] =
    state === 'present'
      ? [
          ...(names.length > 0 ? [packages({ names: names as [string, ...string[]] })] : []),
          file({ path: SCRIPT_PATH, content: script, mode: '0755', owner: 'root', group: 'root' }),
          cron({ ...job, command: commandLine }),
        ]
      : [cron({ ...job, command: commandLine, state: 'absent' }), { type: 'absent', path: SCRIPT_PATH }];
  return { name: 'cloudwatch-metrics', tags: ['cloudwatch'], resources };
}
