// Contract tests of the local SSM, S3 and STS endpoints, driven through the real AWS SDK v3 clients over
// HTTP (so signing, serialisation, error parsing and the SDK's retry stack all run), plus a cross-check of
// the shared happy paths against moto_server when it is installed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  AddTagsToResourceCommand,
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  type DocumentDescription,
  GetDocumentCommand,
  ListDocumentVersionsCommand,
  ListTagsForResourceCommand,
  paginateListDocumentVersions,
  SSMClient,
  type SSMClientConfig,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { md5, sha256, sha256b64 } from './support/hash.js';
import { cleanupTemp, tempDir } from './support/pkg.js';
import { publisherOf, seededDelays } from './support/interleave.js';
import { checksumB64, type S3Fake, startS3 } from './support/s3-server.js';
import { type SsmFake, type SsmOptions, startSsm, TEXT, zipEntryNames } from './support/ssm-server.js';
import { startSts } from './support/sts-server.js';

// ====================================================================== helpers

const REGION = 'us-east-1';
const CREDS = { accessKeyId: 'AKIDFAKEFAKEFAKE', secretAccessKey: 'fake-secret-key' };
const BUCKET = 'pkg-bucket';
const DOC = 'Acme-Agent';
/** A syntactically valid SigV4 Authorization header for raw requests (the fakes check presence and scope). */
const AUTH = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=${CREDS.accessKeyId}/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

type ServiceError = Error & { $metadata: { httpStatusCode?: number; attempts?: number } };

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
afterAll(cleanupTemp);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
}

function ssmClient(fake: { endpoint: string }, extra: Partial<SSMClientConfig> = {}): SSMClient {
  const c = new SSMClient({ region: REGION, endpoint: fake.endpoint, credentials: CREDS, ...extra });
  closers.push(() => c.destroy());
  return c;
}

function s3Client(fake: { endpoint: string }, extra: Partial<S3ClientConfig> = {}): S3Client {
  const c = new S3Client({
    region: REGION,
    endpoint: fake.endpoint,
    forcePathStyle: true,
    credentials: CREDS,
    ...extra,
  });
  closers.push(() => c.destroy());
  return c;
}

async function fakes(opts: SsmOptions = {}) {
  const s3f = await startS3({ buckets: [BUCKET] });
  closers.push(() => s3f.close());
  const ssmf = await startSsm({ s3: s3f, statusDelayMs: 20, ...opts });
  closers.push(() => ssmf.close());
  return { s3f, ssmf, s3: s3Client(s3f), ssm: ssmClient(ssmf) };
}

/** A minimal ZIP (stored entries) written here so ingestion has something real to inspect. */
function storedZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const nm = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data) >>> 0;
    // The fields both headers hold, from "version needed" on (offset 4 in the local header, 6 in the central one).
    const shared = (h: Buffer, at: number) => {
      h.writeUInt16LE(20, at); // version needed
      h.writeUInt16LE(0x800, at + 2); // UTF-8 names
      h.writeUInt16LE(0x21, at + 8); // DOS date 1980-01-01
      h.writeUInt32LE(crc, at + 10);
      h.writeUInt32LE(data.length, at + 14); // stored: compressed size = size
      h.writeUInt32LE(data.length, at + 18);
      h.writeUInt16LE(nm.length, at + 22);
      return h;
    };
    const lh = shared(Buffer.alloc(30), 4);
    lh.writeUInt32LE(0x04034b50, 0);
    const ch = shared(Buffer.alloc(46), 6);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x0314, 4);
    ch.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, nm, data);
    centrals.push(ch, nm);
    offset += 30 + nm.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const SCRIPTS = { 'install.sh': 'echo install\n', 'uninstall.sh': 'echo uninstall\n' };
const payload = (tag: string, extra: Record<string, string> = {}) =>
  storedZip({ ...SCRIPTS, 'agent.bin': `agent ${tag}`, ...extra });

function manifest(version: string, files: Record<string, Buffer>, sums: Record<string, string> = {}): string {
  const names = Object.keys(files);
  return JSON.stringify({
    schemaVersion: '2.0',
    version,
    packages: {
      amazon: { _any: { x86_64: { file: names[0] } } },
      _any: { _any: { _any: { file: names[names.length - 1] } } },
    },
    files: Object.fromEntries(names.map((n) => [n, { checksums: { sha256: sums[n] ?? sha256(files[n]!) } }])),
  });
}

