// The AWS-ConfigureAWSPackage associations of one package: ListAssociations (whose answer carries no
// parameters) of every page, then DescribeAssociation of each for its `name` and `version` parameters.
// One without a `version` (or an empty one) follows the default version; one with a version pins it. Used
// by the rollout (which starts the followers) and by pruning (which keeps the pinned versions). Everything
// read back is hostile: odd shapes are skipped, texts are bounded.
import { DescribeAssociationCommand, ListAssociationsCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { awsError, errorCode, serverText } from './aws-error.js';
import { type SsmCtx, ssmError } from './context.js';
import type { PinnedAssociation } from './rollout-types.js';
import { bounded } from './s3.js';

/** The State Manager document that installs Distributor packages. */
export const CONFIGURE_PACKAGE = 'AWS-ConfigureAWSPackage';
/** Associations examined at most (ListAssociations of AWS-ConfigureAWSPackage, every package's). */
export const MAX_ASSOCIATIONS = 5000;
/** DescribeAssociation calls in flight at once. */
const DESCRIBE_CONCURRENCY = 5;
/** ListAssociations pages read at most (50 each, so MAX_ASSOCIATIONS fit with room for short pages). */
const MAX_PAGES = 400;
/** Lengths of what is kept of server texts. */
export const MAX_ID = 128;
const MAX_NAME = 256;
const MAX_TARGETS_TEXT = 300;

export interface FoundAssociations {
  following: { associationId: string; associationName: string | undefined; targets: string }[];
  pinned: PinnedAssociation[];
}

/** The associations whose `name` parameter `names` accepts, split into those following the default and the pinned. */
export async function findAssociations(
  ctx: SsmCtx,
  names: (nameParameter: string) => boolean,
): Promise<FoundAssociations> {
  const ids: string[] = [];
  const known = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  const tokens = new Set<string>();
  try {
    do {
      const r = await ctx.ssm.send(
        new ListAssociationsCommand({
          AssociationFilterList: [{ key: 'Name', value: CONFIGURE_PACKAGE }],
          MaxResults: 50,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: ctx.signal },
      );
      const items: unknown = r.Associations;
      for (const a of Array.isArray(items) ? (items as unknown[]) : []) {
        const id = idOf((a as { AssociationId?: unknown } | null)?.AssociationId);
        if (id === undefined || known.has(id.toLowerCase())) continue;
        known.add(id.toLowerCase());
        ids.push(id);
      }
      if (ids.length > MAX_ASSOCIATIONS) {
        throw new ActionError(
          'limit',
          `More than ${MAX_ASSOCIATIONS} AWS-ConfigureAWSPackage associations in this account and region: too many to examine for ${ctx.name}.`,
          {
            hint: 'Start the associations of this package yourself (aws ssm start-associations-once) and set start-associations: false.',
          },
        );
      }
      token = typeof r.NextToken === 'string' && r.NextToken !== '' ? r.NextToken : undefined;
      // Pages that never end (empty pages, or a token that comes back) stop here, said as what they are.
      if (token !== undefined && (tokens.has(token) || ++pages > MAX_PAGES))
        throw new ActionError(
          'service',
          `ListAssociations of ${CONFIGURE_PACKAGE} did not end: ${pages} pages read (${ids.length} associations), ${tokens.has(token) ? 'and a page token came back again' : `more than ${MAX_PAGES} pages`}.`,
          {
            hint: 'Re-run; if it persists, start the associations yourself (aws ssm start-associations-once) and set start-associations: false.',
          },
        );
      if (token !== undefined) tokens.add(token);
    } while (token);
  } catch (e) {
    if (e instanceof ActionError) throw e;
    throw ssmError(ctx, 'ListAssociations', e);
  }
  const described = await bounded(ids, DESCRIBE_CONCURRENCY, (id) => describe(ctx, id, names));
  const out: FoundAssociations = { following: [], pinned: [] };
  for (const d of described) {
    if (!d) continue;
    if (d.version === undefined) out.following.push(d);
    else out.pinned.push({ ...d, version: d.version });
  }
  return out;
}

interface Described {
  associationId: string;
  associationName: string | undefined;
  targets: string;
  /** undefined: follows the default version. */
  version: string | undefined;
}

/** One association, when it installs this package (its `name` parameter accepted by `names`). */
async function describe(
  ctx: SsmCtx,
  id: string,
  names: (nameParameter: string) => boolean,
): Promise<Described | undefined> {
  let desc: unknown;
  try {
    const r = await ctx.ssm.send(new DescribeAssociationCommand({ AssociationId: id }), {
      abortSignal: ctx.signal,
    });
    desc = r.AssociationDescription;
  } catch (e) {
    if (errorCode(e) === 'AssociationDoesNotExist') return undefined; // deleted meanwhile
    throw awsError(e, { action: 'ssm:DescribeAssociation', subject: id });
  }
  if (!desc || typeof desc !== 'object') return undefined;
  const d = desc as { Parameters?: unknown; AssociationName?: unknown; Targets?: unknown; Name?: unknown };
  if (d.Name !== undefined && d.Name !== CONFIGURE_PACKAGE) return undefined;
  const name = firstParam(d.Parameters, 'name');
  if (name === undefined || !names(name)) return undefined;
  const version = firstParam(d.Parameters, 'version')?.trim();
  return {
    associationId: id,
    associationName:
      typeof d.AssociationName === 'string'
        ? serverText(d.AssociationName, process.env, MAX_NAME)
        : undefined,
    targets: targetsText(d.Targets),
    version: version ? serverText(version, process.env, MAX_NAME) : undefined,
  };
}

/** The first value of a parameter (`Parameters` maps names to lists of strings), when it has that shape. */
function firstParam(params: unknown, key: string): string | undefined {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return undefined;
  if (!Object.hasOwn(params, key)) return undefined;
  const v: unknown = (params as Record<string, unknown>)[key];
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return typeof v[0] === 'string' ? v[0] : undefined;
}

/** An id from the service, when it can be one (a bounded run of id characters). */
export function idOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= MAX_ID && /^[A-Za-z0-9-]+$/.test(v) ? v : undefined;
}

/** Targets as text: `tag:Role=web; InstanceIds=i-1,i-2`, bounded. */
function targetsText(targets: unknown): string {
  if (!Array.isArray(targets)) return '';
  const parts = (targets as unknown[]).slice(0, 10).map((t) => {
    const o = (t && typeof t === 'object' ? t : {}) as { Key?: unknown; Values?: unknown };
    const key = typeof o.Key === 'string' ? o.Key : '?';
    const values = Array.isArray(o.Values)
      ? (o.Values as unknown[]).slice(0, 50).filter((v) => typeof v === 'string')
      : [];
    return `${key}=${values.join(',')}`;
  });
  return serverText(parts.join('; '), process.env, MAX_TARGETS_TEXT);
}

/** Whether an AWS-ConfigureAWSPackage `name` parameter names this package (by name, or an ARN ending in it). */
export function namesPackage(param: string, name: string): boolean {
  if (param === name) return true;
  const m = /^arn:[^:]+:ssm:[^:]*:[^:]*:(?:document|package)\/(.+)$/.exec(param);
  return m?.[1] === name;
}
