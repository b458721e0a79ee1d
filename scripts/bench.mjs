#!/usr/bin/env node
// Benchmarks the committed bundles against Info-ZIP on the shared synthetic corpus and checks the targets
// of ../shared/bench/README.md. Whole processes, alternating, median of N runs; ratios matter, not seconds.
//
//   npm run bench [-- --runs N] [-- --corpus DIR] [-- --keep]
//
// --corpus DIR  reuse DIR/pkg and DIR/small (generated into DIR first if missing; DIR is kept)
// --runs N      timed runs per command (default 3)
// --keep        generate the corpus into <tmpfs or tmp>/distributor-bench-corpus and keep it (by default it is
//               deleted with the outputs)
// --cli FILE, --action FILE
//               measure other entry points than dist/cli/index.js and dist/index.js (same arguments/env)
// --no-upload   skip the upload figure (scripts/bench-upload.mjs: 8 ZIPs of 8 MiB published against the
//               test S3 endpoint capped at 20 MB/s per connection, one at a time vs 4 at a time)
//
// It reports; it is not a test: the exit code is 0 whether targets are met or not (non-zero only when
// the corpus cannot be made or a required tool is missing).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAKE_CORPUS = path.resolve(REPO, '..', 'shared', 'bench', 'make-corpus.mjs');
const PAYLOADS = ['linux', 'windows', 'webui'];
// What a release script would tell Info-ZIP to store rather than deflate (the best CLI peer).
const STORE_SUFFIXES = [
  '.rpm',
  '.deb',
  '.msi',
  '.msp',
  '.msu',
  '.cab',
  '.msix',
  '.appx',
  '.nupkg',
  '.pkg',
  '.dmg',
  '.zip',
  '.jar',
  '.gz',
  '.tgz',
  '.bz2',
  '.xz',
  '.zst',
  '.7z',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.woff',
  '.woff2',
  '.mp4',
].join(':');
const TARGETS = { floor: 2.0, seq6: 0.25, rssMb: 150, startup: 2.0, peer: 0.9 };

// ------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const opts = {
    runs: 3,
    corpus: undefined,
    keep: false,
    cli: path.join(REPO, 'dist', 'cli', 'index.js'),
    action: path.join(REPO, 'dist', 'index.js'),
    upload: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--corpus') opts.corpus = path.resolve(argv[++i] ?? '');
    else if (a === '--keep') opts.keep = true;
    else if (a === '--cli') opts.cli = path.resolve(argv[++i] ?? '');
    else if (a === '--action') opts.action = path.resolve(argv[++i] ?? '');
    else if (a === '--no-upload') opts.upload = false;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: node scripts/bench.mjs [--runs N] [--corpus DIR] [--keep] [--cli FILE] [--action FILE] [--no-upload]',
      );
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) {
    console.error('bench: --runs needs a positive integer');
    process.exit(2);
  }
  return opts;
}

// ------------------------------------------------------------------ helpers

const MB = 1024 * 1024;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sq = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;

function freeBytes(dir) {
  try {
    const st = fs.statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return 0;
  }
}

/** Where the corpus and outputs go: tmpfs when it has room (page-cache eviction adds noise), else os.tmpdir(). */
function scratchBase() {
  const need = 2.5 * 1024 * MB;
  if (fs.existsSync('/dev/shm') && freeBytes('/dev/shm') >= need) return '/dev/shm';
  return os.tmpdir();
}

function sizeOfZips(dir) {
  let total = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.zip')) total += fs.statSync(p).size;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return total;
}

/** Reads every file once so the first timed command does not pay for cold pages. */
function warm(dir) {
  const buf = Buffer.allocUnsafe(8 * MB);
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const fd = fs.openSync(p, 'r');
        while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
        fs.closeSync(fd);
      }
    }
  };
  walk(dir);
}

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
// Fallback when GNU time is missing: Python reports the children's peak RSS (KiB on Linux).
const PY_RUSAGE =
  'import resource,subprocess,sys\nr=subprocess.call(sys.argv[2:])\nopen(sys.argv[1],"w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\nsys.exit(r)';