/** Uploads files under `<prefix>/` with a precomputed SHA-256 on a single PUT (the product's way). */
async function upload(s3: S3Client, prefix: string, files: Record<string, Buffer>, bucket = BUCKET) {
  for (const [name, body] of Object.entries(files)) {
    const ChecksumSHA256 = sha256b64(body);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${name}`, Body: body, ChecksumSHA256 }),
    );
  }
}

const source = (prefix: string, bucket = BUCKET) => [
  { Key: 'SourceUrl' as const, Values: [`s3://${bucket}/${prefix}`] },
];

/** Uploads the two ZIPs of `version` under agent/<version>; the members Create/UpdateDocument send for them. */
async function stagePackage(s3: S3Client, version: string) {
  const files = {
    'agent-linux.zip': payload(`${version}-linux`),
    'agent-any.zip': payload(`${version}-any`),
  };
  await upload(s3, `agent/${version}`, files);
  const members = {
    Content: manifest(version, files),
    DocumentFormat: 'JSON' as const,
    VersionName: version,
    Attachments: source(`agent/${version}`),
  };
  return { files, members };
}

async function createPackage(
  ssm: SSMClient,
  s3: S3Client,
  version: string,
  extra: { name?: string; tags?: { Key: string; Value: string }[] } = {},
) {
  const { files, members } = await stagePackage(s3, version);
  const out = await ssm.send(
    new CreateDocumentCommand({
      Name: extra.name ?? DOC,
      DocumentType: 'Package',
      ...members,
      ...(extra.tags ? { Tags: extra.tags } : {}),
    }),
  );
  return { files, description: out.DocumentDescription! };
}

async function updatePackage(
  ssm: SSMClient,
  s3: S3Client,
  version: string,
  over: { documentVersion?: string; name?: string } = {},
) {
  const { files, members } = await stagePackage(s3, version);
  const out = await ssm.send(
    new UpdateDocumentCommand({
      Name: over.name ?? DOC,
      DocumentVersion: over.documentVersion ?? '$LATEST',
      ...members,
    }),
  );
  return { files, description: out.DocumentDescription! };
}

/** Polls DescribeDocument for one version until it leaves Creating/Updating. */
async function settled(ssm: SSMClient, documentVersion: string, name = DOC): Promise<DocumentDescription> {
  for (let i = 0; i < 300; i++) {
    const { Document } = await ssm.send(
      new DescribeDocumentCommand({ Name: name, DocumentVersion: documentVersion }),
    );
    if (Document?.Status !== 'Creating' && Document?.Status !== 'Updating') return Document!;
    await sleep(10);
  }
  throw new Error(`version ${documentVersion} did not settle`);
}

async function rawSsm(
  fake: SsmFake,
  target: string,
  body: unknown,
  headers: Record<string, string | undefined> = {},
) {
  const h: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonSSM.${target}`,
    authorization: AUTH('ssm'),
  };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete h[k];
    else h[k] = v;
  }
  const res = await fetch(`${fake.endpoint}/`, { method: 'POST', headers: h, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// ====================================================================== S3

describe('S3 fake through @aws-sdk/client-s3', () => {
  it('single PUT with a precomputed ChecksumSHA256; HeadObject with ChecksumMode returns it as FULL_OBJECT', async () => {
    const { s3f, s3 } = await fakes();
    const body = payload('a');
    const b64 = sha256b64(body);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'p/a.zip',
        Body: body,
        ChecksumSHA256: b64,
        ContentType: 'application/zip',
      }),
    );
    expect(put.ChecksumSHA256).toBe(b64);
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const putCall = s3f.calls('PutObject')[0]!;
    expect(putCall.headers['x-amz-checksum-sha256']).toBe(b64);
    expect(putCall.headers['content-encoding']).toBeUndefined();

    const head = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'p/a.zip', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).toBe(b64);
    expect(head.ChecksumType).toBe('FULL_OBJECT');
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe('application/zip');
    const plain = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'p/a.zip' }));
    expect(plain.ChecksumSHA256).toBeUndefined();
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'p/a.zip' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(s3f.object(BUCKET, 'p/a.zip')?.checksumSHA256).toBe(b64);
  });

  it('a wrong ChecksumSHA256 is refused with BadDigest and nothing is stored', async () => {
    const { s3f, s3 } = await fakes();
    const wrong = sha256b64('something else');
    const e = await rejection(
      s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'p/a.zip', Body: payload('a'), ChecksumSHA256: wrong }),
      ),
    );
    expect(e.name).toBe('BadDigest');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toBe('The SHA256 you specified did not match the calculated checksum.');
    expect(e.$metadata.attempts).toBe(1);
    expect(s3f.object(BUCKET, 'p/a.zip')).toBeUndefined();
    const bad = await rejection(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'p/a.zip', Body: 'x', ChecksumSHA256: 'AAAA' })),
    );
    expect(bad.name).toBe('InvalidRequest');
  });

  it('Content-MD5: a mismatch is BadDigest, a malformed value InvalidDigest', async () => {
    const { s3f, s3 } = await fakes();
    const body = Buffer.from('hello');
    const ok = md5(body, 'base64');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'm/ok', Body: body, ContentMD5: ok }));
    expect(s3f.object(BUCKET, 'm/ok')?.body.toString()).toBe('hello');
    const e1 = await rejection(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'm/bad', Body: 'hellO', ContentMD5: ok })),
    );
    expect(e1.name).toBe('BadDigest');
    const e2 = await rejection(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'm/bad', Body: body, ContentMD5: 'not-md5' })),
    );
    expect(e2.name).toBe('InvalidDigest');
    expect(s3f.object(BUCKET, 'm/bad')).toBeUndefined();
  });

  it('a default streamed PutObject (aws-chunked with a trailing checksum) stores exactly the original bytes', async () => {
    const { s3f, s3 } = await fakes();
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));
    const stream = () =>
      Readable.from([data.subarray(0, 1000), data.subarray(1000, 40_000), data.subarray(40_000)]);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 's/default.bin',
        Body: stream(),
        ContentLength: data.length,
      }),
    );
    const call = s3f.calls('PutObject')[0]!;
    expect(call.headers['content-encoding']).toContain('aws-chunked');
    expect(call.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(call.headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    const stored = s3f.object(BUCKET, 's/default.bin')!;
    expect(stored.body.length).toBe(data.length);
    expect(stored.body.equals(data)).toBe(true);
    expect(stored.checksum).toEqual({
      algorithm: 'CRC32',
      value: checksumB64('CRC32', data),
      type: 'FULL_OBJECT',
    });

    // Every algorithm the SDK can put in the trailer is verified by the fake (a wrong implementation here = BadDigest).
    for (const alg of ['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const out = await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `s/${alg}`,
          Body: stream(),
          ContentLength: data.length,
          ChecksumAlgorithm: alg,
        }),
      );
      expect(s3f.object(BUCKET, `s/${alg}`)?.checksum.value).toBe(checksumB64(alg, data));
      expect(out[`Checksum${alg}`]).toBe(checksumB64(alg, data));
    }
  });

  it('a trailing checksum that does not match the decoded body is BadDigest; a short body is IncompleteBody', async () => {
    const { s3f } = await fakes();
    const data = Buffer.from('0123456789');
    const frame = (trailer: string, declared = data.length) => ({
      method: 'PUT',
      headers: {
        authorization: AUTH('s3'),
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': String(declared),
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
      body: Buffer.concat([
        Buffer.from(`a\r\n`),
        data,
        Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${trailer}\r\n\r\n`),
      ]),
    });
    const good = await fetch(`${s3f.endpoint}/${BUCKET}/t/good`, frame(checksumB64('CRC32', data)));
    expect(good.status).toBe(200);
    expect(s3f.object(BUCKET, 't/good')?.body.equals(data)).toBe(true);
    const bad = await fetch(`${s3f.endpoint}/${BUCKET}/t/bad`, frame(checksumB64('CRC32', Buffer.from('x'))));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadDigest</Code>');
    const short = await fetch(`${s3f.endpoint}/${BUCKET}/t/short`, frame(checksumB64('CRC32', data), 11));
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('<Code>IncompleteBody</Code>');
    expect(s3f.keys(BUCKET, 't/')).toEqual(['t/good']);
  });

  it('If-None-Match: * refuses an overwrite with 412 PreconditionFailed and keeps the first object', async () => {
    const { s3f, s3 } = await fakes();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'c/a.zip', Body: 'first', IfNoneMatch: '*' }));
    const e = await rejection(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'c/a.zip', Body: 'second', IfNoneMatch: '*' })),
    );
    expect(e.name).toBe('PreconditionFailed');
    expect(e.$metadata.httpStatusCode).toBe(412);
    expect(s3f.object(BUCKET, 'c/a.zip')?.body.toString()).toBe('first');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'c/a.zip', Body: 'third' }));
    expect(s3f.object(BUCKET, 'c/a.zip')?.body.toString()).toBe('third');
  });

  it('NoSuchKey, NoSuchBucket, 404/403 HEADs without a body, AccessDenied on denied keys, DeleteObject', async () => {
    const { s3f, s3 } = await fakes();
    s3f.putObject(BUCKET, 'secret/a.zip', 'x');
    s3f.putObject(BUCKET, 'open/a.zip', 'y');
    expect((await rejection(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nope' })))).name).toBe(
      'NoSuchKey',
    );
    expect(
      (await rejection(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })))).name,
    ).toBe('NoSuchBucket');
    const head404 = await rejection(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nope' })));
    expect(head404.name).toBe('NotFound');
    expect(head404.$metadata.httpStatusCode).toBe(404);
    const undo = s3f.deny(BUCKET, 'secret/');
    const head403 = await rejection(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'secret/a.zip' })));
    expect(head403.$metadata.httpStatusCode).toBe(403);
    expect(
      (await rejection(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'secret/a.zip' })))).name,
    ).toBe('AccessDenied');
    expect(
      (await rejection(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'secret/b', Body: 'z' })))).name,
    ).toBe('AccessDenied');
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'open/a.zip' }));
    undo();
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'secret/a.zip' }));
    s3f.deny(BUCKET, 'secret/', ['GetObject']);
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'secret/a.zip' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'open/a.zip' }));
    expect(s3f.keys(BUCKET)).toEqual(['secret/a.zip']);
  });

  it('ListObjectsV2: prefix, delimiter, pages joined by opaque continuation tokens, garbage token refused', async () => {
    const { s3f, s3 } = await fakes();
    const keys = Array.from({ length: 7 }, (_, i) => `list/v${i}/file.zip`).concat([
      'list/top.txt',
      'other/x',
    ]);
    for (const k of keys) s3f.putObject(BUCKET, k, k);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', MaxKeys: 3, ContinuationToken: token }),
      );
      pages++;
      seen.push(...(out.Contents ?? []).map((c) => c.Key!));
      expect(out.KeyCount).toBe(out.Contents?.length ?? 0);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys.filter((k) => k.startsWith('list/')).sort());
    const grouped = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }),
    );
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(
      Array.from({ length: 7 }, (_, i) => `list/v${i}/`),
    );
    expect(grouped.Contents?.map((c) => c.Key)).toEqual(['list/top.txt']);
    const e = await rejection(
      s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'garbage' })),
    );
    expect(e.name).toBe('InvalidArgument');
    expect((await rejection(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).name).toBe(
      'NoSuchBucket',
    );
  });

  it('HeadBucket reports the region; a client signing for the wrong region gets AuthorizationHeaderMalformed', async () => {
    const { s3 } = await fakes();
    expect((await s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).BucketRegion).toBe(REGION);
    expect(
      (await rejection(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })))).$metadata
        .httpStatusCode,
    ).toBe(404);
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'eu-bucket',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    expect((await rejection(s3.send(new CreateBucketCommand({ Bucket: 'eu-bucket' })))).name).toBe(
      'BucketAlreadyOwnedByYou',
    );
    const e = await rejection(s3.send(new PutObjectCommand({ Bucket: 'eu-bucket', Key: 'k', Body: 'x' })));
    expect(e.name).toBe('AuthorizationHeaderMalformed');
    expect(e.message).toContain("expecting 'eu-west-1'");
  });

  it('virtual-host-style requests (bucket in the Host header) reach the same store', async () => {
    const { s3f } = await fakes();
    // The SDK addresses `<bucket>.localhost`; the handler connects to 127.0.0.1 but keeps that Host header.
    const inner = new NodeHttpHandler();
    const viaLoopback = {
      handle: (request: { hostname: string }, options: unknown) => {
        request.hostname = '127.0.0.1';
        return inner.handle(request as never, options as never);
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
      destroy: () => inner.destroy(),
    };
    const s3 = s3Client(
      { endpoint: `http://localhost:${s3f.port}` },
      { forcePathStyle: false, requestHandler: viaLoopback as never },
    );
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'vh/a b.zip', Body: 'virtual' }));
    const call = s3f.calls('PutObject')[0]!;
    expect(call.style).toBe('virtual-host');
    expect(call.headers.host).toBe(`${BUCKET}.localhost:${s3f.port}`);
    expect(s3f.object(BUCKET, 'vh/a b.zip')?.body.toString()).toBe('virtual');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'vh/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['vh/a b.zip']);
  });

  it('an endpoint given as an IP address makes the SDK use path style even without forcePathStyle', async () => {
    const { s3f } = await fakes();
    const s3 = s3Client(s3f, { forcePathStyle: false });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ip/a', Body: 'x' }));
    expect(s3f.calls('PutObject')[0]?.style).toBe('path');
  });

  it('requests without an Authorization header are refused with 403 AccessDenied', async () => {
    const { s3f } = await fakes();
    s3f.putObject(BUCKET, 'a', 'x');
    const res = await fetch(`${s3f.endpoint}/${BUCKET}/a`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    const ok = await fetch(`${s3f.endpoint}/${BUCKET}/a`, { headers: { authorization: AUTH('s3') } });
    expect(await ok.text()).toBe('x');
  });

  it('faults: 500 ×2 is absorbed by the SDK retries, ×3 fails; reset is retried; 503 SlowDown is retried', async () => {
    const { s3f, s3 } = await fakes();
    s3f.inject('PutObject', '500', { times: 2 });
    const ok = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'f/a', Body: 'x' }));
    expect(ok.$metadata.attempts).toBe(3);
    s3f.inject('PutObject', '500', { times: 3 });
    const e = await rejection(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'f/b', Body: 'x' })));
    expect(e.name).toBe('InternalError');
    expect(e.$metadata.attempts).toBe(3);
    expect(s3f.object(BUCKET, 'f/b')).toBeUndefined();
    s3f.inject('HeadObject', 'reset');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'f/a' }))).$metadata.attempts).toBe(2);
    s3f.inject('GetObject', '503');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'f/a' }));
    expect(got.$metadata.attempts).toBe(2);
    expect(s3f.calls('GetObject').map((c) => c.code ?? c.status)).toEqual(['SlowDown', 200]);
  });

  it('500-after-commit on a conditional PUT: the object is stored and the SDK retry sees 412', async () => {
    const { s3f, s3 } = await fakes();
    s3f.inject('PutObject', '500-after-commit');
    const e = await rejection(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'h/a.zip', Body: 'bytes', IfNoneMatch: '*' })),
    );
    expect(e.name).toBe('PreconditionFailed');
    expect(e.$metadata.attempts).toBe(2);
    expect(s3f.object(BUCKET, 'h/a.zip')?.body.toString()).toBe('bytes');
  });

  it('stall: a client requestTimeout with throwOnRequestTimeout fails fast; stallMs answers late', async () => {
    const { s3f } = await fakes();
    const s3 = s3Client(s3f, {
      requestHandler: new NodeHttpHandler({ requestTimeout: 150, throwOnRequestTimeout: true }),
    });
    s3f.putObject(BUCKET, 'a', 'x');
    s3f.inject('HeadObject', 'stall', { times: 3 });
    const t0 = Date.now();
    const e = await rejection(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'a' })));
    expect(e.name).toBe('TimeoutError');
    expect(Date.now() - t0).toBeLessThan(3000);
    s3f.inject('HeadObject', 'stall', { stallMs: 50 });
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'a' }))).$metadata.attempts).toBe(1);
  });

  it('corrupt-stored-bytes: the PUT looks fine, but HeadObject and GetObject reveal what was stored', async () => {
    const { s3f, s3 } = await fakes();
    const body = payload('lie');
    const b64 = sha256b64(body);
    s3f.inject('PutObject', 'corrupt-stored-bytes');
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'x/a.zip', Body: body, ChecksumSHA256: b64 }),
    );
    expect(put.ChecksumSHA256).toBe(b64);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'x/a.zip', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).not.toBe(b64);
    expect(head.ContentLength).toBe(body.length);
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'x/a.zip', ChecksumMode: 'ENABLED' }),
    );
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(false);
  });
});

