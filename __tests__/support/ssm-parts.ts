// What the parts of the test SSM endpoint beyond documents (State Manager executions in ssm-rollout.ts,
// Run Command in ssm-commands.ts) get from the core in ssm-server.ts.
import { randomUUID } from 'node:crypto';
import type { Fleet } from './ssm-fleet.js';
import { ApiError } from './ssm-wire.js';

/** A State Manager association as the endpoint keeps it. */
export interface AssociationState {
  associationId: string;
  /** The SSM document it runs (AWS-ConfigureAWSPackage for packages). */
  name: string;
  parameters: Record<string, string[]>;
  targets: { Key: string; Values: string[] }[];
  associationName: string | undefined;
  scheduleExpression: string | undefined;
  created: Date;
}

export interface SsmParts {
  region: string;
  accountId: string;
  /** By lower-case association id. */
  associations: Map<string, AssociationState>;
  fleet: Fleet;
  /** Name or `arn:…:document/<name>` → the document name (another account's ARN: a name no document has). */
  nameOf(nameOrArn: string): string;
  /** A Package document's version selected by version name, or its default version when `version` is empty. */
  packageVersion(
    name: string,
    version: string | undefined,
  ): { documentVersion: string; versionName: string | undefined; status: string } | undefined;
  /** Pagination tokens: opaque token → which operation, which list, where the next page starts. */
  tokens: Map<string, { op: string; name: string; after: number }>;
}

const INVALID_NEXT_TOKEN = "The specified token isn't valid.";

/** Pagination over `tokens`: where a page starts (InvalidNextToken for a token of another list) and the page. */
export function pager(tokens: SsmParts['tokens']) {
  return {
    start(op: string, name: string, nextToken: string | undefined): number {
      if (nextToken === undefined) return 0;
      const t = tokens.get(nextToken);
      if (t?.op !== op || t.name !== name) throw new ApiError('InvalidNextToken', INVALID_NEXT_TOKEN);
      return t.after;
    },
    page<T>(
      op: string,
      name: string,
      all: T[],
      after: number,
      limit: number,
    ): { page: T[]; token: string | undefined } {
      const page = all.slice(after, after + limit);
      let token: string | undefined;
      if (all.length > after + limit) {
        token = Buffer.from(`${randomUUID()}:${randomUUID()}`).toString('base64');
        tokens.set(token, { op, name, after: after + limit });
      }
      return { page, token };
    },
  };
}
