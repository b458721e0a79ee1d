// How the GitHub runner reads a step's output: which lines it takes as workflow commands. Mirrors
// actions/runner (ActionCommandManager.TryProcessCommand): the `::name props::data` form when the line starts
// with `::` after leading whitespace, else the legacy `##[name props]data` form anywhere in the line, for
// the registered command names only. Line splitting is the widest the runner could do (CR, LF or CRLF).

/** The command names the runner acts on. */
export const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
] as const;

/** The commands this tool issues itself through @actions/core (add-mask only for the credentials). */
export const OWN = ['group', 'endgroup', 'debug', 'error', 'warning', 'notice', 'add-mask'] as const;

export interface SeenCommand {
  line: string;
  name: string;
  data: string;
}

/** What .NET's String.TrimStart removes (Char.IsWhiteSpace), with U+180E and U+FEFF to err on the safe side. */
const LEADING = /^[\s\u0085\u180e\ufeff]+/u;

const registered = (name: string) => (REGISTERED as readonly string[]).includes(name);

function modern(line: string): SeenCommand | undefined {
  const msg = line.replace(LEADING, '');
  if (!msg.startsWith('::')) return undefined;
  const end = msg.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = msg.slice(2, end);
  const name = info.split(' ')[0] ?? '';
  return registered(name) ? { line, name, data: msg.slice(end + 2) } : undefined;
}

function legacy(line: string): SeenCommand | undefined {
  const at = line.indexOf('##[');
  if (at < 0) return undefined;
  const close = line.indexOf(']', at);
  if (close < 0) return undefined;
  const name = line.slice(at + 3, close).split(' ')[0] ?? '';
  return registered(name) ? { line, name, data: line.slice(close + 1) } : undefined;
}

/** The command the runner reads in one line, if any. */
export function commandOf(line: string): SeenCommand | undefined {
  return modern(line) ?? legacy(line);
}

/** Every line of an output stream that the runner would act on. */
export function workflowCommands(stream: string): SeenCommand[] {
  return stream
    .split(/\r\n|\r|\n/)
    .map(commandOf)
    .filter((c): c is SeenCommand => c !== undefined);
}

/**
 * The command lines of `stream` that are not this tool's own: anything but group, endgroup, debug and the
 * annotations, and `add-mask` of anything but `masks` (the credentials). Empty when the log is clean.
 */
export function foreignCommands(stream: string, masks: readonly string[] = []): string[] {
  return workflowCommands(stream)
    .filter((c) => {
      if (c.name === 'add-mask') return !masks.includes(c.data);
      return !(OWN as readonly string[]).includes(c.name);
    })
    .map((c) => c.line);
}

/** The values the run registered with `::add-mask::`. */
export const maskedValues = (stream: string): string[] =>
  workflowCommands(stream)
    .filter((c) => c.name === 'add-mask')
    .map((c) => c.data);
