// The step context the release steps run in (what withSession gives them), built over the test
// endpoints for in-process tests: fast time, real clients (one without SDK retries), the lines logged.
import { type Clients, createClients } from '../../src/aws/clients.js';
import type { RolloutCtx } from '../../src/aws/context.js';
import { ActionError } from '../../src/errors.js';
import { ACCOUNT, type Endpoints, fastTime, REGION } from './aws-env.js';

export function rolloutContext(
  e: Endpoints,
  name: string,
  lines: string[],
  o: { deadlineMs?: number } = {},
): { ctx: RolloutCtx; clients: Clients } {
  const time = fastTime(20);
  const timing = { now: time.now, sleep: time.sleep, random: () => 0.5 };
  const log = (l: string) => lines.push(l);
  const clients = createClients({
    region: REGION,
    requestTimeoutMs: 2000,
    version: 'test',
    env: e.env,
    timing,
    log,
  });
  return {
    clients,
    ctx: {
      ssm: clients.ssm,
      ssmOnce: clients.ssmOnce,
      name,
      documentArn: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`,
      signal: new AbortController().signal,
      deadline: time.now() + (o.deadlineMs ?? 600_000),
      timing,
      log,
      deadlineError: (last) => new ActionError('timeout', 'deadline reached', { cause: last }),
    },
  };
}
