// SSM, S3 and STS clients with the settings every call needs: region, retries that wait through the
// run's sleep (and stop at its deadline), a request timeout that really fails the call, and a user
// agent naming this action.
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { inspect } from 'node:util';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SDK_RETRY_DEFAULTS, type SdkRetryOptions, SdkRetryStrategy, type Timing } from './retry.js';

export const ACTION_NAME = 'ssm-distributor-action';

export interface ClientOptions {
  region: string;
  /** Per-request timeout (ms) for SSM/STS calls and small S3 calls. */
  requestTimeoutMs: number;
  /** The SDK's retries of throttled and transient failures (attempts and backoff). */
  retry?: Partial<SdkRetryOptions> | undefined;
  version: string;
  env: Record<string, string | undefined>;
  /** How the SDK's retries wait. */
  timing: Timing;
  /** Ends the SDK's waits between retries (the run's deadline). */
  signal?: AbortSignal | undefined;
  /** Where the SDK's own warnings go (without a logger it writes them to the console). */
  log?: ((line: string) => void) | undefined;
}

export interface Clients {
  ssm: SSMClient;
  /**
   * SSM without the SDK's retries, for calls that are not safe to repeat blindly (StartAssociationsOnce,
   * SendCommand): a lost answer may mean the call took effect, so the caller checks before it tries again.
   */
  ssmOnce: SSMClient;
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
  const retry = { ...SDK_RETRY_DEFAULTS, ...o.retry };
  const quiet = () => undefined;
  const warn = (...args: unknown[]) => {
    const text = args
      .map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 3, breakLength: Infinity })))
      .join(' ');
    // Said of every failed upload; uploads are retried with a fresh stream here (s3.ts), and logged.
    if (/non-retryable streaming request/.test(text)) return;
    o.log?.(`AWS SDK: ${text}`);
  };
  // `error` is the SDK logging every failed command (a 404 that is expected included): aws-error.ts reports those.
  const logger = { trace: quiet, debug: quiet, info: quiet, warn, error: quiet };
  const common = () => ({
    region: o.region,
    maxAttempts: retry.attempts,
    retryStrategy: new SdkRetryStrategy(retry, o.timing, o.signal),
    customUserAgent: [[ACTION_NAME, o.version]] as [string, string][],
    requestHandler: handler(),
    logger,
  });
  const ssm = new SSMClient(common());
  const ssmOnce = new SSMClient({
    ...common(),
    maxAttempts: 1,
    retryStrategy: new SdkRetryStrategy({ ...retry, attempts: 1 }, o.timing, o.signal),
  });
  // A custom S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: MinIO, LocalStack, ...) is addressed path-style.
  const customS3 = Boolean(o.env.AWS_ENDPOINT_URL_S3 || o.env.AWS_ENDPOINT_URL);
  const s3 = new S3Client({ ...common(), forcePathStyle: customS3 });
  const sts = new STSClient(common());
  return {
    ssm,
    ssmOnce,
    s3,
    sts,
    region: o.region,
    destroy() {
      ssm.destroy();
      ssmOnce.destroy();
      s3.destroy();
      sts.destroy();
    },
  };
}
