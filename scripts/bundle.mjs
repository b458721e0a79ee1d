#!/usr/bin/env node
// Rebuilds dist/ from src/: the action entry (dist/index.js and its chunks) and the CLI entry
// (dist/cli/index.js), each with a licenses.txt naming every npm package bundled into it.
// dist/ is committed because the runner executes it as is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledPackageRoots, describePackages, renderLicenses } from './licenses.mjs';

const require = createRequire(import.meta.url);
const ncc = require.resolve('@vercel/ncc/dist/ncc/cli.js');
const project = process.cwd();
// The bundler's module lists are only needed to write the notices, so they stay out of dist/.
const statsDir = mkdtempSync(join(tmpdir(), 'bundle-stats-'));

const build = (entry, out) => {
  const statsFile = join(statsDir, `${out.replaceAll('/', '-')}.json`);
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '--minify', '--stats-out', statsFile, '--quiet'],
    { stdio: 'inherit' },
  );
  return JSON.parse(readFileSync(statsFile, 'utf8'));
};

const notice = (file, covers, statsList) =>
  writeFileSync(file, renderLicenses(covers, describePackages(bundledPackageRoots(statsList, project))));

try {
  rmSync('dist', { recursive: true, force: true });
  const action = build('src/index.ts', 'dist');
  const cli = build('src/cli.ts', 'dist/cli');
  notice('dist/licenses.txt', 'the files in this folder (index.js, its chunks and cli/index.js)', [
    action,
    cli,
  ]);
  notice('dist/cli/licenses.txt', 'index.js in this folder', [cli]);
} finally {
  rmSync(statsDir, { recursive: true, force: true });
}
