// mode: publish through the committed dist/index.js, as the runner runs it, against the test endpoints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from './support/aws-env.js';
import { sha256 as sha } from './support/hash.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { annotations, REPO, runAction } from './support/runner.js';
import { type S3Fake, startS3 } from './support/s3-server.js';
import { type SsmFake, startSsm } from './support/ssm-server.js';
import { type StsFake, startSts } from './support/sts-server.js';

const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');
const BUCKET = 'acme-packages';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETCANARY';
const TOKEN = 'FwoGZXIvYXdzEBcaDSESSIONTOKENCANARY';

let s3: S3Fake;
let ssm: SsmFake;
let sts: StsFake;

beforeEach(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  ssm = await startSsm({ s3, statusDelayMs: 150 });
  sts = await startSts({
    account: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/publisher/ci',
  });
});
afterEach(async () => {
  await Promise.all([ssm.close(), s3.close(), sts.close()]);
});
afterAll(cleanupTemp);

function publishRun(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runAction(
    {
      mode: 'publish',
      'package-dir': EXAMPLE,
      'output-dir': path.join(tempDir(), 'out'),
      version: '2.4.0',
      's3-bucket': BUCKET,
      's3-prefix': 'distributor',
      'wait-timeout-seconds': '30',
      'request-timeout-seconds': '5',
      ...inputs,
    },
    {
      env: {
        AWS_ENDPOINT_URL_SSM: ssm.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_STS: sts.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SESSION_TOKEN: TOKEN,
        AWS_REGION: 'us-east-1',
        GITHUB_EVENT_NAME: 'push',
        ...env,
      },
    },
  );
}

const firstLine = (r: { summary: string }) => r.summary.split('\n')[0] ?? '';

