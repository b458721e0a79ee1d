// State Manager executions on the test SSM endpoint: StartAssociationsOnce, DescribeAssociationExecutions,
// DescribeAssociationExecutionTargets, with the targets' outcomes scripted through the fleet.
//
// Each StartAssociationsOnce creates one execution per association (the ids given twice in one call run
// once), right away: its targets are what the association's targets resolve to in the fleet at that moment,
// and each target's install starts then (Fleet.start, via 'association'). A package (the `name` parameter)
// or version the endpoint does not hold, or one that is not Active, makes the install fail as the agent
// reports it. Statuses are read lazily: a target is InProgress until its install is done, then its outcome;
// the execution is InProgress while any target is, then Success when every target succeeded, else Failed.
// Choices the public record leaves open, marked [F]: an execution without targets is Success at once with
// `ResourceCountByStatus` `{}`; ResourceCountByStatus lists the statuses alphabetically, `{Failed=1,
// Success=2}`; one unknown id refuses the whole call (AssociationDoesNotExist, nothing started), as the
// model declares the error for the call; ExecutionId filters only take EQUAL (ValidationException
// otherwise); every target carries an OutputSource of type RunCommand naming a command id.
import { randomUUID } from 'node:crypto';
import { Fleet, type InstallRecord } from './ssm-fleet.js';
import { pager, type SsmParts } from './ssm-parts.js';
import { ApiError, epoch, type Handler, list, num, str, strList, struct, Violations } from './ssm-wire.js';

export type RolloutOp =
  'StartAssociationsOnce' | 'DescribeAssociationExecutions' | 'DescribeAssociationExecutionTargets';

export interface ExecutionView {
  associationId: string;
  executionId: string;
  /** Pending / InProgress / Success / Failed, as of now. */
  status: string;
  createdTime: Date;
  targets: { resourceId: string; status: string; detailedStatus: string }[];
}

export interface RolloutControls {
  /** Executions of one association (or all), oldest first. */
  executions(associationId?: string): ExecutionView[];
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const EXECUTION_FILTER_KEYS = ['ExecutionId', 'Status', 'CreatedTime'] as const;
const FILTER_TYPES = ['EQUAL', 'LESS_THAN', 'GREATER_THAN'] as const;
const TARGET_FILTER_KEYS = ['Status', 'ResourceId', 'ResourceType'] as const;

const TEXT = {
  // [F] the model documents these errors without a message.
  associationMissing: "The specified association doesn't exist.",
  executionMissing: "The specified execution ID doesn't exist. Verify the ID and try again.",
  // [F]
  executionIdType: (t: string) => `The ExecutionId filter supports only the EQUAL type, not ${t}.`,
  statusType: (t: string) => `The Status filter supports only the EQUAL type, not ${t}.`,
  badTime: (v: string) => `The CreatedTime filter value ${v} is not a valid timestamp.`,
  // [F] shaped like the agent's configurePackage failure.
  noPackage: (name: string, version: string | undefined) =>
    `Failed to install package; install status Failed. Package ${name}${version ? ` version ${version}` : ''} was not found or is not Active.`,
};

interface Target {
  resourceId: string;
  rec: InstallRecord;
  commandId: string;
}

interface Execution {
  associationId: string;
  executionId: string;
  created: Date;
  targets: Target[];
}

const targetStatus = (t: Target, now: number) => Fleet.state(t.rec, now);
const targetDetail = (t: Target, now: number) =>
  targetStatus(t, now) === 'InProgress' ? 'InProgress' : t.rec.outcome.detailedStatus;

function executionStatus(x: Execution, now: number): string {
  const states = x.targets.map((t) => targetStatus(t, now));
  if (states.some((s) => s === 'InProgress')) return 'InProgress';
  return states.every((s) => s === 'Success') ? 'Success' : 'Failed';
}

/** `{Failed=1, Success=2}`: the targets per status, as the service writes ResourceCountByStatus. */
function countByStatus(x: Execution, now: number): string {
  const counts = new Map<string, number>();
  for (const t of x.targets) {
    const s = targetStatus(t, now);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const parts = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, n]) => `${s}=${n}`);
  return `{${parts.join(', ')}}`;
}

function lastDate(x: Execution, now: number): Date {
  let last = x.created.getTime();
  for (const t of x.targets) {
    const done = t.rec.outcome.doneAt;
    if (done !== undefined && done <= now) last = Math.max(last, done);
  }
  return new Date(last);
}

