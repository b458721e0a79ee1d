// What a run of a hostile tree must show, and what it did show: the expected rule ids or error, and none
// of a crash, a hang, a read outside the package, a write outside the output folder, a workflow command
// that is not the tool's own, or the canary token in any output.
import { annotations } from './runner.js';
import { MARK } from './hostile-sandbox.js';
import { md, tagsOf } from './markdown.js';
import { foreignCommands, workflowCommands } from './workflow-commands.js';

export type Runner = 'cli' | 'action';

/** The ActionError codes a tree may expect, with the error kind they come with. */
export const CODE_KINDS: Record<string, string> = { 'output-dir-unsafe': 'input' };

/** Any of these: a rule id (`a+b`: all of them), `*` (any error rule), `ok`, an ActionError code, `kind:<kind>`. */
export type Expect = string | readonly string[];

export const alternatives = (e: Expect): readonly string[] => (typeof e === 'string' ? [e] : e);

/** The CLI shows ActionError codes and kinds only in --json. */
export const wantsJson = (e: Expect): boolean =>
  alternatives(e).some((a) => a in CODE_KINDS || a.startsWith('kind:'));

export interface RunOutput {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
  /** The job summary (empty for the CLI). */
  summary: string;
  /** The GITHUB_OUTPUT file as written (empty for the CLI). */
  outputFile: string;
  outputs: Record<string, string>;
  json: boolean;
}

export interface Observed {
  /** Outside files and folders whose access time moved. */
  read: string[];
  /** Changes in the sandbox outside the output folder. */
  wrote: string[];
  /** Files written into the output folder that hold the canary. */
  outLeaks: string[];
}

export interface Verdict {
  tree: string;
  cls: string;
  runner: Runner;
  problems: string[];
  ms: number;
  crash: boolean;
  hang: boolean;
  readOutside: boolean;
  writeOutside: boolean;
  injection: boolean;
  leak: boolean;
}

interface Got {
  code: number | null;
  rules: Set<string>;
  errors: Set<string>;
  kind: string | undefined;
  errorCode: string | undefined;
}

const DIAG = /(?:^|: )([a-z0-9]+(?:-[a-z0-9]+)*) (error|warning|notice): /;

function cliGot(r: RunOutput): Got {
  const g: Got = { code: r.code, rules: new Set(), errors: new Set(), kind: undefined, errorCode: undefined };
  if (r.json) {
    try {
      const doc = JSON.parse(r.stdout) as {
        diagnostics?: { rule: string; severity: string }[];
        error?: { kind?: string; code?: string };
      };
      for (const d of doc.diagnostics ?? []) {
        g.rules.add(d.rule);
        if (d.severity === 'error') g.errors.add(d.rule);
      }
      g.kind = doc.error?.kind;
      g.errorCode = doc.error?.code;
    } catch {
      // not JSON: nothing recognised
    }
    return g;
  }
  for (const line of r.stdout.split('\n')) {
    const m = DIAG.exec(line);
    if (!m) continue;
    g.rules.add(m[1]!);
    if (m[2] === 'error') g.errors.add(m[1]!);
  }
  return g;
}

function actionGot(r: RunOutput): Got {
  const g: Got = { code: r.code, rules: new Set(), errors: new Set(), kind: undefined, errorCode: undefined };
  for (const a of annotations(r.stdout)) {
    const title = a.props.title;
    if (!title || title === 'artifact exists') continue;
    g.rules.add(title);
    if (a.level === 'error') g.errors.add(title);
  }
  g.kind = r.outputs['error-kind'];
  return g;
}

const cliExitOf = (kind: string) =>
  kind === 'input' || kind === 'package' ? 2 : kind === 'internal' ? 3 : 1;