/** Sends `method path` as written (fetch would resolve `.` and `..` segments first). */
function rawRequest(endpoint: string, method: string, target: string, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(endpoint);
    const headers = { authorization: AUTH('s3') };
    const req = http.request({ hostname, port, method, path: target, headers });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('S3 fake: keys are taken as sent', () => {
  it('`.` and `..` segments stay in keys, as in S3 (the request path is not normalised)', async () => {
    const { s3f, s3 } = await fakes();
    const keys = ['pkg/1.0/../escaped.zip', 'pkg/./a.zip', 'pkg/..', './x', '../up', 'a//b'];
    for (const Key of keys)
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `body of ${Key}` }));
    expect(s3f.calls('PutObject').map((c) => c.key)).toEqual(keys);
    expect(s3f.keys(BUCKET)).toEqual([...keys].sort());
    for (const Key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
      expect(await got.Body!.transformToString()).toBe(`body of ${Key}`);
    }
    expect(s3f.object(BUCKET, 'pkg/escaped.zip')).toBeUndefined();
    // Written out by hand, as a client that does not encode dots sends them; %2E stays a dot in the key.
    expect(await rawRequest(s3f.endpoint, 'PUT', `/${BUCKET}/raw/../k?x-id=PutObject`, 'r')).toBe(200);
    expect(await rawRequest(s3f.endpoint, 'PUT', `/${BUCKET}/raw/%2E%2E/j`, 'r')).toBe(200);
    expect(s3f.keys(BUCKET, 'raw/')).toEqual(['raw/../j', 'raw/../k']);
    expect(s3f.keys(BUCKET, 'k')).toEqual([]);
    const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'pkg/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['pkg/..', 'pkg/./a.zip', 'pkg/1.0/../escaped.zip']);
  });
});

// ====================================================================== SSM: wire

