// Nothing from the package folder, the inputs or a server can start a workflow command in the log, and no
// credential of the environment reaches stdout, stderr, the summary or the outputs: the committed
// dist/index.js and the CLI, run as the runner and a terminal run them, on hostile names and endpoints.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EchoProtocol, type EchoServer, startEchoServer } from './support/echo-server.js';
import { sha256 } from './support/hash.js';
import { decode, md, tables } from './support/markdown.js';
import {
  cleanupTemp,
  goodManifest,
  manifestPackage,
  prebuiltPackage,
  tempDir,
  validPackage,
} from './support/pkg.js';
import { REPO, type RunResult, runAction } from './support/runner.js';
import { type S3Fake, startS3 } from './support/s3-server.js';
import { type SsmFake, startSsm } from './support/ssm-server.js';
import { type StsFake, startSts } from './support/sts-server.js';
import { foreignCommands, maskedValues } from './support/workflow-commands.js';

afterAll(cleanupTemp);

const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');
const BUCKET = 'acme-packages';
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAINJECTIONTEST001',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYINJECTIONKEY',
  AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEInjectionSessionToken/+==',
};
const SECRETS = Object.values(CREDENTIALS);

/** A name that would print workflow commands, in both syntaxes, if it reached the log raw. */
const HOSTILE = 'a\n::add-mask::x\r\n::stop-commands::y\n ##[add-mask]z.zip';

/** Every run: the only commands in stdout and stderr are the tool's own (add-mask: the credentials only). */
function expectCleanLog(r: RunResult): void {
  expect(foreignCommands(r.stdout, SECRETS), r.stdout).toEqual([]);
  expect(foreignCommands(r.stderr, SECRETS), r.stderr).toEqual([]);
}

const validateRun = (dir: string, inputs: Record<string, string> = {}) =>
  runAction(
    { 'package-dir': dir, 'output-dir': path.join(tempDir(), 'out'), 'upload-artifact': 'false', ...inputs },
    { cwd: dir },
  );

describe('names from the package folder', () => {
  it('a config `file:` with line breaks and commands is shown escaped in the host table', async () => {
    const config = `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    file: ${JSON.stringify(HOSTILE)}\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`;
    const r = await validateRun(validPackage({ 'distributor.yaml': config, windows: null }));
    expect(r.code).toBe(1);
    expectCleanLog(r);
    expect(r.stdout).toMatch(/^Amazon Linux 2023 .*a\\x0a::add-mask::x\\x0d\\x0a::stop-commands::y/m);
  });

  it('a manifest `files` key with line breaks and commands (a prebuilt ZIP of that name) is shown escaped', async () => {
    const dir = prebuiltPackage();
    renameSync(path.join(dir, 'linux.zip'), path.join(dir, HOSTILE));
    const sha = sha256(readFileSync(path.join(dir, HOSTILE)));
    const manifest = goodManifest({
      packages: { amazon: { _any: { x86_64: { file: HOSTILE } } } },
      files: { [HOSTILE]: { checksums: { sha256: sha } } },
    });
    writeFileSync(path.join(dir, 'manifest.json'), manifest);
    const r = await validateRun(dir, { name: 'TestAgent' });
    expect(r.code).toBe(1);
    expectCleanLog(r);
    // Refused or previewed, the key is shown as it is: escaped, in the summary's problems or host table.
    const cells = tables(md.render(r.summary)).flat(2).map(decode);
    expect(cells.some((c) => c.includes('a\\x0a::add-mask::x\\x0d\\x0a::stop-commands::y'))).toBe(true);
  });

  it('a downgraded rule lets a hostile package name through to the log lines: each stays one line', async () => {
    const config = `name: ${JSON.stringify(`Acme${HOSTILE}`)}\nversion: 1.0.0\nrules: { name-pattern: warning, name-configure-package: off }\npayloads:\n  linux:\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`;
    const r = await validateRun(validPackage({ 'distributor.yaml': config, windows: null }));
    expectCleanLog(r);
    expect(r.stdout).toMatch(/^::warning title=name-pattern/m);
    expect(r.stdout).toContain('Valid: Acmea\\x0a::add-mask::x');
    expect(r.outputs['package-name']).not.toMatch(/[\r\n]/);
  });
});

