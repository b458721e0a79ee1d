// State Manager executions on the test SSM endpoint: StartAssociationsOnce, DescribeAssociationExecutions,
// DescribeAssociationExecutionTargets, with the targets' outcomes scripted through the fleet.
import type { SsmParts } from './ssm-parts.js';
import { ApiError, type Handler } from './ssm-wire.js';

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

export function rolloutService(_parts: SsmParts): {
  ops: Record<RolloutOp, Handler>;
  controls: RolloutControls;
} {
  const todo = () => {
    throw new ApiError('UnknownOperationException', '');
  };
  return {
    ops: {
      StartAssociationsOnce: todo,
      DescribeAssociationExecutions: todo,
      DescribeAssociationExecutionTargets: todo,
    },
    controls: { executions: () => [] },
  };
}
