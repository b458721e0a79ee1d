// Hostile input for the issue-8 features: installer headers, the PowerShell lexer, `trap … ERR`, shadowed
// keys, grouping, scoped `rules:`, `preview-hosts:`, `{version}` in ZIP names, exclude globs, the summary's
// escaping and caps, and the bounded uploads. Every test asserts bounded work by completing (within vitest's
// default timeout) and by the size of what comes out, never by the clock.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bounded } from '../src/aws/s3.js';
import type { Outcome } from '../src/modes/outcome.js';
import { buildPackage } from '../src/package/build.js';
import { parseConfig } from '../src/package/config.js';
import { globMatcher, patternProblem } from '../src/package/glob.js';
import { groupDiagnostics } from '../src/package/group.js';
import { archFromBytes, type InstallerKind } from '../src/package/rules/installer/index.js';
import { checkPowerShellScript, nonAscii } from '../src/package/rules/powershell.js';
import { checkShellScript } from '../src/package/rules/shell/check.js';
import { lineFindings } from '../src/package/rules/shell/lines.js';
import type { Diagnostic } from '../src/package/types.js';
import { mdCode } from '../src/report/escape.js';
import { renderAction } from '../src/report/action.js';
import { SUMMARY_MAX_BYTES } from '../src/report/summary.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { md } from './support/markdown.js';
import { runAction } from './support/runner.js';
import { foreignCommands } from './support/workflow-commands.js';

afterAll(cleanupTemp);

const MiB = 1024 * 1024;

// --- installers

/** A 60-byte `ar` member header. */
function arMember(name: string, data: Buffer): Buffer {
  const h = Buffer.alloc(60, 0x20);
  h.write(name, 0, 'latin1');
  h.write('0', 16, 'latin1');
  h.write('0', 28, 'latin1');
  h.write('0', 34, 'latin1');
  h.write('100644', 40, 'latin1');
  h.write(String(data.length), 48, 'latin1');
  h.write('`\n', 58, 'latin1');
  return Buffer.concat([h, data, data.length % 2 ? Buffer.from('\n') : Buffer.alloc(0)]);
}
const deb = (control: Buffer, name = 'control.tar.gz') =>
  Buffer.concat([
    Buffer.from('!<arch>\n'),
    arMember('debian-binary', Buffer.from('2.0\n')),
    arMember(name, control),
  ]);

/** One ustar member with a correct checksum. */
function tarMember(name: string, body: Buffer, size = body.length): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h[156] = 0x30;
  h.write('ustar\0' + '00', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad]);
}

const MAGIC: Record<InstallerKind, Buffer> = {
  rpm: Buffer.concat([
    Buffer.from('edabeedb03000000', 'hex'),
    Buffer.alloc(88),
    Buffer.from('8eade801', 'hex'),
  ]),
  deb: Buffer.from('!<arch>\n'),
  msi: Buffer.from('d0cf11e0a1b11ae1', 'hex'),
  exe: Buffer.from('MZ'),
};

