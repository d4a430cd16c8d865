import { ValidationError } from '../errors.ts';
import { CANNOT_TELL } from '../protocol.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, keysOf, knownKeys, oneLine, principal, text, type AbsolutePath } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** What a checkout follows: a branch (its newest commit on the remote), a tag, or one commit. */
export type GitRef =
  | {
      /** A branch of the remote: the checkout is that branch, at the remote's newest commit of it (`git pull`). */
      readonly branch: string;
      /** Not with `branch`. */
      readonly tag?: never;
      /** Not with `branch`. */
      readonly commit?: never;
    }
  | {
      /** A tag of the remote: the checkout is its commit, detached. */
      readonly tag: string;
      /** Not with `tag`. */
      readonly branch?: never;
      /** Not with `tag`. */
      readonly commit?: never;
    }
  | {
      /** A full commit id (40 hex digits, or 64 for SHA-256 repositories): the checkout is that commit, detached. */
      readonly commit: string;
      /** Not with `commit`. */
      readonly branch?: never;
      /** Not with `commit`. */
      readonly tag?: never;
    };

/**
 * A git checkout of a repository at a ref, as a deploy's `git clone` then `git pull`:
 * cloned when missing, fetched and moved to the ref when behind. The check compares the
 * checked-out commit with the ref's: for a commit id without the network; for a branch or
 * a tag by asking the remote (`git ls-remote`, which writes nothing on the host). In check
 * mode a remote that cannot be reached makes the step `unknown`, not a guess.
 */
export interface GitProps extends CommonProps {
  /** The repository: a URL (`https://…`, `ssh://…`, `git@host:path`, `file:///…`) or an absolute path on the host. */
  readonly repo: string;
  /** The checkout's directory: created (with its parents) when missing; an empty directory is cloned into. */
  readonly dest: AbsolutePath;
  /** What to check out. */
  readonly ref: GitRef;
  /**
   * The user who owns the checkout and runs git (its ~/.ssh and ~/.gitconfig apply), as a
   * deploy user would. Needs the script to run as root, or as that user. Default: the
   * script's own user.
   */
  readonly owner?: string;
  /**
   * Discard local changes to tracked files, and a branch's local commits the remote does not
   * have, to reach the ref (untracked files stay). Default false: such a checkout is left as
   * it is and the step fails, in check mode too, saying so.
   */
  readonly force?: boolean;
}

export interface GitResource extends GitProps {
  readonly type: 'git';
}

/** Declares a git checkout of `repo` at `ref` in `dest`. */
export function git(props: GitProps): GitResource {
  return { type: 'git', ...props };
}

const KEYS = keysOf<GitResource>({ type: true, repo: true, dest: true, ref: true, owner: true, force: true, ...COMMON_KEYS });
const REF_KEYS = keysOf<GitRef>({ branch: true, tag: true, commit: true });
// In check mode git must not write either: ssh may not record host keys (nor git refresh its index: GIT_OPTIONAL_LOCKS).
const READ_ONLY_SSH = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UpdateHostKeys=no';
const COMMIT = /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** The wanted ref, checked: its kind, name, and the remote ref whose commit it is. */
interface Wanted {
  readonly kind: 'branch' | 'tag' | 'commit';
  readonly name: string;
  /** `refs/heads/NAME`, `refs/tags/NAME`, or the commit id. */
  readonly ref: string;
}

