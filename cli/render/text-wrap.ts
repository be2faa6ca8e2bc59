/**
 * Text for a terminal: control characters out (a tag value or a URL in a
 * summary must not move the cursor or recolour the screen), and greedy
 * word wrapping that never splits a number.
 */

// Unicode Cc: the C0 and C1 controls and DEL; ESC starts terminal escape sequences.
const CONTROL = /\p{Cc}+/gu;

/** The text with every run of control characters (newlines, tabs, escapes) made one space. */
export function printable(text: string): string {
  return text.replace(CONTROL, ' ');
}

/** Columns a string takes: one per code point (summaries carry no wide characters). */
export function columnsOf(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The first `width` columns of `text`, with `…` as the last when it was longer. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Cuts a word longer than `width` (an ARN, a URL) into pieces that fit,
 * after a `/` or `:` where there is one, and moving each cut back to before
 * a run of digits so no number is split;
 * a number longer than the width itself is the only thing ever cut.
 */
const SEPARATOR = /[/:,;=&?]/;

function breakWord(word: string, width: number): string[] {
  const chars = [...word];
  // A digit, or a separator between two digits (`2,506.01`).
  const inNumber = (i: number): boolean => {
    const c = chars[i] ?? '';
    if (/\d/.test(c)) return true;
    return /[.,]/.test(c) && /\d/.test(chars[i - 1] ?? '') && /\d/.test(chars[i + 1] ?? '');
  };
  const pieces: string[] = [];
  let start = 0;
  while (chars.length - start > width) {
    let cut = start + width;
    // Prefer to cut after a separator of ARNs, paths and lists, if one is in the second half.
    for (let i = cut - 1; i > start + width / 2; i--) {
      if (SEPARATOR.test(chars[i - 1] ?? '')) {
        cut = i;
        break;
      }
    }
    if (inNumber(cut - 1) && inNumber(cut)) {
      let back = cut - 1;
      while (back > start && inNumber(back - 1)) back--;
      if (back > start) cut = back;
    }
    pieces.push(chars.slice(start, cut).join(''));
    start = cut;
  }
  pieces.push(chars.slice(start).join(''));
  return pieces;
}

/**
 * Greedy word wrap: lines of at most `width` columns, broken at spaces;
 * a word longer than a line is cut (see {@link breakWord}). Always at least one line.
 *
 * @example
 * wrapText('unit cost up 12% since 2026-11-14', 16); // ['unit cost up 12%', 'since 2026-11-14']
 */
export function wrapText(text: string, width: number): string[] {
  const size = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let line = '';
  for (const word of printable(text).split(' ').filter(Boolean)) {
    const pieces = columnsOf(word) > size ? breakWord(word, size) : [word];
    for (const piece of pieces) {
      if (line === '') line = piece;
      else if (columnsOf(line) + 1 + columnsOf(piece) <= size) line += ` ${piece}`;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  lines.push(line);
  return lines;
}

/** `text` padded with spaces to `width` columns, on the right or (for figures) on the left. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - columnsOf(text)));
  return align === 'left' ? text + fill : fill + text;
}
