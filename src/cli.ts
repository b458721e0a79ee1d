// The local command line over the same modes and the same renderer as the action.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { ActionError, exitCodeOf, scrubSecrets, toActionError } from './errors.js';
import { validate } from './modes/validate.js';
import { ruleList } from './package/rules/catalogue.js';
import { readManifestMapping, readMapping } from './package/mapping.js';
import { resolveHost } from './package/resolve.js';
import { didYouMean } from './package/source/suggest.js';
import type { PackageMapping } from './package/types.js';
import { cliJson, cliText, type CliReport, debugStack } from './report/cli.js';
import { formatDiagnostic } from './report/diagnostics.js';
import { oneLine, printable } from './report/escape.js';

type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  usage: string;
  summary: string;
  help: string;
  options: Options;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<CliReport>;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

const COMMANDS: Record<string, Command> = {
  build: {
    usage: 'build [package-dir] [--output-dir DIR] [--name NAME] [--version VERSION] [--json]',
    summary: 'validate, then write the ZIPs and manifest.json',
    help: `  --output-dir DIR    where to write them (default: distributor-build)
  --name NAME         package (SSM document) name; overrides the config
  --version VERSION   package version; overrides the config
  --json              print the result as JSON instead of text`,
    options: {
      'output-dir': { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      json: { type: 'boolean' },
    },
    run: (v, p) => buildCommand('build', v, p),
  },
  validate: {
    usage: 'validate [package-dir] [--name NAME] [--version VERSION] [--json]',
    summary: 'validate only; writes nothing',
    help: `  --name NAME         package (SSM document) name; overrides the config
  --version VERSION   package version; overrides the config
  --json              print the result as JSON instead of text`,
    options: { name: { type: 'string' }, version: { type: 'string' }, json: { type: 'boolean' } },
    run: (v, p) => buildCommand('validate', v, p),
  },
  resolve: {
    usage:
      'resolve <manifest.json | package-dir | distributor.yaml> --platform P --platform-version V --arch A',
    summary: 'print the file the SSM Agent would pick for that host (exit 1 when none)',
    help: `  --platform P          platform name as the agent reports it (amazon, ubuntu, windows, ...)
  --platform-version V  platform version as the agent reports it (2023, 22.04, 10.0.20348, ...)
  --arch A              architecture (x86_64, arm64, ...)
  --version V           package version for \`{version}\` in ZIP names (default: the config's \`version\`)
When nothing matches, prints the agent's own "no manifest found" text and exits 1.`,
    options: {
      platform: { type: 'string' },
      'platform-version': { type: 'string' },
      arch: { type: 'string' },
      version: { type: 'string' },
    },
    run: resolveCommand,
  },
  rules: {
    usage: 'rules',
    summary: 'list the validation rules',
    help: '',
    options: {},
    run: async () => ({ stdout: rulesText(), stderr: '', code: 0 }),
  },
};

const EXIT_CODES = 'Exit status: 0 success, 1 problems found or no match, 2 usage error, 3 internal error.';

function usage(): string {
  const lines = ['Usage: distributor <command> [options]', '', 'Commands:'];
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push(
    '',
    'distributor <command> --help   help for one command',
    'distributor --version',
    '',
    EXIT_CODES,
  );
  return `${lines.join('\n')}\n`;
}

function commandHelp(c: Command): string {
  return `Usage: distributor ${c.usage}\n\n${c.summary}\n${c.help ? `\n${c.help}\n` : ''}\n${EXIT_CODES}\n`;
}

const usageError = (message: string, hint?: string) => new ActionError('input', message, { hint });

async function main(argv: string[]): Promise<CliReport> {
  const [name, ...rest] = argv;
  if (name === undefined) return { stdout: '', stderr: usage(), code: 2 };
  if (name === '--help' || name === '-h' || name === 'help') return { stdout: usage(), stderr: '', code: 0 };
  if (name === '--version' || name === '-V') return { stdout: `${pkg.version}\n`, stderr: '', code: 0 };
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const guess = didYouMean(name, Object.keys(COMMANDS));
    throw usageError(
      `Unknown command "${oneLine(name)}".${guess ? ` Did you mean "${guess}"?` : ''}`,
      'Run distributor --help for the commands.',
    );
  }
  const parsed = parseCommandArgs(name, command, rest);
  if (parsed.values.help) return { stdout: commandHelp(command), stderr: '', code: 0 };
  return command.run(parsed.values, parsed.positionals);
}