export function compileGit(resource: GitResource): Step {
  knownKeys(resource, KEYS, 'git');
  const dest = absolutePath(resource.dest, 'git.dest');
  const where = `git(${dest})`;
  if (dest !== '/' && dest.endsWith('/')) throw new ValidationError(`${where}.dest`, 'must not end with /');
  const repo = repository(resource.repo, `${where}.repo`);
  const wanted = wantedRef(resource.ref, `${where}.ref`);
  const owner = resource.owner === undefined ? undefined : principal(resource.owner, `${where}.owner`);
  const force = resource.force !== undefined && bool(resource.force, `${where}.force`);
  const gitFn = gitFunction(dest, owner);
  const changes = sh`"$(GIT_OPTIONAL_LOCKS=0 _bosun_git -C ${dest} status --porcelain --untracked-files=no)"`;
  const dirty = sh`[ -n ${changes} ]`;
  return {
    name: `git ${dest}: ${repo} ${wanted.kind} ${wanted.name}`,
    resource: 'git',
    ...commonFields(resource, where),
    check: lines(
      gitFn,
      needs('git', 'git is not installed on this host: install it first (a packages step before this one)'),
      owner === undefined ? undefined : needs('runuser', `runuser is not on this host: git cannot run as ${owner}`),
      sh`if [ ! -e ${dest}/.git ]; then
  if [ -e ${dest} ] && { [ ! -d ${dest} ] || [ -n "$(ls -A ${dest})" ]; }; then _bosun_cannot ${`${dest} exists and is not a git checkout (nor an empty directory)`}; fi
  exit 1
fi`,
      sh`[ "$(_bosun_git -C ${dest} rev-parse --show-toplevel 2>/dev/null)" = "$(cd ${dest} && pwd -P)" ] || _bosun_cannot ${`${dest} is not the top of a git checkout`}`,
      sh`_bosun_head=$(_bosun_git -C ${dest} rev-parse -q --verify HEAD) || _bosun_head=`,
      wantedCommit(wanted, repo, where),
      sh`if [ "$_bosun_head" != "$_bosun_want" ] && ${force ? code('false') : dirty}; then _bosun_cannot ${`${dest} has local changes that moving to ${wanted.kind} ${wanted.name} could lose (git status; force: true discards them)`}; fi`,
      sh`[ "$(_bosun_git -C ${dest} config --get remote.origin.url)" = ${repo} ] || exit 1`,
      sh`[ "$_bosun_head" = "$_bosun_want" ] || exit 1`,
      wanted.kind === 'branch' ? sh`[ "$(_bosun_git -C ${dest} symbolic-ref -q HEAD)" = ${wanted.ref} ] || exit 1` : undefined,
      force ? sh`[ -z ${changes} ]` : undefined,
    ),
    makes: [dest],
    apply: lines(
      gitFn,
      code('_bosun_fresh=0'),
      sh`if [ ! -e ${dest}/.git ]; then
  [ -d ${dest} ] || mkdir -p ${dest} || exit 1
  ${owner === undefined ? code(':') : sh`chown ${owner} ${dest} || exit 1`}
  _bosun_git clone --no-checkout --origin origin -- ${repo} ${dest} || exit 1
  _bosun_fresh=1
fi`,
      sh`[ "$(_bosun_git -C ${dest} config --get remote.origin.url)" = ${repo} ] || _bosun_git -C ${dest} config remote.origin.url ${repo} || exit 1`,
      fetch(wanted, dest),
      force
        ? undefined
        : sh`if [ "$_bosun_fresh" = 0 ] && ${dirty}; then printf 'bosun: %s has local changes; not moving it (force: true discards them)\\n' ${dest} >&2; exit 1; fi`,
      checkout(wanted, dest, force),
    ),
    diff: { path: dest, sensitive: false, probe: lines(gitFn, diffProbe(dest, wanted, repo, where)) },
  };
}

/**
 * `_bosun_git ARGS`: git as the owner (through runuser when the script is root), never
 * prompting, trusting only this checkout; in check mode with an ssh that records nothing
 * (unless GIT_SSH_COMMAND is set: it wins over configuration).
 */
