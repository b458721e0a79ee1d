// The canary group: install one version of the package, pinned by its name, on a few instances by Run
// Command (SendCommand of AWS-ConfigureAWSPackage), exactly once even when an answer is lost, and wait
// for every instance. Also what pruning must keep: the versions Run Commands are installing right now.
import {
  type Command,
  type CommandInvocation,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { randomBytes } from 'node:crypto';
import { ActionError } from '../errors.js';
import { CONFIGURE_PACKAGE, namesPackage } from './associations.js';
import { awsError, errorCode, isTransient, serverText } from './aws-error.js';
import { type RolloutCtx, readAgain, type SsmCtx } from './context.js';
import { backoffDelay } from './retry.js';
import { type CanaryReport, type CanaryTargets, OUTPUT_TAIL_CHARS } from './rollout-types.js';

export interface CanaryOptions {
  targets: CanaryTargets;
  installationType: 'Uninstall and reinstall' | 'In-place update';
  maxConcurrency: string;
  maxErrors: string;
  timeoutMs: number;
  maxPollDelayMs: number;
}

/** Command and invocation statuses that are final. */
const FINAL = new Set(['Success', 'Cancelled', 'Failed', 'TimedOut']);
const SEND_BACKOFF = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8000 } as const;
/** Invocation pages read per poll (50 each), and instances a report holds. */
const MAX_PAGES = 40;
const MAX_INSTANCES = 2000;

export const targetsText = (t: CanaryTargets): string =>
  'instanceIds' in t
    ? t.instanceIds.join(', ')
    : t.tags.map((x) => `tag:${x.key}=${x.values.join(',')}`).join(' and ');

export function newCanaryReport(
  documentName: string,
  version: { versionName: string; documentVersion: string },
  o: CanaryOptions,
): CanaryReport {
  return {
    documentName,
    versionName: version.versionName,
    documentVersion: version.documentVersion,
    targets: targetsText(o.targets),
    installationType: o.installationType,
    commandId: undefined,
    status: undefined,
    instances: [],
    succeeded: 0,
    failed: 0,
    pending: 0,
    timedOut: false,
    ok: false,
  };
}

const text = (v: unknown, max: number): string =>
  typeof v === 'string' ? serverText(v, undefined, max) : '';
/** Installs the version on the canary group and waits for every instance; fills `report` as it goes. */
export async function runCanary(
  ctx: RolloutCtx,
  o: CanaryOptions,
  report: CanaryReport,
): Promise<CanaryReport> {
  const token = randomBytes(8).toString('hex');
  const comment = `ssm-distributor-action ${ctx.name} ${report.versionName}`.slice(0, 82) + ` ${token}`;
  const end = Math.min(ctx.timing.now() + o.timeoutMs, ctx.deadline);
  report.commandId = await send(ctx, o, report, comment);
  ctx.log(`Canary: Run Command ${report.commandId} sent`);
  let delay = 250;
  let lastLine = '';
  for (;;) {
    const done = await look(ctx, report);
    const line = `Canary: ${report.succeeded} succeeded, ${report.failed} failed, ${report.pending} pending`;
    if (line !== lastLine) ctx.log(line);
    lastLine = line;
    if (done) break;
    if (ctx.timing.now() + delay > end) {
      report.timedOut = true;
      break;
    }
    await ctx.timing.sleep(delay, ctx.signal);
    delay = Math.min(delay * 2, o.maxPollDelayMs);
  }
  report.ok = !report.timedOut && report.instances.length > 0 && report.succeeded === report.instances.length;
  await failedOutputs(ctx, report);
  return report;
}

/** SendCommand once: after a failure that may have sent it, look for our comment before sending again. */
async function send(
  ctx: RolloutCtx,
  o: CanaryOptions,
  report: CanaryReport,
  comment: string,
): Promise<string> {
  const since = new Date(ctx.timing.now() - 5 * 60_000);
  const input = {
    DocumentName: CONFIGURE_PACKAGE,
    Comment: comment,
    Parameters: {
      action: ['Install'],
      name: [ctx.name],
      version: [report.versionName],
      installationType: [o.installationType],
    },
    MaxConcurrency: o.maxConcurrency,
    MaxErrors: o.maxErrors,
    TimeoutSeconds: Math.max(30, Math.min(2_592_000, Math.ceil(o.timeoutMs / 1000))),
    ...('instanceIds' in o.targets
      ? { InstanceIds: o.targets.instanceIds }
      : { Targets: o.targets.tags.map((t) => ({ Key: `tag:${t.key}`, Values: t.values })) }),
  };
  let last: unknown;
  for (let attempt = 1; attempt <= SEND_BACKOFF.attempts; attempt++) {
    if (attempt > 1) {
      const found = await sentBefore(ctx, comment, since);
      if (found) {
        ctx.log(`Canary: the lost answer had sent Run Command ${found}; not sending it again`);
        return found;
      }
    }
    try {
      const r = await ctx.ssmOnce.send(new SendCommandCommand(input), { abortSignal: ctx.signal });
      const id = text(r.Command?.CommandId, 64);
      if (!id)
        throw new ActionError(
          'service',
          'SendCommand answered without a CommandId, so the canary cannot be followed.',
          {
            hint: 'Look for the command in Systems Manager > Run Command (its comment names this package and version); re-run once it has ended.',
          },
        );
      return id;
    } catch (e) {
      if (e instanceof ActionError || !isTransient(e) || ctx.signal.aborted) throw sendError(e);
      last = e;
      const wait = backoffDelay(attempt - 1, SEND_BACKOFF, ctx.timing.random);
      if (ctx.timing.now() + wait > ctx.deadline) throw ctx.deadlineError(e);
      ctx.log(`Canary: SendCommand failed (${errorCode(e)}); checking whether it was sent, in ${wait} ms`);
      await ctx.timing.sleep(wait, ctx.signal);
    }
  }
  const found = await sentBefore(ctx, comment, since);
  if (found) return found;
  throw sendError(last);
}

