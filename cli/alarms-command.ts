import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { BosunError } from '../compiler/errors.ts';
import { alarmsExitCode, alarmsHuman, ensureStatusAlarms } from '../runner/cloudwatch/ensure-alarms.ts';
import { alarmTargets, DEFAULT_POLICY } from '../runner/cloudwatch/status-alarm.ts';
import { inventoryHosts } from './inventory-hosts.ts';
import { positiveInteger } from './options.ts';
import type { Io } from './run-command.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `bosun alarms check | apply`: the StatusCheckFailed alarm of every EC2 host of an inventory
 * (docs/cloudwatch.md), run from the controller with its AWS credentials, like `bosun check` and
 * `bosun apply` for hosts: check describes and reports differences (exit 2), apply puts only the
 * alarms that differ.
 */
export function registerAlarmsCommands(program: Command, io: Io, setCode: (code: number) => void): void {
  const alarms = program.command('alarms').description("ensure each EC2 host's StatusCheckFailed alarm in CloudWatch: check | apply");
  for (const mode of ['check', 'apply'] as const) {
    alarms
      .command(mode)
      .description(
        mode === 'check'
          ? 'report missing or different alarms; changes nothing (exit 2 when some differ)'
          : 'put the alarms that are missing or differ',
      )
      .option('-i, --inventory <source>', 'inventory file, directory or EC2 config (repeatable)', collect, [])
      .option('-l, --limit <pattern>', 'further limit the hosts with a pattern (or @file of names)')
      .option('-e, --extra-vars <key=value>', 'set a variable, highest precedence (repeatable; @file.yml reads a file)', collect, [])
      .option(
        '--alarm-action <arn>',
        'what a firing alarm does: an SNS topic, arn:aws:automate:REGION:ec2:recover… (repeatable)',
        collect,
        [],
      )
      .option('--evaluation-periods <n>', 'failing minutes in a row before it fires', String(DEFAULT_POLICY.evaluationPeriods))
      .option('--name-prefix <prefix>', 'alarm names are this and the instance id', DEFAULT_POLICY.namePrefix)
      .option('--endpoint <url>', "CloudWatch's endpoint (a VPC endpoint); default the region's")
      .option('--json <file>', 'write the results as JSON (- for stdout, then nothing else is printed there)')
      .action(async (flags: Record<string, unknown>) => {
        const { targets, skipped } = alarmTargets(await inventoryHosts(flags));
        for (const each of skipped) io.stderr(`bosun alarms: skipping ${each.host}: ${each.reason}\n`);
        if (targets.length === 0)
          throw new BosunError('no host of the inventory is an EC2 instance with a region (instance_id, placement.region)');
        const results = await ensureStatusAlarms(targets, {
          mode,
          policy: {
            namePrefix: String(flags.namePrefix),
            alarmActions: flags.alarmAction as string[],
            evaluationPeriods: positiveInteger(String(flags.evaluationPeriods), '--evaluation-periods'),
          },
          ...(typeof flags.endpoint === 'string' && { endpoint: flags.endpoint }),
        });
        const code = alarmsExitCode(results);
        if (flags.json !== '-') io.stdout(alarmsHuman(results));
        if (typeof flags.json === 'string') {
          const text = `${JSON.stringify({ format: 1, command: `alarms ${mode}`, exitCode: code, alarms: results, skipped }, null, 2)}\n`;
          if (flags.json === '-') io.stdout(text);
          else await writeFile(flags.json, text);
        }
        setCode(code);
      });
  }
}
