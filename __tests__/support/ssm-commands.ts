// Run Command on the test SSM endpoint: SendCommand of AWS-ConfigureAWSPackage, ListCommands,
// ListCommandInvocations, GetCommandInvocation, with each instance's outcome scripted through the fleet.
import type { SsmParts } from './ssm-parts.js';
import { ApiError, type Handler } from './ssm-wire.js';

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

export function commandService(_parts: SsmParts): {
  ops: Record<CommandOp, Handler>;
  controls: CommandControls;
} {
  const todo = () => {
    throw new ApiError('UnknownOperationException', '');
  };
  return {
    ops: { SendCommand: todo, ListCommands: todo, ListCommandInvocations: todo, GetCommandInvocation: todo },
    controls: { commands: () => [] },
  };
}