function sendError(e: unknown): ActionError {
  if (e instanceof ActionError) return e;
  const code = errorCode(e);
  if (code === 'InvalidInstanceId')
    return new ActionError(
      'not-found',
      `Run Command refused the canary targets (InvalidInstanceId): ${text((e as Error).message, 300)}. Nothing was installed and the default was not changed.`,
      {
        hint: 'Check canary-targets: the instances must exist in this region, be running and be managed by Systems Manager (SSM Agent online, an instance profile with AmazonSSMManagedInstanceCore).',
        code,
        cause: e,
      },
    );
  return awsError(e, { action: 'ssm:SendCommand', subject: CONFIGURE_PACKAGE });
}

/** The AWS-ConfigureAWSPackage commands matching one more filter, newest first, page by page (bounded). */
async function* configurePackageCommands(
  ctx: SsmCtx,
  filter: { key: 'InvokedAfter' | 'Status'; value: string },
): AsyncGenerator<Command> {
  let next: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await readAgain(ctx, () =>
      ctx.ssm.send(
        new ListCommandsCommand({
          Filters: [{ key: 'DocumentName', value: CONFIGURE_PACKAGE }, filter],
          MaxResults: 50,
          NextToken: next,
        }),
        { abortSignal: ctx.signal },
      ),
    ).catch((e: unknown) => {
      throw awsError(e, { action: 'ssm:ListCommands', subject: CONFIGURE_PACKAGE });
    });
    yield* Array.isArray(r.Commands) ? r.Commands : [];
    next = r.NextToken;
    if (!next) return;
  }
}

/** The command with our comment, sent since `since`, if any (a lost answer). */
async function sentBefore(ctx: SsmCtx, comment: string, since: Date): Promise<string | undefined> {
  for await (const c of configurePackageCommands(ctx, { key: 'InvokedAfter', value: since.toISOString() }))
    if (c.Comment === comment && c.CommandId) return text(c.CommandId, 64);
  return undefined;
}

