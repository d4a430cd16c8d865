import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventories } from '../../../inventory/index.ts';
import { listOutput } from '../../../inventory/output.ts';
import { withAwsEnv } from '../../support/ec2-env.ts';
import { type LaunchedInstance, MOTO_KEYS, MotoServer, motoPython } from '../../support/moto.ts';
import { patience } from '../../support/patience.ts';

// Debian's `ansible` package: ansible-core's code and the collections it bundles (amazon.aws among them).
const DIST = '/usr/lib/python3/dist-packages';
const COLLECTION = join(DIST, 'ansible_collections/amazon/aws/plugins/inventory/aws_ec2.py');

/** One file, read by both: nothing in it is bosun's own (the endpoint comes from AWS_ENDPOINT_URL_EC2, which both honour). */
const CONFIG = `plugin: amazon.aws.aws_ec2
regions: [us-east-1, eu-west-1]
hostnames:
  - tag:Role=db
  - tag:Name
  - name: private-ip-address
    prefix: tag:Alias
    separator: '-'
  - dns-name
compose:
  role: tags.Role | default('none') | lower
  size: instance_type.split('.')[1]
  code: state.code
  first_sg: security_groups[0].group_name
  launch_index: ami_launch_index
groups:
  production: tags.Env is defined and tags.Env == 'prod'
  named_web: "'web' in (tags.Name | default(''))"
  large: size == 'large'
  "1st:group": "role == 'web'"
keyed_groups:
  - key: tags
    prefix: tag
  - key: role
    prefix: role
    parent_group: "{{ 'ro' ~ 'les' }}"
  - key: placement.region
    prefix: aws_region
  - key: instance_type | regex_replace('\\\\.', '_')
    prefix: type
  - key: tags.Env | default('')
    default_value: none
    prefix: env
`;

/**
 * Where bosun means to differ from Ansible's aws_ec2 (docs/migrating-from-ansible.md):
 * - duplicate names: Ansible merges instances that get the same name into one host (the
 *   last by instance id wins each variable); bosun keeps them apart, the one launched first
 *   keeping the name and each other named NAME_INSTANCEID;
 * - bosun adds `volume_ids` and `ebs_snapshot_schedule` to the instance's variables.
 */
const BOSUN_ONLY_VARS = new Set(['volume_ids', 'ebs_snapshot_schedule']);

type Listing = Record<string, { hosts?: string[]; children?: string[] }> & {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
};

