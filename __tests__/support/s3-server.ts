// A local S3 endpoint for tests: REST-XML over plain HTTP on 127.0.0.1, reached through the real AWS SDK
// (`endpoint` / `AWS_ENDPOINT_URL_S3`). It decodes `aws-chunked` bodies (with trailing checksums), verifies
// every checksum it is given (`x-amz-checksum-*`, `Content-MD5`, a signed `x-amz-content-sha256`) against
// the decoded bytes, honours `If-None-Match: *`, and returns stored checksums on HeadObject/GetObject with
// `x-amz-checksum-mode: ENABLED`. Path-style and virtual-host-style addressing both work (the bucket is
// taken from the Host header when it is a subdomain of the endpoint host). Options make it keep a sent
// checksum only when the request names the algorithm (as moto and some S3-compatible stores do) and
// cap each connection's upload bandwidth; it records how many requests of each kind it held at once.
//
// The server plumbing (listening, faults, stalls) is in fake-http.ts, shared with the SSM and STS fakes.
import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import zlib from 'node:zlib';
import { type FakeControls, Harness, idMaker, readBody, resetConnection, xmlEscape } from './fake-http.js';
import { md5, sha256 } from './hash.js';

// ====================================================================== checksums

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), table held as 32-bit halves.
const [CRC64_HI, CRC64_LO] = (() => {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    hi[i] = Number(c >> 32n);
    lo[i] = Number(c & 0xffffffffn);
  }
  return [hi, lo] as const;
})();

function crc32c(data: Buffer): Buffer {
  let c = 0xffffffff;
  for (const b of data) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out;
}

function crc64nvme(data: Buffer): Buffer {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (const b of data) {
    const i = (lo ^ b) & 0xff;
    const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    lo = (nlo ^ CRC64_LO[i]!) >>> 0;
    hi = ((hi >>> 8) ^ CRC64_HI[i]!) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
  return out;
}

/** The raw digest of `data` under `alg`. */
export function digest(alg: ChecksumAlgorithm, data: Buffer): Buffer {
  switch (alg) {
    case 'CRC32': {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(zlib.crc32(data) >>> 0);
      return out;
    }
    case 'CRC32C':
      return crc32c(data);
    case 'CRC64NVME':
      return crc64nvme(data);
    case 'SHA1':
      return createHash('sha1').update(data).digest();
    case 'SHA256':
      return Buffer.from(sha256(data), 'hex');
  }
}

/** base64 digest, the form S3 uses in `x-amz-checksum-*` headers. */
export const checksumB64 = (alg: ChecksumAlgorithm, data: Buffer): string =>
  digest(alg, data).toString('base64');

// ====================================================================== S3 fake: types

export type S3Op =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'HeadBucket'
  | 'ListObjectsV2'
  | 'CreateBucket'
  | 'ListBuckets'
  | 'GetBucketLocation'
  | 'Unsupported';

/**
 * Fault kinds: `500` InternalError and `503` SlowDown answered before anything is stored; `reset`
 * destroys the connection before answering; `stall` never answers (or answers normally after
 * `stallMs`); `500-after-commit` / `reset-after-commit` apply the request and then fail the answer (a
 * request refused anyway, e.g. a conditional PUT answered 412, is answered as usual and leaves the
 * fault for the next one, so that each time it fires something was stored);
 * `corrupt-stored-bytes` (PutObject) answers 200 echoing the client's checksum but stores the body with
 * one byte flipped, and records the checksum/ETag of what it actually stored (so HeadObject with
 * ChecksumMode and GetObject reveal the damage).
 */
export type S3Fault =
  '500' | '503' | 'reset' | 'stall' | '500-after-commit' | 'reset-after-commit' | 'corrupt-stored-bytes';

export interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
  metadata: Record<string, string>;
  /** The one checksum S3 keeps for the object (the client's, or CRC64NVME when none was sent). */
  checksum: { algorithm: ChecksumAlgorithm; value: string; type: 'FULL_OBJECT' };
}

export interface S3Call {
  op: S3Op;
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  /** `path` or `virtual-host` addressing. */
  style: 'path' | 'virtual-host';
  status: number;
  code: string | undefined;
  fault: S3Fault | undefined;
  /** Request headers (lower-case names), as received. */
  headers: Record<string, string>;
  /** Decoded body length for PutObject. */
  bodyBytes: number | undefined;
  /** When the request's headers arrived and when its answer ended, on one counter of such events (order only). */
  started: number;
  ended: number | undefined;
  /** The request took effect on the server (for PutObject: the object was stored), whatever the answer. */
  applied: boolean;
  /** The run it arrived in and its number among this run's calls of its operation (see FakeControls.newRun). */
  run: number;
  nth: number;
  at: number;
}