function gitFunction(dest: string, owner: string | undefined): Shell {
  const git = sh`GIT_TERMINAL_PROMPT=0 git -c safe.directory=${dest} "$@"`;
  const asOwner =
    owner === undefined
      ? git
      : sh`if [ "$(id -un)" = ${owner} ]; then ${git}; else runuser -u ${owner} -- env GIT_TERMINAL_PROMPT=0 git -c safe.directory=${dest} "$@"; fi`;
  return sh`_bosun_git() {
  if _bosun_checking && [ -z "\${GIT_SSH_COMMAND:-}" ]; then set -- -c ${`core.sshCommand=${READ_ONLY_SSH}`} "$@"; fi
  ${asOwner}
}`;
}

/** Inside a check: a command the step needs (unless, in check mode, an earlier step may still install it). */
function needs(command: string, reason: string): Shell {
  return sh`if ! command -v ${command} >/dev/null 2>&1; then
  if _bosun_checking && [ "$_bosun_boundless" = 1 ]; then exit 1; fi
  _bosun_cannot ${reason}
fi`;
}

/** Sets $_bosun_want to the ref's commit: the id itself, or the remote's answer (unknown in check mode when it cannot be asked). */
function wantedCommit(wanted: Wanted, repo: string, where: string): Shell {
  if (wanted.kind === 'commit') return sh`_bosun_want=${wanted.ref}`;
  // A tag's own object may be an annotated tag: the commit is its peeled ^{} line.
  return sh`if ! _bosun_ls=$(_bosun_git ls-remote -- ${repo} ${wanted.ref} ${`${wanted.ref}^{}`}); then if _bosun_checking; then exit ${CANNOT_TELL}; fi; exit 1; fi
_bosun_want=$(printf '%s\\n' "$_bosun_ls" | BOSUN_REF=${wanted.ref} awk '$2 == ENVIRON["BOSUN_REF"] "^{}" { p = $1 } $2 == ENVIRON["BOSUN_REF"] { t = $1 } END { print (p != "" ? p : t) }')
[ -n "$_bosun_want" ] || _bosun_cannot ${`${where}: ${repo} has no ${wanted.kind} ${wanted.name}`}`;
}

/** Brings the ref's commit into the checkout. */
function fetch(wanted: Wanted, dest: string): Shell {
  if (wanted.kind === 'branch')
    return sh`_bosun_git -C ${dest} fetch origin ${`+${wanted.ref}:refs/remotes/origin/${wanted.name}`} || exit 1`;
  if (wanted.kind === 'tag') return sh`_bosun_git -C ${dest} fetch origin ${`+${wanted.ref}:${wanted.ref}`} || exit 1`;
  // A commit: usually on a branch or tag fetch brings; otherwise asked for by id (servers that allow it).
  const has = sh`_bosun_git -C ${dest} cat-file -e ${`${wanted.ref}^{commit}`} 2>/dev/null`;
  return sh`${has} || _bosun_git -C ${dest} fetch --tags origin || exit 1
${has} || _bosun_git -C ${dest} fetch origin ${wanted.ref} || exit 1`;
}

/** Moves the checkout to the ref: a branch checked out and fast-forwarded (reset with force), a tag or commit detached. */
function checkout(wanted: Wanted, dest: string, force: boolean): Shell {
  const remote = `refs/remotes/origin/${wanted.name}`;
  if (wanted.kind === 'branch') {
    if (force) return sh`_bosun_git -C ${dest} checkout -q --force -B ${wanted.name} ${remote} || exit 1`;
    return sh`if [ "$_bosun_fresh" = 1 ]; then _bosun_git -C ${dest} checkout -q --force -B ${wanted.name} ${remote} || exit 1
elif _bosun_git -C ${dest} rev-parse -q --verify ${wanted.ref} >/dev/null; then
  _bosun_git -C ${dest} checkout -q ${wanted.name} || exit 1
  _bosun_git -C ${dest} merge -q --ff-only ${remote} || { printf 'bosun: branch %s has local commits the remote does not have (force: true resets it)\\n' ${wanted.name} >&2; exit 1; }
else _bosun_git -C ${dest} checkout -q -b ${wanted.name} ${remote} || exit 1; fi`;
  }
  const target = wanted.kind === 'tag' ? `${wanted.ref}^{commit}` : wanted.ref;
  return force
    ? sh`_bosun_git -C ${dest} checkout -q --force --detach ${target} || exit 1`
    : sh`if [ "$_bosun_fresh" = 1 ]; then _bosun_git -C ${dest} checkout -q --force --detach ${target}; else _bosun_git -C ${dest} checkout -q --detach ${target}; fi || exit 1`;
}

