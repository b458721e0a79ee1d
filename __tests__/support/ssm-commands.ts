// Run Command on the test SSM endpoint: SendCommand of AWS-ConfigureAWSPackage, ListCommands,
// ListCommandInvocations, GetCommandInvocation, with each instance's outcome scripted through the fleet.
//
// A command reaches, at once, the instances its InstanceIds name (each must be in the fleet, else
// InvalidInstanceId for the call) or its Targets resolve to; each instance's install starts then
// (Fleet.start, via 'command'). A package (the `name` parameter) or version the endpoint does not hold, or
// one that is not Active, makes every install fail with the plugin output the agent gives. Statuses are read
// lazily: an invocation is InProgress until its install is done, then its outcome; the command is
// InProgress while any invocation is, then Success when all succeeded (or none was reached), else Failed.
// Simplified [F]: MaxConcurrency and MaxErrors are validated but not applied (every instance starts at
// once); ListCommandInvocations' plugin Output is the first 2,500 characters of the output (as the service
// truncates it), GetCommandInvocation's StandardOutputContent the first 24,000.
import { randomUUID } from 'node:crypto';
import { Fleet, type InstallRecord } from './ssm-fleet.js';
import { pager, type SsmParts } from './ssm-parts.js';
import {
  ApiError,
  bool,
  epoch,
  type Handler,
  list,
  num,
  str,
  strList,
  struct,
  Violations,
} from './ssm-wire.js';

export type CommandOp = 'SendCommand' | 'ListCommands' | 'ListCommandInvocations' | 'GetCommandInvocation';

export interface CommandView {
  commandId: string;
  documentName: string;
  parameters: Record<string, string[]>;
  comment: string | undefined;
  /** The instances it was sent to. */
  instanceIds: string[];
  /** Overall status as of now. */
  status: string;
}

export interface CommandControls {
  /** Commands sent, oldest first. */
  commands(): CommandView[];
}

const CONFIGURE_PACKAGE = 'AWS-ConfigureAWSPackage';
const RATE = '^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$';
const ERRORS = '^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$';
const INSTANCE = '(^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)';
const TARGET_KEY =
  '^[\\p{L}\\p{Z}\\p{N}_.:/=\\-@]*$|resource-groups:ResourceTypeFilters|resource-groups:Name';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName'];
const LIST_OUTPUT = 2500;
const GET_OUTPUT = 24000;

const TEXT = {
  // [O] the service's wording for instances it cannot send to.
  invalidInstance: (ids: string[]) =>
    `Instances [[${ids.join(', ')}]] not in a valid state for account 123456789012`,
  // [F]
  invalidDocument: (n: string) => `Document ${n} does not exist in your account.`,
  invalidCommandId: 'The command ID is not valid.',
  invocationMissing: 'The specified command ID and instance ID do not match an invocation.',
  invalidFilter: (k: string, v: string) => `The filter value ${v} is not valid for ${k}.`,
  // [F] shaped like the configurePackage plugin's failure.
  noPackage: (name: string, version: string | undefined) =>
    `Failed to retrieve manifest: ResourceNotFoundException: Package ${name}${version ? ` version ${version}` : ''} was not found or is not Active.\nFailed to install package; install status Failed`,
};

interface Invocation {
  instanceId: string;
  rec: InstallRecord;
}

interface Command {
  commandId: string;
  documentName: string;
  parameters: Record<string, string[]>;
  comment: string | undefined;
  instanceIds: string[] | undefined;
  targets: { Key: string; Values: string[] }[] | undefined;
  maxConcurrency: string;
  maxErrors: string;
  timeoutSeconds: number;
  requested: Date;
  invocations: Invocation[];
}

const invocationStatus = (i: Invocation, now: number) => Fleet.state(i.rec, now);

function commandStatus(c: Command, now: number): string {
  const states = c.invocations.map((i) => invocationStatus(i, now));
  if (states.some((s) => s === 'InProgress')) return 'InProgress';
  return states.every((s) => s === 'Success') ? 'Success' : 'Failed';
}

