// A loopback HTTP proxy that lets one process (or one dist/index.js run) talk to several regions' test
// endpoints: the SDK reaches it through AWS_ENDPOINT_URL_SSM and AWS_ENDPOINT_URL_STS, and it forwards each
// request, byte for byte, to the fake of the region and service its SigV4 credential scope names
// (`Credential=<key>/<date>/<region>/<service>/aws4_request`, in the Authorization header or the
// X-Amz-Credential query parameter). Faults are injected on the region's own fake; a connection the fake
// resets or holds is reset or held for the client too. A request whose scope names no known region or
// service is answered 400 and recorded in `unrouted()`, so a test can assert that nothing went astray.
//
// `startRegionEndpoints` starts the whole set: one SSM and one STS fake per region (each checks that the
// scope names its region, as the service does), one S3 fake holding every region's bucket (each bucket in
// its own region, so a client of the wrong region is refused as S3 refuses it), and the router in front.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Endpoints } from './aws-env.js';
import { tempDir } from './pkg.js';
import { type S3Fake, startS3 } from './s3-server.js';
import { type SsmFake, type SsmOptions, startSsm } from './ssm-server.js';
import { type StsFake, startSts } from './sts-server.js';

/** The services the router forwards. */
export type RoutedService = 'ssm' | 'sts';

/** One forwarded (or refused) request. */
export interface RoutedCall {
  region: string;
  service: string;
  method: string;
  /** The status the upstream answered; 0 when the connection broke before an answer (a reset). */
  status: number;
  /** True when no fake matched and the router answered itself. */
  unrouted: boolean;
}

export interface RegionRouter {
  /** `http://127.0.0.1:<port>`: the value of AWS_ENDPOINT_URL_SSM and AWS_ENDPOINT_URL_STS. */
  readonly endpoint: string;
  /** Requests forwarded to `region` (and `service`), in arrival order. */
  routed(region?: string, service?: RoutedService): RoutedCall[];
  /** Requests no fake matched (unknown region or service, or no credential scope). */
  unrouted(): RoutedCall[];
  close(): Promise<void>;
}

/** Where each region's requests go: region → service → the fake's endpoint. */
export type Routes = Record<string, Partial<Record<RoutedService, string>>>;

const SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** The region and service a request is signed for, from its Authorization header or presigned query. */
export function credentialScope(req: http.IncomingMessage): { region: string; service: string } | undefined {
  const auth = req.headers.authorization;
  let m = typeof auth === 'string' ? SCOPE.exec(auth) : null;
  if (!m) {
    const q = new URL(req.url ?? '/', 'http://router').searchParams.get('X-Amz-Credential');
    if (q) m = SCOPE.exec(`Credential=${q}`);
  }
  return m ? { region: m[1]!, service: m[2]! } : undefined;
}

/** Starts the router in front of `routes`. */
export async function startRegionRouter(routes: Routes): Promise<RegionRouter> {
  const log: RoutedCall[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const agent = new http.Agent({ keepAlive: false });

  const refuse = (res: http.ServerResponse, call: RoutedCall, message: string) => {
    call.status = 400;
    const body = JSON.stringify({ __type: 'InvalidSignatureException', message });
    res.writeHead(400, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': 'InvalidSignatureException',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const scope = credentialScope(req);
    const call: RoutedCall = {
      region: scope?.region ?? '',
      service: scope?.service ?? '',
      method: req.method ?? '',
      status: 0,
      unrouted: false,
    };
    log.push(call);
    const target = scope ? routes[scope.region]?.[scope.service as RoutedService] : undefined;
    if (!target) {
      call.unrouted = true;
      req.resume();
      return refuse(
        res,
        call,
        scope
          ? `region-router: no ${scope.service} endpoint for region ${scope.region}.`
          : 'region-router: the request carries no SigV4 credential scope.',
      );
    }
    const url = new URL(target);
    const up = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upRes) => {
        call.status = upRes.statusCode ?? 0;
        res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.headers);
        upRes.pipe(res);
        upRes.on('aborted', () => res.destroy());
        upRes.on('error', () => res.destroy());
      },
    );
    // The fake reset the connection (or could not be reached): the client sees a reset too.
    up.on('error', () => {
      req.socket.destroy();
      res.destroy();
    });
    // The client gave up (its request timeout): the fake's request is dropped too.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    routed: (region, service) =>
      log.filter(
        (c) =>
          !c.unrouted &&
          (region === undefined || c.region === region) &&
          (service === undefined || c.service === service),
      ),
    unrouted: () => log.filter((c) => c.unrouted),
    close: async () => {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      agent.destroy();
      await done;
    },
  };
}