describe('SSM fake: JSON 1.1 wire protocol', () => {
  it('errors are {"__type","message"} with x-amzn-ErrorType; every answer has x-amzn-RequestId', async () => {
    const { ssmf } = await fakes();
    const noAuth = await rawSsm(ssmf, 'DescribeDocument', { Name: DOC }, { authorization: undefined });
    expect(noAuth.status).toBe(400);
    expect(JSON.parse(noAuth.text)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    expect(noAuth.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(noAuth.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);

    const unknown = await rawSsm(ssmf, 'DescribeEverything', {});
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).__type).toBe('UnknownOperationException');
    const wrongType = await rawSsm(
      ssmf,
      'DescribeDocument',
      { Name: DOC },
      { 'content-type': 'application/json' },
    );
    expect(JSON.parse(wrongType.text).__type).toBe('UnknownOperationException');
    const wrongService = await rawSsm(ssmf, 'DescribeDocument', { Name: DOC }, { authorization: AUTH('s3') });
    expect(JSON.parse(wrongService.text).__type).toBe('InvalidSignatureException');

    const missing = await rawSsm(ssmf, 'DescribeDocument', { Name: DOC });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toEqual({
      __type: 'InvalidDocument',
      message: `Document with name ${DOC} does not exist.`,
    });
    expect(missing.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(missing.headers.get('x-amzn-requestid')).toBeTruthy();

    const wrongMemberType = await rawSsm(ssmf, 'DescribeDocument', { Name: 42 });
    expect(JSON.parse(wrongMemberType.text).__type).toBe('SerializationException');
  });

  it('timestamps are epoch seconds (JSON numbers with fractional millis); the SDK parses them as Dates', async () => {
    const { ssmf, ssm, s3 } = await fakes();
    const before = Date.now();
    await createPackage(ssm, s3, '1.0.0');
    const raw = await rawSsm(ssmf, 'ListDocumentVersions', { Name: DOC });
    expect(raw.status).toBe(200);
    expect(raw.text).toMatch(/"CreatedDate":\d{10}(\.\d{1,3})?[,}]/);
    const created = JSON.parse(raw.text).DocumentVersions[0].CreatedDate as number;
    expect(created * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const viaSdk = await ssm.send(new DescribeDocumentCommand({ Name: DOC }));
    expect(viaSdk.Document?.CreatedDate).toBeInstanceOf(Date);
    expect(viaSdk.Document!.CreatedDate!.getTime()).toBe(Math.round(created * 1000));
    expect(viaSdk.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('AWS_ENDPOINT_URL_SSM and AWS_ENDPOINT_URL_S3 route clients with no endpoint option to the fakes', async () => {
    const { ssmf, s3f } = await fakes();
    const saved = { ssm: process.env.AWS_ENDPOINT_URL_SSM, s3: process.env.AWS_ENDPOINT_URL_S3 };
    process.env.AWS_ENDPOINT_URL_SSM = ssmf.endpoint;
    process.env.AWS_ENDPOINT_URL_S3 = s3f.endpoint;
    try {
      const ssm = new SSMClient({ region: REGION, credentials: CREDS });
      const s3 = new S3Client({ region: REGION, credentials: CREDS });
      closers.push(
        () => ssm.destroy(),
        () => s3.destroy(),
      );
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'env/a', Body: 'x' }));
      expect(s3f.keys(BUCKET, 'env/')).toEqual(['env/a']);
      expect((await rejection(ssm.send(new DescribeDocumentCommand({ Name: DOC })))).name).toBe(
        'InvalidDocument',
      );
      expect(ssmf.count('DescribeDocument')).toBe(1);
    } finally {
      for (const [k, v] of [
        ['AWS_ENDPOINT_URL_SSM', saved.ssm],
        ['AWS_ENDPOINT_URL_S3', saved.s3],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

// ====================================================================== SSM: documents and versions

describe('SSM fake: publish flow', () => {
  it('CreateDocument → Creating → Active, AttachmentsContent equals the uploaded objects, Url serves the copied bytes', async () => {
    const { ssmf, s3f, ssm, s3 } = await fakes({ statusDelayMs: 40 });
    const { files, description } = await createPackage(ssm, s3, '1.0.0', {
      tags: [{ Key: 'team', Value: 'infra' }],
    });
    expect(description).toMatchObject({
      Name: DOC,
      DocumentVersion: '1',
      LatestVersion: '1',
      DefaultVersion: '1',
      VersionName: '1.0.0',
      Status: 'Creating',
      DocumentType: 'Package',
      DocumentFormat: 'JSON',
      SchemaVersion: '2.0',
      HashType: 'Sha256',
      Owner: ssmf.accountId,
      Tags: [{ Key: 'team', Value: 'infra' }],
    });
    expect(description.Hash).toBe(sha256(Buffer.from(manifest('1.0.0', files))));
    expect(description.AttachmentsInformation?.map((a) => a.Name)).toEqual(Object.keys(files));
    expect(description.StatusInformation).toBeUndefined();

    const done = await settled(ssm, '1');
    expect(done.Status).toBe('Active');
    const got = await ssm.send(new GetDocumentCommand({ Name: DOC, DocumentVersion: '1' }));
    expect(got.Status).toBe('Active');
    expect(JSON.parse(got.Content!)).toEqual(JSON.parse(manifest('1.0.0', files)));
    const byName = Object.fromEntries((got.AttachmentsContent ?? []).map((a) => [a.Name!, a]));
    expect(Object.keys(byName).sort()).toEqual(Object.keys(files).sort());
    for (const [name, body] of Object.entries(files)) {
      const stored = s3f.object(BUCKET, `agent/1.0.0/${name}`)!;
      expect(byName[name]).toMatchObject({ Size: body.length, Hash: stored.sha256Hex, HashType: 'Sha256' });
      expect(byName[name]!.Hash).toBe(sha256(body));
    }
    // The service copied the files: deleting the S3 originals does not break the download URL.
    s3f.deleteObject(BUCKET, 'agent/1.0.0/agent-any.zip');
    const res = await fetch(byName['agent-any.zip']!.Url!);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(files['agent-any.zip'])).toBe(true);
  });

  it('UpdateDocument → new version Updating → Active; DefaultVersion moves only with UpdateDocumentDefaultVersion', async () => {
    const { ssm, s3 } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    await settled(ssm, '1');
    const { description } = await updatePackage(ssm, s3, '1.1.0');
    expect(description).toMatchObject({
      DocumentVersion: '2',
      LatestVersion: '2',
      DefaultVersion: '1',
      Status: 'Updating',
      VersionName: '1.1.0',
    });
    expect((await settled(ssm, '2')).Status).toBe('Active');
    const bare = await ssm.send(new DescribeDocumentCommand({ Name: DOC }));
    expect(bare.Document).toMatchObject({
      DocumentVersion: '1',
      VersionName: '1.0.0',
      DefaultVersion: '1',
      LatestVersion: '2',
    });
    const promoted = await ssm.send(
      new UpdateDocumentDefaultVersionCommand({ Name: DOC, DocumentVersion: '2' }),
    );
    expect(promoted.Description).toEqual({ Name: DOC, DefaultVersion: '2', DefaultVersionName: '1.1.0' });
    expect((await ssm.send(new DescribeDocumentCommand({ Name: DOC }))).Document?.VersionName).toBe('1.1.0');
    const e = await rejection(
      ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: DOC, DocumentVersion: '$LATEST' })),
    );
    expect(e.name).toBe('ValidationException');
    expect(e.message).toBe(
      "1 validation error detected: Value '$LATEST' at 'documentVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (^[1-9][0-9]*$)",
    );
    expect(
      (
        await rejection(
          ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: DOC, DocumentVersion: '9' })),
        )
      ).name,
    ).toBe('InvalidDocumentVersion');
  });

  it('DescribeDocument/GetDocument select by DocumentVersion, VersionName, $LATEST, $DEFAULT', async () => {
    const { ssm, s3 } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    await updatePackage(ssm, s3, '1.1.0');
    const d = async (input: { DocumentVersion?: string; VersionName?: string }) =>
      (await ssm.send(new DescribeDocumentCommand({ Name: DOC, ...input }))).Document?.DocumentVersion;
    expect(await d({})).toBe('1');
    expect(await d({ DocumentVersion: '$LATEST' })).toBe('2');
    expect(await d({ DocumentVersion: '$DEFAULT' })).toBe('1');
    expect(await d({ VersionName: '1.1.0' })).toBe('2');
    expect(await d({ DocumentVersion: '2', VersionName: '1.1.0' })).toBe('2');
    const arn = `arn:aws:ssm:${REGION}:123456789012:document/${DOC}`;
    expect(
      (await ssm.send(new GetDocumentCommand({ Name: arn, VersionName: '1.0.0' }))).DocumentVersion,
    ).toBe('1');
    const unknownName = await rejection(
      ssm.send(new DescribeDocumentCommand({ Name: DOC, VersionName: '9.9.9' })),
    );
    expect(unknownName.name).toBe('InvalidDocument');
    expect(unknownName.message).toBe(TEXT.versionNameNotFound(DOC, '9.9.9'));
    expect(
      (await rejection(ssm.send(new DescribeDocumentCommand({ Name: DOC, DocumentVersion: '7' })))).name,
    ).toBe('InvalidDocumentVersion');
    expect(
      (
        await rejection(
          ssm.send(new GetDocumentCommand({ Name: DOC, DocumentVersion: '1', VersionName: '1.1.0' })),
        )
      ).name,
    ).toBe('InvalidDocument');
    const missing = await rejection(ssm.send(new GetDocumentCommand({ Name: 'Other-Doc' })));
    expect([missing.name, missing.message]).toEqual([
      'InvalidDocument',
      'Document with name Other-Doc does not exist.',
    ]);
  });

  it('conflicts arrive as the SDK error names: Duplicate*, InvalidDocumentVersion (stale), DocumentAlreadyExists, missing Attachments', async () => {
    const { ssm, s3 } = await fakes();
    const first = await createPackage(ssm, s3, '1.0.0');
    const again = await rejection(createPackage(ssm, s3, '1.0.0'));
    expect([again.name, again.message]).toEqual([
      'DocumentAlreadyExists',
      'The specified document already exists.',
    ]);
    await updatePackage(ssm, s3, '1.1.0');

    const dupName = await rejection(updatePackage(ssm, s3, '1.1.0'));
    expect([dupName.name, dupName.message]).toEqual([
      'DuplicateDocumentVersionName',
      TEXT.duplicateVersionName,
    ]);
    const dupContent = await rejection(
      ssm.send(
        new UpdateDocumentCommand({
          Name: DOC,
          Content: manifest('1.0.0', first.files),
          DocumentVersion: '$LATEST',
          VersionName: '1.0.0-again',
          Attachments: source('agent/1.0.0'),
        }),
      ),
    );
    expect([dupContent.name, dupContent.message]).toEqual([
      'DuplicateDocumentContent',
      TEXT.duplicateContent,
    ]);
    const stale = await rejection(updatePackage(ssm, s3, '1.2.0', { documentVersion: '1' }));
    expect([stale.name, stale.message]).toEqual([
      'InvalidDocumentVersion',
      `Version provided for document ${DOC} is not latest. Please provide the latest version to update document ${DOC}`,
    ]);
    expect(
      (await updatePackage(ssm, s3, '1.2.0', { documentVersion: '2' })).description.DocumentVersion,
    ).toBe('3');
    const noAttachments = await rejection(
      ssm.send(
        new UpdateDocumentCommand({
          Name: DOC,
          Content: manifest('1.3.0', first.files),
          DocumentVersion: '$LATEST',
          VersionName: '1.3.0',
        }),
      ),
    );
    expect([noAttachments.name, noAttachments.message, noAttachments.$metadata.httpStatusCode]).toEqual([
      'InvalidParameterValueException',
      'AttachmentsSource not provided in the input request.',
      400,
    ]);
    expect((await rejection(updatePackage(ssm, s3, '2.0.0', { name: 'Not-There' }))).name).toBe(
      'InvalidDocument',
    );
  });

  it("duplicateContentScope: `latest` lets an older version's content be published again, `all` does not", async () => {
    for (const scope of ['latest', 'all'] as const) {
      const { ssm, s3 } = await fakes({ duplicateContentScope: scope });
      const v1 = await createPackage(ssm, s3, '1.0.0');
      await updatePackage(ssm, s3, '1.1.0');
      const republish = ssm.send(
        new UpdateDocumentCommand({
          Name: DOC,
          Content: manifest('1.0.0', v1.files),
          VersionName: 'again',
          Attachments: source('agent/1.0.0'),
        }),
      );
      if (scope === 'latest') expect((await republish).DocumentDescription?.DocumentVersion).toBe('3');
      else expect((await rejection(republish)).name).toBe('DuplicateDocumentContent');
    }
  });

  it('validation answers ValidationException in the service format (name, reserved prefixes, attachments, MaxResults)', async () => {
    const { ssm } = await fakes();
    const files = { 'a.zip': payload('a') };
    const create = (over: Record<string, unknown>) =>
      rejection(
        ssm.send(
          new CreateDocumentCommand({
            Name: 'Good-Name',
            Content: manifest('1', files),
            DocumentType: 'Package',
            Attachments: source('p'),
            ...over,
          } as never),
        ),
      );
    const bad = await create({ Name: 'a b' });
    expect([bad.name, bad.message]).toEqual([
      'ValidationException',
      "1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$",
    ]);
    const two = await create({ Name: 'x', VersionName: 'v 1' });
    expect(two.message).toMatch(
      /^2 validation errors detected: Value 'x' at 'name' .*; Value 'v 1' at 'versionName' failed to satisfy constraint/,
    );
    for (const reserved of ['AWS-Thing', 'amazon-agent', 'AmznTool']) {
      const e = await create({ Name: reserved });
      expect([e.name, e.message]).toEqual(['ValidationException', `Invalid document name ${reserved}`]);
    }
    const many = await create({
      Attachments: Array.from({ length: 21 }, (_, i) => ({ Key: 'SourceUrl', Values: [`s3://b/p${i}`] })),
    });
    expect(many.message).toContain(
      "at 'attachments' failed to satisfy constraint: Member must have length less than or equal to 20",
    );
    const twoValues = await create({ Attachments: [{ Key: 'SourceUrl', Values: ['s3://b/p', 's3://b/q'] }] });
    expect(twoValues.message).toContain(
      "at 'attachments.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 1",
    );
    const badKey = await create({ Attachments: [{ Key: 'Url', Values: ['s3://b/p'] }] });
    expect(badKey.message).toContain(
      'Member must satisfy enum value set: [SourceUrl, S3FileUrl, AttachmentReference]',
    );
    const noAttachments = await create({ Attachments: undefined });
    expect(noAttachments.name).toBe('InvalidParameterValueException');
    const big = await create({ Content: manifest('1', files) + ' '.repeat(64 * 1024) });
    expect([big.name, big.message]).toEqual([
      'MaxDocumentSizeExceeded',
      'The size limit of a document is 64 KB.',
    ]);
    const tooManyTags = await create({
      Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
    });
    expect(tooManyTags.name).toBe('TooManyTagsError');
    const maxResults = await rejection(
      ssm.send(new ListDocumentVersionsCommand({ Name: DOC, MaxResults: 51 })),
    );
    expect(maxResults.message).toBe(
      "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    );
    const stray = await rejection(
      ssm.send(new DescribeDocumentCommand({ Name: DOC, DocumentVersion: '$LATESTX' })),
    );
    expect(stray.name).toBe('ValidationException');
  });

  it('InvalidDocumentContent for malformed JSON (line/column), wrong schemaVersion, missing members, dangling file names', async () => {
    const { ssm } = await fakes();
    const create = (Content: string) =>
      rejection(
        ssm.send(
          new CreateDocumentCommand({
            Name: 'Bad-Pkg',
            Content,
            DocumentType: 'Package',
            Attachments: source('p'),
          }),
        ),
      );
    const syntax = await create('{\n  "schemaVersion": "2.0",\n  oops\n}');
    expect([syntax.name, syntax.message]).toEqual([
      'InvalidDocumentContent',
      'JSON not well-formed. at Line: 3, Column: 3',
    ]);
    const version = await create(JSON.stringify({ schemaVersion: '1.2', packages: {}, files: {} }));
    expect([version.name, version.message]).toEqual(['InvalidDocumentContent', TEXT.schemaVersion('1.2')]);
    const missing = await create(JSON.stringify({ schemaVersion: '2.0', packages: {} }));
    expect(missing.message).toBe(
      '[message: "object has missing required properties ([\\"files\\"])" - parent node: /]',
    );
    const dangling = await create(
      JSON.stringify({
        schemaVersion: '2.0',
        packages: { _any: { _any: { _any: { file: 'gone.zip' } } } },
        files: { 'a.zip': {} },
      }),
    );
    expect(dangling.message).toBe(TEXT.unknownFileRef('gone.zip', 'packages._any._any._any'));
    const badFile = await create(
      JSON.stringify({ schemaVersion: '2.0', packages: {}, files: { 'a b.zip': {} } }),
    );
    expect(badFile.name).toBe('InvalidDocumentContent');
  });
});

// ====================================================================== SSM: asynchronous ingestion

describe('SSM fake: ingestion outcome (Failed + StatusInformation)', () => {
  const cases: {
    title: string;
    expected: (f: { s3f: S3Fake; ssmf: SsmFake }) => string | RegExp;
    arrange?: (f: { s3f: S3Fake; ssmf: SsmFake; files: Record<string, Buffer> }) => void;
    files?: () => Record<string, Buffer>;
    sums?: Record<string, string>;
    opts?: SsmOptions;
    bucket?: string;
    skipUpload?: string[];
  }[] = [
    {
      title: 'missing object',
      skipUpload: ['b.zip'],
      expected: () =>
        /^Permanent download error: Source URL 's3:\/\/pkg-bucket\/ing\/b\.zip' reported: The specified key does not exist\. \(Service: Amazon S3; Status Code: 404; Error Code: NoSuchKey; Request ID: \w+; S3 Extended Request ID: \S+; Proxy: null\)$/,
    },
    {
      title: 'access denied by the bucket (S3 deny rule for GetObject)',
      arrange: ({ s3f }) => void s3f.deny(BUCKET, 'ing/b', ['GetObject']),
      expected: () =>
        /^Permanent download error: Source URL 's3:\/\/pkg-bucket\/ing\/b\.zip' reported: Access Denied \(Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: \w+; S3 Extended Request ID: \S+; Proxy: null\)$/,
    },
    {
      title: 'access denied to the caller (deniedKeys)',
      opts: { deniedKeys: ['s3://pkg-bucket/ing/'] },
      expected: () =>
        /^Permanent download error: Source URL 's3:\/\/pkg-bucket\/ing\/a\.zip' reported: Access Denied \(Service: Amazon S3;/,
    },
    {
      title: 'missing bucket',
      bucket: 'no-such-bucket',
      expected: () =>
        "The specified S3 bucket doesn't exist. Verify that the URL of the S3 bucket is correct.",
    },
    {
      title: 'sha256 in the manifest differs from the object',
      sums: { 'b.zip': 'ab'.repeat(32) },
      expected: () => TEXT.checksumMismatch('b.zip', 'ab'.repeat(32), sha256(payload('b'))),
    },
    {
      title: 'ZIP without an uninstall script',
      files: () => ({ 'a.zip': payload('a'), 'b.zip': storedZip({ 'install.sh': 'x', 'payload.bin': 'y' }) }),
      expected: () => 'Package file b.zip is not supported (package is missing uninstall action).',
    },
    {
      title: 'install script below the ZIP root',
      files: () => ({
        'a.zip': storedZip({ 'pkg/install.sh': 'x', 'pkg/uninstall.sh': 'y' }),
        'b.zip': payload('b'),
      }),
      expected: () => 'Package file a.zip is not supported (package is missing install action).',
    },
    {
      title: 'not a ZIP',
      files: () => ({ 'a.zip': Buffer.from('plain text, no central directory'), 'b.zip': payload('b') }),
      expected: () => 'Package file a.zip is not a valid ZIP archive.',
    },
    {
      title: 'more than 20 files',
      files: () =>
        Object.fromEntries(
          Array.from({ length: 21 }, (_, i) => [`f${String(i).padStart(2, '0')}.zip`, payload(String(i))]),
        ),
      expected: () => TEXT.tooManyFiles(21, 20),
    },
    {
      title: 'a file above the size limit',
      opts: { maxFileBytes: 400 },
      files: () => ({ 'a.zip': payload('a'), 'b.zip': payload('b', { 'big.bin': 'x'.repeat(300) }) }),
      expected: () => /^File b\.zip is \d+ bytes; the maximum size of a package file is 400 bytes\.$/,
    },
  ];

  it.each(cases)('$title', async (c) => {
    const f = await fakes(c.opts ?? {});
    const files = c.files?.() ?? { 'a.zip': payload('a'), 'b.zip': payload('b') };
    const toUpload = Object.fromEntries(Object.entries(files).filter(([n]) => !c.skipUpload?.includes(n)));
    await upload(f.s3, 'ing', toUpload);
    c.arrange?.({ ...f, files });
    const out = await f.ssm.send(
      new CreateDocumentCommand({
        Name: DOC,
        Content: manifest('1.0.0', files, c.sums),
        DocumentType: 'Package',
        VersionName: '1.0.0',
        Attachments: source('ing', c.bucket),
      }),
    );
    expect(out.DocumentDescription?.Status).toBe('Creating');
    const done = await settled(f.ssm, '1');
    expect(done.Status).toBe('Failed');
    const expected = c.expected(f);
    if (typeof expected === 'string') expect(done.StatusInformation).toBe(expected);
    else expect(done.StatusInformation).toMatch(expected);
    const listed = await f.ssm.send(new ListDocumentVersionsCommand({ Name: DOC }));
    expect(listed.DocumentVersions?.[0]).toMatchObject({
      Status: 'Failed',
      StatusInformation: done.StatusInformation,
    });
    expect((await f.ssm.send(new GetDocumentCommand({ Name: DOC }))).AttachmentsContent ?? []).toEqual([]);
  });

  it('the outcome is decided from the S3 state at the transition, not at the call', async () => {
    const { ssmf, s3f, ssm, s3 } = await fakes({ statusDelayMs: Number.POSITIVE_INFINITY });
    const files = { 'a.zip': payload('a') };
    await ssm.send(
      new CreateDocumentCommand({
        Name: DOC,
        Content: manifest('1', files),
        DocumentType: 'Package',
        VersionName: '1',
        Attachments: source('late'),
      }),
    );
    await sleep(30);
    expect((await ssm.send(new DescribeDocumentCommand({ Name: DOC }))).Document?.Status).toBe('Creating');
    await upload(s3, 'late', files); // uploaded after CreateDocument, before the transition
    ssmf.settle(DOC, '1');
    expect(ssmf.version(DOC, '1')?.status).toBe('Active');

    await upload(s3, 'gone', { 'a.zip': payload('a2') });
    await ssm.send(
      new UpdateDocumentCommand({
        Name: DOC,
        Content: manifest('2', { 'a.zip': payload('a2') }),
        VersionName: '2',
        Attachments: source('gone'),
      }),
    );
    s3f.deleteObject(BUCKET, 'gone/a.zip'); // deleted after UpdateDocument, before the transition
    ssmf.settle();
    expect(ssmf.version(DOC, '2')).toMatchObject({ status: 'Failed' });
    expect(ssmf.version(DOC, '2')?.statusInformation).toContain('NoSuchKey');
    ssmf.setStatus(DOC, '2', 'Updating');
    expect(
      (await ssm.send(new DescribeDocumentCommand({ Name: DOC, DocumentVersion: '2' }))).Document?.Status,
    ).toBe('Updating');
  });

  it('versionLimit: the next version is refused with DocumentVersionLimitExceeded (Failed versions count)', async () => {
    const { ssm, s3, ssmf } = await fakes({ versionLimit: 3 });
    await createPackage(ssm, s3, '1');
    await updatePackage(ssm, s3, '2');
    await updatePackage(ssm, s3, '3');
    ssmf.setStatus(DOC, '3', 'Failed', 'broken');
    const e = await rejection(updatePackage(ssm, s3, '4'));
    expect([e.name, e.message]).toEqual(['DocumentVersionLimitExceeded', TEXT.versionLimit]);
    expect(ssmf.document(DOC)?.versionCount).toBe(3);
    await ssm.send(new DeleteDocumentCommand({ Name: DOC, VersionName: '2' }));
    expect((await updatePackage(ssm, s3, '4')).description.DocumentVersion).toBe('4');
    const del = await rejection(ssm.send(new DeleteDocumentCommand({ Name: DOC, DocumentVersion: '1' })));
    expect([del.name, del.message]).toEqual(['InvalidDocumentOperation', TEXT.deleteDefault]);
  });

  it('ListDocumentVersions pages over > 50 versions with opaque tokens; garbage tokens are InvalidNextToken', async () => {
    const { ssm, ssmf } = await fakes({ versionLimit: 60, statusDelayMs: 5 });
    const content = (i: number) =>
      JSON.stringify({ schemaVersion: '2.2', description: `v${i}`, mainSteps: [] });
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'Many-Versions',
        Content: content(1),
        DocumentType: 'Command',
        VersionName: 'v1',
      }),
    );
    for (let i = 2; i <= 55; i++)
      await ssm.send(
        new UpdateDocumentCommand({ Name: 'Many-Versions', Content: content(i), VersionName: `v${i}` }),
      );
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListDocumentVersions({ client: ssm }, { Name: 'Many-Versions' })) {
      pages++;
      seen.push(...(page.DocumentVersions ?? []).map((v) => v.DocumentVersion!));
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(Array.from({ length: 55 }, (_, i) => String(i + 1)));
    const small: string[] = [];
    for await (const page of paginateListDocumentVersions(
      { client: ssm, pageSize: 20 },
      { Name: 'Many-Versions' },
    )) {
      expect(page.DocumentVersions!.length).toBeLessThanOrEqual(20);
      small.push(...page.DocumentVersions!.map((v) => v.VersionName!));
    }
    expect(small).toHaveLength(55);
    expect(new Set(small).size).toBe(55);
    const e = await rejection(
      ssm.send(new ListDocumentVersionsCommand({ Name: 'Many-Versions', NextToken: 'garbage' })),
    );
    expect([e.name, e.message]).toEqual(['InvalidNextToken', "The specified token isn't valid."]);
    const first = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Many-Versions', MaxResults: 1 }));
    expect(first.DocumentVersions?.[0]?.IsDefaultVersion).toBe(true);
    expect(ssmf.count('ListDocumentVersions')).toBeGreaterThanOrEqual(6);
  });
});

