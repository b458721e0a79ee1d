// Item 9 of issue 8: a finding repeated per ZIP is said once, the blocker comes first, and the annotations
// and the job summary stay within GitHub's limits whatever the package.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { emit } from '../src/github/runner.js';
import type { Outcome } from '../src/modes/outcome.js';
import { validate } from '../src/modes/validate.js';
import { groupDiagnostics, PACKAGE_RULES } from '../src/package/group.js';
import { RULES } from '../src/package/rules/catalogue.js';
import type { Diagnostic } from '../src/package/types.js';
import { renderAction } from '../src/report/action.js';
import { cliText } from '../src/report/cli.js';
import { SUMMARY_MAX_BYTES, TOP_FINDINGS } from '../src/report/summary.js';
import { decode, md, tables, tagsOf } from './support/markdown.js';
import { cleanupTemp, tempDir } from './support/pkg.js';
import { annotations, runAction } from './support/runner.js';

afterAll(cleanupTemp);

/** The same bash-heavy install.sh in every ZIP: 25 lines of `[[ ]]` and `echo -e`, `function`, `source`. */
function bashHeavy(): string {
  const lines = ['#!/bin/bash', 'set -e'];
  for (let i = 0; i < 25; i++) lines.push(`if [[ -n "$X${i}" ]]; then echo -e "step ${i}"; fi`);
  lines.push('function cleanup { rm -rf /tmp/x; }', 'source /etc/os-release');
  return `${lines.join('\n')}\n`;
}

/**
 * A package of `n` payloads (agent-01 … agent-40, each an Ubuntu target of its own, so sh is dash) holding the same
 * install.sh and uninstall.sh: 40 ZIPs are over the 20 files a version can attach (`file-count`).
 */
function fortyZips(n = 40): string {
  const root = tempDir('forty-');
  const cfg = ['name: FortyAgent', 'version: 1.0.0', 'payloads:'];
  for (let i = 1; i <= n; i++) {
    const k = `agent-${String(i).padStart(2, '0')}`;
    const arch = i % 2 ? 'x86_64' : 'arm64';
    cfg.push(
      `  ${k}:`,
      '    targets:',
      `      - { platform: ubuntu, version: "${Math.ceil(i / 2)}.*", arch: ${arch} }`,
    );
    mkdirSync(path.join(root, k));
    writeFileSync(path.join(root, k, 'install.sh'), bashHeavy());
    writeFileSync(path.join(root, k, 'uninstall.sh'), '#!/bin/sh\nset -euo pipefail\nsource /etc/x\n');
    writeFileSync(path.join(root, k, 'agent.deb'), 'deb bytes');
  }
  writeFileSync(path.join(root, 'distributor.yaml'), `${cfg.join('\n')}\n`);
  return root;
}

const d = (over: Partial<Diagnostic> & Pick<Diagnostic, 'rule'>): Diagnostic => ({
  severity: 'error',
  message: `${over.rule} message`,
  ...over,
});

