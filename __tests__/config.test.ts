// The package config: YAML/JSON syntax, schema errors at the right line with a useful message,
// target expansion and defaults, and the schema file itself (editor-facing, in step with the catalogue).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import schema from '../schema/distributor.schema.json' with { type: 'json' };
import { RULES } from '../src/package/rules/catalogue.js';
import { CONFIG_FILES, findConfig, type PackageConfig, parseConfig } from '../src/package/config.js';
import { globMatcher, MAX_ALTERNATIVES, patternProblem } from '../src/package/glob.js';
import type { Diagnostic } from '../src/package/types.js';
import { cleanupTemp, tempDir } from './support/pkg.js';

afterAll(cleanupTemp);

const yaml = (text: string) => parseConfig(text, 'pkg/distributor.yaml', 'yaml');
const json = (text: string) => parseConfig(text, 'pkg/distributor.json', 'json');

/** The one diagnostic of a rule (fails if there is not exactly one). */
function only(ds: Diagnostic[], rule: string): Diagnostic {
  const found = ds.filter((d) => d.rule === rule);
  expect(found, JSON.stringify(ds, null, 2)).toHaveLength(1);
  return found[0]!;
}

const VALID = `# yaml-language-server: $schema=../../schema/distributor.schema.json
name: AcmeAgent
version: 1.10
publisher: Acme Corp
description: The Acme agent
payloads:
  linux:
    exclude: ["**/*.md"]
    targets:
      - { platform: amazon, version: _any, arch: [x86_64, arm64] }
      - platform: redhat
        version: ["8.*", "9.*"]
        arch: x86_64
  win:
    path: windows
    file: acme-windows.zip
    targets:
      - { platform: windows, version: _any, arch: 386 }
rules:
  sh-pipefail: off
  symlink: error
`;

