// The README's tables must say what action.yml and the rule catalogue say.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ruleList } from '../src/package/rules/catalogue.js';
import { REPO } from './support/runner.js';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const action = parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};

function table(marker: string): string[][] {
  const start = readme.indexOf(`<!-- ${marker}:start -->`);
  const end = readme.indexOf(`<!-- ${marker}:end -->`);
  expect(start, `README lacks the ${marker} table`).toBeGreaterThan(0);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}
const unquote = (s: string) => s.replace(/^`|`$/g, '');

describe('README agrees with action.yml', () => {
  it('lists every input, in order, with its default', () => {
    const rows = table('inputs');
    expect(rows.map((r) => unquote(r[0]!))).toEqual(Object.keys(action.inputs));
    for (const r of rows) {
      const input = action.inputs[unquote(r[0]!)]!;
      expect(input.required ?? false).toBe(false);
      expect(input.default, `${r[0]} needs a default in action.yml`).toBeDefined();
      const shown = unquote(r[1]!);
      expect(shown === "''" ? '' : shown, `default of ${r[0]}`).toBe(String(input.default));
    }
  });

  it('lists every output, in order', () => {
    expect(table('outputs').map((r) => unquote(r[0]!))).toEqual(Object.keys(action.outputs));
  });

  it('runs on node24 from the committed bundle', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});

describe('README agrees with the rule catalogue', () => {
  it('lists every rule with its default severity and whether `rules:` can change it', () => {
    const rows = table('rules').map((r) => [unquote(r[0]!), r[1], r[2]]);
    expect(rows).toEqual(
      ruleList().map(([id, r]) => [id, r.severity, r.overridable === false ? 'no' : 'yes']),
    );
  });
});

describe('README first section', () => {
  it('starts with the two fresh-clone commands', () => {
    const first = readme.slice(readme.indexOf('## '), readme.indexOf('## ', readme.indexOf('## ') + 3));
    expect(first).toContain('node bin/distributor.js build examples/acme-agent');
    expect(first).toContain('bash scripts/test.sh');
  });
});