describe('groupDiagnostics', () => {
  it('merges the same finding in 40 ZIPs into one with 39 other places, and puts file-count first', async () => {
    const dir = fortyZips();
    const o = await validate({ build: { packageDir: dir, cwd: dir }, failOnWarnings: false });
    const ds = o.build!.diagnostics;
    // Before grouping, every ZIP repeated each of its script findings: 23 per ZIP (20 lines of install.sh,
    // its "7 more lines" finding, uninstall.sh's `source` and its pipefail warning), 920 in all.
    const scripts = ds.filter((x) => x.rule.startsWith('sh-'));
    expect(scripts).toHaveLength(23);
    expect(scripts.every((x) => x.also?.length === 39)).toBe(true);
    expect(ds[0]).toMatchObject({ rule: 'file-count', severity: 'error', file: 'distributor.yaml' });
    expect(ds[0]!.also).toBeUndefined();
    const line3 = ds.find((x) => x.rule === 'sh-bashism' && x.line === 3)!;
    expect(line3.file).toBe('agent-01/install.sh');
    expect(line3.also).toHaveLength(39);
    expect(line3.also!.map((l) => l.file)).toEqual(
      Array.from({ length: 39 }, (_, i) => `agent-${String(i + 2).padStart(2, '0')}/install.sh`),
    );
    expect(line3.also!.every((l) => l.line === 3)).toBe(true);
    // Platforms are the union of the 40 ZIPs' (all ubuntu), the payload is gone (they differ).
    expect(line3.platforms).toEqual(['ubuntu']);
    expect(line3.payload).toBeUndefined();
    // Every line's finding is its own group: the install.sh findings at lines 3…22 and the "more lines" one.
    const bash = ds.filter((x) => x.rule === 'sh-bashism' && x.file === 'agent-01/install.sh');
    expect(new Set(bash.map((x) => x.line)).size).toBe(bash.length);
    expect(bash.length).toBeGreaterThanOrEqual(20);
    // Errors before warnings; the pipefail warning (40 places) after every error.
    const firstWarning = ds.findIndex((x) => x.severity === 'warning');
    expect(ds.slice(firstWarning).every((x) => x.severity !== 'error')).toBe(true);
    expect(ds.find((x) => x.rule === 'sh-pipefail')?.also).toHaveLength(39);
  });

  it('keeps findings apart that differ in line, column, message, rule, severity or file name', () => {
    const base = d({ rule: 'sh-bashism', file: 'a.zip:install.sh', line: 3, column: 1 });
    const ds = [
      base,
      { ...base, file: 'b.zip:install.sh' },
      { ...base, file: 'c.zip:install.sh', line: 4 },
      { ...base, file: 'd.zip:install.sh', column: 2 },
      { ...base, file: 'e.zip:install.sh', message: 'other' },
      { ...base, file: 'f.zip:install.sh', severity: 'warning' as const },
      { ...base, file: 'g.zip:uninstall.sh' },
      { ...base, file: 'h.zip:install.sh', rule: 'sh-crlf' },
    ];
    const g = groupDiagnostics(ds);
    expect(g).toHaveLength(7);
    const merged = g.find((x) => x.also);
    expect(merged).toMatchObject({ file: 'a.zip:install.sh', also: [{ file: 'b.zip:install.sh', line: 3 }] });
    // A folder payload's display path and a prebuilt ZIP's share the base name: one finding.
    const mixed = groupDiagnostics([
      { ...base, file: 'pkgs/linux/install.sh' },
      { ...base, file: 'linux2.zip:install.sh' },
    ]);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]!.also).toEqual([{ file: 'pkgs/linux/install.sh', line: 3, column: 1 }]);
  });

  it('unions platforms, keeps a payload only when all agree, and lists each place once', () => {
    const base = d({ rule: 'sh-bashism', line: 2 });
    const g = groupDiagnostics([
      { ...base, file: 'b/install.sh', payload: 'b', platforms: ['ubuntu'] },
      { ...base, file: 'a/install.sh', payload: 'a', platforms: ['debian', 'ubuntu'] },
      { ...base, file: 'a/install.sh', payload: 'a', platforms: ['debian'] },
    ]);
    expect(g).toEqual([
      {
        ...base,
        file: 'a/install.sh',
        platforms: ['debian', 'ubuntu'],
        also: [{ file: 'b/install.sh', line: 2 }],
      },
    ]);
    const same = groupDiagnostics([
      { ...base, file: 'x/install.sh', payload: 'p' },
      { ...base, file: 'y/install.sh', payload: 'p' },
    ]);
    expect(same[0]!.payload).toBe('p');
    expect(same[0]!.platforms).toBeUndefined();
  });

  it('orders by severity, then package-wide rules, then places, then file and line', () => {
    const many = (rule: string, n: number, severity: Diagnostic['severity'] = 'error'): Diagnostic[] =>
      Array.from({ length: n }, (_, i) => d({ rule, severity, file: `z${i}.zip:install.sh`, line: 1 }));
    const g = groupDiagnostics([
      d({ rule: 'sh-crlf', file: 'a.zip:install.sh', line: 2 }),
      ...many('sh-bashism', 40),
      ...many('sh-pipefail', 40, 'warning'),
      d({ rule: 'name-configure-package', severity: 'warning', file: 'distributor.yaml', line: 1 }),
      ...many('symlink', 3, 'notice'),
      d({ rule: 'manifest-size', file: 'x/manifest.json' }),
      ...many('sh-crlf', 2),
      d({ rule: 'file-count', file: 'distributor.yaml', line: 9 }),
    ]);
    expect(g.map((x) => `${x.rule}:${1 + (x.also?.length ?? 0)}`)).toEqual([
      'file-count:1',
      'manifest-size:1',
      'sh-bashism:40',
      'sh-crlf:2',
      'sh-crlf:1',
      'name-configure-package:1',
      'sh-pipefail:40',
      'symlink:3',
    ]);
    for (const r of PACKAGE_RULES) expect(Object.hasOwn(RULES, r), r).toBe(true);
  });
});

