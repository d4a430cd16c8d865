import { definePlaybook, type Host, hostText, ValidationError } from '../index.ts';
import { solr } from '../roles/solr/index.ts';

/**
 * The Solr of reference 000's master host, done the "more permanent" way: the release under
 * /opt, its data under /var/solr for the solr user, a systemd unit; the old install in
 * /home/webadmin and its @reboot crontab line removed when `solr_remove_old` is true.
 *
 * Variables (inventory or `-e`): `solr_version` (default 9.4.0); `solr_sha512`, the release's
 * checksum from Apache (the host downloads it), or `solr_archive`, a .tgz on the controller;
 * `solr_port` (8983); `solr_heap`; `solr_jetty_host` (the address it listens on: Solr 9
 * listens on 127.0.0.1 only by default); `solr_packages` (default a Java runtime and lsof);
 * `solr_old_install` (default /home/webadmin/solr-5.2.1), `solr_old_crontab_user` (webadmin).
 */
export default definePlaybook({
  name: 'solr',
  plays: [{ name: 'solr', hosts: 'all', become: true, roles: (host) => [solr(solrProps(host))] }],
});

function solrProps(host: Host): Parameters<typeof solr>[0] {
  const vars = host.vars;
  const version = (hostText(host, 'solr_version') ?? '9.4.0') as `${number}.${number}.${number}`;
  const archive = hostText(host, 'solr_archive');
  const sha512 = hostText(host, 'solr_sha512');
  if (archive === undefined && sha512 === undefined)
    throw new ValidationError(
      'solr_sha512',
      `host ${host.name}: give solr_sha512 (the release's checksum from Apache) or solr_archive (a .tgz on the controller)`,
    );
  const packages = vars.solr_packages;
  if (packages !== undefined && !(Array.isArray(packages) || typeof packages === 'string'))
    throw new ValidationError('solr_packages', 'must be a list of package names (or one, comma-separated)');
  const removeOld = vars.solr_remove_old === true || vars.solr_remove_old === 'true';
  const port = hostText(host, 'solr_port');
  const heap = hostText(host, 'solr_heap');
  const jettyHost = hostText(host, 'solr_jetty_host');
  return {
    version,
    ...(archive !== undefined ? { archive: archive as `/${string}` } : { sha512: sha512! }),
    ...(port !== undefined && { port: Number(port) }),
    ...(heap !== undefined && { heap }),
    ...(jettyHost !== undefined && { settings: { SOLR_JETTY_HOST: jettyHost } }),
    ...(packages !== undefined && { packages: typeof packages === 'string' ? packages.split(',') : (packages as string[]) }),
    ...(removeOld && {
      removeOld: {
        path: (hostText(host, 'solr_old_install') ?? '/home/webadmin/solr-5.2.1') as `/${string}`,
        crontabUser: hostText(host, 'solr_old_crontab_user') ?? 'webadmin',
      },
    }),
  } as Parameters<typeof solr>[0];
}
