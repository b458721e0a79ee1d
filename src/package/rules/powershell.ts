// Checks of `.ps1` scripts as the SSM Agent runs them: `.\install.ps1` under Windows PowerShell 5.1.
import { isUtf8 } from 'node:buffer';
import { baseName } from '../layout.js';
import type { Diagnostic } from '../types.js';
import { diag } from './catalogue.js';

/** Checks a `.ps1` script: non-ASCII text needs a BOM for Windows PowerShell 5.1. */
export function checkPowerShellScript(content: Buffer, display: string): Diagnostic[] {
  const b0 = content[0];
  const b1 = content[1];
  if (b0 === 0xef && b1 === 0xbb && content[2] === 0xbf) return [];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return []; // UTF-16 (or UTF-32 LE)
  const at = content.findIndex((b) => b >= 0x80);
  if (at < 0) return [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (content[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = content.subarray(lineStart, at).toString('utf8').length + 1;
  const save = isUtf8(content)
    ? 'Save it as "UTF-8 with BOM"'
    : 'It is not even valid UTF-8: save it as "UTF-8 with BOM"';
  return [
    diag(
      'ps1-bom',
      { file: display, line, column },
      `${baseName(display)} has non-ASCII text (first at line ${line}) but no byte-order mark; Windows PowerShell 5.1 reads such a file as ANSI (Windows-1252), which garbles the text and can break quoting. ${save}, or keep the script ASCII-only.`,
    ),
  ];
}