/** A failed build outcome holding `ds` (already grouped and ordered, as a build returns them). */
function outcomeWith(ds: Diagnostic[]): Outcome {
  return {
    mode: 'validate',
    packageDir: 'packages/big',
    build: {
      ok: false,
      diagnostics: ds,
      source: 'config',
      name: 'BigAgent',
      version: '1.0.0',
      manifest: undefined,
      preview: [],
    },
    failure: { type: 'problems', reason: 'errors' },
  };
}

/** 900 distinct findings in 40 ZIPs (errors, warnings, notices) and one `file-count`. */
function bigOutcome(): Outcome {
  const ds: Diagnostic[] = [];
  for (let z = 0; z < 40; z++)
    for (let l = 0; l < 22; l++)
      ds.push(
        d({
          rule: 'sh-bashism',
          severity: l < 15 ? 'error' : l < 20 ? 'warning' : 'notice',
          file: `z${z}.zip:install${z}.sh`,
          line: l + 1,
        }),
      );
  ds.push(...Array.from({ length: 20 }, (_, i) => d({ rule: 'sh-crlf', file: `c${i}.zip:install.sh` })));
  ds.push(d({ rule: 'file-count', file: 'distributor.yaml', line: 4 }));
  return outcomeWith(groupDiagnostics(ds));
}