describe('valid configs', () => {
  it('reads every field, expands targets to the cross product and applies the defaults', () => {
    const r = yaml(VALID);
    expect(r.diagnostics).toEqual([]);
    const c = r.config as PackageConfig;
    expect(c.file).toBe('pkg/distributor.yaml');
    expect(c.name).toEqual({ value: 'AcmeAgent', loc: { file: 'pkg/distributor.yaml', line: 2, column: 7 } });
    // Scalars are read as written: 1.10 is not the number 1.1, 386 is not a number.
    expect(c.version?.value).toBe('1.10');
    expect(c.version?.loc.line).toBe(3);
    expect(c.publisher).toBe('Acme Corp');
    expect(c.description).toBe('The Acme agent');
    // A plain severity is one unscoped entry.
    expect(c.rules).toEqual({
      'sh-pipefail': [{ severity: 'off', loc: { file: 'pkg/distributor.yaml', line: 20, column: 3 } }],
      symlink: [{ severity: 'error', loc: { file: 'pkg/distributor.yaml', line: 21, column: 3 } }],
    });
    expect(c.previewHosts).toEqual([]);

    const [linux, win] = c.payloads;
    expect(linux).toMatchObject({ name: 'linux', path: 'linux', file: 'linux.zip', exclude: ['**/*.md'] });
    expect(linux!.loc.line).toBe(7);
    expect(linux!.fileLoc).toEqual(linux!.loc);
    expect(linux!.targets.map((t) => `${t.platform}/${t.version}/${t.arch}`)).toEqual([
      'amazon/_any/x86_64',
      'amazon/_any/arm64',
      'redhat/8.*/x86_64',
      'redhat/9.*/x86_64',
    ]);
    const [, arm, rh8, rh9] = linux!.targets;
    expect(arm!.loc).toEqual({ file: 'pkg/distributor.yaml', line: 10, column: 9 });
    // A list value points at the list item that produced the target.
    expect(arm!.fieldLocs.arch).toEqual({ file: 'pkg/distributor.yaml', line: 10, column: 59 });
    expect(arm!.fieldLocs.platform.column).toBe(21);
    expect(rh8!.loc.line).toBe(11);
    expect(rh8!.fieldLocs.platform.line).toBe(11);
    expect(rh8!.fieldLocs.version).toMatchObject({ line: 12, column: 19 });
    expect(rh9!.fieldLocs.version).toMatchObject({ line: 12, column: 26 });
    expect(rh9!.fieldLocs.arch.line).toBe(13);

    expect(win).toMatchObject({ name: 'win', path: 'windows', file: 'acme-windows.zip', exclude: [] });
    expect(win!.fileLoc.line).toBe(16);
    expect(win!.targets).toHaveLength(1);
    expect(win!.targets[0]).toMatchObject({ platform: 'windows', version: '_any', arch: '386' });
  });

  it('reads the same config from JSON, numbers kept as written', () => {
    const r = json(`{
  "$schema": "../../schema/distributor.schema.json",
  "name": "AcmeAgent",
  "payloads": {
    "linux": {
      "targets": [
        { "platform": ["amazon", "redhat"], "version": [2, 8.10], "arch": "x86_64" }
      ]
    }
  }
}`);
    expect(r.diagnostics).toEqual([]);
    const targets = r.config!.payloads[0]!.targets;
    expect(targets.map((t) => `${t.platform}/${t.version}/${t.arch}`)).toEqual([
      'amazon/2/x86_64',
      'amazon/8.10/x86_64',
      'redhat/2/x86_64',
      'redhat/8.10/x86_64',
    ]);
    expect(targets[3]!.fieldLocs).toEqual({
      platform: { file: 'pkg/distributor.json', line: 7, column: 34 },
      version: { file: 'pkg/distributor.json', line: 7, column: 60 },
      arch: { file: 'pkg/distributor.json', line: 7, column: 75 },
    });
    expect(r.config!.payloads[0]).toMatchObject({ path: 'linux', file: 'linux.zip' });
    expect(r.config!.name?.loc.line).toBe(3);
  });

  it('accepts a UTF-8 BOM in the config', () => {
    const r = yaml(`\uFEFF${VALID}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config?.name?.value).toBe('AcmeAgent');
  });

  it('findConfig lists the config files present, in CONFIG_FILES order', async () => {
    const dir = tempDir();
    expect(await findConfig(dir)).toEqual([]);
    writeFileSync(path.join(dir, 'distributor.json'), '{}');
    writeFileSync(path.join(dir, 'distributor.yaml'), '');
    writeFileSync(path.join(dir, 'distributor.txt'), '');
    expect(await findConfig(dir)).toEqual(['distributor.yaml', 'distributor.json']);
    expect(CONFIG_FILES).toEqual(['distributor.yaml', 'distributor.yml', 'distributor.json']);
  });
});

describe('config-syntax', () => {
  const DUPLICATE_YAML =
    'name: A\nversion: 1.0.0\nname: B\npayloads:\n  l:\n    targets: [{platform: amazon, version: _any, arch: x86_64}]\n';
  const DUPLICATE_JSON =
    '{\n  "name": "A",\n  "payloads": { "l": { "targets": [{"platform": "amazon", "version": "_any", "arch": "x86_64"}] } },\n  "name": "B"\n}';
  it.each([
    [
      'an unclosed YAML flow sequence, at the line that opens it',
      yaml,
      'name: [unclosed\n',
      { line: 1 },
      'Invalid YAML: ',
    ],
    [
      'a tab used for indentation',
      yaml,
      'name: A\npayloads:\n\tlinux: {}\n',
      { line: 3 },
      'indent with spaces',
    ],
    [
      'a duplicate YAML key, at the second one, naming the first line',
      yaml,
      DUPLICATE_YAML,
      { line: 3, column: 1 },
      'Duplicate key `name` (first on line 1); keep only one of them.',
    ],
    ['two YAML documents', yaml, 'name: A\n---\nname: B\n', { line: 2 }, 'one YAML document'],
    [
      'a missing comma in JSON, at the value after it',
      json,
      '{\n  "name": "A"\n  "payloads": {}\n}\n',
      { line: 3, column: 3 },
      'a comma is missing',
    ],
    ['a trailing comma in JSON', json, '{\n  "name": "A",\n}\n', { line: 3 }, 'trailing comma'],
    [
      'a duplicate key in JSON, at the later one',
      json,
      DUPLICATE_JSON,
      { line: 4, column: 3 },
      'first on line 2',
    ],
    [
      'text after the JSON object',
      json,
      '{ "payloads": {} }\n\nxyz\n',
      { line: 3 },
      'more text after the closing',
    ],
    [
      'JSON nested deeper than any config',
      json,
      `${'['.repeat(600)}${']'.repeat(600)}`,
      { line: 1 },
      'nests too deeply',
    ],
  ])('%s', (_, parse, text, at, says) => {
    const r = parse(text);
    const d = only(r.diagnostics, 'config-syntax');
    expect(d).toMatchObject({ ...at, severity: 'error' });
    expect(d.file).toMatch(/^pkg\/distributor\.(yaml|json)$/);
    expect(d.message).toContain(says);
    expect(r.config).toBeUndefined();
  });

  it('a YAML alias bomb or a self-referencing alias is refused, not expanded', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(', ')}]`,
      );
    const bomb = only(yaml(`${levels.join('\n')}\n`).diagnostics, 'config-syntax');
    expect(bomb.message).toContain('too many values');
    const self = yaml('payloads: &p\n  l: *p\n');
    expect(self.diagnostics.map((d) => d.rule)).toEqual(['config-syntax']);
  });
});

