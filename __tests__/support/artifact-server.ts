// A fake of the GitHub Actions results service, as far as @actions/artifact 6 uses it to upload:
//
//   POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact   (Twirp, JSON)
//        → { ok, signed_upload_url }
//   PUT  <signed_upload_url>&comp=block&blockid=…   (Azure "Put Block", one per 8 MiB chunk)
//   PUT  <signed_upload_url>&comp=blocklist         (Azure "Put Block List", XML body)
//   PUT  <signed_upload_url>                        (Azure "Put Blob", accepted too)
//   POST /twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact (Twirp, JSON)
//        → { ok, artifact_id }
//
// The library finds the service through two variables the runner gives to actions (not to `run:` steps):
// ACTIONS_RESULTS_URL (only its origin is used) and ACTIONS_RUNTIME_TOKEN, a JWT whose `scp` claim holds
// `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`. The library decodes that claim
// without checking the signature; this fake signs its tokens and checks the bearer token on every call.
// Errors follow Twirp (`{ code, msg }` with the matching HTTP status) and Azure (XML `<Error>` body plus
// `x-ms-error-code`). Plain http on 127.0.0.1 works: neither client insists on https.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const BLOB_PREFIX = '/devstoreaccount1/actions-results/';

/** Twirp error codes → HTTP status, as the Twirp spec maps them. */
const TWIRP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
};

/** The message the real service gives when the run already has an artifact of that name. */
export const CONFLICT_MESSAGE = 'an artifact with this name already exists on the workflow run';