function parseCommandArgs(name: string, c: Command, args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...c.options, ...HELP_OPTION },
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) throw e;
    const bad = /'(-{1,2}[^']+)'/.exec((e as Error).message)?.[1];
    const known = Object.keys(c.options).map((o) => `--${o}`);
    const guess = bad && code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? didYouMean(bad, known) : undefined;
    throw usageError(
      `${(e as Error).message.split('.')[0]}.${guess ? ` Did you mean "${guess}"?` : ''}`,
      `Run distributor ${name} --help for its options.`,
    );
  }
}

async function buildCommand(
  command: 'build' | 'validate',
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
): Promise<CliReport> {
  if (positionals.length > 1) throw usageError(`Expected one package folder, got ${positionals.length}.`);
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const name = str('name');
  const version = str('version');
  const outcome = await validate({
    build: {
      packageDir: positionals[0] ?? '.',
      outputDir: command === 'build' ? (str('output-dir') ?? 'distributor-build') : undefined,
      name: name === undefined ? undefined : { value: name, source: '--name' },
      version: version === undefined ? undefined : { value: version, source: '--version' },
      versionHint: 'pass --version',
      nameHint: 'pass --name',
    },
    failOnWarnings: false,
  });
  return values.json ? cliJson(outcome) : cliText(outcome, command);
}

function rulesText(): string {
  return ruleList()
    .map(([id, r]) => `${id.padEnd(24)} ${r.severity.padEnd(8)} ${r.summary}\n`)
    .join('');
}

async function resolveCommand(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
): Promise<CliReport> {
  const target = positionals[0];
  if (!target || positionals.length > 1)
    throw usageError('resolve needs one manifest.json or package folder.');
  const [platform, version, arch] = [values.platform, values['platform-version'], values.arch];
  if (typeof platform !== 'string' || typeof version !== 'string' || typeof arch !== 'string') {
    throw usageError(
      'resolve needs --platform, --platform-version and --arch (as the agent reports them, e.g. amazon 2023 arm64).',
    );
  }
  const pkgVersion = typeof values.version === 'string' ? values.version : undefined;
  const loaded = await loadManifestFor(target, pkgVersion);
  if ('problems' in loaded) return { stdout: '', stderr: loaded.problems, code: 1 };
  const m = loaded.manifest;
  const res = resolveHost(m.packages, m.files, { platform, version, arch });
  if (res.ok) {
    const keys = `(matched ${res.keys.platform} / ${res.keys.version} / ${res.keys.arch})`;
    return { stdout: `${oneLine(res.file)}\n`, stderr: `${oneLine(keys)}\n`, code: 0 };
  }
  return { stdout: `${oneLine(res.message)}\n`, stderr: '', code: 1 };
}

async function loadManifestFor(
  target: string,
  version: string | undefined,
): Promise<{ manifest: PackageMapping } | { problems: string }> {
  const st = await fs.stat(target).catch(() => undefined);
  if (!st) throw usageError(`${oneLine(target)} does not exist.`);
  // The config file itself stands for its package folder.
  const config = st.isFile() && /^distributor\.(ya?ml|json)$/.test(path.basename(target));
  const read =
    st.isFile() && !config
      ? readManifestMapping(await fs.readFile(target), target)
      : await readMapping({ packageDir: config ? path.dirname(target) : target, version });
  if (read.mapping) return { manifest: read.mapping };
  const lines = read.diagnostics.map((d) => oneLine(formatDiagnostic(d)));
  lines.push(`distributor: cannot read the package mapping in ${oneLine(target)}.`);
  return { problems: `${lines.join('\n')}\n` };
}

// A reader that goes away (`distributor rules | head`) is not an error: stop writing, keep the exit code.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** What reaches the terminal: no credential of the environment, no control character but the line breaks. */
const write = (stream: NodeJS.WriteStream, text: string) => {
  if (text) stream.write(printable(scrubSecrets(text)));
};

main(process.argv.slice(2)).then(
  (r) => {
    process.exitCode = r.code;
    write(process.stderr, r.stderr);
    write(process.stdout, r.stdout);
  },
  (e: unknown) => {
    const err = toActionError(e);
    const stack = debugStack(err);
    const help = err.hint ? `\n  ${err.hint}` : '';
    process.exitCode = exitCodeOf(err.kind);
    write(process.stderr, `distributor: ${err.message}${help}${stack ? `\n${stack}` : ''}\n`);
  },
);
