#!/usr/bin/env node
// Benchmarks publish()'s uploads: a package of 8 ZIPs of 8 MiB each, published against the test S3
// endpoint with every connection capped at 20 MB/s (plus the test SSM and STS endpoints), with the ZIPs
// uploaded one at a time and 4 at a time. Fresh endpoints per run, alternating, median of N runs.
//
//   node scripts/bench-upload.mjs [--runs N] [--zips N] [--mib N] [--mbps N]
//
// It reads the TypeScript sources and test endpoints directly (Node's type stripping, relaunched with
// --experimental-transform-types). It reports; it is not a test: the exit code is 0 unless a publish fails.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), '..');

if (!process.execArgv.includes('--experimental-transform-types')) {
  const r = spawnSync(
    process.execPath,
    ['--experimental-transform-types', '--no-warnings', SELF, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

function parseArgs(argv) {
  const o = { runs: 3, zips: 8, mib: 8, mbps: 20 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]?.replace(/^--/, '');
    if (k === 'help' || k === 'h') {
      console.log('usage: node scripts/bench-upload.mjs [--runs N] [--zips N] [--mib N] [--mbps N]');
      process.exit(0);
    }
    if (!(k in o)) {
      console.error(`bench-upload: unknown argument ${argv[i]}`);
      process.exit(2);
    }
    o[k] = Number(argv[++i]);
    if (!(o[k] > 0)) {
      console.error(`bench-upload: --${k} needs a positive number`);
      process.exit(2);
    }
  }
  return o;
}
const opts = parseArgs(process.argv.slice(2));

// The sources import each other as `./x.js`; on disk they are `./x.ts`.
register(
  `data:text/javascript,${encodeURIComponent(`
import { existsSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  if (spec.startsWith('.') && spec.endsWith('.js') && ctx.parentURL?.startsWith('file:')) {
    const ts = new URL(spec.slice(0, -3) + '.ts', ctx.parentURL);
    if (!existsSync(new URL(spec, ctx.parentURL)) && existsSync(ts)) return next(ts.href, ctx);
  }
  return next(spec, ctx);
}`)}`,
);
const load = (rel) => import(pathToFileURL(path.join(REPO, rel)).href);
const { publish } = await load('src/aws/publish.ts');
const { buildPackage } = await load('src/package/build.ts');
const { startS3 } = await load('__tests__/support/s3-server.ts');
const { startSsm } = await load('__tests__/support/ssm-server.ts');
const { startSts } = await load('__tests__/support/sts-server.ts');

const MiB = 1024 * 1024;
const BUCKET = 'bench-packages';
const PLATFORMS = ['amazon', 'redhat', 'centos', 'oracle', 'suse', 'ubuntu', 'debian', 'opensuse'];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distributor-bench-upload-'));
const cleanup = () => fs.rmSync(work, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

/** A package of `zips` payloads, each with `mib` MiB of random bytes (stored, as an installer is). */
async function makePackage() {
  const pkg = path.join(work, 'pkg');
  const payloads = [];
  for (let i = 0; i < opts.zips; i++) {
    const dir = path.join(pkg, `p${i}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/sh\nset -eu\necho installing\n');
    fs.writeFileSync(path.join(dir, 'uninstall.sh'), '#!/bin/sh\nset -eu\necho removing\n');
    fs.writeFileSync(path.join(dir, 'agent.rpm'), randomBytes(opts.mib * MiB));
    const platform = PLATFORMS[i % PLATFORMS.length];
    const version = i < PLATFORMS.length ? '_any' : `"${i}.*"`;
    payloads.push(
      `  p${i}:\n    targets:\n      - { platform: ${platform}, version: ${version}, arch: x86_64 }\n`,
    );
  }
  fs.writeFileSync(
    path.join(pkg, 'distributor.yaml'),
    `name: BenchAgent\nversion: 1.0.0\npayloads:\n${payloads.join('')}`,
  );
  const r = await buildPackage({ packageDir: pkg, outputDir: path.join(work, 'out') });
  if (!r.ok || !r.output)
    throw new Error(`the bench package did not build: ${JSON.stringify(r.diagnostics)}`);
  return r;
}

/** One publish on fresh endpoints; seconds of wall time. */
async function once(built, concurrency) {
  const s3 = await startS3({ buckets: [BUCKET], bandwidthBytesPerSec: opts.mbps * 1e6 });
  const ssm = await startSsm({ s3, statusDelayMs: 20 });
  const sts = await startSts({
    account: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/bench',
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  try {
    const t0 = performance.now();
    let uploaded = Number.NaN;
    const res = await publish({
      name: built.name,
      version: built.version,
      files: built.output.files,
      manifestPath: built.output.manifestPath,
      manifestBytes: fs.readFileSync(built.output.manifestPath),
      bucket: BUCKET,
      prefix: 'bench',
      region: 'us-east-1',
      setDefault: false,
      onExistingVersion: 'skip-if-identical',
      tags: [],
      waitTimeoutMs: 120_000,
      maxPollDelayMs: 200,
      requestTimeoutMs: 30_000,
      deadline: Date.now() + 600_000,
      actionVersion: 'bench',
      env: process.env,
      // The version is created right after the last upload was read back.
      log: (line) => {
        if (/^Created (document|version)/.test(line)) uploaded = (performance.now() - t0) / 1000;
      },
      uploadConcurrency: concurrency,
    });
    const s = (performance.now() - t0) / 1000;
    if (res.status !== 'Active' || res.uploaded !== opts.zips + 1)
      throw new Error('the publish did not finish');
    return { s, uploads: uploaded, inFlight: s3.maxInFlight('PutObject') };
  } finally {
    await Promise.all([ssm.close(), s3.close(), sts.close()]);
  }
}

try {
  const built = await makePackage();
  const bytes = built.output.files.reduce((n, f) => n + f.size, 0);
  console.log(
    `upload bench: ${opts.zips} ZIPs, ${(bytes / 1e6).toFixed(1)} MB in all, each connection capped at ${opts.mbps} MB/s, ${opts.runs} runs (median)`,
  );
  const times = { 1: [], 4: [] };
  const uploads = { 1: [], 4: [] };
  const inFlight = { 1: 0, 4: 0 };
  for (let run = 1; run <= opts.runs; run++) {
    for (const c of [1, 4]) {
      const r = await once(built, c);
      times[c].push(r.s);
      uploads[c].push(r.uploads);
      inFlight[c] = Math.max(inFlight[c], r.inFlight);
    }
  }
  const seq = median(times[1]);
  const par = median(times[4]);
  const upSeq = median(uploads[1]);
  const upPar = median(uploads[4]);
  const floor = bytes / (opts.mbps * 1e6);
  const row = (label, c) =>
    console.log(
      `  ${label.padEnd(26)} publish ${median(times[c]).toFixed(2).padStart(6)} s, uploads ${median(uploads[c]).toFixed(2).padStart(6)} s  (PUTs at once: ${inFlight[c]}; publish runs ${times[c].map((x) => x.toFixed(2)).join(' ')})`,
    );
  row('one at a time', 1);
  row('4 at a time (the default)', 4);
  console.log(
    `  speed-up: uploads ${(upSeq / upPar).toFixed(2)}×, whole publish ${(seq / par).toFixed(2)}× (one connection at the cap would need ${floor.toFixed(2)} s for the bytes)`,
  );
} catch (err) {
  console.error(`bench-upload: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  cleanup();
}