/** Runs a command; returns wall seconds, peak RSS (MiB) and status. */
function measure(cmd, args, env, scratch) {
  const rssFile = path.join(scratch, `rss-${process.pid}.txt`);
  fs.rmSync(rssFile, { force: true });
  const [bin, argv] = TIME
    ? [TIME, ['-o', rssFile, '-f', '%M', cmd, ...args]]
    : ['python3', ['-c', PY_RUSAGE, rssFile, cmd, ...args]];
  const t0 = performance.now();
  const r = spawnSync(bin, argv, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * MB });
  const wall = (performance.now() - t0) / 1000;
  let rssKb = Number.NaN;
  try {
    rssKb = Number.parseInt(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop(), 10);
  } catch {
    // no figure: /usr/bin/time did not write one
  }
  fs.rmSync(rssFile, { force: true });
  const ok = r.status === 0;
  const err = ok ? '' : `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-5).join('\n');
  return { wall, rss: rssKb / 1024, ok, err };
}

// ------------------------------------------------------------------ main

const opts = parseArgs(process.argv.slice(2));
const CLI = opts.cli;
const ACTION = opts.action;
for (const tool of ['zip', 'sha256sum', 'sh']) {
  if (!has(tool)) {
    console.error(`bench: ${tool} is required`);
    process.exit(1);
  }
}
if (!TIME && !has('python3')) {
  console.error('bench: /usr/bin/time or python3 is required to measure peak RSS');
  process.exit(1);
}

const base = scratchBase();
const work = fs.mkdtempSync(path.join(base, 'distributor-bench-'));
// With --keep the generated corpus goes next to the scratch folder, to be reused with --corpus.
const corpus =
  opts.corpus ?? (opts.keep ? path.join(base, 'distributor-bench-corpus') : path.join(work, 'corpus'));
const out = path.join(work, 'out');
const cleanup = () => fs.rmSync(work, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

try {
  const pkg = path.join(corpus, 'pkg');
  const small = path.join(corpus, 'small');
  if (
    fs.existsSync(path.join(pkg, 'distributor.yaml')) &&
    fs.existsSync(path.join(small, 'distributor.yaml'))
  ) {
    console.log(`corpus: reusing ${corpus}`);
    warm(corpus);
  } else {
    if (!fs.existsSync(MAKE_CORPUS))
      throw new Error(`${MAKE_CORPUS} not found (the shared folder is a sibling of the repo)`);
    console.log(`corpus: generating into ${corpus}`);
    const r = spawnSync(process.execPath, [MAKE_CORPUS, '--root', corpus], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('corpus generation failed');
  }
  const zipVersion = (spawnSync('zip', ['-v'], { encoding: 'utf8' }).stdout.match(/Zip \d+\.\d+/) ?? [
    'zip ?',
  ])[0];
  console.log(
    `node ${process.version}, ${zipVersion}, ${os.availableParallelism()} CPUs, scratch ${base}, ${opts.runs} runs (median)\n`,
  );

  const node = process.execPath;
  const zipEach = (flags, parallel) => {
    const one = (p) =>
      `(cd ${sq(path.join(pkg, p))} && zip -q -r -X ${flags} ${sq(path.join(out, `${p}.zip`))} . && sha256sum ${sq(path.join(out, `${p}.zip`))} >/dev/null)`;
    return parallel ? `${PAYLOADS.map((p) => `${one(p)} & `).join('')}wait` : PAYLOADS.map(one).join(' && ');
  };
  const ghOut = path.join(work, 'github-output');
  const ghSummary = path.join(work, 'github-summary');
  const commands = [
    {
      key: 'floor',
      label: 'Info-ZIP -0, 3 in parallel + sha256 (floor)',
      cmd: 'sh',
      args: ['-c', zipEach('-0', true)],
    },
    {
      key: 'build',
      label: 'this CLI: build pkg/ (dist/cli)',
      cmd: node,
      args: [CLI, 'build', pkg, '--output-dir', path.join(out, 'build'), '--version', '1.0.0'],
      needs: CLI,
    },
    {
      key: 'seq6',
      label: 'Info-ZIP level 6, sequential + sha256',
      cmd: 'sh',
      args: ['-c', zipEach('', false)],
    },
    {
      key: 'peer',
      label: 'Info-ZIP level 6 -n installers, parallel',
      cmd: 'sh',
      args: ['-c', zipEach(`-n ${STORE_SUFFIXES}`, true)],
    },
    { key: 'node', label: "node -e ''", cmd: node, args: ['-e', ''] },
    {
      key: 'validate',
      label: 'action, mode validate, small/ (dist/index.js)',
      cmd: node,
      args: [ACTION],
      needs: ACTION,
      env: {
        INPUT_MODE: 'validate',
        'INPUT_PACKAGE-DIR': small,
        'INPUT_OUTPUT-DIR': path.join(out, 'validate'),
        INPUT_VERSION: '1.0.0',
        'INPUT_UPLOAD-ARTIFACT': 'false',
        GITHUB_OUTPUT: ghOut,
        GITHUB_STEP_SUMMARY: ghSummary,
      },
    },
  ];

  const results = new Map(commands.map((c) => [c.key, { ...c, walls: [], rss: [], bytes: 0, errors: [] }]));
  for (let run = 1; run <= opts.runs; run++) {
    for (const c of commands) {
      const r = results.get(c.key);
      if (c.needs && !fs.existsSync(c.needs)) {
        r.skipped = (r.skipped ?? 0) + 1;
        continue;
      }
      fs.rmSync(out, { recursive: true, force: true });
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(ghOut, '');
      fs.writeFileSync(ghSummary, '');
      const m = measure(c.cmd, c.args, c.env ?? {}, work);
      if (!m.ok) {
        r.errors.push(m.err);
        continue;
      }
      r.walls.push(m.wall);
      r.rss.push(m.rss);
      r.bytes = c.key === 'build' ? sizeOfZips(path.join(out, 'build')) : sizeOfZips(out);
    }
    process.stdout.write(`run ${run}/${opts.runs} done\n`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  for (const r of results.values()) r.missing = r.walls.length === 0 && r.skipped > 0;

  // ---------------------------------------------------------------- report
  const med = (k) => {
    const r = results.get(k);
    return r.walls.length ? median(r.walls) : Number.NaN;
  };
  const peak = (k) => {
    const r = results.get(k);
    return r.rss.length ? Math.max(...r.rss) : Number.NaN;
  };
  const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const ratio = (a, b) => fmt(a / b);
  const rows = [
    ['command', 'wall s', '× floor', '× lvl6 seq', '× peer', 'output MB', 'peak RSS MB', 'runs (s)'],
  ];
  for (const c of commands) {
    const r = results.get(c.key);
    const w = med(c.key);
    const zips = ['floor', 'build', 'seq6', 'peer'].includes(c.key);
    rows.push([
      c.label,
      r.missing ? 'missing' : fmt(w),
      zips ? ratio(w, med('floor')) : '',
      zips ? ratio(w, med('seq6')) : '',
      zips ? ratio(w, med('peer')) : '',
      zips && r.bytes ? fmt(r.bytes / 1e6) : '',
      fmt(peak(c.key), 0),
      r.walls.map((x) => x.toFixed(2)).join(' ') +
        (r.errors.length ? ` (${r.errors.length} failed)` : '') +
        (r.skipped && !r.missing ? ` (${r.skipped} skipped: missing)` : ''),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  for (const [i, row] of rows.entries()) {
    console.log(
      row
        .map((cell, j) => (j === 0 ? String(cell).padEnd(widths[j]) : String(cell).padStart(widths[j])))
        .join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const r of results.values()) {
    if (r.errors.length) console.log(`\n${r.label} failed:\n${r.errors[0]}`);
  }

  console.log('');
  const build = results.get('build');
  const verdict = (name, value, limit, ok) =>
    console.log(
      `${build.missing || !Number.isFinite(value) ? 'SKIP' : ok ? 'PASS' : 'FAIL'}  ${name}: ${fmt(value)} (target ${limit})`,
    );
  if (build.missing) console.log(`(${CLI} does not exist yet: run npm run bundle)`);
  verdict(
    'build wall / Info-ZIP -0 parallel (floor)',
    med('build') / med('floor'),
    `≤ ${TARGETS.floor}`,
    med('build') / med('floor') <= TARGETS.floor,
  );
  verdict(
    'build wall / Info-ZIP level 6 sequential',
    med('build') / med('seq6'),
    `≤ ${TARGETS.seq6}`,
    med('build') / med('seq6') <= TARGETS.seq6,
  );
  const seq6Bytes = results.get('seq6').bytes;
  verdict(
    'build output MB vs Info-ZIP level 6',
    build.bytes / 1e6,
    `≤ ${fmt(seq6Bytes / 1e6)}`,
    build.bytes > 0 && build.bytes <= seq6Bytes,
  );
  verdict('build peak RSS MB', peak('build'), `≤ ${TARGETS.rssMb}`, peak('build') <= TARGETS.rssMb);
  const v = results.get('validate');
  const startup = med('validate') / med('node');
  console.log(
    `${v.missing || !Number.isFinite(startup) ? 'SKIP' : startup <= TARGETS.startup ? 'PASS' : 'FAIL'}  validate start-up / node -e '': ${fmt(startup)} (target ≤ ${TARGETS.startup})`,
  );
  const peer = med('build') / med('peer');
  console.log(
    `${build.missing || !Number.isFinite(peer) ? 'SKIP' : peer <= TARGETS.peer ? 'PASS' : 'NEXT'}  (next bar) build wall / best CLI peer: ${fmt(peer)} (≤ ${TARGETS.peer})`,
  );
  if (opts.upload) {
    console.log('');
    const up = spawnSync(
      process.execPath,
      [path.join(REPO, 'scripts', 'bench-upload.mjs'), '--runs', String(opts.runs)],
      { stdio: 'inherit' },
    );
    if (up.status !== 0) console.log('upload bench failed (see above)');
  }
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  cleanup();
  if (opts.keep && !opts.corpus) console.log(`corpus kept in ${corpus} (reuse it with --corpus)`);
}