function matches(alt: string, g: Got, runner: Runner): boolean {
  const cli = runner === 'cli';
  if (alt === 'ok') return g.code === 0 && g.errors.size === 0 && !g.kind;
  const codeKind = CODE_KINDS[alt];
  if (codeKind) return cli ? g.code === 2 && g.errorCode === alt : g.code === 1 && g.kind === codeKind;
  if (alt.startsWith('kind:')) {
    // An error of that kind, not rule findings (the action reports those as kind `package` too).
    const k = alt.slice(5);
    return g.code === (cli ? cliExitOf(k) : 1) && g.kind === k && g.errors.size === 0;
  }
  const failed = g.code === 1 && g.errors.size > 0 && (cli || g.kind === 'package');
  if (alt === '*') return failed;
  return failed && alt.split('+').every((id) => g.rules.has(id));
}

function describeGot(g: Got, r: RunOutput): string {
  const how = r.timedOut ? 'killed after 10 s' : r.signal ? `signal ${r.signal}` : `exit ${g.code}`;
  const kind = g.kind ? `, ${g.errorCode ? `${g.errorCode}/` : ''}${g.kind}` : '';
  const rules = [...g.rules].map((id) => (g.errors.has(id) ? id : `${id}(w)`)).join(' ');
  const said = (r.stderr.trim() || '').split('\n')[0]?.slice(0, 160);
  return `${how}${kind}, rules [${rules}]${said ? `, stderr "${said}"` : ''}`;
}

/** Command lines the runner would act on that are not the tool's own, or that carry an injected payload. */
function injectedCommands(text: string): string[] {
  const marked = workflowCommands(text).filter((c) => c.data.startsWith(MARK));
  return [...new Set([...foreignCommands(text), ...marked.map((c) => c.line)])];
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** The token, or either half of its random part (a quote cut short still shows one). */
export function holdsCanary(text: string | Buffer, token: string): boolean {
  const secret = token.slice('CANARY-'.length);
  const parts = [secret.slice(0, 12), secret.slice(12)];
  return parts.some((p) => text.includes(p));
}

export function judge(
  t: { id: string; cls: string; expect: Expect },
  runner: Runner,
  token: string,
  r: RunOutput,
  seen: Observed,
): Verdict {
  const g = runner === 'cli' ? cliGot(r) : actionGot(r);
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${t.id} [${runner}]: ${what}`);
  const alts = alternatives(t.expect);
  if (!alts.some((a) => matches(a, g, runner))) say(`expected ${alts.join(' | ')}; got ${describeGot(g, r)}`);
  const logs = `${r.stdout}\n${r.stderr}`;
  const hang = r.timedOut;
  const crash =
    !hang &&
    (STACK.test(logs) ||
      /Internal error/.test(logs) ||
      r.signal !== null ||
      (runner === 'cli' ? r.code === 3 : g.kind === 'internal'));
  if (hang) say('hang: killed after 10 s');
  if (crash) say(`crash: ${describeGot(g, r)}${STACK.test(logs) ? ' with a stack trace' : ''}`);
  const injected = injectedCommands(logs);
  if (injected.length) say(`workflow command injected: ${JSON.stringify(injected.slice(0, 3))}`);
  const leakedIn = [
    ...(holdsCanary(r.stdout, token) ? ['stdout'] : []),
    ...(holdsCanary(r.stderr, token) ? ['stderr'] : []),
    ...(holdsCanary(r.summary, token) ? ['job summary'] : []),
    ...(holdsCanary(r.outputFile, token) ? ['step outputs'] : []),
    ...seen.outLeaks,
  ];
  if (leakedIn.length) say(`canary in ${leakedIn.join(', ')}`);
  // The trees' names carry <img ...>; the summary's own markup never does.
  const markup = r.summary !== '' && tagsOf(md.render(r.summary)).includes('img');
  if (markup) say('an <img> tag from a name in the job summary');
  if (seen.read.length) say(`read outside the package: ${seen.read.join(', ')}`);
  if (seen.wrote.length) say(`wrote outside the output folder: ${seen.wrote.slice(0, 4).join(', ')}`);
  return {
    tree: t.id,
    cls: t.cls,
    runner,
    problems,
    ms: r.ms,
    crash,
    hang,
    readOutside: seen.read.length > 0 || leakedIn.length > 0,
    writeOutside: seen.wrote.length > 0,
    injection: injected.length > 0 || markup,
    leak: leakedIn.length > 0,
  };
}
