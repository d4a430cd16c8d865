import { expect } from 'chai';
import { LoadError } from '../../../compiler/errors.ts';
import { loadInventories, type Inventory } from '../../../inventory/index.ts';
import { withAwsEnv } from '../../support/ec2-env.ts';
import { type LaunchedInstance, MOTO_KEYS, MotoServer } from '../../support/moto.ts';
import { rejection } from '../../support/thrown.ts';
import { removeTrees, writeTree } from '../temp-tree.ts';
import { patience } from '../../support/patience.ts';

describe('inventory/ec2: aws_ec2 configs against moto @integration', function () {
  // moto takes seconds to start and to launch on a busy machine.
  this.timeout(patience(120_000));
  let moto: MotoServer;
  before(async () => {
    moto = await MotoServer.start();
  });
  after(async () => moto?.stop());
  beforeEach(async () => moto.reset());
  afterEach(() => removeTrees());

  /** Writes an aws_ec2 config pointing at moto (or `endpoint`) and returns its path. */
  function config(body: string, extra: Record<string, string> = {}, endpoint = moto.url): string {
    return `${writeTree({ 'fleet.aws_ec2.yml': `plugin: amazon.aws.aws_ec2\nendpoint: ${endpoint}\n${body}`, ...extra })}/fleet.aws_ec2.yml`;
  }
  const load = (file: string): Promise<Inventory> => withAwsEnv(MOTO_KEYS, () => loadInventories([file], {}));
  const names = (inventory: Inventory, pattern = 'all'): string[] => inventory.select(pattern).map((h) => h.name);
  const byId = (launched: readonly LaunchedInstance[]) => [...launched].sort((a, b) => (a.id < b.id ? -1 : 1));

  it("names hosts as Ansible by default: public DNS name, else private DNS name; no ansible_host; Ansible's variables", async () => {
    const launched = moto.launch([
      { region: 'us-east-1', tags: { Name: 'web-1', Role: 'web' } },
      { region: 'us-east-1', tags: { Name: 'db-1' }, stopped: true },
    ]);
    const inventory = await load(config('regions: [us-east-1]\n'));
    // Hosts come in instance-id order, as the plugin sorts them.
    expect(names(inventory)).to.deep.equal(byId(launched).map((i) => i.publicDns ?? i.privateDns));
    const web = launched[0]!;
    const host = inventory.host(web.publicDns!)!;
    expect(host.vars).to.not.have.property('ansible_host');
    expect(host.connection).to.deep.equal({ transport: 'ssh', address: web.publicDns });
    expect(host.vars).to.include({ instance_id: web.id, private_ip_address: web.privateIp, owner_id: '123456789012', requester_id: '' });
    expect(host.vars.reservation_id).to.match(/^r-[0-9a-f]+$/);
    expect(host.vars.launch_time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    expect(host.vars.tags).to.deep.equal({ Name: 'web-1', Role: 'web' });
    expect(host.vars.placement).to.deep.include({ region: 'us-east-1' });
    expect(names(inventory, 'aws_ec2')).to.have.length(2);
  });

  it('with bosun_defaults: true, names hosts by the Name tag and connects to the private IP', async () => {
    const [web, bare] = moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }, { region: 'us-east-1' }]);
    const inventory = await load(config('regions: [us-east-1]\nbosun_defaults: true\n'));
    expect(inventory.host('web-1')!.connection).to.deep.equal({ transport: 'ssh', address: web!.privateIp });
    expect(inventory.host('web-1')!.vars.ansible_host).to.equal(web!.privateIp);
    expect(inventory.host(bare!.privateDns)).to.not.equal(undefined);
  });

  it("reads Ansible's hostnames forms: tag:K=V, tag:A,B, the dict form, filter names", async () => {
    const [web, db, other] = moto.launch([
      { region: 'us-east-1', tags: { Name: 'web-1', Role: 'web' } },
      { region: 'us-east-1', tags: { Name: 'db-1', Role: 'db' } },
      { region: 'us-east-1', tags: { Alias: 'other' } },
    ]);
    const rules = (text: string) => load(config(`regions: [us-east-1]\nhostnames:\n${text}`));
    const byRole = await rules('  - tag:Role=web\n  - tag:Alias,Name\n');
    expect(byRole.host('Role_web')!.vars.instance_id).to.equal(web!.id);
    expect(byRole.host('db-1')!.vars.instance_id).to.equal(db!.id);
    expect(byRole.host('other')!.vars.instance_id).to.equal(other!.id);

    const prefixed = await rules('  - name: private-ip-address\n    prefix: tag:Name\n    separator: "-"\n  - instance-id\n');
    expect(prefixed.host(`web-1-${web!.privateIp}`)).to.not.equal(undefined);
    // No Name tag: the prefix gives nothing, so the name alone.
    expect(prefixed.host(other!.privateIp)!.vars.instance_id).to.equal(other!.id);

    // An instance no rule names is not in the inventory, as in Ansible.
    const onlyRole = await rules('  - tag:Role\n');
    expect(names(onlyRole).sort()).to.deep.equal(['db', 'web']);
  });

  it("sanitises ':' in host names as Ansible, so a limit can select them; keeps non-ASCII letters in group names", async () => {
    moto.launch([
      { region: 'us-east-1', tags: { Name: 'app:blue', Rôle: 'wéb', 'scheduler:ebs-snapshot': 'daily 03:00' } },
      { region: 'us-east-1', tags: { Name: 'app-green' } },
    ]);
    const file = config(
      'regions: [us-east-1]\nhostnames: [tag:Name]\nkeyed_groups:\n  - key: tags\n    prefix: tag\n  - key: "tags[\'scheduler:ebs-snapshot\']"\n    prefix: snapshot\n',
    );
    const inventory = await load(file);
    expect(names(inventory)).to.have.members(['app_blue', 'app-green']);
    expect(names(inventory.limit('app_blue'))).to.deep.equal(['app_blue']);
    expect(names(inventory, 'tag_Rôle_wéb')).to.deep.equal(['app_blue']);
    expect(names(inventory, 'snapshot_daily_03_00')).to.deep.equal(['app_blue']);
    expect(inventory.host('app_blue')!.vars.ebs_snapshot_schedule).to.equal('daily 03:00');
    expect(names(inventory, 'tag_Name_app_green')).to.deep.equal(['app-green']);
  });

  it('keeps the name of an existing host when another instance takes the same Name', async () => {
    const file = config('regions: [us-east-1]\nhostnames: [tag:Name]\n');
    const [first] = moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }]);
    expect((await load(file)).host('web-1')!.vars.instance_id).to.equal(first!.id);
    // Launch times have one-second resolution: the newcomer must be launched in a later second.
    const launchedAt = Math.floor(Date.parse(first!.launchTime) / 1000);
    while (Math.floor(Date.now() / 1000) <= launchedAt) await new Promise((resolve) => setTimeout(resolve, 50));
    const [second] = moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }]);
    const inventory = await load(file);
    expect(inventory.host('web-1')!.vars.instance_id).to.equal(first!.id);
    expect(inventory.host(`web-1_${second!.id}`)!.vars.instance_id).to.equal(second!.id);
    expect(names(inventory)).to.have.length(2);
  });

  it('asks filters, include_filters and exclude_filters as the plugin does; terminated instances left out by default', async () => {
    moto.launch([
      { region: 'us-east-1', tags: { Name: 'web-1', Role: 'web', Env: 'prod' } },
      { region: 'us-east-1', tags: { Name: 'db-1', Role: 'db', Env: 'prod' } },
      { region: 'us-east-1', tags: { Name: 'old-1', Role: 'web', Env: 'legacy' }, stopped: true },
      { region: 'us-east-1', tags: { Name: 'gone-1', Role: 'web', Env: 'prod' }, terminated: true },
    ]);
    const all = await load(config('regions: [us-east-1]\nhostnames: [tag:Name]\n'));
    expect(names(all).sort()).to.deep.equal(['db-1', 'old-1', 'web-1']);
    expect(all.host('gone-1')).to.equal(undefined);
    const filtered = await load(
      config(
        [
          'regions: [us-east-1]',
          'hostnames: [tag:Name]',
          'filters:',
          '  tag:Role: web',
          'include_filters:',
          '  - tag:Role: db',
          'exclude_filters:',
          '  - tag:Env: [legacy]',
          '',
        ].join('\n'),
      ),
    );
    expect(names(filtered).sort()).to.deep.equal(['db-1', 'web-1']);
  });

  it('evaluates Jinja2 in compose, groups, keyed_groups keys and parent_group, with strict undefined', async () => {
    moto.launch([
      { region: 'us-east-1', tags: { Name: 'web-1', Role: 'Web', Env: 'prod' }, instanceType: 'm5.large' },
      { region: 'us-east-1', tags: { Name: 'db-1', Role: 'db' } },
    ]);
    const file = config(
      [
        'regions: [us-east-1]',
        'hostnames: [tag:Name]',
        'compose:',
        '  ansible_host: private_ip_address',
        '  ansible_user: "\'ec2-user\'"',
        '  role: tags.Role | lower',
        "  env: tags.Env | default('none')",
        "  size: instance_type.split('.')[1]",
        '  code: state.code',
        'groups:',
        "  production: tags.Env is defined and tags.Env == 'prod'",
        '  large: "\'large\' in instance_type"',
        "  webs: role == 'web'",
        'keyed_groups:',
        "  - key: tags.Role | lower | regex_replace('^(.)', 'r_\\\\1')",
        '  - key: env',
        '    prefix: env',
        "    parent_group: \"{{ 'environ' ~ 'ments' }}\"",
        '  - key: security_groups | map(attribute="group_name") | list',
        '    prefix: sg',
        '',
      ].join('\n'),
    );
    const inventory = await load(file);
    const web = inventory.host('web-1')!;
    expect(web.connection).to.deep.include({ address: web.vars.private_ip_address, user: 'ec2-user' });
    expect(web.vars).to.include({ role: 'web', env: 'prod', size: 'large', code: '16' });
    expect(inventory.host('db-1')!.vars).to.include({ env: 'none' });
    expect(names(inventory, 'production')).to.deep.equal(['web-1']);
    expect(names(inventory, 'large')).to.deep.equal(['web-1']);
    expect(names(inventory, 'webs')).to.deep.equal(['web-1']);
    expect(names(inventory, '_r_web')).to.deep.equal(['web-1']);
    expect(names(inventory, '_r_db')).to.deep.equal(['db-1']);
    expect(inventory.groups.get('environments')!.children).to.have.members(['env_prod', 'env_none']);
  });

  it('skips an entry that fails for a host, or with strict: true fails naming the host and the line', async () => {
    moto.launch([
      { region: 'us-east-1', tags: { Name: 'web-1', Env: 'prod' } },
      { region: 'us-east-1', tags: { Name: 'db-1' } },
    ]);
    const body = "regions: [us-east-1]\nhostnames: [tag:Name]\ncompose:\n  env: tags.Env\ngroups:\n  prod: tags.Env == 'prod'\n";
    const lenient = await load(config(body));
    expect(lenient.host('db-1')!.vars).to.not.have.property('env');
    expect(names(lenient, 'prod')).to.deep.equal(['web-1']);
    const file = config(`${body}strict: true\n`);
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.equal(`${file}:6:3: compose.env: host db-1: 'Env' is undefined`);
  });

  it('refuses a keyed_groups key that gives a number, strict or not, as Ansible does', async () => {
    moto.launch([{ region: 'us-east-1' }]);
    const file = config('regions: [us-east-1]\nkeyed_groups:\n  - key: source_dest_check\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.equal(
      `${file}:5:5: keyed_groups.key: 'source_dest_check' gives boolean True, not a string, list or mapping (Ansible refuses it too; use 'source_dest_check | string')`,
    );
  });

  it('reads every region the account has when the config lists none', async () => {
    moto.launch([
      { region: 'us-east-1', tags: { Name: 'east' } },
      { region: 'eu-west-1', tags: { Name: 'west' } },
    ]);
    const inventory = await load(config('hostnames: [tag:Name]\nkeyed_groups:\n  - key: placement.region\n'));
    expect(names(inventory).sort()).to.deep.equal(['east', 'west']);
    expect(names(inventory, '_eu_west_1')).to.deep.equal(['west']);
  });

  it('merges with other sources, and --limit applies to all of them', async () => {
    moto.launch([{ region: 'eu-west-1', tags: { Name: 'web-eu', Role: 'web' } }]);
    const file = config('regions: [eu-west-1]\nhostnames: [tag:Name]\nkeyed_groups:\n  - key: tags.Role\n    prefix: role\n', {
      'static.ini': '[role_web]\nlegacy-web\n',
    });
    const inventory = await withAwsEnv(MOTO_KEYS, () => loadInventories([file, file.replace('fleet.aws_ec2.yml', 'static.ini')], {}));
    expect(names(inventory.limit('role_web'))).to.deep.equal(['web-eu', 'legacy-web']);
  });

  it('says so when no credentials can be found, naming the file and line', async () => {
    const file = config('regions:\n  - us-east-1\n');
    const error = await rejection(() => withAwsEnv(undefined, () => loadInventories([file], {})));
    expect(error).to.be.instanceOf(LoadError);
    expect(error.describe!()).to.match(new RegExp(`^${file}:4:5: no AWS credentials for EC2 in us-east-1: set AWS_ACCESS_KEY_ID`));
  });

  it('refuses an unknown region at its line, before asking anything', async () => {
    const file = config('regions:\n  - us-east-1\n  - us-fake-1\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.match(new RegExp(`^${file}:5:5: regions: unknown AWS region 'us-fake-1'`));
  });
});