export function rolloutService(parts: SsmParts): {
  ops: Record<RolloutOp, Handler>;
  controls: RolloutControls;
} {
  const executions: Execution[] = [];

  const association = (id: string) => {
    const a = parts.associations.get(id.toLowerCase());
    if (!a) throw new ApiError('AssociationDoesNotExist', TEXT.associationMissing);
    return a;
  };

  const { start: pageStart, page: pageOut } = pager(parts.tokens);

  const start = (associationId: string) => {
    const a = association(associationId);
    const pkg = a.parameters.name?.[0] ?? '';
    const version = a.parameters.version?.[0];
    const installs = {
      package: pkg,
      version: version === '' ? undefined : version,
      action: a.parameters.action?.[0] ?? 'Install',
      installationType: a.parameters.installationType?.[0],
      via: 'association' as const,
      by: a.associationId,
    };
    const found = parts.packageVersion(parts.nameOf(pkg), installs.version);
    const targets = parts.fleet.resolve(a.targets).map((resourceId): Target => {
      const rec = parts.fleet.start(resourceId, installs);
      if (found?.status !== 'Active' && installs.action === 'Install') {
        rec.outcome = {
          status: 'Failed',
          responseCode: 1,
          output: TEXT.noPackage(pkg, installs.version),
          detailedStatus: 'Failed',
          doneAt: rec.outcome.doneAt ?? rec.at + parts.fleet.delayMs,
        };
      }
      return { resourceId, rec, commandId: randomUUID() };
    });
    executions.push({
      associationId: a.associationId,
      executionId: randomUUID(),
      created: new Date(),
      targets,
    });
  };

  const ops: Record<RolloutOp, Handler> = {
    // §3.13: 1..10 association ids; each runs once now.
    StartAssociationsOnce: (b, ctx) => {
      const vs = new Violations();
      const ids = strList(b, 'AssociationIds');
      if (vs.required('associationIds', ids)) vs.length('associationIds', ids, 1, 10);
      (ids ?? []).forEach((id, i) => vs.pattern(`associationIds.${i + 1}.member`, id, UUID));
      vs.throwIfAny();
      const unique = [...new Set(ids!.map((id) => id.toLowerCase()))];
      for (const id of unique) association(id);
      ctx.committed = true;
      for (const id of unique) start(id);
      return {};
    },

    // §3.14: newest first; Filters ExecutionId/Status (EQUAL) and CreatedTime (EQUAL, LESS_THAN, GREATER_THAN).
    DescribeAssociationExecutions: (b) => {
      const vs = new Violations();
      const id = str(b, 'AssociationId');
      const filters = list(b, 'Filters', (x, i) => {
        const f = struct(x, `Filters.${i + 1}`);
        return { key: str(f, 'Key'), value: str(f, 'Value'), type: str(f, 'Type') };
      });
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      if (vs.required('associationId', id)) vs.pattern('associationId', id, UUID);
      vs.length('filters', filters, 1, undefined);
      (filters ?? []).forEach((f, i) => {
        const p = `filters.${i + 1}.member`;
        if (vs.required(`${p}.key`, f.key)) vs.oneOf(`${p}.key`, f.key, EXECUTION_FILTER_KEYS);
        if (vs.required(`${p}.value`, f.value)) vs.length(`${p}.value`, f.value, 1, undefined);
        if (vs.required(`${p}.type`, f.type)) vs.oneOf(`${p}.type`, f.type, FILTER_TYPES);
      });
      vs.range('maxResults', maxResults, 1, 50);
      vs.throwIfAny();
      const a = association(id!);
      const now = Date.now();
      const tests = (filters ?? []).map((f) => {
        const value = f.value!;
        if (f.key === 'ExecutionId') {
          if (f.type !== 'EQUAL') throw new ApiError('ValidationException', TEXT.executionIdType(f.type!));
          return (x: Execution) => x.executionId === value.toLowerCase();
        }
        if (f.key === 'Status') {
          if (f.type !== 'EQUAL') throw new ApiError('ValidationException', TEXT.statusType(f.type!));
          return (x: Execution) => executionStatus(x, now) === value;
        }
        const at = Date.parse(value);
        if (Number.isNaN(at)) throw new ApiError('ValidationException', TEXT.badTime(value));
        return (x: Execution) => {
          const t = x.created.getTime();
          return f.type === 'EQUAL' ? t === at : f.type === 'LESS_THAN' ? t < at : t > at;
        };
      });
      const all = executions
        .filter((x) => x.associationId === a.associationId && tests.every((t) => t(x)))
        .reverse();
      const after = pageStart('DescribeAssociationExecutions', a.associationId, nextToken);
      const { page, token } = pageOut(
        'DescribeAssociationExecutions',
        a.associationId,
        all,
        after,
        maxResults ?? 50,
      );
      const out: Record<string, unknown> = {
        AssociationExecutions: page.map((x) => {
          const status = executionStatus(x, now);
          return {
            AssociationId: x.associationId,
            AssociationVersion: '1',
            ExecutionId: x.executionId,
            Status: status,
            DetailedStatus: status,
            CreatedTime: epoch(x.created),
            LastExecutionDate: epoch(lastDate(x, now)),
            ResourceCountByStatus: countByStatus(x, now),
          };
        }),
      };
      if (token) out.NextToken = token;
      return out;
    },

    // §3.14: the targets of one execution, by resource id; Filters Status/ResourceId/ResourceType (EQUAL).
    DescribeAssociationExecutionTargets: (b) => {
      const vs = new Violations();
      const id = str(b, 'AssociationId');
      const executionId = str(b, 'ExecutionId');
      const filters = list(b, 'Filters', (x, i) => {
        const f = struct(x, `Filters.${i + 1}`);
        return { key: str(f, 'Key'), value: str(f, 'Value') };
      });
      const maxResults = num(b, 'MaxResults');
      const nextToken = str(b, 'NextToken');
      if (vs.required('associationId', id)) vs.pattern('associationId', id, UUID);
      if (vs.required('executionId', executionId)) vs.pattern('executionId', executionId, UUID);
      vs.length('filters', filters, 1, undefined);
      (filters ?? []).forEach((f, i) => {
        const p = `filters.${i + 1}.member`;
        if (vs.required(`${p}.key`, f.key)) vs.oneOf(`${p}.key`, f.key, TARGET_FILTER_KEYS);
        if (vs.required(`${p}.value`, f.value)) vs.length(`${p}.value`, f.value, 1, undefined);
      });
      vs.range('maxResults', maxResults, 1, 50);
      vs.throwIfAny();
      const a = association(id!);
      const x = executions.find(
        (e) => e.associationId === a.associationId && e.executionId === executionId!.toLowerCase(),
      );
      if (!x) throw new ApiError('AssociationExecutionDoesNotExist', TEXT.executionMissing);
      const now = Date.now();
      const all = x.targets.filter((t) =>
        (filters ?? []).every((f) =>
          f.key === 'Status'
            ? targetStatus(t, now) === f.value
            : f.key === 'ResourceId'
              ? t.resourceId === f.value
              : f.value === 'ManagedInstance',
        ),
      );
      const name = `${x.associationId}/${x.executionId}`;
      const after = pageStart('DescribeAssociationExecutionTargets', name, nextToken);
      const { page, token } = pageOut(
        'DescribeAssociationExecutionTargets',
        name,
        all,
        after,
        maxResults ?? 50,
      );
      const out: Record<string, unknown> = {
        AssociationExecutionTargets: page.map((t) => {
          const done = t.rec.outcome.doneAt;
          return {
            AssociationId: x.associationId,
            AssociationVersion: '1',
            ExecutionId: x.executionId,
            ResourceId: t.resourceId,
            ResourceType: 'ManagedInstance',
            Status: targetStatus(t, now),
            DetailedStatus: targetDetail(t, now),
            LastExecutionDate: epoch(new Date(done !== undefined && done <= now ? done : t.rec.at)),
            OutputSource: { OutputSourceId: t.commandId, OutputSourceType: 'RunCommand' },
          };
        }),
      };
      if (token) out.NextToken = token;
      return out;
    },
  };

  const view = (x: Execution): ExecutionView => {
    const now = Date.now();
    return {
      associationId: x.associationId,
      executionId: x.executionId,
      status: executionStatus(x, now),
      createdTime: new Date(x.created),
      targets: x.targets.map((t) => ({
        resourceId: t.resourceId,
        status: targetStatus(t, now),
        detailedStatus: targetDetail(t, now),
      })),
    };
  };

  return {
    ops,
    controls: {
      executions: (associationId) =>
        executions
          .filter((x) => associationId === undefined || x.associationId === associationId.toLowerCase())
          .map(view),
    },
  };
}
