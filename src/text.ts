// Text helpers every layer uses (the core's errors, the inputs, the renderers): no dependency of its own.

/**
 * Control characters (C0 and C1, CR and LF included) and the Unicode line and paragraph separators become
 * visible escapes (`\x0a`, `\u2028`), so one value stays one line and shows what it really holds.
 */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16)}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
}

/** The first `max` characters of `s` (never half a surrogate pair), with `…` when it was longer. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${Array.from(s.slice(0, max + 1))
    .slice(0, max - 1)
    .join('')}…`;
}