describe('dist/index.js in publish mode', () => {
  it('publishes a new Active version, uploads verified files, sets the default, and reports it', async () => {
    const r = await publishRun({ 'set-default': 'true', tags: 'team=platform\nowner=ops' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({
      'document-name': 'AcmeMonitoringAgent',
      'document-arn': 'arn:aws:ssm:us-east-1:123456789012:document/AcmeMonitoringAgent',
      'document-version': '1',
      'version-name': '2.4.0',
      'default-version': '1',
      status: 'Active',
      changed: 'true',
      's3-uri': `s3://${BUCKET}/distributor/AcmeMonitoringAgent/2.4.0`,
    });
    // S3 holds exactly the local bytes (read back from the server's store, hashed here).
    const out = r.outputs['output-dir']!;
    const keys: Record<string, string> = {
      'linux-rpm.zip': 'distributor/AcmeMonitoringAgent/2.4.0/linux-rpm.zip',
      'linux-deb.zip': 'distributor/AcmeMonitoringAgent/2.4.0/linux-deb.zip',
      'windows.zip': 'distributor/AcmeMonitoringAgent/2.4.0/windows.zip',
      // Beside the version's folder (the SourceUrl), not in it.
      'manifest.json': 'distributor/AcmeMonitoringAgent/manifests/2.4.0.json',
    };
    for (const [f, key] of Object.entries(keys)) {
      const stored = s3.object(BUCKET, key);
      expect(stored, f).toBeDefined();
      const local = readFileSync(path.join(out, f));
      expect(sha(stored!.body)).toBe(sha(local));
    }
    // SSM holds one Package document, version 1 named 2.4.0, with our manifest and tags.
    const versions = ssm.versions('AcmeMonitoringAgent');
    expect(versions).toHaveLength(1);
    const doc = ssm.document('AcmeMonitoringAgent')!;
    expect(doc.defaultVersion).toBe('1');
    expect(JSON.parse(versions[0]!.content)).toEqual(
      JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')),
    );
    expect(Object.fromEntries(doc.tags.map((t) => [t.Key, t.Value]))).toMatchObject({
      team: 'platform',
      owner: 'ops',
    });
    expect(firstLine(r)).toBe('## ✅ Published AcmeMonitoringAgent 2.4.0 as document version 1');
    expect(r.outputs['version-created']).toBe('true');
    expect(r.outputs['default-changed']).toBe('true');
    expect(r.summary).toContain('`s3://acme-packages/distributor/AcmeMonitoringAgent/2.4.0/`');
    expect(r.summary).toContain('console.aws.amazon.com/systems-manager/documents/AcmeMonitoringAgent');
    // Requests name the action in their user agent.
    const ua = s3.calls('PutObject')[0]?.headers['user-agent'] ?? '';
    expect(ua).toMatch(/ssm-distributor-action\/\d+\.\d+\.\d+/);
    // The credentials are registered as secrets first, and reach nothing else: log, outputs or summary.
    const masks = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(expect.arrayContaining([`::add-mask::${SECRET}`, `::add-mask::${TOKEN}`]));
    expect(r.stdout.indexOf('::add-mask::')).toBe(0);
    const logged = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    const everything = logged.join('\n') + r.stderr + r.summary + JSON.stringify(r.outputs);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(TOKEN);
  });

  it('re-running the same tag is a no-op success: changed=false, no mutating call', async () => {
    expect((await publishRun()).code).toBe(0);
    const putsBefore = s3.count('PutObject');
    const mutationsBefore = ssm.mutations().attempted;
    const again = await publishRun();
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.outputs['document-version']).toBe('1');
    expect(s3.count('PutObject')).toBe(putsBefore);
    expect(ssm.mutations().attempted).toBe(mutationsBefore);
    expect(firstLine(again)).toBe(
      '## ✅ AcmeMonitoringAgent 2.4.0 was already published as document version 1; nothing changed',
    );
    expect(again.outputs['version-created']).toBe('false');
  });

  it('a new tag adds a version; the default moves only with set-default', async () => {
    expect((await publishRun({ 'set-default': 'true' })).code).toBe(0);
    const r = await publishRun({ version: '2.5.0' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['document-version']).toBe('2');
    expect(r.outputs['default-version']).toBe('1');
    expect(ssm.versions('AcmeMonitoringAgent').map((v) => v.versionName)).toEqual(['2.4.0', '2.5.0']);
  });

  it('re-running a published version with set-default only moves the default: changed, not created', async () => {
    expect((await publishRun()).code).toBe(0);
    expect((await publishRun({ version: '2.5.0' })).code).toBe(0);
    expect(ssm.document('AcmeMonitoringAgent')!.defaultVersion).toBe('1');
    const r = await publishRun({ 'set-default': 'true', version: '2.5.0' });
    expect(r.code, r.stdout).toBe(0);
    expect(ssm.document('AcmeMonitoringAgent')!.defaultVersion).toBe('2');
    expect(r.outputs).toMatchObject({
      changed: 'true',
      'version-created': 'false',
      'default-changed': 'true',
      'previous-default-version': '1',
    });
    expect(firstLine(r)).toBe(
      '## ✅ AcmeMonitoringAgent 2.5.0 was already published as document version 2; moved the default version from 1 to 2',
    );
  });

  it('a failure after the version was created still reports what the run changed', async () => {
    expect((await publishRun()).code).toBe(0);
    const denied = ssm.inject('UpdateDocumentDefaultVersion', 'access-denied', { times: 100 });
    const r = await publishRun({ version: '2.5.0', 'set-default': 'true' });
    expect(denied.fired).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({
      'error-kind': 'permission',
      changed: 'true',
      'version-created': 'true',
      'default-changed': 'false',
      'document-version': '2',
    });
    expect(r.outputs['s3-uri']).toBe(`s3://${BUCKET}/distributor/AcmeMonitoringAgent/2.5.0`);
    expect(firstLine(r)).toMatch(/^## ❌ Publish failed \(permission denied\): UpdateDocumentDefaultVersion/);
    expect(r.summary).toContain('### Changed before the failure');
    expect(r.summary).toContain('- created document version 2 (2.5.0)');
    expect(r.summary).toMatch(
      /- uploaded 4 files to s3:\/\/acme-packages\/distributor\/AcmeMonitoringAgent\/2\.5\.0\//,
    );
    expect(ssm.document('AcmeMonitoringAgent')!.defaultVersion).toBe('1');
  });

  it('without s3:GetObject the run stops at the read-back, before SSM is asked to ingest anything', async () => {
    s3.deny(BUCKET, 'distributor/', ['GetObject', 'HeadObject']); // IAM's s3:GetObject covers both
    const r = await publishRun();
    expect(r.code).toBe(1);
    const err = annotations(r.stdout).find((a) => a.level === 'error');
    expect(err?.message).toContain('HeadObject');
    expect(err?.message).toContain('s3:GetObject');
    expect(ssm.mutations().attempted).toBe(0);
    expect(r.outputs['error-kind']).toBe('permission');
    expect(firstLine(r)).toMatch(/^## ❌ Publish failed \(permission denied\): .*HeadObject/);
  });

  it('denied s3:PutObject: exit 1, kind permission naming the IAM action, summary says so first', async () => {
    s3.deny(BUCKET, 'distributor/', ['PutObject']);
    const r = await publishRun();
    expect(r.code).toBe(1);
    expect(s3.calls('PutObject').length).toBeGreaterThan(0); // the denial really was what stopped it
    expect(r.outputs['error-kind']).toBe('permission');
    expect(firstLine(r)).toMatch(/^## ❌ Publish failed \(permission denied\): PutObject /);
    expect(r.summary).toContain('IAM action `s3:PutObject`');
    expect(r.summary).toContain('**What to do:**');
    expect(r.summary).not.toContain('✅');
    expect(ssm.mutations().attempted).toBe(0);
  });

  it('an unreachable endpoint: exit 1, kind network, a hint about the endpoint, not about credentials', async () => {
    const port = await closedPort();
    const dead = `http://127.0.0.1:${port}`;
    const r = await publishRun(
      { 'request-timeout-seconds': '2' },
      { AWS_ENDPOINT_URL_STS: dead, AWS_ENDPOINT_URL_SSM: dead, AWS_ENDPOINT_URL_S3: dead },
    );
    expect(r.code).toBe(1);
    expect(r.outputs['error-kind']).toBe('network');
    expect(firstLine(r)).toMatch(/^## ❌ Publish failed \(endpoint unreachable\): /);
    expect(r.summary).toContain('ECONNREFUSED');
    expect(r.summary).not.toMatch(/configure-aws-credentials/);
    expect(r.summary).not.toContain('✅');
  });

  it('a bucket that does not exist: exit 1, kind not-found, the summary names the bucket', async () => {
    const r = await publishRun({ 's3-bucket': 'no-such-bucket-here' });
    expect(r.code).toBe(1);
    expect(r.outputs['error-kind']).toBe('not-found');
    expect(firstLine(r)).toMatch(/^## ❌ Publish failed \(not found\): .*no-such-bucket-here/);
    expect(r.summary).toContain('`s3-bucket`');
    expect(ssm.mutations().attempted).toBe(0);
  });

  it('a version that ends Failed is reported with StatusInformation and what to do', async () => {
    ssm.config.deniedKeys = [`s3://${BUCKET}/distributor/`];
    const r = await publishRun();
    expect(r.code).toBe(1);
    const err = annotations(r.stdout).find((a) => a.level === 'error');
    expect(err?.message).toContain('failed in SSM: Permanent download error');
    expect(err?.message).toContain('grant that role s3:GetObject');
    // The failed version is the first, so the only one and the default: only deleting the document works.
    expect(err?.message).toContain('(aws ssm delete-document --name AcmeMonitoringAgent).');
    expect(err?.message).not.toContain('--version-name');
    expect(r.stdout).toMatch(/version 1: Creating/);
    expect(r.outputs['error-kind']).toBe('service');
    expect(firstLine(r)).toMatch(
      /^## ❌ Publish failed \(AWS reported a failure\): .*Permanent download error/,
    );
    expect(ssm.versions('AcmeMonitoringAgent')[0]?.status).toBe('Failed');
  });

  it('a broken package uploads and publishes nothing', async () => {
    const dir = tempDir();
    const r = await publishRun({ 'package-dir': dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Nothing was uploaded or published');
    expect(s3.count('PutObject')).toBe(0);
    expect(sts.calls().length + ssm.calls().length).toBe(0);
  });

  it('with fail-on-warnings, a package with warnings is not published', async () => {
    // A name AWS-ConfigureAWSPackage does not accept (a dot): a warning whatever the scripts hold.
    const dir = validPackage();
    const r = await publishRun({ 'package-dir': dir, name: 'Acme.Agent', 'fail-on-warnings': 'true' });
    expect(r.code).toBe(1);
    expect(annotations(r.stdout).some((a) => a.level === 'warning' && a.message.includes('Acme.Agent'))).toBe(
      true,
    );
    expect(r.stdout).toContain('fail-on-warnings is set. Nothing was uploaded or published.');
    expect(s3.count('PutObject') + ssm.mutations().attempted).toBe(0);
  });

  it('reports every missing or bad publish input at once', async () => {
    const r = await publishRun(
      { 's3-bucket': '', 'set-default': 'yes', 'wait-timeout-seconds': 'soon' },
      { AWS_REGION: '' },
    );
    expect(r.code).toBe(1);
    for (const text of [
      '`s3-bucket` is required',
      '`set-default` must be true or false',
      '`wait-timeout-seconds`',
      'No AWS region',
    ]) {
      expect(r.stdout).toContain(text);
    }
  });
});
