// What the parts of the test SSM endpoint beyond documents (State Manager executions in ssm-rollout.ts,
// Run Command in ssm-commands.ts) get from the core in ssm-server.ts.
import type { Fleet } from './ssm-fleet.js';

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