// ====================================================================== SSM: faults and concurrency

describe('SSM fake: faults through the SDK retry stack', () => {
  it('throttle ×2 is absorbed by the standard retries; ×3 fails with ThrottlingException', async () => {
    const { ssmf, ssm, s3 } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    ssmf.inject('DescribeDocument', 'throttle', { times: 2 });
    const ok = await ssm.send(new DescribeDocumentCommand({ Name: DOC }));
    expect(ok.$metadata.attempts).toBe(3);
    ssmf.inject('DescribeDocument', 'throttle', { times: 3 });
    const e = await rejection(ssm.send(new DescribeDocumentCommand({ Name: DOC })));
    expect([e.name, e.message, e.$metadata.httpStatusCode, e.$metadata.attempts]).toEqual([
      'ThrottlingException',
      'Rate exceeded',
      400,
      3,
    ]);
    const T = 'ThrottlingException';
    expect(ssmf.calls('DescribeDocument').map((c) => c.code ?? 'ok')).toEqual([T, T, 'ok', T, T, T]);
  });

  it('500-after-commit on UpdateDocument: the SDK retry sees DuplicateDocumentVersionName although the version exists', async () => {
    const { ssmf, ssm, s3 } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    ssmf.inject('UpdateDocument', '500-after-commit');
    const e = await rejection(updatePackage(ssm, s3, '1.1.0'));
    expect(e.name).toBe('DuplicateDocumentVersionName');
    expect(e.$metadata.attempts).toBe(2);
    expect(ssmf.versions(DOC).map((v) => v.versionName)).toEqual(['1.0.0', '1.1.0']);
    expect(ssmf.mutations().byOp.UpdateDocument).toEqual({ attempted: 2, committed: 1 });
    expect(ssmf.calls('UpdateDocument').map((c) => [c.status, c.code])).toEqual([
      [500, 'InternalServerError'],
      [400, 'DuplicateDocumentVersionName'],
    ]);
  });

  it('500-before and 503 are retried transparently and commit once; reset-after-commit also ends in a duplicate', async () => {
    const { ssmf, ssm, s3 } = await fakes();
    ssmf.inject('CreateDocument', '500-before');
    ssmf.inject('CreateDocument', '503');
    const created = await createPackage(ssm, s3, '1.0.0');
    expect(created.description.DocumentVersion).toBe('1');
    expect(ssmf.mutations().byOp.CreateDocument).toEqual({ attempted: 3, committed: 1 });
    ssmf.inject('UpdateDocument', 'reset');
    expect((await updatePackage(ssm, s3, '1.1.0')).description.DocumentVersion).toBe('2');
    ssmf.inject('UpdateDocument', 'reset-after-commit');
    expect((await rejection(updatePackage(ssm, s3, '1.2.0'))).name).toBe('DuplicateDocumentVersionName');
    expect(ssmf.versions(DOC)).toHaveLength(3);
  });

  it('too-many-updates is not retried by the SDK', async () => {
    const { ssmf, ssm, s3 } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    ssmf.inject('UpdateDocumentDefaultVersion', 'too-many-updates');
    const e = await rejection(
      ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: DOC, DocumentVersion: '1' })),
    );
    expect([e.name, e.message, e.$metadata.attempts]).toEqual(['TooManyUpdates', TEXT.tooManyUpdates, 1]);
  });

  it('`after` skips the first calls; `*` matches every operation', async () => {
    const { ssmf, ssm, s3 } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    const h = ssmf.inject('GetDocument', 'too-many-updates', { after: 2 });
    await ssm.send(new GetDocumentCommand({ Name: DOC }));
    await ssm.send(new GetDocumentCommand({ Name: DOC }));
    expect((await rejection(ssm.send(new GetDocumentCommand({ Name: DOC })))).name).toBe('TooManyUpdates');
    expect([h.fired, h.remaining]).toEqual([1, 0]);
    ssmf.inject('*', 'too-many-updates');
    expect(
      (
        await rejection(
          ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: DOC })),
        )
      ).name,
    ).toBe('TooManyUpdates');
  });

  it('stall: requestTimeout + throwOnRequestTimeout fails fast; stallMs answers late; stallAll holds everything', async () => {
    const { ssmf } = await fakes();
    const ssm = ssmClient(ssmf, {
      requestHandler: new NodeHttpHandler({ requestTimeout: 150, throwOnRequestTimeout: true }),
    });
    ssmf.inject('DescribeDocument', 'stall', { times: 3 });
    const t0 = Date.now();
    const e = await rejection(ssm.send(new DescribeDocumentCommand({ Name: DOC })));
    expect(e.name).toBe('TimeoutError');
    expect(Date.now() - t0).toBeLessThan(3000);
    ssmf.inject('DescribeDocument', 'stall', { stallMs: 40 });
    expect((await rejection(ssm.send(new DescribeDocumentCommand({ Name: DOC })))).name).toBe(
      'InvalidDocument',
    );
    ssmf.stallAll = true;
    const abort = AbortSignal.timeout(200);
    const plain = ssmClient(ssmf, { maxAttempts: 1 });
    const held = await rejection(
      plain.send(new DescribeDocumentCommand({ Name: DOC }), { abortSignal: abort }),
    );
    expect(held.name).toBe('AbortError');
    ssmf.stallAll = false;
    expect((await rejection(plain.send(new DescribeDocumentCommand({ Name: DOC })))).name).toBe(
      'InvalidDocument',
    );
  });

  it('concurrent publishers: the per-document lock makes the same VersionName lose deterministically; `reject` gives TooManyUpdates', async () => {
    const { ssm, s3 } = await fakes({ mutationHoldMs: 30 });
    await createPackage(ssm, s3, '1.0.0');
    const results = await Promise.allSettled([
      updatePackage(ssm, s3, '2.0.0'),
      updatePackage(ssm, s3, '2.0.0'),
    ]);
    const names = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name)).sort();
    expect(names).toEqual(['DuplicateDocumentVersionName', 'ok']);

    const other = await fakes({ mutationHoldMs: 50, concurrentMutations: 'reject' });
    await createPackage(other.ssm, other.s3, '1.0.0');
    const files = { 'a.zip': payload('x') };
    await upload(other.s3, 'race', files);
    const send = (v: string) =>
      other.ssm.send(
        new UpdateDocumentCommand({
          Name: DOC,
          Content: manifest(v, files),
          VersionName: v,
          Attachments: source('race'),
        }),
      );
    const raced = await Promise.allSettled([send('3.0.0'), send('3.0.1')]);
    expect(raced.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name)).sort()).toEqual([
      'TooManyUpdates',
      'ok',
    ]);
  });

  it('tags: Tags on create, AddTagsToResource merges, ListTagsForResource, 50-tag cap, unknown resource', async () => {
    const { ssm, s3, ssmf } = await fakes();
    await createPackage(ssm, s3, '1.0.0', { tags: [{ Key: 'team', Value: 'a' }] });
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Document',
        ResourceId: DOC,
        Tags: [
          { Key: 'team', Value: 'b' },
          { Key: 'env', Value: '' },
        ],
      }),
    );
    const listed = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: DOC }),
    );
    expect(listed.TagList).toEqual([
      { Key: 'team', Value: 'b' },
      { Key: 'env', Value: '' },
    ]);
    expect((await ssm.send(new DescribeDocumentCommand({ Name: DOC }))).Document?.Tags).toEqual(
      listed.TagList,
    );
    const tooMany = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const e = await rejection(
      ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Document', ResourceId: DOC, Tags: tooMany })),
    );
    expect([e.name, e.message]).toEqual(['TooManyTagsError', TEXT.tooManyTags]);
    expect(
      (
        await rejection(
          ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'Nope-Doc' })),
        )
      ).name,
    ).toBe('InvalidResourceId');
    expect(ssmf.mutations()).toMatchObject({ attempted: 3, committed: 2 });
  });
});