describe('annotations within GitHub limits', () => {
  it('at most 10 of each level, the failure counted, the most important first, and one "more" notice', () => {
    const o = bigOutcome();
    const r = renderAction(o);
    const of = (l: string) => r.annotations.filter((a) => a.level === l);
    // The failure (core.setFailed) is the tenth error.
    expect(r.failed).toBeDefined();
    expect(of('error')).toHaveLength(9);
    expect(of('warning')).toHaveLength(10);
    expect(of('notice')).toHaveLength(10);
    expect(r.annotations.length + 1).toBeLessThanOrEqual(50);
    expect(of('error')[0]!.props).toMatchObject({
      title: 'file-count',
      file: 'distributor.yaml',
      startLine: 4,
    });
    const more = r.annotations.at(-1)!;
    expect(more.level).toBe('notice');
    expect(more.message).toBe(
      '593 more errors, 190 more warnings and 71 more notices are listed in the job summary (GitHub shows 10 annotations of each kind per step).',
    );
    // Counted and listed agree: 9 + 593 errors (the 20 sh-crlf findings are one), 10 + 190 warnings, 9 + 71 notices.
    expect(Object.fromEntries(r.outputs)).toMatchObject({ errors: '602', warnings: '200' });
  });

  it('a grouped finding is annotated once, at its first place, saying where else', async () => {
    const base = d({ rule: 'sh-bashism', line: 7, message: 'Bash-only syntax.' });
    const ds = groupDiagnostics(
      Array.from({ length: 40 }, (_, i) => ({
        ...base,
        file: `a${String(i).padStart(2, '0')}.zip:install.sh`,
      })),
    );
    const r = renderAction(outcomeWith(ds));
    expect(r.annotations).toEqual([
      {
        level: 'error',
        message:
          'Bash-only syntax. (also in 39 other places: a01.zip:install.sh, a02.zip:install.sh, a03.zip:install.sh, a04.zip:install.sh, a05.zip:install.sh, …)',
        props: { title: 'sh-bashism', file: 'a00.zip:install.sh', startLine: 7 },
      },
    ]);
    const text = cliText(outcomeWith(ds), 'validate').stdout.split('\n');
    expect(text[0]).toBe(
      'a00.zip:install.sh:7: sh-bashism error: Bash-only syntax. (and 39 more places: a01.zip:install.sh, a02.zip:install.sh, a03.zip:install.sh, a04.zip:install.sh, a05.zip:install.sh, …)',
    );
    expect(text.filter((l) => l.includes('sh-bashism'))).toHaveLength(1);
  });

  describe('the runner', () => {
    afterEach(() => vi.restoreAllMocks());
    it('writes no more than 10 annotations of a level, even when given more', async () => {
      const written: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
        written.push(String(s));
        return true;
      });
      const prev = { summary: process.env.GITHUB_STEP_SUMMARY, output: process.env.GITHUB_OUTPUT };
      delete process.env.GITHUB_STEP_SUMMARY;
      delete process.env.GITHUB_OUTPUT;
      try {
        const many = Array.from({ length: 30 }, (_, i) => ({
          level: 'warning' as const,
          message: `w${i}`,
          props: undefined,
        }));
        await emit({ outputs: [], annotations: many, log: [], debug: [], summary: '', failed: undefined });
      } finally {
        if (prev.summary !== undefined) process.env.GITHUB_STEP_SUMMARY = prev.summary;
        if (prev.output !== undefined) process.env.GITHUB_OUTPUT = prev.output;
      }
      const lines = written.join('').split('\n');
      expect(lines.filter((l) => l.startsWith('::warning')).length).toBe(10);
      expect(lines).toContain('warning: w29');
    });
  });
});

const ALLOWED_TAGS = new Set(
  'h2 h3 p table thead tbody tr th td code details summary sub strong ul li br'.split(' '),
);