// ---------------------------------------------------------------- every region's endpoints

export const ACCOUNT = '123456789012';
/** The `s3-bucket` input of region runs: each region has its own bucket. */
export const REGION_BUCKET = 'acme-packages-{region}';
export const bucketIn = (region: string): string => REGION_BUCKET.replaceAll('{region}', region);

/** One region's fakes. */
export interface RegionFakes {
  ssm: SsmFake;
  sts: StsFake;
}

export interface RegionEndpoints {
  regions: readonly string[];
  /** The one S3 endpoint: bucket `acme-packages-<region>` in each region. */
  s3: S3Fake;
  router: RegionRouter;
  /** Each region's SSM and STS fakes. */
  at: Record<string, RegionFakes>;
  /**
   * The variables a child process needs: SSM and STS through the router, S3 direct, dummy credentials,
   * AWS_REGION the first region (the `region` input's fallback; `regions` overrides it).
   */
  env: Record<string, string>;
  /** One region seen as the single-region Endpoints (its SSM and STS fakes, the shared S3). */
  endpoints(region: string): Endpoints;
  /** Starts a new run on every fake. */
  newRun(): void;
  close(): Promise<void>;
}

/** Starts the fakes of `regions` (SSM options apply to each region's SSM fake) and the router in front. */
export async function startRegionEndpoints(
  regions: readonly string[],
  ssmOpts: SsmOptions = {},
): Promise<RegionEndpoints> {
  const s3 = await startS3({ region: regions[0] ?? 'us-east-1' });
  for (const r of regions) s3.createBucket(bucketIn(r), r);
  const at: Record<string, RegionFakes> = {};
  for (const region of regions) {
    const ssm = await startSsm({ s3, statusDelayMs: 20, ...ssmOpts, region, accountId: ACCOUNT });
    const sts = await startSts({
      account: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/publisher/ci`,
    });
    at[region] = { ssm, sts };
  }
  const routes: Routes = Object.fromEntries(
    regions.map((r) => [r, { ssm: at[r]!.ssm.endpoint, sts: at[r]!.sts.endpoint }]),
  );
  const router = await startRegionRouter(routes);
  const none = path.join(tempDir('aws-'), 'none');
  const base = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret-key-not-real',
    AWS_CONFIG_FILE: none,
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const env = {
    ...base,
    AWS_ENDPOINT_URL_SSM: router.endpoint,
    AWS_ENDPOINT_URL_STS: router.endpoint,
    AWS_REGION: regions[0] ?? 'us-east-1',
  };
  const all = () => [s3, ...Object.values(at).flatMap((f) => [f.ssm, f.sts])];
  const close = async () => {
    await router.close();
    await Promise.all(all().map((f) => f.close()));
  };
  return {
    regions,
    s3,
    router,
    at,
    env,
    endpoints: (region) => {
      const f = at[region];
      if (!f) throw new Error(`no endpoints for region ${region}`);
      return {
        s3,
        ssm: f.ssm,
        sts: f.sts,
        env: {
          ...base,
          AWS_ENDPOINT_URL_SSM: f.ssm.endpoint,
          AWS_ENDPOINT_URL_STS: f.sts.endpoint,
          AWS_REGION: region,
        },
        newRun: () => {
          for (const x of [s3, f.ssm, f.sts]) x.newRun();
        },
        close,
      };
    },
    newRun: () => {
      for (const f of all()) f.newRun();
    },
    close,
  };
}