// ====================================================================== ZIP reader and STS

describe('fakes: runs, hooks and when a fault counts as fired', () => {
  it('newRun() clears faults and per-run counts; each call records its run and number; onFire fires as the request is held', async () => {
    const { s3f, ssmf, s3, ssm } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    expect([s3f.run, s3f.runCount('PutObject'), ssmf.runCount('CreateDocument')]).toEqual([1, 2, 1]);
    const left = ssmf.inject('DescribeDocument', 'throttle', { times: 5 });
    ssmf.newRun();
    s3f.newRun();
    expect([ssmf.run, ssmf.runCount(), s3f.runCount()]).toEqual([2, 0, 0]);
    expect(s3f.keys(BUCKET, 'agent/1.0.0/')).toHaveLength(2); // the state stays
    expect((await ssm.send(new DescribeDocumentCommand({ Name: DOC }))).$metadata.attempts).toBe(1);
    expect(left.fired).toBe(0);
    const seen: number[] = [];
    const onFire = () => seen.push(ssmf.runCount('DescribeDocument'));
    const held = ssmf.inject('DescribeDocument', 'stall', { after: 1, stallMs: 30, onFire });
    for (let i = 0; i < 2; i++) await ssm.send(new DescribeDocumentCommand({ Name: DOC }));
    expect([seen, held.fired]).toEqual([[3], 1]);
    const runs = ssmf.calls('DescribeDocument').map((c) => [c.run, c.nth, c.fault ?? 'none']);
    expect(runs).toEqual([
      [2, 1, 'none'],
      [2, 2, 'none'],
      [2, 3, 'stall'],
    ]);
  });

  it('an after-commit fault fires only on a call the server applies; a refused call is answered as usual', async () => {
    const { s3f, ssmf, s3, ssm } = await fakes();
    await createPackage(ssm, s3, '1.0.0');
    const lost = ssmf.inject('UpdateDocument', '500-after-commit', { times: 2 });
    // Attempt 1 is applied and its answer lost; the SDK's retry is a duplicate, refused and answered.
    expect((await rejection(updatePackage(ssm, s3, '1.1.0'))).name).toBe('DuplicateDocumentVersionName');
    const shape = () => ssmf.calls('UpdateDocument').map((c) => [c.fault ?? 'none', c.applied, c.code]);
    expect(shape()).toEqual([
      ['500-after-commit', true, 'InternalServerError'],
      ['none', false, 'DuplicateDocumentVersionName'],
    ]);
    expect([lost.fired, lost.remaining]).toEqual([1, 1]);
    await rejection(updatePackage(ssm, s3, '1.2.0'));
    expect([lost.fired, lost.remaining, ssmf.versions(DOC).length]).toEqual([2, 0, 3]);
    // The same for S3: a PUT refused by If-None-Match does not consume it; the next stored one does.
    const put = (Key: string) => new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'b', IfNoneMatch: '*' });
    const s3Lost = s3f.inject('PutObject', 'reset-after-commit');
    expect((await rejection(s3.send(put('agent/1.0.0/agent-any.zip')))).name).toBe('PreconditionFailed');
    expect(s3Lost.fired).toBe(0);
    expect((await rejection(s3.send(put('new/key')))).name).toBe('PreconditionFailed'); // stored, then the retry
    expect([
      s3Lost.fired,
      s3f
        .calls('PutObject')
        .slice(-2)
        .map((c) => [c.fault ?? 'none', c.applied]),
    ]).toEqual([
      1,
      [
        ['reset-after-commit', true],
        ['none', false],
      ],
    ]);
  });

  it('stall-after-commit applies the call and never answers it', async () => {
    const { ssmf, s3 } = await fakes();
    const ssm = ssmClient(ssmf, {
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ requestTimeout: 150, throwOnRequestTimeout: true }),
    });
    await createPackage(ssm, s3, '1.0.0');
    let heldWith = '';
    const h = ssmf.inject('UpdateDocument', 'stall-after-commit', {
      onFire: () =>
        (heldWith = ssmf
          .versions(DOC)
          .map((v) => v.versionName)
          .join()),
    });
    expect((await rejection(updatePackage(ssm, s3, '1.1.0'))).name).toBe('TimeoutError');
    expect([h.fired, heldWith, ssmf.calls('UpdateDocument')[0]?.status]).toEqual([1, '1.0.0,1.1.0', 0]);
  });

  it('seeded delays: a seed gives each (publisher, operation, number) one pause, whatever the arrival order', () => {
    const from = (who: string) =>
      ({
        headers: { 'user-agent': `aws-sdk-js/3 ssm-distributor-action/${who} os/linux` },
      }) as http.IncomingMessage;
    expect(publisherOf(from('race7-b').headers['user-agent'])).toBe('race7-b');
    const draws = (seed: number, order: string[]) => {
      const hook = seededDelays(seed, 20);
      const seen = new Map<string, number[]>();
      for (const who of order) seen.set(who, [...(seen.get(who) ?? []), hook('PutObject', from(who), 1)]);
      return seen;
    };
    const order = Array.from({ length: 12 }, (_, i) => (i % 3 ? 'a' : 'b'));
    const one = draws(99, order);
    const reversed = draws(99, [...order].reverse());
    expect([one.get('a'), one.get('b')]).toEqual([reversed.get('a'), reversed.get('b')]);
    expect(one.get('a')!.every((ms) => Number.isInteger(ms) && ms >= 0 && ms <= 20)).toBe(true);
    expect(draws(100, order).get('a')).not.toEqual(one.get('a'));
    expect(new Set(one.get('a')).size).toBeGreaterThan(1);
  });

  it('the delay hook pauses each request by what it returns for (operation, request, number in the run)', async () => {
    const { s3f, s3 } = await fakes();
    const seen: string[] = [];
    s3f.delay = (op, req, nth) => {
      seen.push(`${req.method} ${op} #${nth}`);
      return op === 'PutObject' ? 80 : 0;
    };
    const t0 = Date.now();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'd/a', Body: 'x' }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'd/a' }));
    expect(seen).toEqual(['PUT PutObject #1', 'HEAD HeadObject #1']);
    s3f.newRun();
    expect(s3f.delay).toBeUndefined();
  });
});

