// SSM, S3 and STS clients with the settings every call needs: region, standard retries, a request
// timeout that really fails the call, the run's deadline, and a user agent naming this action.
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const ACTION_NAME = 'ssm-distributor-action';

export interface ClientOptions {
  region: string;
  /** Per-request timeout (ms) for SSM/STS calls and small S3 calls. */
  requestTimeoutMs: number;
  /** SDK attempts per call (standard retry mode). */
  maxAttempts: number;
  version: string;
  env: Record<string, string | undefined>;
}

export interface Clients {
  ssm: SSMClient;
  s3: S3Client;
  sts: STSClient;
  region: string;
  destroy(): void;
}

export function createClients(o: ClientOptions): Clients {
  const handler = () =>
    new NodeHttpHandler({
      requestTimeout: o.requestTimeoutMs,
      connectionTimeout: Math.min(o.requestTimeoutMs, 10_000),
      throwOnRequestTimeout: true,
    });
  const common = {
    region: o.region,
    maxAttempts: o.maxAttempts,
    retryMode: 'standard',
    customUserAgent: [[ACTION_NAME, o.version]] as [string, string][],
  };
  const ssm = new SSMClient({ ...common, requestHandler: handler() });
  // A custom S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: MinIO, LocalStack, ...) is addressed path-style.
  const customS3 = Boolean(o.env.AWS_ENDPOINT_URL_S3 || o.env.AWS_ENDPOINT_URL);
  const s3 = new S3Client({ ...common, requestHandler: handler(), forcePathStyle: customS3 });
  const sts = new STSClient({ ...common, requestHandler: handler() });
  return {
    ssm,
    s3,
    sts,
    region: o.region,
    destroy() {
      ssm.destroy();
      s3.destroy();
      sts.destroy();
    },
  };
}

/** The error code of an SDK error (`name`), or of a network failure (`code`). */
export function errorCode(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { name?: unknown; code?: unknown; Code?: unknown };
    if (typeof o.name === 'string' && o.name !== 'Error') return o.name;
    if (typeof o.Code === 'string') return o.Code;
    if (typeof o.code === 'string') return o.code;
  }
  return 'Error';
}

export function httpStatus(e: unknown): number | undefined {
  const m = (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return m?.httpStatusCode;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A failure after which the server may or may not have done what was asked. */
export function isAmbiguous(e: unknown): boolean {
  const code = errorCode(e);
  const status = httpStatus(e);
  if (status !== undefined && status >= 500) return true;
  return [
    'InternalServerError',
    'ServiceUnavailable',
    'TimeoutError',
    'RequestTimeout',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ECONNREFUSED',
    'socket hang up',
  ].includes(code);
}
