import { definePlaybook } from '../index.ts';
import { unattendedUpgrades } from '../roles/unattended-upgrades/index.ts';

/** What every host gets: automatic security updates, configured as the EC2 update procedure says. */
export default definePlaybook({
  name: 'baseline',
  plays: [
    {
      name: 'baseline',
      hosts: 'all',
      become: true,
      roles: [unattendedUpgrades()],
    },
  ],
});
