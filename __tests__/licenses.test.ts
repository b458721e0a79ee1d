// The committed dist/licenses.txt and dist/cli/licenses.txt must name every npm package that is
// bundled into dist/. What is bundled is found here on its own terms: the bundler is run again into a
// temporary folder, and its module list (webpack stats) is read back to package folders and their
// package.json, without using the script that writes the notices. Minifying is left out: it only
// rewrites the emitted code and does not change which modules the chunks hold.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..');
const NCC = path.join(REPO, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
const RULE = '='.repeat(80);

interface StatsModule {
  name?: string;
  chunks?: unknown[];
  modules?: StatsModule[];
}

/** Package folders (relative to REPO, resolved) of modules that are in an emitted chunk. */
function packagesOf(stats: { modules?: StatsModule[] }): Set<string> {
  const found = new Set<string>();
  const visit = (modules: StatsModule[] | undefined, emitted: boolean) => {
    for (const m of modules ?? []) {
      const inChunk = emitted || (m.chunks ?? []).length > 0;
      // Readable names look like "./node_modules/a/node_modules/@s/b/lib/x.js + 3 modules?query".
      const name = (m.name ?? '').replace(/ \+ \d+ modules$/, '').replace(/\?.*$/, '');
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(name);
      if (inChunk && match) found.add(path.resolve(REPO, match[1]!));
      visit(m.modules, inChunk);
    }
  };
  visit(stats.modules, false);
  return found;
}

interface Bundled {
  dir: string;
  id: string; // "name version", as the notice's entry heading writes it
}

function describeDirs(dirs: Iterable<string>): Map<string, Bundled> {
  const byId = new Map<string, Bundled>();
  for (const dir of dirs) {
    const { name, version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    byId.set(`${name} ${version}`, { dir, id: `${name} ${version}` });
  }
  return byId;
}

/** The notice's entries: heading "name version" → the block of text under it. */
function entriesOf(file: string): Map<string, string> {
  const blocks = readFileSync(path.join(REPO, file), 'utf8').split(`\n${RULE}\n`).slice(1);
  return new Map(blocks.map((b) => [b.slice(0, b.indexOf('\n')), b]));
}

const squash = (s: string) =>
  s
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, ' ')
    .trim();

let tmp: string;
let action: Map<string, Bundled>;
let cli: Map<string, Bundled>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'licenses-test-'));
  const build = async (entry: string, out: string) => {
    const stats = path.join(tmp, `${out}.json`);
    await promisify(execFile)(
      process.execPath,
      [NCC, 'build', entry, '-o', path.join(tmp, out), '--quiet', '--stats-out', stats],
      { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
    );
    return packagesOf(JSON.parse(readFileSync(stats, 'utf8')));
  };
  const [a, c] = await Promise.all([build('src/index.ts', 'action'), build('src/cli.ts', 'cli')]);
  action = describeDirs(new Set([...a, ...c]));
  cli = describeDirs(c);
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each([
  ['dist/licenses.txt', () => action],
  ['dist/cli/licenses.txt', () => cli],
])('%s', (file, bundled) => {
  it('names every bundled package, and only those', () => {
    const listed = entriesOf(file);
    const ids = [...bundled().keys()];
    expect(
      ids.filter((id) => !listed.has(id)),
      `bundled but missing from ${file}; run npm run bundle`,
    ).toEqual([]);
    expect(
      [...listed.keys()].filter((id) => !bundled().has(id)),
      `listed in ${file} but not bundled`,
    ).toEqual([]);
  });

  it("gives each package's declared license and the text of the license files it ships", () => {
    const listed = entriesOf(file);
    for (const { dir, id } of bundled().values()) {
      const block = listed.get(id);
      if (block === undefined) continue; // reported by the test above
      expect(block, id).toMatch(/^License: \S/m);
      const files = readdirSync(dir).filter((n) => /^(licen[cs]e|copying)/i.test(n));
      if (files.length === 0) expect(block, id).toContain('ships no license file');
      for (const f of files) {
        expect(squash(block), `${id}: ${f}`).toContain(squash(readFileSync(path.join(dir, f), 'utf8')));
      }
    }
  });
});

it('finds what the sources import, so an empty module list cannot pass', () => {
  const names = new Set([...action.keys()].map((id) => id.split(' ')[0]));
  for (const n of ['@actions/core', 'undici', 'ajv', 'yaml', 'yauzl', '@humanwhocodes/momoa']) {
    expect(names, n).toContain(n);
  }
  expect([...cli.keys()].map((id) => id.split(' ')[0])).toContain('ajv');
});