export interface S3Options {
  /** Default region for buckets (`us-east-1`). */
  region?: string;
  /** Buckets created at start. */
  buckets?: string[];
  /** Check the SigV4 credential scope (`…/<region>/s3/aws4_request`) against the bucket's region (default true). */
  checkRegion?: boolean;
  /**
   * Keep a PutObject's `x-amz-checksum-*` value only when the request names its algorithm
   * (`x-amz-sdk-checksum-algorithm` or `x-amz-checksum-algorithm`), as moto and some S3-compatible
   * stores do: without it the value is still verified, but the object keeps the default CRC64NVME
   * instead (so HeadObject with checksum mode reports no SHA-256). Default false: any sent value is kept.
   */
  checksumNeedsAlgorithm?: boolean;
  /** Reads each request body at most this fast (bytes per second, per connection); default unlimited. */
  bandwidthBytesPerSec?: number;
}

export interface ObjectView {
  body: Buffer;
  etag: string;
  contentType: string;
  metadata: Record<string, string>;
  checksum: StoredObject['checksum'];
  /** base64 SHA-256 when that is the stored checksum. */
  checksumSHA256: string | undefined;
  /** hex SHA-256 of the stored bytes (always computed). */
  sha256Hex: string;
}

export type LookupResult =
  | { ok: true; object: StoredObject }
  | {
      ok: false;
      code: 'NoSuchBucket' | 'NoSuchKey' | 'AccessDenied';
      status: number;
      requestId: string;
      hostId: string;
    };

export interface S3Fake extends FakeControls<S3Fault, S3Op> {
  readonly region: string;
  createBucket(name: string, region?: string): void;
  buckets(): string[];
  /** Writes an object directly (no HTTP), stored checksum SHA256. */
  putObject(bucket: string, key: string, body: Buffer | string, contentType?: string): void;
  deleteObject(bucket: string, key: string): void;
  object(bucket: string, key: string): ObjectView | undefined;
  keys(bucket: string, prefix?: string): string[];
  /** Denies `ops` (default: every object and bucket operation) on keys starting with `keyPrefix` ('' = the whole bucket). Returns an undo function. */
  deny(bucket: string, keyPrefix?: string, ops?: S3Op[]): () => void;
  calls(op?: S3Op): S3Call[];
  count(op?: S3Op): number;
  /** The most requests of `op` (of any operation without one) in progress at once since the fake started. */
  maxInFlight(op?: S3Op): number;
  /**
   * Server-side read used by the SSM fake's ingestion (the service reads S3 with the caller's identity):
   * honours `deny` rules for `op` (GetObject by default), never faults.
   */
  lookup(bucket: string, key: string, op?: S3Op): LookupResult;
}

// ====================================================================== S3 fake: implementation

interface Bucket {
  name: string;
  region: string;
  created: Date;
  objects: Map<string, StoredObject>;
}

interface Denial {
  bucket: string;
  prefix: string;
  ops: Set<S3Op> | undefined;
}

