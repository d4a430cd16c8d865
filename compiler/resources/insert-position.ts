import { ValidationError } from '../errors.ts';
import { oneLine } from '../validate.ts';

/**
 * Where a new line or block goes: after a match or before one, never both (as Ansible's
 * `insertafter` and `insertbefore`, which exclude each other). Neither: at the end of the file.
 */
export type InsertPosition = InsertAfter | InsertBefore;

export interface InsertAfter {
  /** Goes after the last line matching this ERE, or at the end with `EOF`. Default `EOF`. */
  readonly insertAfter?: string;
  readonly insertBefore?: never;
}

export interface InsertBefore {
  /** Goes before the first line matching this ERE, or at the beginning with `BOF`. */
  readonly insertBefore?: string;
  readonly insertAfter?: never;
}

/** The insert position of a resource, checked: each one line, and not both (a JavaScript caller can give both). */
export function insertPosition(
  props: { readonly insertAfter?: unknown; readonly insertBefore?: unknown },
  where: string,
): { after: string; before: string } {
  const after = props.insertAfter === undefined ? '' : oneLine(props.insertAfter, `${where}.insertAfter`);
  const before = props.insertBefore === undefined ? '' : oneLine(props.insertBefore, `${where}.insertBefore`);
  if (props.insertAfter !== undefined && props.insertBefore !== undefined) {
    throw new ValidationError(`${where}.insertBefore`, 'cannot go together with insertAfter: give one of them');
  }
  return { after, before };
}
