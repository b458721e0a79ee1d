// Lists that never end: an SSM answer whose pages go on (a token that comes back, or endless empty pages)
// stops with a clear error after a bounded number of calls, instead of paging until the deadline.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { findAssociations } from '../src/aws/associations.js';
import type { SsmCtx } from '../src/aws/context.js';
import { listVersions, MAX_VERSION_PAGES } from '../src/aws/versions.js';
import { ActionError } from '../src/errors.js';

function ctxAnswering(answer: (n: number) => Record<string, unknown>): { ctx: SsmCtx; calls: () => number } {
  let n = 0;
  const ssm = { send: () => Promise.resolve(answer(++n)) } as unknown as SSMClient;
  const ctx: SsmCtx = {
    ssm,
    name: 'AcmeAgent',
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    timing: { now: Date.now, sleep: () => Promise.resolve(), random: () => 0.5 },
    log: () => undefined,
    deadlineError: (last) => new ActionError('timeout', 'deadline', { cause: last }),
  };
  return { ctx, calls: () => n };
}

describe('paging is bounded', () => {
  it('ListDocumentVersions: a token that comes back stops at once', async () => {
    const { ctx, calls } = ctxAnswering(() => ({ DocumentVersions: [], NextToken: 'same' }));
    await expect(listVersions(ctx)).rejects.toThrow(
      /did not end: 1 pages read, and a page token came back again/,
    );
    expect(calls()).toBe(2);
  });
  it('ListDocumentVersions: endless new tokens stop after MAX_VERSION_PAGES', async () => {
    const { ctx, calls } = ctxAnswering((n) => ({ DocumentVersions: [], NextToken: `t${n}` }));
    await expect(listVersions(ctx)).rejects.toMatchObject({ kind: 'service' });
    expect(calls()).toBe(MAX_VERSION_PAGES + 1);
  });
  it('ListAssociations: empty pages with new tokens stop after 400 pages, said as pages, not associations', async () => {
    const { ctx, calls } = ctxAnswering((n) => ({ Associations: [], NextToken: `t${n}` }));
    const err = await findAssociations(ctx, () => true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).message).toMatch(
      /did not end: 401 pages read \(0 associations\), more than 400 pages/,
    );
    expect(calls()).toBe(401);
  });
  it('ListAssociations: a token that comes back stops at once', async () => {
    const { ctx, calls } = ctxAnswering(() => ({ Associations: [], NextToken: 'same' }));
    await expect(findAssociations(ctx, () => true)).rejects.toThrow(/a page token came back again/);
    expect(calls()).toBe(2);
  });
});
