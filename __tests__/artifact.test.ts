// Artifact upload against a fake results service (real @actions/artifact, real HTTP on 127.0.0.1), the
// outcomes the action reports, and artifact names.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { artifactNameProblem, defaultArtifactName, uploadArtifact } from '../src/github/artifact.js';
import { type ArtifactService, startArtifactService } from './support/artifact-server.js';
import { cleanupTemp, tempDir } from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

// Variables that change how @actions/artifact behaves; each test starts without them. The Azure storage
// client sends even loopback requests through HTTP(S)_PROXY, so proxies are cleared too.
const ENV_KEYS = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'GITHUB_SERVER_URL',
  'GITHUB_RETENTION_DAYS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
] as const;
let savedEnv: Record<string, string | undefined> = {};
beforeEach(() => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
});
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Entry names and sha256 of the contents, read by Python's zipfile (checks CRCs too). */
function readZip(zip: Buffer): Record<string, string> {
  const file = path.join(tempDir('artifact-zip-'), 'artifact.zip');
  writeFileSync(file, zip);
  const script = [
    'import hashlib, json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'bad = z.testzip()',
    'assert bad is None, bad',
    'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
}

/** An output directory as the build leaves it, plus files that must not be uploaded. */
function outputDir(): { dir: string; zip: Buffer; manifest: Buffer } {
  const dir = tempDir('artifact-out-');
  const zip = randomBytes(70_000);
  const manifest = Buffer.from(`${JSON.stringify({ schemaVersion: '2.0', version: '1.0.0' }, null, 2)}\n`);
  writeFileSync(path.join(dir, 'linux.zip'), zip);
  writeFileSync(path.join(dir, 'manifest.json'), manifest);
  writeFileSync(path.join(dir, 'notes.txt'), 'not part of the artifact\n');
  mkdirSync(path.join(dir, 'staging'));
  writeFileSync(path.join(dir, 'staging', 'install.sh'), '#!/bin/sh\n');
  return { dir, zip, manifest };
}

describe('uploadArtifact with the fake results service', () => {
  let svc: ArtifactService;
  beforeAll(async () => {
    svc = await startArtifactService();
  });
  afterAll(async () => {
    await svc.close();
  });
  beforeEach(() => {
    Object.assign(process.env, svc.env);
  });

  it('uploads exactly the given files, flat, with the same bytes', async () => {
    const { dir, zip, manifest } = outputDir();
    const before = svc.requests().length;
    const out = await uploadArtifact(
      'acme-agent-1.0.0',
      [path.join(dir, 'linux.zip'), path.join(dir, 'manifest.json')],
      dir,
    );
    const got = svc.uploads().find((u) => u.name === 'acme-agent-1.0.0');
    expect(got).toBeDefined();
    expect(out).toEqual({ status: 'uploaded', name: 'acme-agent-1.0.0', id: got!.id, size: got!.zip.length });
    expect(got!.size).toBe(got!.zip.length);
    expect(got!.hash).toBe(`sha256:${sha256(got!.zip)}`);
    expect(got!.expiresAt).toBeUndefined();
    expect(got!.mimeType).toBe('application/zip');
    expect(readZip(got!.zip)).toEqual({ 'linux.zip': sha256(zip), 'manifest.json': sha256(manifest) });

    const calls = svc
      .requests()
      .slice(before)
      .map(
        (r) =>
          `${r.method} ${r.path.startsWith('/twirp/') ? path.basename(r.path) : `blob comp=${r.query.comp ?? ''}`}`,
      );
    expect(calls[0]).toBe('POST CreateArtifact');
    expect(calls.at(-1)).toBe('POST FinalizeArtifact');
    expect(calls.at(-2)).toBe('PUT blob comp=blocklist');
    expect(calls.slice(1, -2).every((c) => c === 'PUT blob comp=block')).toBe(true);
  });

  it('accepts files given relative to the root directory', async () => {
    const { dir, zip } = outputDir();
    const out = await uploadArtifact('relative-paths', ['linux.zip'], dir);
    expect(out.status).toBe('uploaded');
    const got = svc.uploads().find((u) => u.name === 'relative-paths');
    expect(readZip(got!.zip)).toEqual({ 'linux.zip': sha256(zip) });
  });

  it('passes retention days through as the expiry', async () => {
    const { dir } = outputDir();
    const t0 = Date.now();
    await uploadArtifact('kept-3-days', [path.join(dir, 'manifest.json')], dir, { retentionDays: 3 });
    const got = svc.uploads().find((u) => u.name === 'kept-3-days');
    const days = (Date.parse(got!.expiresAt ?? '') - t0) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);
  });

  it('a second upload of the name in the same run (another job or attempt) reports exists', async () => {
    const { dir } = outputDir();
    const files = [path.join(dir, 'linux.zip'), path.join(dir, 'manifest.json')];
    expect((await uploadArtifact('acme-agent-2.0.0', files, dir)).status).toBe('uploaded');
    Object.assign(process.env, svc.envForNewJob());
    const again = await uploadArtifact('acme-agent-2.0.0', files, dir);
    expect(again.status).toBe('exists');
    expect(again.name).toBe('acme-agent-2.0.0');
    expect(again.reason).toMatch(/already exists in this workflow run/);
    expect(again.reason).toMatch(/`artifact-name`/);
    expect(svc.uploads().filter((u) => u.name === 'acme-agent-2.0.0')).toHaveLength(1);
  });

  it('the conflict the service answers for an earlier upload gives exists, not an error', async () => {
    const { dir } = outputDir();
    svc.inject409('from-attempt-1');
    const out = await uploadArtifact('from-attempt-1', [path.join(dir, 'manifest.json')], dir);
    expect(out).toMatchObject({ status: 'exists', name: 'from-attempt-1' });
    expect(out.id).toBeUndefined();
  });

  it('a refused runtime token throws with what to do', async () => {
    const { dir } = outputDir();
    svc.failNext('CreateArtifact', 401, 'unauthenticated', 'token expired');
    const p = uploadArtifact('refused', [path.join(dir, 'manifest.json')], dir);
    await expect(p).rejects.toThrow(
      /Could not upload artifact "refused": the artifact service refused CreateArtifact \(HTTP 401\)/,
    );
    await expect(p).rejects.toThrow(/token expired.*Re-run the job/s);
    await expect(p).rejects.toThrow(/no `actions: write` is needed/);
  });

  it('a full storage quota throws with what to do', async () => {
    const { dir } = outputDir();
    svc.failNext('CreateArtifact', 403, 'permission_denied', 'insufficient usage to create artifact');
    await expect(uploadArtifact('quota', [path.join(dir, 'manifest.json')], dir)).rejects.toThrow(
      /storage quota .* used up.*`retention-days`.*`upload-artifact: false`/s,
    );
  });

  it('a blob storage refusal throws with the status', async () => {
    const { dir } = outputDir();
    svc.failNext('blob', 403, 'AuthenticationFailed', 'Signature expired.');
    await expect(uploadArtifact('blob-refused', [path.join(dir, 'manifest.json')], dir)).rejects.toThrow(
      /Could not upload artifact "blob-refused": uploading the content to artifact storage failed \(HTTP 403\)/,
    );
    expect(svc.uploads().some((u) => u.name === 'blob-refused')).toBe(false);
  });

  it('a finalize failure throws naming the call', async () => {
    const { dir } = outputDir();
    svc.failNext('FinalizeArtifact', 404, 'not_found', 'artifact not found');
    await expect(uploadArtifact('not-finalized', [path.join(dir, 'manifest.json')], dir)).rejects.toThrow(
      /failed FinalizeArtifact \(HTTP 404\): .*artifact not found/,
    );
  });

  it('an unreachable service throws with the network error and what to do', async () => {
    const { dir } = outputDir();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.ACTIONS_RESULTS_URL = `http://127.0.0.1:${port}/`;
    await expect(uploadArtifact('unreachable', [path.join(dir, 'manifest.json')], dir)).rejects.toThrow(
      /could not be reached \(ECONNREFUSED\).*self-hosted runner/s,
    );
  });

  it('refuses files outside the root directory, missing files and invalid names before any request', async () => {
    const { dir } = outputDir();
    const elsewhere = path.join(tempDir('artifact-elsewhere-'), 'x.zip');
    writeFileSync(elsewhere, 'x');
    const before = svc.requests().length;
    await expect(uploadArtifact('outside', [elsewhere], dir)).rejects.toThrow(/is not inside/);
    await expect(uploadArtifact('sibling', [`${dir}2/x.zip`], dir)).rejects.toThrow(/is not inside/);
    await expect(uploadArtifact('missing', [path.join(dir, 'gone.zip')], dir)).rejects.toThrow(
      /does not exist/,
    );
    await expect(uploadArtifact('a-dir', [path.join(dir, 'staging')], dir)).rejects.toThrow(
      /not a regular file/,
    );
    await expect(uploadArtifact('none', [], dir)).rejects.toThrow(/no files/);
    await expect(uploadArtifact('bad/name', [path.join(dir, 'manifest.json')], dir)).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('forward slash'),
      hint: expect.stringContaining('`artifact-name`'),
    });
    expect(svc.requests()).toHaveLength(before);
  });
});

