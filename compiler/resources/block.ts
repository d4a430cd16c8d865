import { ValidationError } from '../errors.ts';
import { sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, knownKeys, oneLine, oneOf, text, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { ereProbe } from '../ere.ts';
import { editApply, editCheck, editDiffProbe } from './edit-in-place.ts';
import { type InsertPosition, insertPosition } from './insert-position.ts';
import { patterns } from './line.ts';

/** A block of lines between two marker lines, as Ansible's blockinfile. */
export type BlockProps = BlockPresentProps | BlockAbsentProps;

interface BlockCommon extends CommonProps {
  /** The file to edit. */
  readonly path: AbsolutePath;
  /** Marker template; `{mark}` becomes `markerBegin` / `markerEnd`. Default `# {mark} BOSUN MANAGED BLOCK`. */
  readonly marker?: string;
  /** What `{mark}` becomes in the first marker line. Default `BEGIN`. */
  readonly markerBegin?: string;
  /** What `{mark}` becomes in the last marker line. Default `END`. */
  readonly markerEnd?: string;
}

/** The block is in the file, between its markers; a new one goes where `insertAfter` or `insertBefore` says. */
export type BlockPresentProps = BlockCommon &
  InsertPosition & {
    /** The block is in the file (default). */
    readonly state?: 'present';
    /** The lines between the markers (a final newline is optional). */
    readonly block?: string;
    /** Create the file when missing (default false). */
    readonly create?: boolean;
  };

/** The markers and the lines between them are removed (a missing file is fine). */
export interface BlockAbsentProps extends BlockCommon {
  /** The block is not in the file. */
  readonly state: 'absent';
}

export type BlockResource = BlockProps & { readonly type: 'block' };

export function block(props: BlockProps): BlockResource {
  return { type: 'block', ...props };
}

const ABSENT_KEYS = keysOf<BlockAbsentProps & { type: 'block' }>({
  type: true,
  path: true,
  state: true,
  marker: true,
  markerBegin: true,
  markerEnd: true,
  ...COMMON_KEYS,
});

const KEYS = keysOf<BlockResource>({
  type: true,
  path: true,
  state: true,
  block: true,
  marker: true,
  markerBegin: true,
  markerEnd: true,
  insertAfter: true,
  insertBefore: true,
  create: true,
  ...COMMON_KEYS,
});

const PROGRAM = `function emit() { print bm; if (body != "") print body; print em }
BEGIN { bm = ENVIRON["BOSUN_BEGIN"]; em = ENVIRON["BOSUN_END"]; body = ENVIRON["BOSUN_BLOCK"]; present = ENVIRON["BOSUN_STATE"] == "present"; after = ENVIRON["BOSUN_AFTER"]; before = ENVIRON["BOSUN_BEFORE"]; n = 0 }
{ l[++n] = $0 }
END {
  s = 0; t = 0; a = 0; b = 0
  for (i = 1; i <= n; i++) {
    if (!s && (l[i] "") == (bm "")) s = i
    else if (s && !t && (l[i] "") == (em "")) t = i
    if (after != "" && after != "EOF" && l[i] ~ after) a = i
    if (before != "" && b == 0 && (before == "BOF" || l[i] ~ before)) b = i
  }
  if (s && t) {
    for (i = 1; i < s; i++) print l[i]
    if (present) emit()
    for (i = t + 1; i <= n; i++) print l[i]
    exit
  }
  add = present
  for (i = 1; i <= n; i++) {
    if (add && b && i == b) { emit(); add = 0 }
    print l[i]
    if (add && a && i == a) { emit(); add = 0 }
  }
  if (add) emit()
}`;

export function compileBlock(resource: BlockResource): Step {
  knownKeys(resource, KEYS, 'block');
  const path = absolutePath(resource.path, 'block.path');
  const where = `block(${path})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  if (state === 'absent') knownKeys(resource, ABSENT_KEYS, where, 'with state "absent"');
  const present: Partial<BlockPresentProps> = resource.state === 'absent' ? {} : resource;
  const marker = oneLine(resource.marker ?? '# {mark} BOSUN MANAGED BLOCK', `${where}.marker`);
  const begin = marker.replace('{mark}', oneLine(resource.markerBegin ?? 'BEGIN', `${where}.markerBegin`));
  const end = marker.replace('{mark}', oneLine(resource.markerEnd ?? 'END', `${where}.markerEnd`));
  const body = text(present.block ?? '', `${where}.block`).replace(/\n$/, '');
  // The markers are how the block is found again: equal markers, or a marker line in the body, would not converge.
  if (begin === end)
    throw new ValidationError(
      `${where}.marker`,
      `begin and end markers are the same line ${JSON.stringify(begin)} (does the marker contain {mark}?)`,
    );
  if (body.split('\n').some((bodyLine) => bodyLine === begin || bodyLine === end)) {
    throw new ValidationError(`${where}.block`, 'must not contain a line equal to one of its markers');
  }
  const { after, before } = insertPosition(present, where);
  const create = present.create !== undefined && bool(present.create, `${where}.create`);
  const transform = sh`BOSUN_BEGIN=${begin} BOSUN_END=${end} BOSUN_BLOCK=${body} BOSUN_STATE=${state} BOSUN_AFTER=${after} BOSUN_BEFORE=${before} awk ${PROGRAM}`;
  const probe = ereProbe(patterns(where, { insertAfter: after, insertBefore: before }));
  const edit = { path, transform, create: create || state === 'absent', ...(probe && { probe }) };
  return {
    name: `block ${path}: ${begin}`,
    resource: 'block',
    ...commonFields(resource, where),
    check: state === 'absent' ? sh`[ ! -e ${path} ] || { ${editCheck({ ...edit, create: false })}; }` : editCheck(edit),
    makes: create ? [path] : [],
    apply: editApply(edit),
    diff: { path, sensitive: false, probe: editDiffProbe(edit) },
  };
}