describe('inputs with control characters, in publish mode', () => {
  let s3: S3Fake;
  let ssm: SsmFake;
  let sts: StsFake;
  beforeEach(async () => {
    s3 = await startS3({ buckets: [BUCKET] });
    ssm = await startSsm({ s3, statusDelayMs: 20 });
    sts = await startSts({ account: '123456789012' });
  });
  afterEach(() => Promise.all([ssm.close(), s3.close(), sts.close()]));
  /** The credentials, and every AWS endpoint pointed at the fakes. */
  const endpointsEnv = () => ({
    ...CREDENTIALS,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_REGION: 'us-east-1',
  });

  it.each([
    ['output-dir', (dir: string) => path.join(dir, 'out\n::add-mask::x')],
    ['s3-prefix', () => 'releases\n::stop-commands::y'],
    ['s3-prefix', () => '/absolute'],
  ])('`%s` is refused before anything is built or uploaded', async (input, value) => {
    const work = tempDir();
    const r = await runAction(
      {
        mode: 'publish',
        'package-dir': EXAMPLE,
        'output-dir': path.join(work, 'out'),
        version: '2.4.0',
        's3-bucket': BUCKET,
        [input]: value(work),
      },
      {
        env: endpointsEnv(),
      },
    );
    expect(r.code).toBe(1);
    expect(r.outputs['error-kind']).toBe('input');
    expect(r.summary).toContain(`\`${input}\``);
    expect(s3.count('PutObject')).toBe(0);
    expect(ssm.calls().length + sts.calls().length).toBe(0);
    expectCleanLog(r);
  });

  it('a version SSM would refuse, with its rule downgraded, is refused before any upload', async () => {
    const config = `name: TestAgent\nversion: ${JSON.stringify(`1.0${HOSTILE}`)}\nrules: { version-pattern: warning }\npayloads:\n  linux:\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`;
    const dir = validPackage({ 'distributor.yaml': config, windows: null });
    const r = await runAction(
      { mode: 'publish', 'package-dir': dir, 'output-dir': path.join(tempDir(), 'out'), 's3-bucket': BUCKET },
      {
        cwd: dir,
        env: endpointsEnv(),
      },
    );
    expect(r.code).toBe(1);
    expect(r.outputs['error-kind']).toBe('input');
    expect(r.summary.split('\n')[0]).toMatch(/^## ❌ Publish failed \(invalid input\): The package version/);
    expect(s3.count('PutObject')).toBe(0);
    expect(ssm.calls().length + sts.calls().length).toBe(0);
    expectCleanLog(r);
  });
});

describe('credentials and server text', () => {
  let echo: EchoServer;
  let s3: S3Fake;
  let ssm: SsmFake;
  let sts: StsFake;
  beforeEach(async () => {
    s3 = await startS3({ buckets: [BUCKET] });
    ssm = await startSsm({ s3, statusDelayMs: 20 });
    sts = await startSts({ account: '123456789012' });
  });
  afterEach(() => Promise.all([ssm.close(), s3.close(), sts.close(), echo.close()]));

  it.each(['sts', 'ssm', 's3'] as EchoProtocol[])(
    'an %s endpoint that echoes the request headers gets no credential printed; all three are masked',
    async (protocol) => {
      echo = await startEchoServer(protocol);
      const endpoints = { sts: sts.endpoint, ssm: ssm.endpoint, s3: s3.endpoint, [protocol]: echo.endpoint };
      const r = await runAction(
        {
          mode: 'publish',
          'package-dir': EXAMPLE,
          'output-dir': path.join(tempDir(), 'out'),
          version: '2.4.0',
          's3-bucket': BUCKET,
          'request-timeout-seconds': '5',
        },
        {
          env: {
            ...CREDENTIALS,
            AWS_ENDPOINT_URL_SSM: endpoints.ssm,
            AWS_ENDPOINT_URL_S3: endpoints.s3,
            AWS_ENDPOINT_URL_STS: endpoints.sts,
            AWS_REGION: 'us-east-1',
          },
        },
      );
      expect(r.code).toBe(1);
      expect(echo.count(), 'the echoing endpoint was called').toBeGreaterThan(0);
      expect(r.outputs['error-kind']).toBe('permission');
      expect(r.summary).toContain('Request refused.');
      expect(maskedValues(r.stdout).sort()).toEqual([...SECRETS].sort());
      const printed = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
      const everything = [...printed, r.stderr, r.summary, ...Object.values(r.outputs)].join('\n');
      for (const secret of SECRETS) {
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(encodeURIComponent(secret));
      }
      expect(everything).toContain('Credential=***/');
      expectCleanLog(r);
    },
  );
});

describe('the CLI', () => {
  const BIN = path.join(REPO, 'bin', 'distributor.js');
  const cli = (args: string[], cwd = REPO) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ...CREDENTIALS },
    });
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
  const ESCAPE_NAME = `b\u001b[2J\u0085${HOSTILE}`;

  it('validate shows hostile names escaped, in text and in JSON', () => {
    const config = `name: TestAgent\nversion: 1.0.0\npayloads:\n  linux:\n    file: ${JSON.stringify(ESCAPE_NAME)}\n    targets:\n      - { platform: amazon, version: _any, arch: x86_64 }\n`;
    const dir = validPackage({ 'distributor.yaml': config, windows: null });
    const text = cli(['validate', dir], dir);
    expect(text.status).toBe(1);
    expect(text.stdout + text.stderr).not.toMatch(RAW);
    expect(text.stdout).toContain('b\\x1b[2J\\x85a\\x0a::add-mask::x');
    expect(foreignCommands(text.stdout)).toEqual([]);
    const json = cli(['validate', dir, '--json'], dir);
    expect(json.stdout).not.toMatch(RAW);
    expect(foreignCommands(json.stdout)).toEqual([]);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(ESCAPE_NAME).slice(1, -1));
  });

  it('resolve and usage errors show the names they quote escaped', () => {
    const manifest = goodManifest({
      packages: { amazon: { _any: { x86_64: { file: ESCAPE_NAME } } } },
      files: { [ESCAPE_NAME]: { checksums: { sha256: 'a'.repeat(64) } } },
    });
    const dir = manifestPackage(manifest);
    const hit = cli(
      ['resolve', path.join(dir, 'manifest.json'), '--platform', 'amazon'].concat([
        '--platform-version',
        '2023',
        '--arch',
        'x86_64',
      ]),
    );
    expect(hit.stdout + hit.stderr).not.toMatch(RAW);
    expect(hit.stdout.trim().split('\n')).toHaveLength(1);
    expect(foreignCommands(hit.stdout + hit.stderr)).toEqual([]);
    const missing = cli(['validate', path.join(dir, ESCAPE_NAME)]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).not.toMatch(RAW);
    expect(missing.stderr).toContain('\\x1b[2J');
  });
});