describe('outside GitHub Actions', () => {
  it.each([
    ['neither variable', {}],
    ['only the token', { ACTIONS_RUNTIME_TOKEN: 'x.y.z' }],
    ['only the URL', { ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' }],
  ])('skips with %s set, without throwing', async (_, env) => {
    Object.assign(process.env, env);
    const dir = tempDir('artifact-skip-');
    const out = await uploadArtifact('acme-agent-1.0.0', [path.join(dir, 'manifest.json')], dir);
    expect(out.status).toBe('skipped');
    expect(out.name).toBe('acme-agent-1.0.0');
    expect(out.reason).toMatch(/only inside GitHub Actions/);
    expect(out.reason).toContain(dir);
  });

  it('importing the module, naming and skipping never load @actions/artifact', () => {
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(spec, ctx, next) {
        if (spec.startsWith('@actions/') || spec.startsWith('@azure/')) seen.push(spec);
        // The sources import each other as .js (what tsc emits); run them as the .ts they are.
        if (spec.startsWith('.') && spec.endsWith('.js')) spec = spec.slice(0, -3) + '.ts';
        return next(spec, ctx);
      } });
      const m = await import(${JSON.stringify(pathToFileURL(path.join(REPO, 'src', 'github', 'artifact.ts')).href)});
      m.defaultArtifactName('a', '1', {});
      m.artifactNameProblem('a/b');
      const out = await m.uploadArtifact('a-1', [], '.');
      console.log(JSON.stringify({ seen, status: out.status }));
    `;
    const env = { ...process.env };
    delete env.ACTIONS_RUNTIME_TOKEN;
    delete env.ACTIONS_RESULTS_URL;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO,
      env,
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').at(-1) ?? '')).toEqual({ seen: [], status: 'skipped' });
  });
});

describe('artifact names', () => {
  it('defaults to <name>-<version>, with -attempt-<n> on re-runs', () => {
    expect(defaultArtifactName('acme-agent', '1.2.3', {})).toBe('acme-agent-1.2.3');
    expect(defaultArtifactName('acme-agent', '1.2.3', { GITHUB_RUN_ATTEMPT: '1' })).toBe('acme-agent-1.2.3');
    expect(defaultArtifactName('acme-agent', '1.2.3', { GITHUB_RUN_ATTEMPT: '2' })).toBe(
      'acme-agent-1.2.3-attempt-2',
    );
    expect(defaultArtifactName('acme-agent', '1.2.3', { GITHUB_RUN_ATTEMPT: '17' })).toBe(
      'acme-agent-1.2.3-attempt-17',
    );
    expect(defaultArtifactName('acme-agent', '1.2.3', { GITHUB_RUN_ATTEMPT: 'x' })).toBe('acme-agent-1.2.3');
    expect(defaultArtifactName('acme-agent', '1.2.3', { GITHUB_RUN_ATTEMPT: '' })).toBe('acme-agent-1.2.3');
  });

  it('reads GITHUB_RUN_ATTEMPT from process.env by default', () => {
    const saved = process.env.GITHUB_RUN_ATTEMPT;
    try {
      process.env.GITHUB_RUN_ATTEMPT = '4';
      expect(defaultArtifactName('p', '1')).toBe('p-1-attempt-4');
    } finally {
      if (saved === undefined) delete process.env.GITHUB_RUN_ATTEMPT;
      else process.env.GITHUB_RUN_ATTEMPT = saved;
    }
  });

  it('replaces characters artifact names cannot hold in the default name', () => {
    const name = defaultArtifactName('Acme/Agent:x', '1.0.0+build|7?', { GITHUB_RUN_ATTEMPT: '2' });
    expect(name).toBe('Acme-Agent-x-1.0.0+build-7--attempt-2');
    expect(artifactNameProblem(name)).toBeUndefined();
  });

  it('reports each invalid character of a given name and how to fix it', () => {
    expect(artifactNameProblem('acme-agent-1.0.0')).toBeUndefined();
    expect(artifactNameProblem('acme agent (ünïcode) 1.0.0+b')).toBeUndefined();
    expect(artifactNameProblem('')).toMatch(/empty/);
    expect(artifactNameProblem('   ')).toMatch(/empty/);
    const p = artifactNameProblem('builds/acme:1.0');
    expect(p).toMatch(/forward slash \//);
    expect(p).toMatch(/colon :/);
    expect(p).toMatch(/e\.g\. "builds-acme-1\.0"/);
    expect(artifactNameProblem('a\r\nb')).toMatch(/carriage return, line feed.*e\.g\. "a--b"/s);
    for (const c of ['"', ':', '<', '>', '|', '*', '?', '\\', '/']) {
      expect(artifactNameProblem(`x${c}y`), c).toContain(`e.g. "x-y"`);
    }
  });

  it('agrees with the name validation of @actions/artifact for every ASCII character', async () => {
    const mod = (await import(
      pathToFileURL(
        path.join(
          REPO,
          'node_modules/@actions/artifact/lib/internal/upload/path-and-artifact-name-validation.js',
        ),
      ).href
    )) as { validateArtifactName(name: string): void };
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (let code = 0; code < 128; code++) {
        const name = `a${String.fromCharCode(code)}b`;
        let libraryAccepts = true;
        try {
          mod.validateArtifactName(name);
        } catch {
          libraryAccepts = false;
        }
        expect(artifactNameProblem(name) === undefined, JSON.stringify(name)).toBe(libraryAccepts);
        const dflt = defaultArtifactName(name, '1', {});
        expect(() => mod.validateArtifactName(dflt), JSON.stringify(dflt)).not.toThrow();
      }
    } finally {
      write.mockRestore();
    }
  });
});
