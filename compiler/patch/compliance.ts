import type { HostScan } from './host-scan.ts';

/**
 * A host's patch compliance in AWS Patch Manager's words: `compliant`, `missing` (patches
 * available and not installed), `installed-pending-reboot` (installed, but the host must
 * reboot for them to take effect), `failed` (the scan or the install failed).
 */
export type Compliance = 'compliant' | 'missing' | 'installed-pending-reboot' | 'failed';

/**
 * The compliance of a scanned host. With `securityOnly`, only security updates count as
 * missing (the baseline approves security updates only). A kernel newer than the running
 * one is pending a reboot even without /var/run/reboot-required.
 */
export function complianceOf(scan: HostScan, options: { readonly securityOnly?: boolean } = {}): Compliance {
  const missing = scan.updates.some((update) => options.securityOnly !== true || update.security);
  if (missing) return 'missing';
  if (scan.reboot.required || scan.kernel.runningNewest === false) return 'installed-pending-reboot';
  return 'compliant';
}