describe('config-schema', () => {
  const linuxOnly = (targets: string) =>
    `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    targets:\n${targets}`;

  it('a target without arch, at the target line, saying what to add', () => {
    const r = yaml(linuxOnly('      - { platform: amazon, version: _any }\n'));
    const d = only(r.diagnostics, 'config-schema');
    expect(d).toMatchObject({ file: 'pkg/distributor.yaml', line: 6, column: 9, severity: 'error' });
    expect(d.message).toBe(
      'payloads.linux.targets[0]: missing `arch`; add `arch: x86_64`, `arm64`, `386` or `_any`.',
    );
    expect(r.config).toBeUndefined();
  });

  it('the same in JSON speaks JSON', () => {
    const d = only(
      json('{"payloads": {"linux": {"targets": [\n  {"platform": "amazon", "version": "_any"}\n]}}}')
        .diagnostics,
      'config-schema',
    );
    expect(d.line).toBe(2);
    expect(d.message).toContain('add `"arch": "x86_64"`');
  });

  it('a misspelt key, at the key, with a did-you-mean', () => {
    const r = yaml(
      linuxOnly(
        '      - platform: amazon\n        version: _any\n        arch: x86_64\n        plaform: redhat\n',
      ),
    );
    const d = only(r.diagnostics, 'config-schema');
    expect(d).toMatchObject({ line: 9, column: 9 });
    expect(d.message).toBe('payloads.linux.targets[0]: unknown key `plaform`; did you mean `platform`?');
  });

  it('an unknown top-level key lists the allowed keys', () => {
    const d = only(
      yaml(`${linuxOnly('      - { platform: amazon, version: _any, arch: x86_64 }\n')}colour: blue\n`)
        .diagnostics,
      'config-schema',
    );
    expect(d.line).toBe(7);
    expect(d.message).toContain(
      'unknown top-level key `colour`; the keys allowed here are `name`, `version`',
    );
  });

  it('reports every problem of the file at once, each at its own line', () => {
    const r = yaml(`name: [a, b]
payloads:
  linux:
    exclude: "*.md"
    targets:
      - { platform: amazon, version: [], arch: x86_64 }
      - { platform: {a: b}, version: _any, arch: x86_64 }
  windows:
    targets: []
  empty:
rules:
  sh-pipefial: off
  sh-crlf: warn
`);
    const lines = r.diagnostics.map((d) => [d.rule, d.line]);
    expect(lines).toEqual([
      ['config-schema', 1],
      ['config-schema', 4],
      ['config-schema', 6],
      ['config-schema', 7],
      ['config-schema', 9],
      ['config-schema', 10],
      ['config-schema', 12],
      ['config-schema', 13],
    ]);
    const msgs = r.diagnostics.map((d) => d.message);
    expect(msgs[0]).toBe('name: must be a string, not a list.');
    expect(msgs[1]).toBe('payloads.linux.exclude: must be a list, not the text "*.md".');
    expect(msgs[2]).toContain('payloads.linux.targets[0].version: is empty');
    expect(msgs[3]).toBe('payloads.linux.targets[1].platform: must be a string or a list, not a mapping.');
    expect(msgs[4]).toContain('payloads.windows.targets: is empty; list at least one');
    expect(msgs[5]).toContain('payloads.empty: must be a mapping');
    expect(msgs[6]).toBe('rules: unknown rule id `sh-pipefial`; did you mean `sh-pipefail`?');
    expect(msgs[7]).toBe('rules.sh-crlf: `warn` is not allowed; use `error`, `warning`, `notice` or `off`.');
  });

  it('a config without payloads, and a config that is not a mapping', () => {
    expect(only(yaml('name: A\n').diagnostics, 'config-schema').message).toContain('missing `payloads`');
    const d = only(yaml('- a\n- b\n').diagnostics, 'config-schema');
    expect(d.line).toBe(1);
    expect(d.message).toContain('must be a mapping');
    expect(only(yaml('').diagnostics, 'config-schema').line).toBe(1);
    expect(only(json('[]').diagnostics, 'config-schema').message).toContain('must be an object, not a list');
  });

  it('two payloads producing the same ZIP', () => {
    const r = yaml(`payloads:
  a:
    targets: [{ platform: amazon, version: _any, arch: x86_64 }]
  b:
    file: a.zip
    targets: [{ platform: ubuntu, version: _any, arch: x86_64 }]
`);
    const d = only(r.diagnostics, 'config-schema');
    expect(d.line).toBe(5);
    expect(d.message).toContain('both produce a.zip');
  });

  it('targets expanding beyond what a manifest can hold', () => {
    const list = (n: number) => `[${Array.from({ length: n }, (_, i) => `v${i}`).join(', ')}]`;
    const d = only(
      yaml(
        `payloads:\n  l:\n    targets:\n      - { platform: ${list(30)}, version: ${list(30)}, arch: ${list(30)} }\n`,
      ).diagnostics,
      'config-schema',
    );
    expect(d.message).toContain('27000');
  });
});