export function commandService(parts: SsmParts): {
  ops: Record<CommandOp, Handler>;
  controls: CommandControls;
} {
  const commands: Command[] = [];

  const { start: pageStart, page: pageOut } = pager(parts.tokens);
  const byId = (id: string) => {
    const c = commands.find((x) => x.commandId === id);
    if (!c) throw new ApiError('InvalidCommandId', TEXT.invalidCommandId);
    return c;
  };

  const commandItem = (c: Command, now: number) => {
    const states = c.invocations.map((i) => invocationStatus(i, now));
    const status = commandStatus(c, now);
    return {
      CommandId: c.commandId,
      DocumentName: c.documentName,
      DocumentVersion: '$DEFAULT',
      ...(c.comment === undefined ? {} : { Comment: c.comment }),
      Parameters: structuredClone(c.parameters),
      InstanceIds: c.instanceIds ?? [],
      Targets: structuredClone(c.targets ?? []),
      RequestedDateTime: epoch(c.requested),
      Status: status,
      StatusDetails: status,
      MaxConcurrency: c.maxConcurrency,
      MaxErrors: c.maxErrors,
      TimeoutSeconds: c.timeoutSeconds,
      TargetCount: c.invocations.length,
      CompletedCount: states.filter((s) => s !== 'InProgress').length,
      ErrorCount: states.filter((s) => s !== 'InProgress' && s !== 'Success').length,
      DeliveryTimedOutCount: 0,
    };
  };

  const ops: Record<CommandOp, Handler> = {
    SendCommand: (b, ctx) => {
      const vs = new Violations();
      const documentName = str(b, 'DocumentName');
      const instanceIds = strList(b, 'InstanceIds');
      const targets = list(b, 'Targets', (x, i) => {
        const t = struct(x, `Targets.${i + 1}`);
        return { Key: str(t, 'Key') ?? '', Values: strList(t, 'Values') ?? [] };
      });
      const comment = str(b, 'Comment');
      const maxConcurrency = str(b, 'MaxConcurrency');
      const maxErrors = str(b, 'MaxErrors');
      const timeoutSeconds = num(b, 'TimeoutSeconds');
      const raw = b.Parameters;
      const parameters: Record<string, string[]> = {};
      if (raw !== undefined && raw !== null) {
        const p = struct(raw, 'Parameters');
        for (const [k, v] of Object.entries(p)) parameters[k] = strList(p, k) ?? (v === null ? [] : []);
      }
      vs.required('documentName', documentName);
      vs.length('instanceIds', instanceIds, 0, 50);
      (instanceIds ?? []).forEach((id, i) => vs.pattern(`instanceIds.${i + 1}.member`, id, INSTANCE));
      vs.length('targets', targets, 0, 5);
      (targets ?? []).forEach((t, i) => {
        vs.length(`targets.${i + 1}.member.key`, t.Key, 1, 163);
        vs.pattern(`targets.${i + 1}.member.key`, t.Key, TARGET_KEY);
        vs.length(`targets.${i + 1}.member.values`, t.Values, 0, 50);
      });
      vs.length('comment', comment, 0, 100);
      vs.length('maxConcurrency', maxConcurrency, 1, 7);
      vs.pattern('maxConcurrency', maxConcurrency, RATE);
      vs.length('maxErrors', maxErrors, 1, 7);
      vs.pattern('maxErrors', maxErrors, ERRORS);
      vs.range('timeoutSeconds', timeoutSeconds, 30, 2592000);
      vs.throwIfAny();
      if (documentName !== CONFIGURE_PACKAGE)
        throw new ApiError('InvalidDocument', TEXT.invalidDocument(documentName!));
      if (!instanceIds?.length && !targets?.length)
        throw new ApiError('ValidationException', 'Either InstanceIds or Targets must be specified.');
      if (instanceIds?.length && targets?.length)
        throw new ApiError('ValidationException', 'InstanceIds and Targets cannot both be specified.');
      const missing = (instanceIds ?? []).filter((id) => !parts.fleet.get(id));
      if (missing.length) throw new ApiError('InvalidInstanceId', TEXT.invalidInstance(missing));
      const action = parameters.action?.[0];
      if (action !== 'Install' && action !== 'Uninstall')
        throw new ApiError('InvalidParameters', 'Parameter "action" must be Install or Uninstall.');
      if (!parameters.name?.[0]) throw new ApiError('InvalidParameters', 'Parameter "name" is required.');
      const commandId = randomUUID();
      const pkg = parameters.name[0];
      const version = parameters.version?.[0] || undefined;
      const found = parts.packageVersion(parts.nameOf(pkg), version);
      const reached = instanceIds?.length
        ? [...new Set(instanceIds)].sort()
        : parts.fleet.resolve(targets ?? []);
      ctx.committed = true;
      const invocations = reached.map((instanceId): Invocation => {
        const rec = parts.fleet.start(instanceId, {
          package: pkg,
          version,
          action,
          installationType: parameters.installationType?.[0],
          via: 'command',
          by: commandId,
        });
        if (found?.status !== 'Active' && action === 'Install') {
          rec.outcome = {
            status: 'Failed',
            responseCode: 1,
            output: TEXT.noPackage(pkg, version),
            detailedStatus: 'Failed',
            doneAt: rec.outcome.doneAt ?? rec.at + parts.fleet.delayMs,
          };
        }
        return { instanceId, rec };
      });
      const c: Command = {
        commandId,
        documentName: documentName!,
        parameters,
        comment,
        instanceIds: instanceIds?.length ? instanceIds : undefined,
        targets: targets?.length ? targets : undefined,
        maxConcurrency: maxConcurrency ?? '50',
        maxErrors: maxErrors ?? '0',
        timeoutSeconds: timeoutSeconds ?? 3600,
        requested: new Date(),
        invocations,
      };
      commands.push(c);
      return { Command: commandItem(c, Date.now()) };
    },

    // Newest first; CommandId, or Filters (key/value, lower-case members).
    ListCommands: (b) => {
      const vs = new Violations();
      const commandId = str(b, 'CommandId');
      const instanceId = str(b, 'InstanceId');
      const filters = list(b, 'Filters', (x, i) => {
        const f = struct(x, `Filters.${i + 1}`);
        return { key: str(f, 'key'), value: str(f, 'value') };
      });
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      vs.length('commandId', commandId, 36, 36);
      vs.length('filters', filters, 1, 5);
      (filters ?? []).forEach((f, i) => {
        const p = `filters.${i + 1}.member`;
        if (vs.required(`${p}.key`, f.key)) vs.oneOf(`${p}.key`, f.key, FILTER_KEYS);
        if (vs.required(`${p}.value`, f.value)) vs.length(`${p}.value`, f.value, 1, undefined);
      });
      vs.range('maxResults', maxResults, 1, 50);
      vs.throwIfAny();
      if (commandId !== undefined) {
        if (!new RegExp(`^${UUID}$`).test(commandId))
          throw new ApiError('InvalidCommandId', TEXT.invalidCommandId);
        byId(commandId);
      }
      const now = Date.now();
      const tests = (filters ?? []).map((f) => {
        const v = f.value!;
        if (f.key === 'InvokedAfter' || f.key === 'InvokedBefore') {
          const at = Date.parse(v);
          if (Number.isNaN(at)) throw new ApiError('InvalidFilterValue', TEXT.invalidFilter(f.key, v));
          return (c: Command) =>
            f.key === 'InvokedAfter' ? c.requested.getTime() >= at : c.requested.getTime() <= at;
        }
        if (f.key === 'Status') return (c: Command) => commandStatus(c, now) === v;
        if (f.key === 'DocumentName') return (c: Command) => c.documentName === v;
        return (c: Command) =>
          v === 'Complete' ? commandStatus(c, now) !== 'InProgress' : commandStatus(c, now) === 'InProgress';
      });
      const all = commands
        .filter(
          (c) =>
            (commandId === undefined || c.commandId === commandId) &&
            (instanceId === undefined || c.invocations.some((i) => i.instanceId === instanceId)) &&
            tests.every((t) => t(c)),
        )
        .reverse();
      const name = JSON.stringify([commandId, instanceId, filters]);
      const { page, token } = pageOut(
        'ListCommands',
        name,
        all,
        pageStart('ListCommands', name, nextToken),
        maxResults ?? 50,
      );
      return { Commands: page.map((c) => commandItem(c, now)), ...(token ? { NextToken: token } : {}) };
    },

    ListCommandInvocations: (b) => {
      const vs = new Violations();
      const commandId = str(b, 'CommandId');
      const instanceId = str(b, 'InstanceId');
      const details = bool(b, 'Details') ?? false;
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      vs.length('commandId', commandId, 36, 36);
      vs.range('maxResults', maxResults, 1, 50);
      vs.throwIfAny();
      const now = Date.now();
      const pool = commandId === undefined ? commands : [byId(commandId)];
      const all = pool
        .flatMap((c) => c.invocations.map((i) => ({ c, i })))
        .filter(({ i }) => instanceId === undefined || i.instanceId === instanceId);
      const name = JSON.stringify([commandId, instanceId]);
      const { page, token } = pageOut(
        'ListCommandInvocations',
        name,
        all,
        pageStart('ListCommandInvocations', name, nextToken),
        maxResults ?? 50,
      );
      return {
        CommandInvocations: page.map(({ c, i }) => {
          const status = invocationStatus(i, now);
          const done = status !== 'InProgress';
          return {
            CommandId: c.commandId,
            InstanceId: i.instanceId,
            DocumentName: c.documentName,
            ...(c.comment === undefined ? {} : { Comment: c.comment }),
            RequestedDateTime: epoch(c.requested),
            Status: status,
            StatusDetails: done ? i.rec.outcome.detailedStatus : 'InProgress',
            ...(details
              ? {
                  CommandPlugins: [
                    {
                      Name: 'configurePackage',
                      Status: status,
                      StatusDetails: done ? i.rec.outcome.detailedStatus : 'InProgress',
                      ...(done ? { ResponseCode: i.rec.outcome.responseCode } : {}),
                      Output: done ? truncated(i.rec.outcome.output, LIST_OUTPUT) : '',
                    },
                  ],
                }
              : {}),
          };
        }),
        ...(token ? { NextToken: token } : {}),
      };
    },

    GetCommandInvocation: (b) => {
      const vs = new Violations();
      const commandId = str(b, 'CommandId');
      const instanceId = str(b, 'InstanceId');
      str(b, 'PluginName');
      if (vs.required('commandId', commandId)) vs.length('commandId', commandId, 36, 36);
      if (vs.required('instanceId', instanceId)) vs.pattern('instanceId', instanceId, INSTANCE);
      vs.throwIfAny();
      const c = byId(commandId!);
      const i = c.invocations.find((x) => x.instanceId === instanceId);
      if (!i) throw new ApiError('InvocationDoesNotExist', TEXT.invocationMissing);
      const status = invocationStatus(i, Date.now());
      const done = status !== 'InProgress';
      return {
        CommandId: c.commandId,
        InstanceId: i.instanceId,
        DocumentName: c.documentName,
        PluginName: 'configurePackage',
        ResponseCode: done ? i.rec.outcome.responseCode : -1,
        Status: status,
        StatusDetails: done ? i.rec.outcome.detailedStatus : 'InProgress',
        StandardOutputContent:
          done && status === 'Success' ? truncated(i.rec.outcome.output, GET_OUTPUT) : '',
        StandardErrorContent: done && status !== 'Success' ? truncated(i.rec.outcome.output, GET_OUTPUT) : '',
      };
    },
  };

  return {
    ops,
    controls: {
      commands: () => {
        const now = Date.now();
        return commands.map((c) => ({
          commandId: c.commandId,
          documentName: c.documentName,
          parameters: structuredClone(c.parameters),
          comment: c.comment,
          instanceIds: c.invocations.map((i) => i.instanceId),
          status: commandStatus(c, now),
        }));
      },
    },
  };
}

/** What the service keeps of a long output: its start, with a marker. */
function truncated(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 26)}\n---Output truncated---` : s;
}