describe('support pieces', () => {
  it('zipEntryNames reads Info-ZIP archives (with a comment) the same way yauzl does', async () => {
    const dir = tempDir('fakes-zip-');
    mkdirSync(path.join(dir, 'src', 'lib'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'install.sh'), 'x');
    writeFileSync(path.join(dir, 'src', 'lib', 'data-1.txt'), 'y');
    const zipPath = path.join(dir, 'out.zip');
    execFileSync(
      'sh',
      ['-c', 'cd src && zip -q -r -X ../out.zip . && echo "a comment" | zip -q -z ../out.zip'],
      { cwd: dir },
    );
    const buf = readFileSync(zipPath);
    const viaYauzl = await new Promise<string[]>((resolve, reject) => {
      yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return reject(err);
        const names: string[] = [];
        zip.on('entry', (e: yauzl.Entry) => {
          names.push(e.fileName);
          zip.readEntry();
        });
        zip.on('end', () => resolve(names));
        zip.readEntry();
      });
    });
    expect(zipEntryNames(buf)).toEqual(viaYauzl);
    expect(viaYauzl).toContain('install.sh');
    expect(zipEntryNames(storedZip(SCRIPTS))).toEqual(['install.sh', 'uninstall.sh']);
    expect(zipEntryNames(Buffer.from('PK not really'))).toBeUndefined();
  });

  it('STS GetCallerIdentity over the query protocol returns the configured identity', async () => {
    const sts = await startSts({
      account: '210987654321',
      arn: 'arn:aws:sts::210987654321:assumed-role/publish/gha',
    });
    closers.push(() => sts.close());
    const post = (body: string, auth = true) =>
      fetch(`${sts.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          ...(auth ? { authorization: AUTH('sts') } : {}),
        },
        body,
      });
    const ok = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(ok.status).toBe(200);
    const xml = await ok.text();
    expect(xml).toContain('<Arn>arn:aws:sts::210987654321:assumed-role/publish/gha</Arn>');
    expect(xml).toContain('<Account>210987654321</Account>');
    const noAuth = await post('Action=GetCallerIdentity&Version=2011-06-15', false);
    expect(noAuth.status).toBe(403);
    expect(await noAuth.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    const other = await post('Action=AssumeRole&Version=2011-06-15');
    expect(other.status).toBe(400);
    sts.inject('GetCallerIdentity', 'expired-token');
    const expired = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect([expired.status, await expired.text()]).toEqual([
      400,
      expect.stringContaining('<Code>ExpiredToken</Code>'),
    ]);
    const viaGet = await fetch(`${sts.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      headers: { authorization: AUTH('sts') },
    });
    expect(await viaGet.text()).toContain('<UserId>');
    expect(sts.calls().map((c) => c.status)).toEqual([200, 403, 400, 400, 200]);
  });
});

