import { quote } from '../../index.ts';

/** What the metrics script is written with, each value checked by the role. */
export interface MetricsScriptSettings {
  readonly namespace: string;
  readonly region: string | undefined;
  readonly instanceId: string | undefined;
  readonly paths: readonly string[];
  readonly endpointUrl: string | undefined;
}

/**
 * The custom-metrics job of reference 000 (AWS's monitoring scripts: memory and disk use every
 * five minutes), as a POSIX sh script over the host's aws CLI: MemoryUtilization from
 * /proc/meminfo (MemAvailable), and DiskSpaceUtilization of each path, with the dimensions those
 * scripts used (InstanceId; Filesystem and MountPath for disks). The instance and its region come
 * from the instance metadata service (IMDSv2) unless given.
 */
export function metricsScript(settings: MetricsScriptSettings): string {
  return `#!/bin/sh
# Managed by bosun (role cloudwatch): memory and disk use sent to CloudWatch.
set -eu
namespace=${quote(settings.namespace)}
region=${quote(settings.region ?? '')}
instance=${quote(settings.instanceId ?? '')}
endpoint=${quote(settings.endpointUrl ?? '')}
metadata() {
  token=$(curl -fsS -m 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)
  curl -fsS -m 5 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}
[ -n "$instance" ] || instance=$(metadata instance-id)
[ -n "$region" ] || region=$(metadata placement/region)
put() {
  if [ -n "$endpoint" ]; then set -- --endpoint-url "$endpoint" "$@"; fi
  aws cloudwatch put-metric-data --region "$region" --namespace "$namespace" --unit Percent "$@"
}
memory=$(awk '/^MemTotal:/ { total = $2 } /^MemAvailable:/ { free = $2 } END { if (total > 0) printf "%.2f", (total - free) * 100 / total }' /proc/meminfo)
[ -n "$memory" ] || { echo "cloudwatch metrics: no MemTotal/MemAvailable in /proc/meminfo" >&2; exit 1; }
put --metric-name MemoryUtilization --value "$memory" --dimensions "InstanceId=$instance"
set -- ${settings.paths.map((path) => quote(path)).join(' ')}
for path do
  # df -P: the file system, its use in percent of what is usable, and the mount point.
  df -P "$path" | awk 'NR == 2 { printf "%s %.2f %s\\n", $1, $3 * 100 / ($3 + $4), $6 }' | {
    read -r filesystem used mount
    put --metric-name DiskSpaceUtilization --value "$used" --dimensions "InstanceId=$instance,Filesystem=$filesystem,MountPath=$mount"
  }
done
`;
}
