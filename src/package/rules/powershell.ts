// Checks of `.ps1` scripts as the SSM Agent runs them: `.\install.ps1` under Windows PowerShell 5.1, which
// reads a file without a byte-order mark as ANSI (Windows-1252). Non-ASCII text in code or strings changes
// what the script does (a UTF-8 "”" turns into "â€" and a quote); in comments it only garbles the comment.
import { isUtf8 } from 'node:buffer';
import { baseName } from '../layout.js';
import type { Diagnostic } from '../types.js';
import { diag } from './catalogue.js';

/** Checks a `.ps1` script: non-ASCII text needs a BOM for Windows PowerShell 5.1 (in comments, it should have one). */
export function checkPowerShellScript(content: Buffer, display: string): Diagnostic[] {
  const b0 = content[0];
  const b1 = content[1];
  if (b0 === 0xef && b1 === 0xbb && content[2] === 0xbf) return [];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return []; // UTF-16 (or UTF-32 LE)
  if (!content.some((b) => b >= 0x80)) return [];
  const { code, comment } = nonAscii(content.toString('latin1'));
  const at = code ?? comment;
  if (at === undefined) return [];
  const { line, column } = position(content, at);
  const name = baseName(display);
  const utf8 = isUtf8(content);
  const loc = { file: display, line, column };
  if (code === undefined) {
    const save = utf8
      ? 'Re-save it as "UTF-8 with BOM"'
      : 'Re-save it as "UTF-8 with BOM" (it is not UTF-8 now)';
    return [
      {
        ...diag(
          'ps1-bom',
          loc,
          `${name} has non-ASCII text only in comments (first at line ${line}) and no byte-order mark; Windows PowerShell 5.1 reads it as ANSI (Windows-1252), which garbles those comments but does not change what the script does. ${save} to keep them readable, or keep the comments ASCII-only.`,
        ),
        severity: 'warning',
      },
    ];
  }
  const save = utf8
    ? 'Save it as "UTF-8 with BOM"'
    : 'It is not even valid UTF-8: save it as "UTF-8 with BOM"';
  return [
    diag(
      'ps1-bom',
      loc,
      `${name} has non-ASCII text (first at line ${line}) but no byte-order mark; Windows PowerShell 5.1 reads such a file as ANSI (Windows-1252), which garbles the text and can break quoting. ${save}, or keep the script ASCII-only.`,
    ),
  ];
}