/** Reads the command and its invocations once; true when everything is final. */
async function look(ctx: RolloutCtx, report: CanaryReport): Promise<boolean> {
  const id = report.commandId!;
  const listed = await readAgain(ctx, () =>
    ctx.ssm.send(new ListCommandsCommand({ CommandId: id }), { abortSignal: ctx.signal }),
  ).catch((e: unknown) => {
    throw awsError(e, { action: 'ssm:ListCommands', subject: id });
  });
  const cmd: Command | undefined = listed.Commands?.[0];
  report.status = text(cmd?.Status, 40) || report.status;
  const invocations: CommandInvocation[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_PAGES && invocations.length < MAX_INSTANCES; page++) {
    const r = await readAgain(ctx, () =>
      ctx.ssm.send(
        new ListCommandInvocationsCommand({ CommandId: id, Details: true, MaxResults: 50, NextToken: next }),
        {
          abortSignal: ctx.signal,
        },
      ),
    ).catch((e: unknown) => {
      throw awsError(e, { action: 'ssm:ListCommandInvocations', subject: id });
    });
    invocations.push(...(Array.isArray(r.CommandInvocations) ? r.CommandInvocations : []));
    next = r.NextToken;
    if (!next) break;
  }
  const byId = new Map<string, CanaryReport['instances'][number]>();
  for (const inv of invocations) {
    const instanceId = text(inv?.InstanceId, 64);
    if (!instanceId) continue;
    const plugin = Array.isArray(inv.CommandPlugins) ? inv.CommandPlugins[0] : undefined;
    const output = typeof plugin?.Output === 'string' ? plugin.Output : '';
    byId.set(instanceId, {
      instanceId,
      status: text(inv.Status, 40) || 'Pending',
      statusDetails: text(inv.StatusDetails, 200),
      responseCode: typeof plugin?.ResponseCode === 'number' ? plugin.ResponseCode : undefined,
      outputTail: tail(output),
    });
  }
  report.instances = [...byId.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  report.succeeded = report.instances.filter((i) => i.status === 'Success').length;
  report.failed = report.instances.filter((i) => i.status !== 'Success' && FINAL.has(i.status)).length;
  report.pending = report.instances.length - report.succeeded - report.failed;
  return cmd !== undefined && FINAL.has(report.status ?? '') && report.pending === 0;
}

/** Failed instances whose output is read in full (stdout and stderr), for the tail the summary shows. */
const OUTPUTS_READ = 10;

/**
 * ListCommandInvocations gives the start of each output only (2,500 characters) and no stderr; for the
 * first failed instances, GetCommandInvocation gives both (24,000 characters each): the tail comes from there.
 * Best effort: a failure to read one keeps what the list gave.
 */
async function failedOutputs(ctx: RolloutCtx, report: CanaryReport): Promise<void> {
  const id = report.commandId;
  if (!id) return;
  const failed = report.instances.filter((i) => i.status !== 'Success' && i.status !== 'InProgress');
  for (const i of failed.slice(0, OUTPUTS_READ)) {
    try {
      const r = await ctx.ssm.send(
        new GetCommandInvocationCommand({ CommandId: id, InstanceId: i.instanceId }),
        {
          abortSignal: ctx.signal,
        },
      );
      const out = [r.StandardOutputContent, r.StandardErrorContent]
        .filter((x): x is string => typeof x === 'string' && x !== '')
        .join('\n');
      if (out) i.outputTail = tail(out);
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.deadlineError(e);
      ctx.log(
        `Canary: could not read the output of ${i.instanceId} (${errorCode(e)}); the summary shows what the list gave`,
      );
    }
  }
}

/** The end of an output, at most OUTPUT_TAIL_CHARS characters, control characters but line feeds removed. */
function tail(s: string): string {
  const end = s.length > OUTPUT_TAIL_CHARS * 4 ? s.slice(-OUTPUT_TAIL_CHARS * 4) : s;
  const clean = end.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  return clean.length > OUTPUT_TAIL_CHARS ? clean.slice(-OUTPUT_TAIL_CHARS) : clean;
}

/** The failure a finished canary means, or undefined when every instance succeeded. */
export function canaryFailure(r: CanaryReport, firstVersion = false): ActionError | undefined {
  if (r.ok) return undefined;
  // A package's first version is its default from the start: there was no other to keep.
  const kept = firstVersion
    ? `${r.versionName} is the package's first version, so it is its default version already (no association was started; those that follow the default install it at their next run).`
    : 'The default version was not changed and no association was started.';
  if (r.instances.length === 0)
    return new ActionError(
      'rollout',
      `The canary command reached no instance (targets ${r.targets}${r.timedOut ? '; canary-timeout-seconds ended the wait' : ''}). ${kept}`,
      {
        hint: 'Check canary-targets: the tag (or instance ids) must match running instances in this region that Systems Manager manages.',
        code: 'canary-no-targets',
      },
    );
  const bad = r.instances.filter((i) => i.status !== 'Success');
  const named = bad
    .slice(0, 5)
    .map(
      (i) =>
        `${i.instanceId} (${i.status}${i.responseCode === undefined ? '' : `, response code ${i.responseCode}`})`,
    )
    .join(', ');
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
  const list = named ? `: ${named}${more}` : '';
  const what = r.timedOut
    ? `The canary did not finish within canary-timeout-seconds: ${r.pending} of ${r.instances.length} instances still running`
    : `The canary failed on ${r.failed} of ${r.instances.length} instances`;
  return new ActionError('rollout', `${what}${list}. ${kept}`, {
    hint: r.timedOut
      ? 'Raise canary-timeout-seconds (and timeout-seconds), or look at the instances in Systems Manager > Run Command.'
      : `The job summary shows the end of each failed instance output; fix the package and publish a new version.${firstVersion ? ` As the only version it cannot be deleted on its own: aws ssm delete-document --name ${r.documentName} removes the package.` : ''}`,
    code: r.timedOut ? 'canary-timeout' : 'canary-failed',
  });
}

/**
 * The version names that Run Commands of AWS-ConfigureAWSPackage still running are installing of this
 * package (pinned; a canary in progress), with the reason pruning keeps them.
 */
export async function canaryHolds(ctx: SsmCtx): Promise<{ versionName: string; reason: string }[]> {
  const out = new Map<string, string>();
  for (const status of ['Pending', 'InProgress']) {
    for await (const c of configurePackageCommands(ctx, { key: 'Status', value: status })) {
      const name = c.Parameters?.name?.[0];
      const version = c.Parameters?.version?.[0];
      const ours = typeof name === 'string' && namesPackage(name, ctx.name);
      if (ours && typeof version === 'string' && version !== '' && !out.has(version))
        out.set(version, `a Run Command (${text(c.CommandId, 64)}) is installing it right now`);
    }
  }
  return [...out].map(([versionName, reason]) => ({ versionName, reason }));
}
