// Who the run acts as, and the ARN of the package document in that account and region (what other
// accounts, associations and commands may name it by).
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsError } from './aws-error.js';
import type { StepCtx } from './context.js';

export interface Identity {
  /** The document's ARN. */
  arn: string;
  partition: string;
  /** The caller's own ARN (for the log). */
  caller: string;
}

/** GetCallerIdentity needs no permission, so a failure is about credentials or the endpoint. */
export async function whoAmI(sts: STSClient, ctx: StepCtx, region: string, name: string): Promise<Identity> {
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: ctx.signal });
    const partition = id.Arn?.split(':')[1] ?? 'aws';
    return {
      arn: `arn:${partition}:ssm:${region}:${id.Account}:document/${name}`,
      partition,
      caller: id.Arn ?? '',
    };
  } catch (e) {
    throw awsError(e, { action: 'sts:GetCallerIdentity' });
  }
}
