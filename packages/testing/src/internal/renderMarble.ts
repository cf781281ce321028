/** A notification reduced to the character that draws it in a marble diagram. */
export interface MarbleMark {
  readonly frame: number;
  readonly char: string;
}

// Gaps longer than this are drawn as a time progression (' 499ms ') rather than dashes.
const MAX_DASHES = 12;

/** A drawn marble diagram; `exact` is false when marks were closer than a group's width. */
export interface RenderedMarble {
  readonly marble: string;
  readonly exact: boolean;
}

/**
 * Draws marks as a run-mode marble diagram: `-` per idle frame, `(ab)` for a frame with several
 * marks, ` 499ms ` for long gaps. Marks closer than a group's width cannot be drawn exactly; they
 * are drawn right after it and the result is not `exact`.
 */
export function renderMarble(marks: readonly MarbleMark[], from = 0): RenderedMarble {
  let out = '';
  let exact = true;
  let cursor = from;
  let i = 0;
  while (i < marks.length) {
    const frame = marks[i]!.frame;
    let group = '';
    while (i < marks.length && marks[i]!.frame === frame) group += marks[i++]!.char;
    const gap = frame - cursor;
    if (gap < 0) exact = false;
    if (gap > MAX_DASHES) out += `${out === '' ? '' : ' '}${gap}ms `;
    else if (gap > 0) out += '-'.repeat(gap);
    const drawn = group.length === 1 ? group : `(${group})`;
    out += drawn;
    cursor = Math.max(cursor, frame) + drawn.length;
  }
  return { marble: out === '' ? '(nothing)' : out, exact };
}

/** Lists marks by frame: `1: bc, 2: a|`. */
export function listFrames(marks: readonly MarbleMark[]): string {
  const groups: string[] = [];
  let i = 0;
  while (i < marks.length) {
    const frame = marks[i]!.frame;
    let group = '';
    while (i < marks.length && marks[i]!.frame === frame) group += marks[i++]!.char;
    groups.push(`${frame}: ${group}`);
  }
  return groups.join(', ');
}