/** 1-based line and column (in characters) of byte `at`. */
function position(content: Buffer, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (content[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: content.subarray(lineStart, at).toString('utf8').length + 1 };
}

/** Strings and `$(…)` nest at most this deep; deeper, the rest of the script counts as code. */
const MAX_DEPTH = 64;

type Frame = { k: 'code'; parens: number; inString: boolean } | { k: 'dq'; here: boolean };

/** Characters after which a `#` starts a comment (elsewhere it is part of a word, as in `a#b`). */
const COMMENT_AFTER = new Set([' ', '\t', '\r', '\n', '\f', '\v', ';', '(', ')', '{', '}', '|', '&', ',']);

/**
 * The first non-ASCII character (index into `text`, one character per byte) outside comments, and the first
 * inside one. A small PowerShell lexer: `# …` and `<# … #>` comments; '…' and "…" strings, their here-string
 * forms @'…'@ and @"…"@, `$(…)` inside double quotes, `${…}` names and backtick escapes. Where it is unsure
 * (an unterminated comment, nesting too deep) the rest counts as code, so a doubt never lowers the severity.
 */
export function nonAscii(text: string): { code?: number | undefined; comment?: number | undefined } {
  const n = text.length;
  const stack: Frame[] = [{ k: 'code', parens: 0, inString: false }];
  let comment: number | undefined;
  const firstFrom = (from: number, to = n): number | undefined => {
    for (let j = from; j < to; j++) if (text.charCodeAt(j) >= 0x80) return j;
    return undefined;
  };
  const asCode = (from: number) => ({ code: firstFrom(from), comment });
  const lineStart = (i: number) => i === 0 || text[i - 1] === '\n';
  // A `#` here continues a word: right after an escaped character or a `${…}` name.
  let wordAt = -1;
  let i = 0;
  while (i < n) {
    if (text.charCodeAt(i) >= 0x80) return { code: i, comment };
    const c = text[i] as string;
    const f = stack[stack.length - 1]!;
    if (stack.length > MAX_DEPTH) return asCode(i);
    if (c === '`') {
      // An escaped character is code whatever it is (and never starts a comment or a string).
      if (i + 1 < n && text.charCodeAt(i + 1) >= 0x80) return { code: i + 1, comment };
      i += 2;
      wordAt = i;
      continue;
    }
    if (f.k === 'dq') {
      if (c === '"') {
        if (f.here) {
          if (lineStart(i) && text[i + 1] === '@') {
            stack.pop();
            i += 2;
          } else i++;
        } else if (text[i + 1] === '"') i += 2;
        else {
          stack.pop();
          i++;
        }
      } else if (c === '$' && text[i + 1] === '(') {
        stack.push({ k: 'code', parens: 0, inString: true });
        i += 2;
      } else if (c === '$' && text[i + 1] === '{') {
        const end = bracedName(text, i + 2);
        const bad = firstFrom(i, end ?? n);
        if (bad !== undefined) return { code: bad, comment };
        if (end === undefined) return { comment };
        i = end;
      } else i++;
      continue;
    }
    // Code.
    const commentHere = i !== wordAt && (i === 0 || COMMENT_AFTER.has(text[i - 1] as string));
    if (c === '#' && commentHere) {
      let e = i;
      while (e < n && text[e] !== '\n' && text[e] !== '\r') e++;
      comment ??= firstFrom(i, e);
      i = e;
      continue;
    }
    if (c === '<' && text[i + 1] === '#' && commentHere) {
      const e = text.indexOf('#>', i + 2);
      if (e < 0) return asCode(i);
      comment ??= firstFrom(i, e);
      i = e + 2;
      continue;
    }
    if (c === '@' && (text[i + 1] === "'" || text[i + 1] === '"') && hereStringOpens(text, i + 2)) {
      const body = text.indexOf('\n', i + 2) + 1;
      if (text[i + 1] === '"') {
        stack.push({ k: 'dq', here: true });
        i = body;
        continue;
      }
      // @'…'@: literal to a line that starts with '@.
      let j = body;
      while (j < n && !(lineStart(j) && text[j] === "'" && text[j + 1] === '@')) j++;
      const bad = firstFrom(i, j);
      if (bad !== undefined) return { code: bad, comment };
      i = j + 2;
      continue;
    }
    if (c === "'") {
      // '…', with '' for a quote.
      let j = i + 1;
      while (j < n && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1;
      const bad = firstFrom(i, j);
      if (bad !== undefined) return { code: bad, comment };
      i = j + 1;
      continue;
    }
    if (c === '"') {
      stack.push({ k: 'dq', here: false });
      i++;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const end = bracedName(text, i + 2);
      const bad = firstFrom(i, end ?? n);
      if (bad !== undefined) return { code: bad, comment };
      if (end === undefined) return { comment };
      i = end;
      wordAt = i;
      continue;
    }
    if (f.inString) {
      if (c === '(') f.parens++;
      else if (c === ')') {
        if (f.parens === 0) stack.pop();
        else f.parens--;
      }
    }
    i++;
  }
  return { comment };
}

/** After `@'` or `@"`: only spaces or tabs up to the line break make it a here-string. */
function hereStringOpens(text: string, from: number): boolean {
  let j = from;
  while (text[j] === ' ' || text[j] === '\t') j++;
  return text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n');
}

/** The index after the `}` closing a `${…}` name whose text starts at `from` (backtick escapes), if any. */
function bracedName(text: string, from: number): number | undefined {
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === '`') j++;
    else if (c === '}') return j + 1;
    else if (c === '\n') return undefined;
  }
  return undefined;
}
