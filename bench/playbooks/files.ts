import { definePlaybook, directory, file, type Role, role } from '../../index.ts';

/** Where the bench's files go on each host. */
export const FILES_ROOT = '/srv/bosun-bench/files';

/** `steps` steps: a directory and small files in it, each with content of its own (naming `owner` when given). */
function filesRole(steps: number, owner?: string): Role {
  const files = Array.from({ length: steps - 1 }, (_, i) =>
    file({
      path: `${FILES_ROOT}/f${i}.conf`,
      content: `# ${owner ?? 'every host'}: file ${i} of ${steps - 1}\nkey${i} = value ${i}\n`,
      mode: '0644',
    }),
  );
  return role({ name: 'files', resources: [directory({ path: FILES_ROOT, mode: '0755' }), ...files] });
}

/** One role per size, the same objects for every host that asks: what a static `roles: [...]` gives. */
const shared = new Map<number, Role>();

/**
 * `bench_steps` steps on every host (a directory and small files in it), for the steps and
 * compile scenarios of `npm run bench`. Each host's files name the host, so every host has a plan
 * of its own; with `bench_shared=1` every host gets the same role (the same objects), as a
 * playbook with a static list of roles does.
 */
export default definePlaybook({
  name: 'bench files',
  plays: [
    {
      name: 'files',
      hosts: 'all',
      roles: (host) => {
        const steps = Number(host.vars.bench_steps ?? 100);
        if (String(host.vars.bench_shared ?? '') !== '1') return [filesRole(steps, host.name)];
        const same = shared.get(steps) ?? filesRole(steps);
        shared.set(steps, same);
        return [same];
      },
    },
  ],
});