/** Check mode: the origin, ref and commit now and as the apply would leave them. */
function diffProbe(dest: string, wanted: Wanted, repo: string, where: string): Shell {
  const state = (origin: Shell, ref: Shell, commit: Shell): Shell =>
    sh`{ printf 'origin: %s\\nref: %s\\ncommit: %s\\n' ${origin} ${ref} ${commit}; }`;
  const after = state(sh`${repo}`, sh`${wanted.kind === 'branch' ? wanted.ref : 'HEAD (detached)'}`, code('"$_bosun_want"'));
  return lines(
    sh`if [ -e ${dest}/.git ]; then ${state(
      sh`"$(_bosun_git -C ${dest} config --get remote.origin.url)"`,
      sh`"$(_bosun_git -C ${dest} symbolic-ref -q HEAD || echo 'HEAD (detached)')"`,
      sh`"$(_bosun_git -C ${dest} rev-parse -q --verify HEAD)"`,
    )} | _bosun_data before "$_bosun_step"; fi`,
    sh`(${wantedCommit(wanted, repo, where)}
${after} | _bosun_data after "$_bosun_step") 3>/dev/null`,
  );
}

function repository(value: unknown, field: string): string {
  const repo = oneLine(value, field);
  if (repo === '' || repo.startsWith('-'))
    throw new ValidationError(field, `must be a URL or an absolute path, got ${JSON.stringify(repo)}`);
  if (/[\u0000-\u001f\u007f]/.test(repo)) throw new ValidationError(field, 'must not contain control characters');
  if (/^(ext|fd)::/.test(repo)) throw new ValidationError(field, 'must not use the ext:: or fd:: transports (they run commands)');
  if (!repo.startsWith('/') && !repo.includes(':'))
    throw new ValidationError(field, `must be a URL or an absolute path, got ${JSON.stringify(repo)}`);
  return repo;
}

function wantedRef(value: unknown, field: string): Wanted {
  const ref = knownKeys(value, REF_KEYS, field);
  const kinds = (['branch', 'tag', 'commit'] as const).filter((kind) => ref[kind] !== undefined);
  if (kinds.length !== 1) throw new ValidationError(field, 'must give exactly one of branch, tag or commit');
  const kind = kinds[0]!;
  const name = text(ref[kind], `${field}.${kind}`);
  if (kind === 'commit') {
    if (!COMMIT.test(name))
      throw new ValidationError(`${field}.commit`, `must be a full commit id (40 or 64 hex digits), got ${JSON.stringify(name)}`);
    return { kind, name: name.toLowerCase(), ref: name.toLowerCase() };
  }
  const problem = refNameProblem(name);
  if (problem !== undefined)
    throw new ValidationError(`${field}.${kind}`, `is not a valid ${kind} name (${problem}): ${JSON.stringify(name)}`);
  return { kind, name, ref: `refs/${kind === 'branch' ? 'heads' : 'tags'}/${name}` };
}

/** Why git would refuse `name` as a branch or tag name (git-check-ref-format(1)), or undefined. */
export function refNameProblem(name: string): string | undefined {
  if (name === '') return 'empty';
  if (name.startsWith('-')) return 'it starts with -';
  if (name === '@') return 'it is @';
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return 'it contains a blank, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..') || name.includes('@{')) return 'it contains .. or @{';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty component';
  if (name.endsWith('.')) return 'it ends with .';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return 'a component starts with . or ends with .lock';
  return undefined;
}
