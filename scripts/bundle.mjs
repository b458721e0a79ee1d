#!/usr/bin/env node
// Rebuilds dist/ from src/: the action entry (dist/index.js) and the CLI entry (dist/cli/index.js).
// dist/ is committed because the runner executes it as is.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ncc = require.resolve('@vercel/ncc/dist/ncc/cli.js');
rmSync('dist', { recursive: true, force: true });
const run = (entry, out) =>
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'],
    {
      stdio: 'inherit',
    },
  );
run('src/index.ts', 'dist');
run('src/cli.ts', 'dist/cli');