describe('installer headers: garbage, truncation, loops, bombs', () => {
  it('never throws or hangs on random bytes after each magic (fuzz)', async () => {
    for (const kind of Object.keys(MAGIC) as InstallerKind[]) {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (tail) => {
          const b = Buffer.concat([MAGIC[kind], Buffer.from(tail)]);
          for (const cut of [b.length, b.length >> 1, 8]) {
            const r = await archFromBytes(kind, b.subarray(0, cut));
            expect(r === undefined || Array.isArray(r.fits)).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    }
  });

  it('a gzip bomb in control.tar.gz is unpacked only to its cap', async () => {
    // 48 MiB of zeros in ~47 KiB of gzip: the prefix read (64 KiB) holds all of it.
    const bomb = zlib.gzipSync(Buffer.alloc(48 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(60 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expect(await archFromBytes('deb', deb(bomb))).toBeUndefined();
    // The cap is 1 MiB: far less than the 48 MiB it would expand to stays allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * MiB);
  });

  it('a real control file after a bomb-sized padding member is not reached, and one before it is', async () => {
    const control = tarMember('./control', Buffer.from('Package: x\nArchitecture: arm64\n'));
    const good = zlib.gzipSync(control);
    expect((await archFromBytes('deb', deb(good)))?.written).toBe('arm64');
    const padded = zlib.gzipSync(Buffer.concat([tarMember('./pad', Buffer.alloc(4 * MiB)), control]));
    expect(await archFromBytes('deb', deb(padded))).toBeUndefined();
    // A tar member claiming 8 GiB: skipped arithmetically, no allocation.
    const huge = zlib.gzipSync(tarMember('./big', Buffer.alloc(0), 0o77777777777));
    expect(await archFromBytes('deb', deb(huge))).toBeUndefined();
    // Truncated and corrupt gzip data.
    expect(await archFromBytes('deb', deb(good.subarray(0, 20)))).toBeUndefined();
    expect(
      await archFromBytes('deb', deb(Buffer.from('1f8b08000000000000ffdeadbeef', 'hex'))),
    ).toBeUndefined();
    expect(await archFromBytes('deb', deb(Buffer.alloc(0)))).toBeUndefined();
  });

  it('an MSI whose FAT chains loop, or whose counts are huge, gives up', async () => {
    const b = Buffer.alloc(4096);
    MAGIC.msi.copy(b);
    b.writeUInt16LE(0xfffe, 0x1c);
    b.writeUInt16LE(9, 0x1e);
    b.writeUInt16LE(6, 0x20);
    b.writeUInt32LE(0, 0x30); // directory at sector 0
    b.writeUInt32LE(0x1000, 0x38);
    b.writeUInt32LE(0, 0x3c); // mini FAT at sector 0 too
    for (let i = 0; i < 109; i++) b.writeUInt32LE(1, 0x4c + i * 4); // every DIFAT entry: sector 1
    // FAT (sector 1, at 1024): 0 → 0 (a loop), 2 → 2.
    b.writeUInt32LE(0, 1024);
    b.writeUInt32LE(2, 1024 + 8);
    expect(await archFromBytes('msi', b)).toBeUndefined();
    // Each sector n → n+1 over the whole FAT: a long chain, capped.
    for (let n = 0; n < 128; n++) b.writeUInt32LE(n + 1, 1024 + n * 4);
    expect(await archFromBytes('msi', b)).toBeUndefined();
  });

  it('an RPM with 65535 index entries and a 256 MB store gives up within the prefix', async () => {
    const b = Buffer.alloc(64 * 1024);
    MAGIC.rpm.copy(b);
    b.writeUInt32BE(0xffff, 96 + 8);
    b.writeUInt32BE(0x0ffffff0, 96 + 12);
    expect(await archFromBytes('rpm', b)).toBeUndefined();
    // A main header right after an empty signature, its index all RPMTAG_ARCH with offsets past the store.
    b.writeUInt32BE(1, 96 + 8);
    b.writeUInt32BE(0, 96 + 12);
    const main = 96 + 16 + 16;
    b.writeUIntBE(0x8eade8, main, 3);
    b[main + 3] = 1;
    b.writeUInt32BE(0xffff, main + 8);
    b.writeUInt32BE(16, main + 12);
    for (let e = main + 16; e + 16 <= b.length; e += 16) {
      b.writeUInt32BE(1022, e);
      b.writeUInt32BE(6, e + 4);
      b.writeUInt32BE(0xfffffff0, e + 8);
    }
    expect(await archFromBytes('rpm', b)).toBeUndefined();
  });

  it('a PE whose e_lfanew points past the prefix, or at its very end, gives up', async () => {
    const b = Buffer.alloc(0x40);
    MAGIC.exe.copy(b);
    for (const lfanew of [0xffffffff, 0x3c, 0x3a, 0x40, 3]) {
      b.writeUInt32LE(lfanew, 0x3c);
      expect(await archFromBytes('exe', b)).toBeUndefined();
    }
  });
});

// --- PowerShell

describe('ps1-bom lexer on pathological scripts (1 MiB each)', () => {
  const N = MiB;
  const cases: [string, string, 'code' | 'comment'][] = [
    ['nested "$( 300 000 deep', '"$('.repeat(N / 3), 'code'],
    ['a million backticks', '`'.repeat(N), 'code'],
    ['unterminated <# comments', '<# '.repeat(N / 3), 'code'],
    ['half a million comment lines', '#\n'.repeat(N / 2), 'code'],
    ['quotes only', "'".repeat(N), 'code'],
    ['here-string openers', '@"\n'.repeat(N / 3), 'code'],
    ['literal here-string openers', "@'\n".repeat(N / 3), 'code'],
    ['${ without }', '${'.repeat(N / 2), 'code'],
    ['"$(x)" repeated', `"${'$(x)'.repeat(N / 4)}`, 'code'],
    ['one long comment', `# ${'x'.repeat(N)}`, 'comment'],
  ];
  for (const [name, text, where] of cases) {
    it(name, () => {
      const r = nonAscii(`${text}é`);
      // The é is the last character; the lexer reaches it (as code, unless a comment holds it).
      expect(where === 'code' ? r.code : r.comment).toBe(text.length);
      const ds = checkPowerShellScript(Buffer.from(`${text}é`, 'latin1'), 'p/install.ps1');
      expect(ds).toHaveLength(1);
      expect(ds[0]!.message.length).toBeLessThan(1000);
    });
  }
});

// --- shell: trap … ERR and the other line rules on huge lines

describe('sh rules on a huge line', () => {
  it('a line of 300 000 `[[` or 5 000 `trap x ERR …` gives a few findings, never a stack overflow', () => {
    const brackets = ';[[ '.repeat(300_000);
    expect(lineFindings(brackets, 0).length).toBeLessThanOrEqual(1);
    const traps = `${'trap x ERR DEBUG RETURN SIGERR err '.repeat(8)};`.repeat(5000);
    const found = lineFindings(traps, 0);
    expect(found.filter((f) => f.id === 'trap').map((f) => f.name)).toEqual(['ERR', 'DEBUG', 'RETURN']);
    expect(found[0]!.at).toBe(7);
  });

  it('through the whole script check and the build: one sh-bashism finding, no crash', async () => {
    const script = `#!/bin/sh\n${'(trap x ERR) ; [[ a ]] ; '.repeat(100_000)}\n`;
    const ds = checkShellScript(Buffer.from(script), 'p/install.sh', ['ubuntu']);
    expect(ds.filter((d) => d.rule === 'sh-bashism')).toHaveLength(1);
    const dir = validPackage({ 'linux/install.sh': script });
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    expect(r.diagnostics.filter((d) => d.rule === 'sh-bashism')).toHaveLength(1);
  });

  it('trap arguments are read a bounded way: a 1 MiB quoted argument, 200 000 nested `(trap`', () => {
    expect(lineFindings(`trap "${'x'.repeat(MiB)}`, 0)).toEqual([]);
    expect(lineFindings('(trap '.repeat(200_000), 0)).toEqual([]);
    expect(lineFindings(`(trap ${'('.repeat(100_000)} ${'x'.repeat(100_000)} ERR`, 0)).toEqual([]);
  });
});

// --- shadowed keys, grouping, globs

describe('bounded work over many keys, findings and patterns', () => {
  it('shadowing: 2000 exact ubuntu versions and 2000 exact _any versions, each shadowing `*`', async () => {
    const versions = Array.from({ length: 2000 }, (_, i) => `${10 + (i % 90)}.${Math.floor(i / 90)}`);
    const config = [
      'name: TestAgent',
      'version: 1.0.0',
      'payloads:',
      '  linux:',
      '    targets:',
      `      - { platform: ubuntu, version: [${versions.join(', ')}], arch: arm64 }`,
      `      - { platform: _any, version: [${versions.join(', ')}], arch: arm64 }`,
      "      - { platform: [ubuntu, _any], version: '*', arch: [x86_64, arm64] }",
    ].join('\n');
    const dir = validPackage({ 'distributor.yaml': `${config}\n`, windows: null });
    const r = await buildPackage({ packageDir: dir, cwd: dir });
    const shadowed = r.diagnostics.filter((d) => d.rule === 'version-key-shadowed');
    expect(shadowed.length).toBeGreaterThan(0);
    // One finding per shadowing key at most, each message short whatever the number of hosts.
    expect(shadowed.length).toBeLessThanOrEqual(4001);
    for (const d of shadowed) expect(d.message.length).toBeLessThan(2000);
  });

  it('grouping 100 000 findings (half of them identical) is linear, and keeps every place', () => {
    const ds: Diagnostic[] = [];
    for (let i = 0; i < 50_000; i++)
      ds.push({
        rule: 'sh-crlf',
        severity: 'warning',
        message: 'same',
        file: `p${i}.zip:install.sh`,
        line: 1,
      });
    for (let i = 0; i < 50_000; i++)
      ds.push({ rule: 'sh-crlf', severity: 'error', message: `m${i}`, file: `f${i}`, line: i });
    const g = groupDiagnostics(ds);
    expect(g).toHaveLength(50_001);
    const merged = g.find((d) => d.message === 'same')!;
    expect(merged.also).toHaveLength(49_999);
  });

  it('exclude: backtracking patterns, deep globstars, negations and folder-only patterns on long paths', () => {
    const pat = `${'*a'.repeat(490)}b`;
    expect(patternProblem(pat)).toBeUndefined();
    expect(patternProblem('{a,b}'.repeat(11))).toMatch(/alternatives/);
    expect(patternProblem('{1..999999999}')).toMatch(/alternatives/);
    const match = globMatcher([pat, `!${pat}`, `${'**/'.repeat(300)}x/`, `!${'**/'.repeat(300)}y`]);
    const long = Array.from({ length: 200 }, () => 'a'.repeat(4000)).join('/');
    let asked = 0;
    expect(
      match(long, () => {
        asked++;
        return true;
      }),
    ).toBe(false);
    expect(asked).toBe(0);
    expect(match(`${'q/'.repeat(2000)}x`, () => ++asked > 0)).toBe(true);
    expect(match(`${'q/'.repeat(2000)}x`, false)).toBe(false);
  });
});

// --- config: scoped rules, preview-hosts, {version}

describe('config: scopes, preview hosts and versioned names', () => {
  it('20 000 unknown payload and platform scopes against 2000 payloads and 10 000 platforms: short messages', () => {
    // 360 KB of config; before the fix: 33 s and 1 GB of messages (each listed all 10 000 platforms).
    let y = 'name: A\nversion: 1.0.0\npayloads:\n';
    for (let i = 0; i < 2000; i++) {
      const ps = Array.from({ length: 5 }, (_, j) => `p${i}x${j}`).join(',');
      y += `  pay${String(i).padStart(5, '0')}: { targets: [{ platform: [${ps}], version: _any, arch: x86_64 }] }\n`;
    }
    y += 'rules:\n  sh-crlf:\n';
    const pays = Array.from({ length: 100 }, (_, i) => `pax${String(i).padStart(5, '0')}`).join(',');
    const plats = Array.from({ length: 100 }, (_, i) => `zz${i}`).join(',');
    for (let e = 0; e < 100; e++)
      y += `    - { severity: off, payloads: [${pays}], platforms: [${plats}] }\n`;
    const r = parseConfig(y, 'distributor.yaml', 'yaml');
    expect(r.diagnostics).toHaveLength(20_000);
    expect(r.diagnostics[0]!.message).toMatch(/did you mean `pay00000`/);
    for (const d of r.diagnostics) expect(d.message.length).toBeLessThan(500);
  });

  const versioned = (file: string) =>
    validPackage({
      'distributor.yaml': `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    file: ${JSON.stringify(file)}\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`,
      windows: null,
    });

  for (const version of [
    '../x',
    'a/b',
    '1.0/../../x',
    '1.0\n::warning::x',
    '..',
    '/etc',
    'x\\..\\y',
    '\u202e1',
  ]) {
    it(`version ${JSON.stringify(version)} in \`{version}\`: the name rules see the substituted name, nothing is written outside`, async () => {
      const dir = versioned('agent-{version}.zip');
      const out = path.join(tempDir(), 'out');
      const r = await buildPackage({
        packageDir: dir,
        cwd: dir,
        outputDir: out,
        version: { value: version, source: 'input' },
      });
      const written = existsSync(out) ? readdirSync(out, { recursive: true }).map(String) : [];
      for (const f of written) expect(path.resolve(out, f).startsWith(`${out}${path.sep}`)).toBe(true);
      expect(existsSync(path.join(path.dirname(out), 'x.zip'))).toBe(false);
      if (r.ok) {
        // Only a name the attachment rules accept is written: letters, digits, _ - .
        expect(r.output?.files.map((f) => f.name)).toEqual([`agent-${version}.zip`]);
        expect(version).toMatch(/^[A-Za-z0-9_.-]+$/);
      } else {
        expect(r.diagnostics.some((d) => /^(version-pattern|file-name-pattern|path-)/.test(d.rule))).toBe(
          true,
        );
        expect(written.filter((f) => f.endsWith('.zip'))).toEqual([]);
      }
    });
  }
});

// --- the summary and the annotations

const outcomeWith = (diagnostics: Diagnostic[]) =>
  ({
    mode: 'validate',
    packageDir: 'pkg',
    build: { ok: false, diagnostics, preview: [], kind: 'config' },
    failure: { type: 'package', reason: 'errors' },
  }) as unknown as Outcome;

describe('summary and annotations with hostile names', () => {
  it('a code span of 300 000 backtick runs (a 600 KB name) does not overflow the stack', () => {
    const s = mdCode('`a'.repeat(300_000));
    expect(s.startsWith('``')).toBe(true);
  });

  it('5 000 findings with 100 KB hostile messages and names: under 512 KiB, nothing raw', () => {
    const evil = '<img src=x onerror=alert(1)>\n::error::pwned\n| cell | `code` ![x](y) [l](javascript:x)';
    const ds: Diagnostic[] = Array.from({ length: 5000 }, (_, i) => ({
      rule: 'sh-crlf',
      severity: 'error',
      message: `${evil}${'x'.repeat(100_000)}${i}`,
      file: `${evil}${'`'.repeat(i % 7)}${i}`,
      line: 1,
      also: Array.from({ length: 30 }, (_, j) => ({ file: `${evil}${j}` })),
    }));
    const r = renderAction(outcomeWith(ds));
    expect(Buffer.byteLength(r.summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    // Rendered as GitHub does (HTML allowed): no element from the names, and no line starting a command.
    expect(md.render(r.summary)).not.toMatch(/<img|<b>/);
    expect(r.summary).not.toMatch(/^\s*::/m);
    expect(r.annotations.length).toBeLessThanOrEqual(30);
    for (const l of r.log) expect(l).not.toMatch(/^\s*::/);
  });
});

// --- uploads

describe('bounded uploads', () => {
  it('one failure while others run: no new start, the running ones finish, one rejection, no unhandled one', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      let running = 0;
      let peak = 0;
      const started: number[] = [];
      const finished: number[] = [];
      const items = Array.from({ length: 40 }, (_, i) => i);
      const run = bounded(items, 4, async (i) => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, i === 5 ? 1 : 10));
        running--;
        if (i === 5 || i === 6) throw new Error(`fail ${i}`);
        finished.push(i);
        return i;
      });
      await expect(run).rejects.toThrow('fail 5');
      await new Promise((r) => setTimeout(r, 50));
      expect(peak).toBeLessThanOrEqual(4);
      expect(running).toBe(0);
      // Every upload that started ended before the failure was thrown (none is left running).
      expect(finished.length + 2).toBeGreaterThanOrEqual(started.length - 0);
      expect(started.length).toBeLessThan(items.length);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('limits that are not numbers, zero, negative or infinite still run every item once', async () => {
    for (const limit of [Number.NaN, 0, -3, Number.POSITIVE_INFINITY, 2.5]) {
      const seen: number[] = [];
      const r = await bounded([1, 2, 3], limit, async (i) => {
        seen.push(i);
        return i * 2;
      });
      expect(r).toEqual([2, 4, 6]);
      expect(seen.sort()).toEqual([1, 2, 3]);
    }
    expect(await bounded([], 4, async () => 1)).toEqual([]);
  });
});

// --- end to end: the committed dist/index.js

describe('dist/index.js with hostile preview hosts, names and a version', () => {
  const HOSTILE = '::warning::x <b>bold</b> `tick` | pipe ##[add-mask]y';
  it('preview-hosts labels and platforms, and a version with a line break, reach neither the log nor the summary raw', async () => {
    const config = `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    file: "agent-{version}.zip"\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\npreview-hosts:\n  - { platform: ${JSON.stringify(HOSTILE)}, version: ${JSON.stringify(HOSTILE)}, arch: x86_64, label: ${JSON.stringify(HOSTILE)} }\n`;
    const dir = validPackage({ 'distributor.yaml': config, windows: null });
    for (const version of ['1.0\n::warning::injected\n::add-mask::z', '../x', '1.0.0']) {
      const r = await runAction({ 'package-dir': dir, 'upload-artifact': 'false', version }, { cwd: dir });
      expect(r.code).toBe(version === '1.0.0' ? 0 : 1);
      expect(foreignCommands(r.stdout, [])).toEqual([]);
      expect(foreignCommands(r.stderr, [])).toEqual([]);
      expect(md.render(r.summary)).not.toMatch(/<b>|<img/);
      expect(r.summary).not.toMatch(/^\s*::/m);
      if (version.includes('\n')) expect(r.summary).toMatch(/Invalid input/);
      else expect(r.summary).toContain('preview-host-unserved');
      if (version === '../x') expect(r.summary).toContain('version-pattern');
    }
  });
});