class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, string>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
    this.headers = headers;
  }
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MESSAGES = {
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  AccessDenied: 'Access Denied',
  SlowDown: 'Please reduce your request rate.',
  InternalError: 'We encountered an internal error. Please try again.',
  PreconditionFailed: 'At least one of the pre-conditions you specified did not hold',
  InvalidDigest: 'The Content-MD5 you specified was not valid.',
  BadDigestMd5: 'The Content-MD5 you specified did not match what was received.',
  NotImplemented: 'A header or query you provided implies functionality that is not implemented.',
} as const;

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function hostOf(req: http.IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

/** Base host names the fake answers for; a subdomain of one of them names the bucket (virtual-host style). */
const BASE_HOSTS = [/^127\.0\.0\.1$/, /^localhost$/, /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/];

/**
 * The request target as sent: path (still percent-encoded, with any `.` and `..` segments kept, as S3
 * keeps them in keys) and query. WHATWG URL parsing would resolve the dot segments, so it is not used.
 */
function rawTarget(req: http.IncomingMessage): { path: string; query: URLSearchParams } {
  let target = req.url ?? '/';
  // An absolute-form target (`http://host/path`) names the path after the authority.
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (abs) target = target.slice(abs[0].length) || '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return { path, query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

function splitTarget(
  req: http.IncomingMessage,
  pathname: string,
): { bucket: string | undefined; key: string | undefined; style: 'path' | 'virtual-host' } {
  const host = hostOf(req);
  let vhostBucket: string | undefined;
  if (!BASE_HOSTS.some((re) => re.test(host))) {
    for (const re of BASE_HOSTS) {
      const dot = host.indexOf('.');
      // Try every split point so bucket names with dots work too.
      for (let i = dot; i > 0; i = host.indexOf('.', i + 1)) {
        if (re.test(host.slice(i + 1))) {
          vhostBucket = host.slice(0, i);
          break;
        }
      }
      if (vhostBucket) break;
    }
  }
  const raw = pathname.slice(1);
  const decode = (s: string) => s.split('/').map(decodeURIComponent).join('/');
  if (vhostBucket)
    return { bucket: vhostBucket, key: raw === '' ? undefined : decode(raw), style: 'virtual-host' };
  if (raw === '') return { bucket: undefined, key: undefined, style: 'path' };
  const slash = raw.indexOf('/');
  if (slash < 0) return { bucket: decodeURIComponent(raw), key: undefined, style: 'path' };
  const key = raw.slice(slash + 1);
  return {
    bucket: decodeURIComponent(raw.slice(0, slash)),
    key: key === '' ? undefined : decode(key),
    style: 'path',
  };
}

/** Decodes an `aws-chunked` body: `<hex>[;ext]\r\n<bytes>\r\n … 0\r\n<trailer lines>\r\n\r\n`. */
export function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let pos = 0;
  const bad = (why: string) => new S3Error(400, 'IncompleteBody', `Malformed aws-chunked body: ${why}`);
  for (;;) {
    const eol = raw.indexOf('\r\n', pos);
    if (eol < 0) throw bad('missing chunk header');
    const sizeText = raw.subarray(pos, eol).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw bad(`bad chunk size '${sizeText}'`);
    const size = Number.parseInt(sizeText, 16);
    pos = eol + 2;
    if (size === 0) break;
    if (pos + size + 2 > raw.length) throw bad('truncated chunk');
    parts.push(raw.subarray(pos, pos + size));
    pos += size;
    if (raw[pos] !== 13 || raw[pos + 1] !== 10) throw bad('chunk not followed by CRLF');
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  while (pos < raw.length) {
    let eol = raw.indexOf('\r\n', pos);
    if (eol < 0) eol = raw.length;
    const line = raw.subarray(pos, eol).toString('latin1');
    pos = eol + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new S3Error(
        400,
        'MalformedTrailerError',
        'The request contained trailing data that was not well-formed.',
      );
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

function headerMap(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function classify(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  q: URLSearchParams,
): S3Op {
  const keys = [...q.keys()].filter((k) => k !== 'x-id');
  if (bucket === undefined) return method === 'GET' && keys.length === 0 ? 'ListBuckets' : 'Unsupported';
  if (key === undefined) {
    if (method === 'HEAD' && keys.length === 0) return 'HeadBucket';
    if (method === 'PUT' && keys.length === 0) return 'CreateBucket';
    if (method === 'GET' && q.get('list-type') === '2') return 'ListObjectsV2';
    if (method === 'GET' && keys.length === 1 && keys[0] === 'location') return 'GetBucketLocation';
    return 'Unsupported';
  }
  if (keys.length > 0) return 'Unsupported';
  if (method === 'PUT') return 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return 'DeleteObject';
  return 'Unsupported';
}

/**
 * Reads a request body no faster than `bytesPerSec`: each chunk is taken only once the bytes so far are
 * due, so the client's socket fills up and TCP slows the sender down (a per-connection cap).
 */
async function readThrottled(req: http.IncomingMessage, bytesPerSec: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const t0 = performance.now();
  for await (const c of req as AsyncIterable<Buffer>) {
    chunks.push(c);
    got += c.length;
    const ahead = (got / bytesPerSec) * 1000 - (performance.now() - t0);
    if (ahead >= 1) await new Promise((resolve) => setTimeout(resolve, ahead).unref());
  }
  return Buffer.concat(chunks);
}

export async function startS3(opts: S3Options = {}): Promise<S3Fake> {
  const region = opts.region ?? 'us-east-1';
  const checkRegion = opts.checkRegion ?? true;
  const checksumNeedsAlgorithm = opts.checksumNeedsAlgorithm ?? false;
  const bandwidth = opts.bandwidthBytesPerSec;
  let events = 0;
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  /** Counts the request as in progress until its answer ends (or its connection closes). */
  const track = (op: S3Op, res: http.ServerResponse) => {
    for (const k of [op, '*']) {
      const n = (inFlight.get(k) ?? 0) + 1;
      inFlight.set(k, n);
      maxInFlight.set(k, Math.max(maxInFlight.get(k) ?? 0, n));
    }
    res.once('close', () => {
      for (const k of [op, '*']) inFlight.set(k, (inFlight.get(k) ?? 1) - 1);
    });
  };
  const buckets = new Map<string, Bucket>();
  const denials: Denial[] = [];
  const log: S3Call[] = [];
  const requestId = idMaker();
  const hostId = () => Buffer.from(`host-${randomUUID()}`).toString('base64');

  const makeBucket = (name: string, r = region) => {
    if (!BUCKET_RE.test(name)) throw new RangeError(`invalid bucket name ${name}`);
    if (!buckets.has(name)) buckets.set(name, { name, region: r, created: new Date(), objects: new Map() });
  };
  for (const b of opts.buckets ?? []) makeBucket(b);

  const denied = (bucket: string, key: string, op: S3Op) =>
    denials.some((d) => d.bucket === bucket && key.startsWith(d.prefix) && (!d.ops || d.ops.has(op)));

  const store = (
    b: Bucket,
    key: string,
    body: Buffer,
    contentType: string,
    meta: Record<string, string>,
    alg: ChecksumAlgorithm,
  ) => {
    const obj: StoredObject = {
      body,
      etag: `"${md5(body)}"`,
      contentType,
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
      metadata: meta,
      checksum: { algorithm: alg, value: checksumB64(alg, body), type: 'FULL_OBJECT' },
    };
    b.objects.set(key, obj);
    return obj;
  };

  const objectHeaders = (o: StoredObject, withChecksum: boolean): Record<string, string> => {
    const h: Record<string, string> = {
      'content-type': o.contentType,
      etag: o.etag,
      'last-modified': o.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      'x-amz-server-side-encryption': 'AES256',
    };
    for (const [k, v] of Object.entries(o.metadata)) h[`x-amz-meta-${k}`] = v;
    if (withChecksum) {
      h[`x-amz-checksum-${o.checksum.algorithm.toLowerCase()}`] = o.checksum.value;
      h['x-amz-checksum-type'] = o.checksum.type;
    }
    return h;
  };

  interface Reply {
    status: number;
    headers: Record<string, string>;
    body?: Buffer | string;
  }

  const needBucket = (name: string): Bucket => {
    const b = buckets.get(name);
    if (!b) throw new S3Error(404, 'NoSuchBucket', MESSAGES.NoSuchBucket, { BucketName: name });
    return b;
  };

  const checkScope = (req: http.IncomingMessage, b: Bucket) => {
    if (!checkRegion) return;
    const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
    if (m && m[1] !== b.region) {
      throw new S3Error(
        400,
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${m[1]}' is wrong; expecting '${b.region}'`,
        { Region: b.region },
        { 'x-amz-bucket-region': b.region },
      );
    }
  };

  const putObject = (
    req: http.IncomingMessage,
    raw: Buffer,
    b: Bucket,
    key: string,
    corrupt: boolean,
  ): Reply => {
    if (denied(b.name, key, 'PutObject')) throw new S3Error(403, 'AccessDenied', MESSAGES.AccessDenied);
    const h = req.headers;
    if (h['x-amz-copy-source'])
      throw new S3Error(501, 'NotImplemented', MESSAGES.NotImplemented, { Header: 'x-amz-copy-source' });
    const contentSha = String(h['x-amz-content-sha256'] ?? '');
    const chunked =
      /aws-chunked/i.test(String(h['content-encoding'] ?? '')) || contentSha.startsWith('STREAMING-');
    let body = raw;
    let trailers: Record<string, string> = {};
    if (chunked) {
      ({ body, trailers } = decodeAwsChunked(raw));
      const declared = h['x-amz-decoded-content-length'];
      if (declared !== undefined && Number(declared) !== body.length) {
        throw new S3Error(
          400,
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header',
        );
      }
      const trailerNames = String(h['x-amz-trailer'] ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      for (const t of trailerNames) {
        if (trailers[t] === undefined) {
          throw new S3Error(
            400,
            'MalformedTrailerError',
            `The request contained trailing data that was not well-formed: missing ${t}.`,
          );
        }
      }
    } else if (/^[0-9a-f]{64}$/.test(contentSha) && sha256(body) !== contentSha) {
      throw new S3Error(
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        {
          ClientComputedContentSHA256: contentSha,
          S3ComputedContentSHA256: sha256(body),
        },
      );
    }
    const contentMd5 = h['content-md5'];
    if (contentMd5 !== undefined) {
      const dec = Buffer.from(String(contentMd5), 'base64');
      if (dec.length !== 16 || dec.toString('base64') !== contentMd5)
        throw new S3Error(400, 'InvalidDigest', MESSAGES.InvalidDigest, {
          'Content-MD5': String(contentMd5),
        });
      if (!Buffer.from(md5(body), 'hex').equals(dec)) {
        throw new S3Error(400, 'BadDigest', MESSAGES.BadDigestMd5, {
          ExpectedDigest: String(contentMd5),
          CalculatedDigest: md5(body, 'base64'),
        });
      }
    }
    const given: { alg: ChecksumAlgorithm; value: string }[] = [];
    for (const alg of CHECKSUM_ALGORITHMS) {
      const name = `x-amz-checksum-${alg.toLowerCase()}`;
      const v = trailers[name] ?? h[name];
      if (v !== undefined) given.push({ alg, value: String(v) });
    }
    if (given.length > 1) {
      throw new S3Error(
        400,
        'InvalidRequest',
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      );
    }
    const claimed = given[0];
    if (claimed) {
      const dec = Buffer.from(claimed.value, 'base64');
      if (dec.length !== DIGEST_BYTES[claimed.alg] || dec.toString('base64') !== claimed.value) {
        throw new S3Error(
          400,
          'InvalidRequest',
          `Value for x-amz-checksum-${claimed.alg.toLowerCase()} header is invalid.`,
        );
      }
      if (!digest(claimed.alg, body).equals(dec)) {
        throw new S3Error(
          400,
          'BadDigest',
          `The ${claimed.alg} you specified did not match the calculated checksum.`,
        );
      }
    }
    const existing = b.objects.get(key);
    const inm = h['if-none-match'];
    if (inm !== undefined && String(inm).trim() === '*' && existing) {
      throw new S3Error(412, 'PreconditionFailed', MESSAGES.PreconditionFailed, {
        Condition: 'If-None-Match',
      });
    }
    const im = h['if-match'];
    if (im !== undefined) {
      if (!existing) throw new S3Error(404, 'NoSuchKey', MESSAGES.NoSuchKey, { Key: key });
      if (String(im).trim() !== existing.etag && String(im).trim() !== '*') {
        throw new S3Error(412, 'PreconditionFailed', MESSAGES.PreconditionFailed, { Condition: 'If-Match' });
      }
    }
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(h))
      if (k.startsWith('x-amz-meta-') && typeof v === 'string') meta[k.slice(11)] = v;
    const algorithmHeader = String(
      h['x-amz-sdk-checksum-algorithm'] ?? h['x-amz-checksum-algorithm'] ?? '',
    ).toUpperCase();
    const kept =
      claimed && (!checksumNeedsAlgorithm || algorithmHeader === claimed.alg) ? claimed : undefined;
    const alg = kept?.alg ?? 'CRC64NVME';
    let stored = body;
    if (corrupt) {
      stored = Buffer.from(body.length ? body : Buffer.from([0]));
      const i = Math.floor(stored.length / 2);
      stored[i] = stored[i]! ^ 0xff;
    }
    const obj = store(b, key, stored, String(h['content-type'] ?? 'binary/octet-stream'), meta, alg);
    const etag = corrupt ? `"${md5(body)}"` : obj.etag;
    const value = corrupt ? checksumB64(alg, body) : obj.checksum.value;
    return {
      status: 200,
      headers: {
        etag,
        'x-amz-server-side-encryption': 'AES256',
        [`x-amz-checksum-${alg.toLowerCase()}`]: value,
        'x-amz-checksum-type': 'FULL_OBJECT',
      },
    };
  };

  const listObjectsV2 = (b: Bucket, q: URLSearchParams): Reply => {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const startAfter = q.get('start-after') ?? '';
    const encoding = q.get('encoding-type');
    const maxText = q.get('max-keys');
    const maxKeys = maxText === null ? 1000 : Number(maxText);
    if (!Number.isInteger(maxKeys) || maxKeys < 0) {
      throw new S3Error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', {
        ArgumentName: 'max-keys',
        ArgumentValue: String(maxText),
      });
    }
    const limit = Math.min(maxKeys, 1000);
    const token = q.get('continuation-token');
    let after = startAfter;
    if (token !== null) {
      const dec = Buffer.from(token, 'base64url').toString('utf8');
      if (!dec.startsWith('fake-s3:') || Buffer.from(dec, 'utf8').toString('base64url') !== token) {
        throw new S3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect', {
          ArgumentName: 'continuation-token',
        });
      }
      after = dec.slice('fake-s3:'.length);
    }
    const enc = (s: string) => (encoding === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
    // Keys in order, folded into common prefixes (keys sharing one are contiguous once sorted).
    type Entry = { kind: 'key'; key: string } | { kind: 'prefix'; prefix: string; lastKey: string };
    const entries: Entry[] = [];
    for (const k of [...b.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort()) {
      const i = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
      if (i < 0) {
        entries.push({ kind: 'key', key: k });
        continue;
      }
      const cp = k.slice(0, i + delimiter.length);
      const prev = entries[entries.length - 1];
      if (prev?.kind === 'prefix' && prev.prefix === cp) prev.lastKey = k;
      else entries.push({ kind: 'prefix', prefix: cp, lastKey: k });
    }
    const page = entries.slice(0, limit);
    const truncated = limit > 0 && entries.length > limit;
    const tail = page[page.length - 1];
    const last = tail === undefined ? '' : tail.kind === 'key' ? tail.key : tail.lastKey;
    const contents = page.flatMap((e) => {
      if (e.kind !== 'key') return [];
      const o = b.objects.get(e.key)!;
      return [
        `<Contents><Key>${xmlEscape(enc(e.key))}</Key><LastModified>${o.lastModified.toISOString()}</LastModified>` +
          `<ETag>${xmlEscape(o.etag)}</ETag><ChecksumAlgorithm>${o.checksum.algorithm}</ChecksumAlgorithm>` +
          `<ChecksumType>${o.checksum.type}</ChecksumType><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      ];
    });
    const prefixes = page.flatMap((e) => (e.kind === 'prefix' ? [e.prefix] : []));
    const count = page.length;
    const parts = [
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}">`,
      `<Name>${xmlEscape(b.name)}</Name><Prefix>${xmlEscape(enc(prefix))}</Prefix>`,
      token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '',
      startAfter ? `<StartAfter>${xmlEscape(enc(startAfter))}</StartAfter>` : '',
      `<KeyCount>${count}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
      delimiter ? `<Delimiter>${xmlEscape(enc(delimiter))}</Delimiter>` : '',
      encoding === 'url' ? '<EncodingType>url</EncodingType>' : '',
      `<IsTruncated>${truncated}</IsTruncated>`,
      truncated
        ? `<NextContinuationToken>${Buffer.from(`fake-s3:${last}`, 'utf8').toString('base64url')}</NextContinuationToken>`
        : '',
      ...contents,
      ...prefixes.map((p) => `<CommonPrefixes><Prefix>${xmlEscape(enc(p))}</Prefix></CommonPrefixes>`),
      '</ListBucketResult>',
    ];
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: parts.join('') };
  };

  const execute = (
    req: http.IncomingMessage,
    op: S3Op,
    raw: Buffer,
    bucket: string | undefined,
    key: string | undefined,
    q: URLSearchParams,
    corrupt: boolean,
  ): Reply => {
    if (op === 'Unsupported') throw new S3Error(501, 'NotImplemented', MESSAGES.NotImplemented);
    if (op === 'ListBuckets') {
      const items = [...buckets.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(
          (b) =>
            `<Bucket><Name>${xmlEscape(b.name)}</Name><CreationDate>${b.created.toISOString()}</CreationDate><BucketRegion>${b.region}</BucketRegion></Bucket>`,
        )
        .join('');
      return {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${XMLNS}"><Owner><ID>fake-owner</ID></Owner><Buckets>${items}</Buckets></ListAllMyBucketsResult>`,
      };
    }
    const name = bucket!;
    if (op === 'CreateBucket') {
      if (!BUCKET_RE.test(name))
        throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', {
          BucketName: name,
        });
      if (buckets.has(name)) {
        throw new S3Error(
          409,
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          {
            BucketName: name,
          },
        );
      }
      const loc = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(raw.toString('utf8'))?.[1];
      makeBucket(name, loc || 'us-east-1');
      return { status: 200, headers: { location: `/${name}` } };
    }
    const b = needBucket(name);
    checkScope(req, b);
    switch (op) {
      case 'HeadBucket':
        if (denied(name, '', 'HeadBucket')) throw new S3Error(403, 'AccessDenied', MESSAGES.AccessDenied);
        return {
          status: 200,
          headers: { 'x-amz-bucket-region': b.region, 'x-amz-access-point-alias': 'false' },
        };
      case 'GetBucketLocation':
        return {
          status: 200,
          headers: { 'content-type': 'application/xml' },
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${XMLNS}">${b.region === 'us-east-1' ? '' : b.region}</LocationConstraint>`,
        };
      case 'ListObjectsV2':
        if (denied(name, q.get('prefix') ?? '', 'ListObjectsV2'))
          throw new S3Error(403, 'AccessDenied', MESSAGES.AccessDenied);
        return listObjectsV2(b, q);
      case 'PutObject':
        return putObject(req, raw, b, key!, corrupt);
      case 'GetObject':
      case 'HeadObject': {
        if (denied(name, key!, op)) throw new S3Error(403, 'AccessDenied', MESSAGES.AccessDenied);
        const o = b.objects.get(key!);
        if (!o) throw new S3Error(404, 'NoSuchKey', MESSAGES.NoSuchKey, { Key: key! });
        const withChecksum = String(req.headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED';
        const headers = objectHeaders(o, withChecksum);
        headers['content-length'] = String(o.body.length);
        return op === 'GetObject' ? { status: 200, headers, body: o.body } : { status: 200, headers };
      }
      case 'DeleteObject':
        if (denied(name, key!, 'DeleteObject')) throw new S3Error(403, 'AccessDenied', MESSAGES.AccessDenied);
        b.objects.delete(key!);
        return { status: 204, headers: {} };
    }
    throw new S3Error(501, 'NotImplemented', MESSAGES.NotImplemented);
  };

  const send = (req: http.IncomingMessage, res: http.ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = {
      'x-amz-request-id': requestId(),
      'x-amz-id-2': hostId(),
      ...reply.headers,
    };
    const body =
      reply.body === undefined
        ? undefined
        : Buffer.isBuffer(reply.body)
          ? reply.body
          : Buffer.from(reply.body, 'utf8');
    if (req.method === 'HEAD') {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    if (headers['content-length'] === undefined) headers['content-length'] = String(body?.length ?? 0);
    res.writeHead(reply.status, headers);
    res.end(body);
  };

  const errorReply = (e: S3Error, resource: string): Reply => {
    const rid = requestId();
    const extra = Object.entries(e.extra)
      .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
      .join('');
    return {
      status: e.status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': rid, ...e.headers },
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message>` +
        `${extra}<Resource>${xmlEscape(resource)}</Resource><RequestId>${rid}</RequestId><HostId>${hostId()}</HostId></Error>`,
    };
  };

  const harness = new Harness<S3Fault>(async (req, res): Promise<void> => {
    const target = rawTarget(req);
    const { bucket, key, style } = splitTarget(req, target.path);
    const method = req.method ?? 'GET';
    const op = classify(method, bucket, key, target.query);
    const started = ++events;
    track(op, res);
    const raw = bandwidth === undefined ? await readBody(req) : await readThrottled(req, bandwidth);
    const arrival = harness.arrive(op);
    const call: S3Call = {
      op,
      method,
      bucket,
      key,
      style,
      status: 0,
      code: undefined,
      fault: undefined,
      headers: headerMap(req),
      bodyBytes: undefined,
      started,
      ended: undefined,
      applied: false,
      ...arrival,
      at: Date.now(),
    };
    res.once('close', () => {
      call.ended = ++events;
    });
    log.push(call);
    await harness.paused(op, req, arrival);
    const finish = (reply: Reply) => {
      call.status = reply.status;
      send(req, res, reply);
    };
    const fail = (e: S3Error) => {
      call.status = e.status;
      call.code = e.code;
      send(req, res, errorReply(e, target.path));
    };

    const run = (corrupt: boolean): Reply | S3Error => {
      try {
        const reply = execute(req, op, raw, bucket, key, target.query, corrupt);
        if (op === 'PutObject') call.bodyBytes = buckets.get(bucket!)?.objects.get(key!)?.body.length;
        call.applied = true;
        return reply;
      } catch (e) {
        if (e instanceof S3Error) return e;
        throw e;
      }
    };
    const respond = (r: Reply | S3Error) => (r instanceof S3Error ? fail(r) : finish(r));

    const proceed = (): void => {
      if (!req.headers.authorization && !target.query.has('X-Amz-Signature')) {
        fail(new S3Error(403, 'AccessDenied', MESSAGES.AccessDenied));
        return;
      }
      const f = harness.faults.take(op);
      call.fault = f?.fault;
      if (f?.fault === '500-after-commit' || f?.fault === 'reset-after-commit') {
        // Only a request that took effect can lose its answer after the commit; a refused one is answered.
        const r = run(false);
        if (r instanceof S3Error) {
          f.decline();
          call.fault = undefined;
          return respond(r);
        }
        f.fire();
        if (f.fault === 'reset-after-commit') return resetConnection(req, res);
        return fail(new S3Error(500, 'InternalError', MESSAGES.InternalError));
      }
      if (f?.fault === 'stall') {
        harness.stall(res, f.stallMs, () => respond(run(false)));
        return f.fire();
      }
      f?.fire();
      switch (f?.fault) {
        case undefined:
          return respond(run(false));
        case '500':
          return fail(new S3Error(500, 'InternalError', MESSAGES.InternalError));
        case '503':
          return fail(new S3Error(503, 'SlowDown', MESSAGES.SlowDown));
        case 'reset':
          return resetConnection(req, res);
        case 'corrupt-stored-bytes':
          return respond(run(op === 'PutObject'));
      }
    };
    if (harness.stallAll) return harness.stall(res, undefined, proceed);
    proceed();
  });
  const own: Omit<S3Fake, keyof FakeControls<S3Fault>> = {
    region,
    createBucket: (name, r) => makeBucket(name, r),
    buckets: () => [...buckets.keys()].sort(),
    putObject(bucket, key, body, contentType = 'application/zip') {
      const b = buckets.get(bucket);
      if (!b) throw new Error(`no bucket ${bucket}`);
      store(b, key, Buffer.isBuffer(body) ? body : Buffer.from(body), contentType, {}, 'SHA256');
    },
    deleteObject(bucket, key) {
      buckets.get(bucket)?.objects.delete(key);
    },
    object(bucket, key) {
      const o = buckets.get(bucket)?.objects.get(key);
      if (!o) return undefined;
      return {
        body: Buffer.from(o.body),
        etag: o.etag,
        contentType: o.contentType,
        metadata: { ...o.metadata },
        checksum: { ...o.checksum },
        checksumSHA256: o.checksum.algorithm === 'SHA256' ? o.checksum.value : undefined,
        sha256Hex: sha256(o.body),
      };
    },
    keys: (bucket, prefix = '') =>
      [...(buckets.get(bucket)?.objects.keys() ?? [])].filter((k) => k.startsWith(prefix)).sort(),
    deny(bucket, keyPrefix = '', ops) {
      const d: Denial = { bucket, prefix: keyPrefix, ops: ops ? new Set(ops) : undefined };
      denials.push(d);
      return () => {
        const i = denials.indexOf(d);
        if (i >= 0) denials.splice(i, 1);
      };
    },
    calls: (op) => log.filter((c) => !op || c.op === op).map((c) => ({ ...c, headers: { ...c.headers } })),
    count: (op) => log.filter((c) => !op || c.op === op).length,
    maxInFlight: (op) => maxInFlight.get(op ?? '*') ?? 0,
    lookup(bucket, key, op = 'GetObject') {
      const b = buckets.get(bucket);
      const ids = { requestId: requestId(), hostId: hostId() };
      if (!b) return { ok: false, code: 'NoSuchBucket', status: 404, ...ids };
      if (denied(bucket, key, op)) return { ok: false, code: 'AccessDenied', status: 403, ...ids };
      const o = b.objects.get(key);
      if (!o) return { ok: false, code: 'NoSuchKey', status: 404, ...ids };
      return { ok: true, object: o };
    },
  };
  return Object.assign(await harness.start(), own);
}