export interface ReceivedArtifact {
  name: string;
  /** The blob as committed (the ZIP @actions/artifact built). */
  zip: Buffer;
  /** The size FinalizeArtifact reported (checked against the blob). */
  size: number;
  id: number;
  /** `sha256:<hex>` as FinalizeArtifact reported it (checked against the blob). */
  hash: string | undefined;
  /** `expires_at` of CreateArtifact (RFC 3339), present when a retention period was asked for. */
  expiresAt: string | undefined;
  mimeType: string | undefined;
  /** The Content-Type the blob was committed with. */
  contentType: string | undefined;
  version: number | undefined;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

export type FailPoint = 'CreateArtifact' | 'FinalizeArtifact' | 'blob';

export interface ArtifactService {
  /** ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL for one job of the fake's workflow run. */
  env: Record<string, string>;
  /** Env for another job of the same run (e.g. a re-run attempt): artifacts are shared by the run. */
  envForNewJob(): Record<string, string>;
  /** Finalized artifacts, in order. */
  uploads(): ReceivedArtifact[];
  /** Every request: method and path without the query (the signature stays out of logs). */
  requests(): { method: string; path: string; query: Record<string, string> }[];
  /** Makes the run already hold an artifact of this name, so CreateArtifact answers the 409 conflict. */
  inject409(name: string): void;
  /** The next call at `point` fails with this HTTP status (Twirp code or Azure error code, and message). */
  failNext(point: FailPoint, status: number, code: string, message: string): void;
  close(): Promise<void>;
}

interface Pending {
  name: string;
  runId: string;
  jobId: string;
  uploadId: string;
  blocks: Map<string, Buffer>;
  blob: Buffer | undefined;
  contentType: string | undefined;
  expiresAt: string | undefined;
  mimeType: string | undefined;
  version: number | undefined;
  finalized: boolean;
}

/** Handlers return this once they have answered. */
type Answered = true;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export async function startArtifactService(): Promise<ArtifactService> {
  const secret = randomUUID();
  const runId = randomUUID();
  const artifacts = new Map<string, Pending>(); // key: runId + '\0' + name
  const byUpload = new Map<string, Pending>();
  const received: ReceivedArtifact[] = [];
  const log: { method: string; path: string; query: Record<string, string> }[] = [];
  const failures = new Map<FailPoint, { status: number; code: string; message: string }>();
  let nextId = 1000;

  const sign = (s: string) => createHmac('sha256', secret).update(s).digest('base64url');

  function makeToken(jobId: string): string {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const now = Math.floor(Date.now() / 1000);
    const payload = b64url(
      JSON.stringify({
        iss: 'fake-results-service',
        scp: `Actions.ExampleScope Actions.Results:${runId}:${jobId}`,
        nbf: now - 60,
        exp: now + 3600,
      }),
    );
    return `${header}.${payload}.${sign(`${header}.${payload}`)}`;
  }

  /** The (run, job) ids of a valid bearer token, or undefined. */
  function authenticate(req: IncomingMessage): { runId: string; jobId: string } | undefined {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const parts = m?.[1]?.split('.');
    if (parts?.length !== 3) return undefined;
    const [h, p, s] = parts as [string, string, string];
    if (sign(`${h}.${p}`) !== s) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
        scp?: string;
        exp?: number;
      };
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined;
      for (const scope of (claims.scp ?? '').split(' ')) {
        const [kind, run, job] = scope.split(':');
        if (kind === 'Actions.Results' && run && job) return { runId: run, jobId: job };
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  function twirpError(
    res: ServerResponse,
    code: string,
    msg: string,
    status = TWIRP_STATUS[code] ?? 500,
  ): Answered {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, msg }));
    return true;
  }

  function twirpOk(res: ServerResponse, body: object): Answered {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    return true;
  }

  function azureError(res: ServerResponse, status: number, code: string, message: string): Answered {
    res.writeHead(status, {
      'content-type': 'application/xml',
      'x-ms-error-code': code,
      'x-ms-request-id': randomUUID(),
      'x-ms-version': '2025-11-05',
    });
    res.end(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
    return true;
  }

  function takeFailure(point: FailPoint) {
    const f = failures.get(point);
    if (f) failures.delete(point);
    return f;
  }

  function origin(): string {
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async function handleTwirp(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    body: Buffer,
  ): Promise<Answered> {
    if (req.method !== 'POST') return twirpError(res, 'bad_route', `${req.method} is not allowed`, 404);
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return twirpError(res, 'bad_route', 'only application/json is served', 404);
    }
    const who = authenticate(req);
    if (!who) return twirpError(res, 'unauthenticated', 'the runtime token is missing, malformed or expired');
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return twirpError(res, 'malformed', 'the request body is not JSON');
    }
    if (msg.workflow_run_backend_id !== who.runId || msg.workflow_job_run_backend_id !== who.jobId) {
      return twirpError(res, 'permission_denied', 'the backend ids do not match the runtime token');
    }
    const name = msg.name;
    if (typeof name !== 'string' || name === '')
      return twirpError(res, 'invalid_argument', 'name is required');

    if (method === 'CreateArtifact') {
      const f = takeFailure('CreateArtifact');
      if (f) return twirpError(res, f.code, f.message, f.status);
      const key = `${who.runId}\0${name}`;
      if (artifacts.has(key)) return twirpError(res, 'already_exists', CONFLICT_MESSAGE);
      const uploadId = randomUUID();
      const a: Pending = {
        name,
        runId: who.runId,
        jobId: who.jobId,
        uploadId,
        blocks: new Map(),
        blob: undefined,
        contentType: undefined,
        expiresAt: typeof msg.expires_at === 'string' ? msg.expires_at : undefined,
        mimeType: typeof msg.mime_type === 'string' ? msg.mime_type : undefined,
        version: typeof msg.version === 'number' ? msg.version : undefined,
        finalized: false,
      };
      artifacts.set(key, a);
      byUpload.set(uploadId, a);
      const se = new Date(Date.now() + 3600_000).toISOString();
      const url = `${origin()}${BLOB_PREFIX}${uploadId}.zip?sv=2025-11-05&sr=b&sp=cw&se=${encodeURIComponent(se)}&sig=${encodeURIComponent(sign(uploadId))}`;
      return twirpOk(res, { ok: true, signed_upload_url: url });
    }

    if (method === 'FinalizeArtifact') {
      const f = takeFailure('FinalizeArtifact');
      if (f) return twirpError(res, f.code, f.message, f.status);
      const a = artifacts.get(`${who.runId}\0${name}`);
      if (!a || a.finalized)
        return twirpError(res, 'not_found', 'no artifact of this name is waiting to be finalized');
      if (!a.blob) return twirpError(res, 'failed_precondition', 'the artifact blob was not uploaded');
      const size = Number(msg.size ?? 0);
      if (size !== a.blob.length) {
        return twirpError(
          res,
          'invalid_argument',
          `size ${size} does not match the uploaded ${a.blob.length} bytes`,
        );
      }
      const hash = typeof msg.hash === 'string' ? msg.hash : undefined;
      if (hash !== undefined && hash !== `sha256:${createHash('sha256').update(a.blob).digest('hex')}`) {
        return twirpError(res, 'invalid_argument', 'hash does not match the uploaded blob');
      }
      a.finalized = true;
      const id = nextId++;
      received.push({
        name: a.name,
        zip: a.blob,
        size,
        id,
        hash,
        expiresAt: a.expiresAt,
        mimeType: a.mimeType,
        contentType: a.contentType,
        version: a.version,
        workflowRunBackendId: a.runId,
        workflowJobRunBackendId: a.jobId,
      });
      return twirpOk(res, { ok: true, artifact_id: String(id) });
    }
    return twirpError(res, 'bad_route', `no method ${method}`, 404);
  }

  function handleBlob(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Answered {
    const uploadId = url.pathname.slice(BLOB_PREFIX.length).replace(/\.zip$/, '');
    const a = byUpload.get(uploadId);
    const sig = url.searchParams.get('sig');
    const expiry = Date.parse(url.searchParams.get('se') ?? '');
    if (!a || sig !== sign(uploadId) || !(expiry > Date.now())) {
      return azureError(res, 403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
    }
    if (req.method !== 'PUT')
      return azureError(res, 405, 'UnsupportedHttpVerb', `${req.method} is not supported here.`);
    const f = takeFailure('blob');
    if (f) return azureError(res, f.status, f.code, f.message);
    if (a.finalized)
      return azureError(res, 409, 'BlobImmutableDueToPolicy', 'The artifact is already finalized.');
    const okHeaders = {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': '2025-11-05',
      'x-ms-request-server-encrypted': 'true',
      date: new Date().toUTCString(),
    };
    const storeBlob = (data: Buffer): Answered => {
      a.blob = data;
      const ct = req.headers['x-ms-blob-content-type'];
      a.contentType = Array.isArray(ct) ? ct[0] : ct;
      res.writeHead(201, {
        ...okHeaders,
        etag: `"0x${nextId.toString(16)}"`,
        'last-modified': okHeaders.date,
      });
      res.end();
      return true;
    };
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      const id = url.searchParams.get('blockid');
      if (!id) return azureError(res, 400, 'InvalidQueryParameterValue', 'blockid is required.');
      a.blocks.set(id, body);
      res.writeHead(201, { ...okHeaders, 'content-md5': createHash('md5').update(body).digest('base64') });
      res.end();
      return true;
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map(
        (m) => m[2] ?? '',
      );
      const parts: Buffer[] = [];
      for (const id of ids) {
        const block = a.blocks.get(id);
        if (!block) return azureError(res, 400, 'InvalidBlockList', 'The specified block list is invalid.');
        parts.push(block);
      }
      a.blocks.clear();
      return storeBlob(Buffer.concat(parts));
    }
    if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') return storeBlob(body);
    return azureError(
      res,
      400,
      'UnsupportedQueryParameter',
      `comp=${comp ?? ''} is not supported by this fake.`,
    );
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) if (k !== 'sig') query[k] = v;
      log.push({ method: req.method ?? '', path: url.pathname, query });
      const body = Buffer.concat(chunks);
      const done = (e: unknown) => {
        if (!res.headersSent) twirpError(res, 'internal', `fake service failed: ${String(e)}`);
      };
      try {
        if (url.pathname.startsWith(SERVICE)) {
          handleTwirp(req, res, url.pathname.slice(SERVICE.length), body).catch(done);
        } else if (url.pathname.startsWith(BLOB_PREFIX)) {
          handleBlob(req, res, url, body);
        } else {
          twirpError(res, 'bad_route', `no route ${url.pathname}`, 404);
        }
      } catch (e) {
        done(e);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  const envFor = (jobId: string) => ({
    ACTIONS_RUNTIME_TOKEN: makeToken(jobId),
    ACTIONS_RESULTS_URL: `${origin()}/`,
  });

  return {
    env: envFor(randomUUID()),
    envForNewJob: () => envFor(randomUUID()),
    uploads: () => [...received],
    requests: () => log.map((r) => ({ ...r, query: { ...r.query } })),
    inject409(name: string) {
      const key = `${runId}\0${name}`;
      const earlier: Pending = {
        name,
        runId,
        jobId: randomUUID(),
        uploadId: randomUUID(),
        blocks: new Map(),
        blob: Buffer.alloc(0),
        contentType: 'application/zip',
        expiresAt: undefined,
        mimeType: 'application/zip',
        version: 7,
        finalized: true,
      };
      artifacts.set(key, earlier);
    },
    failNext(point, status, code, message) {
      failures.set(point, { status, code, message });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