// ====================================================================== cross-check with moto

const MOTO = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!MOTO)('cross-check of the happy paths against moto_server', () => {
  let moto: ChildProcess | undefined;
  let motoEndpoint = '';

  beforeAll(async () => {
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    motoEndpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`moto_server did not start: ${out}`)), 20_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      moto!.stdout!.on('data', onData);
      moto!.stderr!.on('data', onData);
      moto!.once('exit', (code) => reject(new Error(`moto_server exited (${code}): ${out}`)));
    });
  }, 30_000);

  afterAll(async () => {
    if (!moto || moto.exitCode !== null) return;
    const exited = new Promise((r) => moto!.once('exit', r));
    process.kill(-moto.pid!, 'SIGTERM');
    await exited;
  });

  /** Runs the same S3 calls and returns what both servers should agree on. */
  async function s3Story(endpoint: string) {
    const s3 = s3Client({ endpoint });
    const bucket = `xcheck-${Math.random().toString(36).slice(2, 8)}`;
    const body = payload('x');
    const b64 = sha256b64(body);
    const out: Record<string, unknown> = {};
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'p/a.zip', Body: body, ChecksumSHA256: b64 }),
    );
    out.putEtag = put.ETag;
    out.conditional = (
      await rejection(
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'p/a.zip', Body: 'y', IfNoneMatch: '*' })),
      )
    ).name;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'p/a.zip' }));
    out.head = { length: head.ContentLength, etag: head.ETag };
    out.head404 = (await rejection(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'p/none' })))).name;
    out.get404 = (await rejection(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'p/none' })))).name;
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'p/a.zip' }));
    out.bytesEqual = Buffer.from(await got.Body!.transformToByteArray()).equals(body);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'p/b.zip',
        Body: Readable.from([Buffer.from('streamed')]),
        ContentLength: 8,
      }),
    );
    const streamed = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'p/b.zip' }));
    out.streamed = await streamed.Body!.transformToString();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'p/' }));
    out.list = listed.Contents?.map((c) => [c.Key, c.Size]);
    out.region = (await s3.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion;
    out.noBucket = (await rejection(s3.send(new ListObjectsV2Command({ Bucket: `${bucket}-none` })))).name;
    return out;
  }

  /** Runs the same SSM calls; `prepare` puts the attachment objects where the server can see them. */
  async function ssmStory(endpoint: string, prepare: (files: Record<string, Buffer>) => Promise<void>) {
    const ssm = ssmClient({ endpoint });
    const name = `Xcheck-${Math.random().toString(36).slice(2, 8)}`;
    const v1 = { 'a.zip': payload('1') };
    const v2 = { 'a.zip': payload('2') };
    await prepare({ ...v1 });
    const out: Record<string, unknown> = {};
    const created = await ssm.send(
      new CreateDocumentCommand({
        Name: name,
        Content: manifest('1.0', v1),
        DocumentType: 'Package',
        DocumentFormat: 'JSON',
        VersionName: '1.0',
        Attachments: source('xcheck'),
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    const pickDesc = (d: DocumentDescription | undefined) => ({
      Name: d?.Name,
      Hash: d?.Hash,
      HashType: d?.HashType,
      VersionName: d?.VersionName,
      DocumentVersion: d?.DocumentVersion,
      LatestVersion: d?.LatestVersion,
      DefaultVersion: d?.DefaultVersion,
      DocumentType: d?.DocumentType,
      DocumentFormat: d?.DocumentFormat,
      SchemaVersion: d?.SchemaVersion,
      Owner: d?.Owner,
      Tags: d?.Tags,
      created: d?.CreatedDate instanceof Date,
    });
    out.created = pickDesc(created.DocumentDescription);
    out.exists = (
      await rejection(
        ssm.send(
          new CreateDocumentCommand({
            Name: name,
            Content: manifest('1.0', v1),
            DocumentType: 'Package',
            Attachments: source('xcheck'),
          }),
        ),
      )
    ).name;
    const updated = await ssm.send(
      new UpdateDocumentCommand({
        Name: name,
        Content: manifest('2.0', v2),
        DocumentVersion: '$LATEST',
        VersionName: '2.0',
        Attachments: source('xcheck'),
      }),
    );
    out.updated = pickDesc(updated.DocumentDescription);
    const upd = (content: string, versionName: string, documentVersion = '$LATEST') =>
      rejection(
        ssm.send(
          new UpdateDocumentCommand({
            Name: name,
            Content: content,
            DocumentVersion: documentVersion,
            VersionName: versionName,
            Attachments: source('xcheck'),
          }),
        ),
      );
    out.dupName = (await upd(manifest('3.0', v2), '2.0')).name;
    out.dupContent = (await upd(manifest('1.0', v1), '4.0')).name;
    out.stale = (await upd(manifest('5.0', v1), '5.0', '1')).name;
    out.missing = (await rejection(ssm.send(new DescribeDocumentCommand({ Name: `${name}-none` })))).name;
    out.unknownVersionName = (
      await rejection(ssm.send(new DescribeDocumentCommand({ Name: name, VersionName: 'zzz' })))
    ).name;
    out.byVersionName = pickDesc(
      (await ssm.send(new DescribeDocumentCommand({ Name: name, VersionName: '2.0' }))).Document,
    );
    out.bare = (await ssm.send(new DescribeDocumentCommand({ Name: name }))).Document?.DocumentVersion;
    out.get = await ssm.send(new GetDocumentCommand({ Name: name, DocumentVersion: '2' })).then((g) => ({
      Content: g.Content,
      VersionName: g.VersionName,
      DocumentType: g.DocumentType,
    }));
    out.promote = (
      await ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: name, DocumentVersion: '2' }))
    ).Description;
    out.defaultAfter = (await ssm.send(new DescribeDocumentCommand({ Name: name }))).Document?.DefaultVersion;
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Document',
        ResourceId: name,
        Tags: [{ Key: 'x', Value: 'y' }],
      }),
    );
    out.tags = (
      await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: name }))
    ).TagList;
    out.badName = (
      await rejection(
        ssm.send(
          new CreateDocumentCommand({ Name: 'a b', Content: manifest('1.0', v1), DocumentType: 'Package' }),
        ),
      )
    ).name;
    return { out, name };
  }

  it('S3: same answers from the fake and from moto', async () => {
    const s3f = await startS3();
    closers.push(() => s3f.close());
    const [fromFake, fromMoto] = [await s3Story(s3f.endpoint), await s3Story(motoEndpoint)];
    expect(fromFake).toEqual(fromMoto);
    expect(fromFake.conditional).toBe('PreconditionFailed');
  });

  it('SSM: same answers from the fake and from moto (statuses aside: moto has no Creating/Updating)', async () => {
    const { ssmf, s3 } = await fakes();
    const fake = await ssmStory(ssmf.endpoint, (files) => upload(s3, 'xcheck', files));
    const motoS3 = s3Client({ endpoint: motoEndpoint });
    const viaMoto = await ssmStory(motoEndpoint, async (files) => {
      await motoS3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
      await upload(motoS3, 'xcheck', files);
    });
    const strip = (o: Record<string, unknown>, name: string) =>
      JSON.parse(JSON.stringify(o).replaceAll(name, 'NAME'));
    expect(strip(fake.out, fake.name)).toEqual(strip(viaMoto.out, viaMoto.name));
    expect(fake.out.dupName).toBe('DuplicateDocumentVersionName');
  });
});