describe('the schema file', () => {
  it('its rule-id enum is the catalogue', () => {
    expect(schema.definitions.ruleId.enum).toEqual(Object.keys(RULES));
  });

  it('is a valid draft-07 schema under strict ajv', () => {
    const strict = new Ajv({ strict: true, allowUnionTypes: true, validateSchema: true });
    expect(strict.validateSchema(schema), JSON.stringify(strict.errors)).toBe(true);
    expect(() => strict.compile(schema)).not.toThrow();
    expect(schema.$id).toMatch(/distributor\.schema\.json$/);
  });

  it('describes every property and closes every object', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${where}/${i}`);
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties) {
        if (n.additionalProperties !== false) missing.push(`${where}: additionalProperties`);
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof v.description !== 'string' || v.description === '')
            missing.push(`${where}/${k}: description`);
        }
      }
      for (const [k, v] of Object.entries(n)) walk(v, `${where}/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });

  it('validates the example package config', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../examples/acme-agent/distributor.yaml', import.meta.url), 'utf8');
    expect(yaml(text).diagnostics).toEqual([]);
  });
});

describe('never throws', () => {
  it('on any text, as YAML or JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        for (const format of ['yaml', 'json'] as const) {
          const r = parseConfig(s, 'x', format);
          expect(r.config !== undefined || r.diagnostics.length > 0).toBe(true);
          for (const d of r.diagnostics) expect(d.rule).toMatch(/^config-/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('on text built from config-like fragments', () => {
    const piece = fc.constantFrom(
      'payloads:',
      '  linux:',
      '    targets:',
      '      - ',
      '{',
      '}',
      '[',
      ']',
      ',',
      ': ',
      'platform',
      'arch',
      'version',
      '_any',
      'x86_64',
      '"',
      "'",
      '&a ',
      '*a',
      '\n',
      '  ',
      '\t',
      '#',
      '__proto__',
      'constructor',
      '- ',
      '? ',
      '!!str ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const s = parts.join('');
        parseConfig(s, 'x', 'yaml');
        parseConfig(s, 'x', 'json');
      }),
      { numRuns: 400 },
    );
  });

  it('on any JSON value, and on objects shaped almost like a config', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double());
    const strOrList = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
    const target = fc.record(
      { platform: strOrList, version: strOrList, arch: strOrList, plaform: scalar },
      { requiredKeys: [] },
    );
    const payload = fc.record(
      {
        path: scalar,
        file: scalar,
        exclude: fc.oneof(scalar, fc.array(scalar)),
        targets: fc.oneof(scalar, fc.array(target, { maxLength: 3 })),
      },
      { requiredKeys: [] },
    );
    const config = fc.record(
      {
        name: scalar,
        version: scalar,
        payloads: fc.oneof(scalar, fc.dictionary(fc.string(), payload, { maxKeys: 3 })),
        rules: fc.oneof(scalar, fc.dictionary(fc.constantFrom('sh-pipefail', 'nope', '__proto__'), scalar)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), config), (v) => {
        const text = JSON.stringify(v) ?? 'null';
        const r = parseConfig(text, 'x', 'json');
        if (r.config) expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        else expect(r.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('rules: and the rules that cannot be changed', () => {
  it('an entry for a fixed rule is ignored with rule-fixed at its line; the config is still read', () => {
    const r = yaml(`${VALID}  special-file: warning\n  symlink-escape: "off"\n`);
    expect(r.config).toBeDefined();
    const fixed = r.diagnostics.filter((d) => d.rule === 'rule-fixed');
    expect(fixed.map((d) => d.message)).toEqual([
      '`rules: special-file` is ignored: this rule protects the filesystem or the output and cannot be changed.',
      '`rules: symlink-escape` is ignored: this rule protects the filesystem or the output and cannot be changed.',
    ]);
    expect(fixed.every((d) => d.severity === 'warning' && d.line !== undefined)).toBe(true);
  });
});

describe('exclude patterns', () => {
  it.each([
    ['tests/**', 'tests', true],
    ['tests/**', 'tests/a/b', true],
    // As in .gitignore: no slash (but a trailing one) matches at any depth; a slash anchors.
    ['*.md', 'a/b.md', true],
    ['/*.md', 'a/b.md', false],
    ['/*.md', 'b.md', true],
    ['docs/*.md', 'docs/a.md', true],
    ['docs/*.md', 'x/docs/a.md', false],
    ['*.md', '.x.md', true],
    ['**/*.md', 'x.md', true],
    ['**/*.md', 'a/b/x.md', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['x/**/*', 'x', false],
    ['a**b', 'axyb', true],
    ['a**b', 'ax/yb', false],
    ['./a', 'a', true],
    ['./a', 'x/a', false],
    ['/a', 'a', true],
    ['/a', 'x/a', false],
    ['a/', 'a', false],
    ['a/', 'x/a', false],
    ['?', 'é', true],
    ['a?c', 'a/c', false],
    ['[a-c]x', 'bx', true],
    ['[!a-c]x', 'bx', false],
    ['[^a]x', 'zx', true],
    ['[]a]', ']', true],
    ['[a', '[a', true],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['{a,b{c,d}}.txt', 'bd.txt', true],
    ['{a}.txt', '{a}.txt', true],
    ['f{1..3}', 'f2', true],
    ['f{3..1}', 'f4', false],
    ['{a..c}', 'b', true],
    // `!` alone excludes nothing: it only brings back what an earlier pattern left out.
    ['!keep.txt', 'other', false],
    ['!keep.txt', 'keep.txt', false],
  ])('%s matches %s: %s', (pattern, p, expected) => {
    expect(globMatcher([pattern])(p)).toBe(expected);
  });

  it('a trailing slash matches folders only, asking whether the path is one only when it would match', () => {
    const m = globMatcher(['build/', 'docs/out/']);
    let asked = 0;
    const folder = (v: boolean) => () => {
      asked++;
      return v;
    };
    expect(m('build', true)).toBe(true);
    expect(m('a/b/build', true)).toBe(true);
    expect(m('a/b/build', false)).toBe(false);
    expect(m('docs/out', true)).toBe(true);
    expect(m('x/docs/out', true)).toBe(false);
    expect(m('src/main.c', folder(true))).toBe(false);
    expect(asked).toBe(0);
    expect(m('build', folder(true))).toBe(true);
    expect(asked).toBe(1);
  });

  it('the last matching pattern decides: `!` brings back what an earlier one left out', () => {
    const m = globMatcher(['*.log', '!keep.log', 'logs/keep.log']);
    expect(m('a/b.log')).toBe(true);
    expect(m('keep.log')).toBe(false);
    expect(m('x/keep.log')).toBe(false);
    expect(m('logs/keep.log')).toBe(true);
    expect(m('notes.txt')).toBe(false);
    expect(globMatcher(['\\!x'])('!x')).toBe(true);
  });

  it('refuses what cannot be matched safely', () => {
    expect(patternProblem('**/*.md')).toBeUndefined();
    expect(patternProblem('x'.repeat(1001))).toMatch(/1001 characters/);
    expect(patternProblem('@(a|b)')).toMatch(/extglob/);
    expect(patternProblem('{a,b}'.repeat(10))).toMatch(new RegExp(`more than ${MAX_ALTERNATIVES}`));
    expect(patternProblem('{1..5000}')).toMatch(/alternatives/);
  });

  it('matches in linear time what a backtracking regular expression cannot', () => {
    const t0 = Date.now();
    expect(globMatcher([`${'*a'.repeat(20)}*b`])('a'.repeat(250))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a config with such a pattern is config-schema at its line', () => {
    const text = VALID.replace('exclude: ["**/*.md"]', 'exclude: ["**/*.md", "@(x|y)"]');
    expect(only(yaml(text).diagnostics, 'config-schema').message).toMatch(
      /^payloads\.linux\.exclude\[1\] uses extglob syntax/,
    );
    const long = VALID.replace('exclude: ["**/*.md"]', `exclude: ["${'a'.repeat(2000)}"]`);
    expect(only(yaml(long).diagnostics, 'config-schema').message).toBe(
      'payloads.linux.exclude[0]: is 2000 characters long; at most 1000 are allowed.',
    );
  });
});