describe('inventory/ec2: the same hosts, groups and variables as Ansible’s amazon.aws.aws_ec2 on the same moto @integration', function () {
  this.timeout(patience(300_000));
  let moto: MotoServer;
  let home: string;
  let launched: LaunchedInstance[];
  let theirs: Listing;
  let ours: Listing;

  before(async () => {
    if (!existsSync(COLLECTION))
      throw new Error(`Debian's ansible package is not installed (${COLLECTION} is missing): .ci/run installs it`);
    moto = await MotoServer.start();
    launched = moto.launch([
      // Two instances take the same Name; the first is launched first.
      { region: 'us-east-1', tags: { Name: 'web-1', Role: 'web', Env: 'prod', 'scheduler:ebs-snapshot': 'daily 03:00' } },
      { region: 'us-east-1', tags: { Name: 'web-1', Role: 'web', Env: 'prod' }, instanceType: 'm5.large' },
      { region: 'us-east-1', tags: { Name: 'app:blue', Role: 'Web', Rôle: 'wéb', 'cost:centre': 'ÉQUIPE 7' } },
      { region: 'us-east-1', tags: { Name: 'db-1', Role: 'db', Env: 'prod' } },
      { region: 'us-east-1', tags: { Alias: 'cache', Env: 'staging' }, stopped: true },
      { region: 'us-east-1', tags: { Name: 'gone', Role: 'web' }, terminated: true },
      { region: 'eu-west-1', tags: { Name: '東京-1', Role: 'worker' } },
      { region: 'eu-west-1' },
    ]);
    home = mkdtempSync(join(tmpdir(), 'bosun-ansible-ec2-'));
    const file = join(home, 'fleet.aws_ec2.yml');
    writeFileSync(file, CONFIG);
    writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
    // Ansible runs under the Python that has a current boto3 (Debian's ansible-core has none):
    // only ansible and its collections come from Debian's dist-packages.
    const path = join(home, 'python');
    mkdirSync(path);
    for (const name of ['ansible', 'ansible_collections']) symlinkSync(join(DIST, name), join(path, name));
    const python = motoPython()!;
    const aws = {
      AWS_ACCESS_KEY_ID: MOTO_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_KEYS.secretAccessKey,
      AWS_CONFIG_FILE: '/nonexistent/bosun-test/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bosun-test/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_EC2: moto.url,
    };
    const [ansible, bosun] = await Promise.all([
      execa(python, ['/usr/bin/ansible-inventory', '-i', file, '--list'], {
        env: {
          ...aws,
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          PYTHONPATH: path,
          ANSIBLE_CONFIG: join(home, 'ansible.cfg'),
          ANSIBLE_HOME: home,
          ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
          ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
          ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'true',
          ANSIBLE_NOCOLOR: '1',
        },
        extendEnv: false,
        reject: false,
      }),
      withAwsEnv(MOTO_KEYS, async () => {
        process.env.AWS_ENDPOINT_URL_EC2 = moto.url;
        return listOutput(await loadInventories([file], {}));
      }),
    ]);
    if (ansible.exitCode !== 0) throw new Error(`ansible-inventory failed (${ansible.exitCode}): ${ansible.stderr}`);
    theirs = JSON.parse(ansible.stdout) as Listing;
    ours = JSON.parse(JSON.stringify(bosun)) as Listing;
  });
  after(async () => {
    await moto?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  const [first, second] = [0, 1];
  /** The duplicate bosun names NAME_INSTANCEID, and the instance Ansible's merged `web-1` shows. */
  const twins = () => {
    const [a, b] = [launched[first]!, launched[second]!];
    const kept = Date.parse(a.launchTime) < Date.parse(b.launchTime) || (a.launchTime === b.launchTime && a.id < b.id) ? a : b;
    const renamed = kept === a ? b : a;
    const lastById = a.id > b.id ? a : b;
    return { kept, renamed, renamedName: `web-1_${renamed.id}`, lastById };
  };

  it('lists the same hosts, but for the duplicate bosun keeps apart', () => {
    const { renamedName } = twins();
    const theirHosts = Object.keys(theirs._meta.hostvars).sort();
    const ourHosts = Object.keys(ours._meta.hostvars).filter((h) => h !== renamedName);
    expect(ourHosts.sort()).to.deep.equal(theirHosts);
    // The names Ansible gives: tag:Role=db → Role_db; `:` sanitised; the dict form; the public DNS fallback.
    expect(theirHosts).to.include.members(['Role_db', 'app_blue', 'web-1', '東京-1']);
    expect(theirHosts.some((h) => h.startsWith('cache-'))).to.equal(true);
    expect(theirHosts).to.not.include('gone');
  });

  it('puts them in the same groups, with the same children (the duplicate counted as Ansible merges it)', () => {
    const { renamedName } = twins();
    const groups = (listing: Listing, merge?: string) =>
      Object.fromEntries(
        Object.entries(listing)
          .filter(([name]) => name !== '_meta')
          .map(([name, entry]) => {
            const g = entry as { hosts?: string[]; children?: string[] };
            const hosts = new Set((g.hosts ?? []).map((h) => (h === merge ? 'web-1' : h)));
            return [name, { hosts: [...hosts].sort(), children: [...(g.children ?? [])].sort() }];
          }),
      );
    expect(groups(ours, renamedName)).to.deep.equal(groups(theirs));
    expect(Object.keys(theirs)).to.include.members([
      'tag_Rôle_wéb',
      'tag_cost_centre_ÉQUIPE_7',
      '_st_group',
      'roles',
      'env_none',
      'production',
    ]);
  });

  it('gives every host the same variables, bosun adding only its documented two', () => {
    const { kept, lastById } = twins();
    for (const [host, vars] of Object.entries(theirs._meta.hostvars)) {
      const mine = ours._meta.hostvars[host]!;
      const common = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([k]) => !BOSUN_ONLY_VARS.has(k)));
      if (host === 'web-1') {
        // Ansible's merged host shows the last instance by id; bosun's web-1 is the one launched first.
        expect(vars.instance_id).to.equal(lastById.id);
        expect(mine.instance_id).to.equal(kept.id);
        continue;
      }
      expect(common(mine), host).to.deep.equal(vars);
    }
  });

  it('gives the duplicate its own host with its own variables and groups', () => {
    const { renamed, renamedName } = twins();
    const vars = ours._meta.hostvars[renamedName]!;
    expect(vars.instance_id).to.equal(renamed.id);
    expect(ours.aws_ec2!.hosts).to.include(renamedName);
    expect(ours.production!.hosts).to.include(renamedName);
  });
});