describe('the job summary stays under 512 KiB', () => {
  it('5,000 distinct findings with long messages: top findings open, the rest collapsed, then a count', () => {
    const long = 'x'.repeat(300);
    const ds = groupDiagnostics(
      Array.from({ length: 5000 }, (_, i) =>
        d({
          rule: 'sh-bashism',
          severity: i % 3 === 0 ? 'warning' : 'error',
          file: `z${i % 50}.zip:install${i}.sh`,
          line: i,
          message: `Finding ${i}: ${long} <b>|\`*_`,
        }),
      ),
    );
    const s = renderAction(outcomeWith(ds)).summary;
    const size = Buffer.byteLength(s);
    expect(size).toBeLessThan(SUMMARY_MAX_BYTES);
    expect(size).toBeGreaterThan(SUMMARY_MAX_BYTES * 0.8);
    expect(s.split('\n')[0]).toBe('## ❌ Validate failed: BigAgent 1.0.0 has 3333 errors');
    const html = md.render(s);
    expect(tagsOf(html).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
    expect(tagsOf(html).filter((t) => t === 'details')).toHaveLength(2);
    const [top, rest] = tables(html);
    expect(top).toHaveLength(TOP_FINDINGS);
    for (const row of [...top!, ...rest!]) expect(row).toHaveLength(4);
    expect(decode(top![0]![3]!)).toBe(ds[0]!.message);
    expect(ds[0]!.message).toMatch(/^Finding \d+: x{300} <b>\|`\*_$/);
    const hidden = 5000 - top!.length - rest!.length;
    expect(hidden).toBeGreaterThan(0);
    expect(s).toContain(
      `**${hidden} more findings are not shown**, to keep this summary under 512 KiB: \`distributor validate packages/big\` lists every finding (\`--json\` with every place).`,
    );
    expect(s).toContain(`<details><summary>${rest!.length} more findings</summary>`);
  });

  it('a grouped finding lists its places collapsed (20, then how many more), names escaped', () => {
    const base = d({ rule: 'sh-bashism', line: 7 });
    const names = Array.from(
      { length: 40 },
      (_, i) => `a${String(i).padStart(2, '0')}|<img>\`.zip:install.sh`,
    );
    const ds = groupDiagnostics(names.map((file) => ({ ...base, file })));
    const s = renderAction(outcomeWith(ds)).summary;
    expect(s).toContain(
      '1 error, 0 warnings, 0 notices. Identical findings in several files are listed once, with their other places: 40 places in all.',
    );
    const html = md.render(s);
    expect(tagsOf(html).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
    const [rows] = tables(html);
    expect(rows).toHaveLength(1);
    const where = rows![0]![2]!;
    expect(where).toContain('<details><summary>and 39 more places</summary>');
    const places = [...where.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => decode(m[1]!));
    expect(places).toEqual([`${names[0]}:7`, ...names.slice(1, 21)]);
    expect(where).toMatch(/<br>and 19 more<\/details>$/);
  });

  it('hosts beyond the first 500 of the preview are counted, not listed', () => {
    const preview = Array.from({ length: 20_000 }, (_, i) => ({
      label: `Host ${i}`,
      platform: 'ubuntu',
      version: `${i}.04`,
      arch: 'x86_64',
      file: 'a.zip',
    }));
    const o = outcomeWith([]);
    const s = renderAction({ ...o, build: { ...o.build!, preview } }).summary;
    expect(Buffer.byteLength(s)).toBeLessThan(64 * 1024);
    expect(s).toContain('Which ZIP each host gets (20000 of 20000 hosts get one)');
    expect(s).toContain('19500 more hosts not shown');
    expect(s).not.toContain('Host 500');
    expect(s).toContain('Host 499');
  });
});

describe('dist/index.js on the 40-ZIP package', () => {
  it('annotates within the limits, file-count first, and writes a small summary', async () => {
    const dir = fortyZips();
    const r = await runAction(
      { 'package-dir': dir, 'output-dir': path.join(tempDir(), 'o'), 'upload-artifact': 'false' },
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    const all = annotations(r.stdout);
    const of = (l: string) => all.filter((a) => a.level === l);
    expect(of('error').length).toBeLessThanOrEqual(10);
    expect(of('warning').length).toBeLessThanOrEqual(10);
    expect(of('notice').length).toBeLessThanOrEqual(10);
    expect(all.length).toBeLessThanOrEqual(50);
    expect(all[0]!.props).toMatchObject({ title: 'file-count', file: 'distributor.yaml' });
    // The failure line counts grouped findings, as the `errors` output does.
    const errors = Number(r.outputs.errors);
    expect(errors).toBeGreaterThan(10);
    expect(errors).toBeLessThan(30);
    const warnings = Number(r.outputs.warnings);
    const moreWarnings = warnings > 10 ? ` and ${warnings - 10} more warnings` : '';
    const more = all.filter((a) => a.props.title === 'more problems');
    expect(more.map((a) => a.message)).toEqual([
      `${errors - 9} more errors${moreWarnings} are listed in the job summary (GitHub shows 10 annotations of each kind per step).`,
    ]);
    expect(r.stdout).toContain(`::error::${errors} error${errors === 1 ? '' : 's'} in ${dir}`);
    const bash = all.find((a) => a.props.title === 'sh-bashism')!;
    expect(bash.message).toContain('(also in 39 other places: agent-02/install.sh, ');
    expect(Buffer.byteLength(r.summary)).toBeLessThan(64 * 1024);
    expect(r.summary.split('\n')[0]).toBe(`## ❌ Validate failed: FortyAgent 1.0.0 has ${errors} errors`);
  });
});
