// The local command line over the same core as the action.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildResult, buildPackage, UsageError } from './package/build.js';
import { RULES } from './package/catalogue.js';
import { previewText } from './package/hosts.js';
import { parseManifest } from './package/manifest.js';
import { resolveHost } from './package/resolve.js';
import type { Manifest } from './package/types.js';
import { countBySeverity, formatDiagnostic, plural } from './report/diagnostics.js';

const USAGE = `Usage: distributor <command> [options]

Commands:
  build [package-dir]      validate, then write the ZIPs and manifest.json
      --output-dir DIR       where to write them (default: distributor-build)
      --name NAME            package (SSM document) name; overrides the config
      --version VERSION      package version; overrides the config
      --json                 print the result as JSON instead of text
  validate [package-dir]   validate only; writes nothing (same options but --output-dir)
  resolve <manifest.json | package-dir> --platform P --platform-version V --arch A
                           print the file the SSM Agent would pick for that host,
                           or the agent's "no manifest found" text (exit 1)
  rules                    list the validation rules

Exit status: 0 success, 1 validation errors or no match, 2 usage error.
`;

class Usage extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'build':
    case 'validate':
      return buildCommand(command, rest);
    case 'resolve':
      return resolveCommand(rest);
    case 'rules':
      for (const [id, r] of Object.entries(RULES))
        process.stdout.write(`${id.padEnd(24)} ${r.severity.padEnd(8)} ${r.summary}\n`);
      return 0;
    default:
      throw new Usage(`Unknown command "${command}".`);
  }
}

async function buildCommand(command: 'build' | 'validate', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'output-dir': { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new Usage(`Expected one package folder, got ${positionals.length}.`);
  if (command === 'validate' && values['output-dir'])
    throw new Usage('validate writes nothing; use build --output-dir.');
  const r = await buildPackage({
    packageDir: positionals[0] ?? '.',
    outputDir: command === 'build' ? (values['output-dir'] ?? 'distributor-build') : undefined,
    name: values.name,
    version: values.version ? { value: values.version, source: '--version' } : undefined,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(jsonResult(r), null, 2)}\n`);
  else printResult(r, command);
  return r.ok ? 0 : 1;
}

function printResult(r: BuildResult, command: string): void {
  const out = process.stdout;
  for (const d of r.diagnostics) out.write(`${formatDiagnostic(d)}\n`);
  const c = countBySeverity(r.diagnostics);
  if (r.preview.length > 0) out.write(`\nWhich ZIP each host gets:\n${previewText(r.preview)}\n`);
  if (r.files.length > 0) {
    out.write('\n');
    for (const f of r.files)
      out.write(`${path.relative(process.cwd(), f.path)}  ${f.size} bytes  sha256 ${f.sha256}\n`);
    out.write(`${path.relative(process.cwd(), r.manifestPath!)}  sha256 ${r.manifestSha256}\n`);
  }
  const title = `${r.name ?? 'package'}${r.version ? ` ${r.version}` : ''}`;
  const tail = `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}`;
  out.write(
    `\n${r.ok ? '✔' : '✘'} ${title}: ${tail}${r.ok && command === 'build' ? `; built ${plural(r.files.length, 'ZIP')}` : ''}\n`,
  );
}

function jsonResult(r: BuildResult) {
  return {
    ok: r.ok,
    name: r.name,
    version: r.version,
    diagnostics: r.diagnostics,
    files: r.files.map((f) => ({ name: f.name, path: f.path, size: f.size, sha256: f.sha256 })),
    manifestPath: r.manifestPath,
    manifestSha256: r.manifestSha256,
    manifest: r.manifest,
    preview: r.preview,
  };
}

async function resolveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      platform: { type: 'string' },
      'platform-version': { type: 'string' },
      arch: { type: 'string' },
    },
  });
  const target = positionals[0];
  if (!target || positionals.length > 1)
    throw new Usage('resolve needs one manifest.json or package folder.');
  const { platform, arch } = values;
  const version = values['platform-version'];
  if (platform === undefined || version === undefined || arch === undefined) {
    throw new Usage(
      'resolve needs --platform, --platform-version and --arch (as the agent reports them, e.g. amazon 2023 arm64).',
    );
  }
  const manifest = await loadManifestFor(target);
  const res = resolveHost(manifest.packages, manifest.files, { platform, version, arch });
  if (res.ok) {
    process.stdout.write(`${res.file}\n`);
    process.stderr.write(`(matched ${res.keys.platform} / ${res.keys.version} / ${res.keys.arch})\n`);
    return 0;
  }
  process.stdout.write(`${res.message}\n`);
  return 1;
}

async function loadManifestFor(target: string): Promise<Manifest> {
  const st = await fs.stat(target).catch(() => undefined);
  if (!st) throw new Usage(`${target} does not exist.`);
  if (st.isFile()) {
    const { parsed, diagnostics } = parseManifest(await fs.readFile(target), target);
    if (!parsed.manifest) {
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      throw new Usage(`${target} is not a readable manifest.`);
    }
    return parsed.manifest;
  }
  const r = await buildPackage({ packageDir: target, version: { value: '0', source: 'resolve' } });
  if (!r.manifest) {
    for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    throw new Usage(`Cannot read the package mapping in ${target}.`);
  }
  return r.manifest;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof Usage || e instanceof UsageError || (e instanceof TypeError && 'code' in e)) {
      process.stderr.write(`distributor: ${(e as Error).message}\n${e instanceof Usage ? `\n${USAGE}` : ''}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `distributor: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 3;
    }
  },
);
