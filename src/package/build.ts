// Validates and builds a package in named stages, each handing one model to the next:
//   locate → read the source → decide name and version → scan payloads → run rules → draft the manifest
//   and preview → write the ZIPs and manifest.json.
// Problems with the package are diagnostics; a package or output folder that cannot be used at all is an
// ActionError. Nothing here knows who asked: the caller's `source` strings say where a value came from.
import path from 'node:path';
import { failing, manifestFor, statedChecksums, writeOutput } from './stages/output.js';
import { groupDiagnostics } from './group.js';
import { MANIFEST, type PackageModel, type Place, type Source } from './stages/model.js';
import { checkOutputDir, checkOutputOverlap } from './stages/outdir.js';
import { scanPayloads } from './stages/scan.js';
import { locate, payloadsOf, readSource } from './stages/source.js';
import { previewFor } from './stages/preview.js';
import { unversionedNameChecks, versionFileNames } from './stages/versioned.js';
import { HOSTS, type PreviewRow } from './hosts.js';
import { manifestProblems, mappingFrom } from './manifest/index.js';
import { diag, hasErrors } from './rules/catalogue.js';
import { applyOverrides } from './rules/overrides.js';
import { checkName, checkVersion } from './rules/names.js';
import { checkFileCount, checkPayload, checkStatedSizes, checkUndeclared } from './rules/payload.js';
import { checkShadowing } from './rules/shadow.js';
import { checkScriptKinds } from './rules/scripts.js';
import { checkTargets } from './rules/targets.js';
import type { BuiltFile, Diagnostic, Manifest, PackageMapping, PayloadModel, Setting } from './types.js';

/** A value the caller gives, and how the caller names where it came from (e.g. "the `version` input"). */
export interface Given {
  value: string;
  source: string;
}

export interface BuildRequest {
  /** The package folder. */
  packageDir: string;
  /** Where to write the ZIPs and manifest.json; omit to validate only. */
  outputDir?: string | undefined;
  /** The package name; wins over the config's (and the package folder's name). */
  name?: Given | undefined;
  /** The version; wins over the config's and a prebuilt manifest's. */
  version?: Given | undefined;
  /** The caller's advice when no version is found anywhere, e.g. "set the `version` input". */
  versionHint?: string | undefined;
  /** The caller's way to choose a name where no config can set one, e.g. "pass --name". */
  nameHint?: string | undefined;
  /** Base for display paths in diagnostics (default: the working directory). */
  cwd?: string | undefined;
  /** For SOURCE_DATE_EPOCH (default: process.env). */
  env?: Record<string, string | undefined> | undefined;
}

interface BuildReport {
  /** Every problem, `rules:` applied, identical ones grouped, the most important first (group.ts). */
  diagnostics: Diagnostic[];
  /** How the package folder was read. */
  source: 'config' | 'manifest' | undefined;
  name: string | undefined;
  version: string | undefined;
  /** As built; when validating only, with placeholder checksums for the ZIPs still to build. */
  manifest: Manifest | undefined;
  /** Which ZIP each common host gets. */
  preview: PreviewRow[];
}

export interface BuiltOutput {
  dir: string;
  manifestPath: string;
  manifestSha256: string;
  manifestBytes: number;
  files: BuiltFile[];
}

export type BuildResult =
  | (BuildReport & {
      ok: true;
      name: string;
      version: string;
      manifest: Manifest;
      output: BuiltOutput | undefined;
    })
  | (BuildReport & { ok: false; output?: undefined });

export async function buildPackage(req: BuildRequest): Promise<BuildResult> {
  const place = await locate(req);
  const outReal = await checkOutputDir(place);
  const ds: Diagnostic[] = [];
  const { kind, read } = await readSource(place, ds);
  if (!read) return finish(ds, undefined, { kind });
  const payloads = await payloadsOf(place, read, ds);
  // Payloads that left the package are errors already (and nothing is written): report those first.
  if (!hasErrors(ds)) await checkOutputOverlap(place, outReal, payloads);
  const model = decide(req, place, read, payloads, ds);
  versionFileNames(model);
  await scanPayloads(model);
  if (!place.outputDir) model.diagnostics.push(...(await statedChecksums(model, req.env ?? process.env)));
  model.diagnostics.push(...(await runRules(model)));
  unversionedNameChecks(model);
  const draft = draftManifest(model);
  const got: Outcome = { kind, preview: previewFor(model, draft.mapping), manifest: draft.manifest };
  const version = model.version?.value;
  if (!place.outputDir || !version || failing(model)) return finish(ds, model, got);
  const built = await writeOutput(model, version, place.outputDir, req.env ?? process.env);
  return finish(ds, model, built ? { ...got, ...built } : got);
}

/** Stage 2: the name and the version, decided here and nowhere else, and checked at once. */
function decide(
  req: BuildRequest,
  place: Place,
  source: Source,
  payloads: PayloadModel[],
  ds: Diagnostic[],
): PackageModel {
  const name = decideName(req, place, source);
  const version = decideVersion(req, source);
  ds.push(...checkName(name), ...checkVersion(version, source.file, req.versionHint));
  ds.push(...versionMismatch(source, version, payloads));
  return { place, source, name, version, payloads, prebuilt: new Map(), scriptFolders: [], diagnostics: ds };
}

/** Prebuilt ZIPs are published as they are: their manifest's version must be the one decided. */
function versionMismatch(
  source: Source,
  version: Setting | undefined,
  payloads: PayloadModel[],
): Diagnostic[] {
  if (source.kind !== 'manifest' || !version || !payloads.some((p) => p.source === 'zip')) return [];
  const stated = source.manifest.version;
  if (version.value === stated) return [];
  return [
    diag(
      'version-mismatch',
      source.parsed.versionLoc ?? source.file,
      `${MANIFEST} says version "${stated}" but ${version.source ?? 'the requested version'} is "${version.value}"; prebuilt packages are published as they are. Rebuild the manifest with the new version or publish "${stated}".`,
    ),
  ];
}

/** The caller's name, else the config's, else the package folder's. */
function decideName(req: BuildRequest, place: Place, source: Source): Setting {
  if (req.name?.value) return { value: req.name.value, source: req.name.source };
  if (source.kind === 'config' && source.config.name) return source.config.name;
  return {
    value: path.basename(place.packageDir),
    source:
      source.kind === 'config'
        ? "the package folder's name; set `name` in the config to choose another"
        : `the package folder's name${req.nameHint ? `; ${req.nameHint} to choose another` : ''}`,
  };
}

/** The caller's version, else the config's, else the prebuilt manifest's; none is version-missing, never a stand-in. */
function decideVersion(req: BuildRequest, source: Source): Setting | undefined {
  if (req.version?.value) return { value: req.version.value, source: req.version.source };
  if (source.kind === 'config') return source.config.version;
  return { value: source.manifest.version, loc: source.parsed.versionLoc ?? source.file };
}

/** Stage 4: the rules over the scanned payloads (names and versions were checked when decided). */
async function runRules(model: PackageModel): Promise<Diagnostic[]> {
  const { payloads, source } = model;
  const ds = [
    ...checkTargets(payloads),
    ...checkShadowing(payloads),
    ...checkFileCount(payloads, source.file),
  ];
  for (const p of payloads) ds.push(...(await checkPayload(p)).map((d) => aboutPayload(d, p)));
  ds.push(...checkStatedSizes(model));
  ds.push(...checkScriptKinds(payloads, mappingFrom(payloads), HOSTS));
  if (source.kind === 'config')
    ds.push(...checkUndeclared(model.scriptFolders, payloads, source.config.file));
  return ds;
}

/** A payload's finding carries the payload and its targets' platforms, unless its check set them. */
function aboutPayload(d: Diagnostic, p: PayloadModel): Diagnostic {
  return {
    ...d,
    payload: d.payload ?? p.name,
    platforms: d.platforms ?? [...new Set(p.targets.map((t) => t.platform))],
  };
}

/**
 * Stage 5: the mapping (for the preview) and, when there is a version, the manifest with the checksums known
 * so far, so that its size is checked before anything is built.
 */
function draftManifest(model: PackageModel): { mapping: PackageMapping; manifest?: Manifest } {
  const mapping = mappingFrom(model.payloads);
  const version = model.version?.value;
  if (!version) return { mapping };
  const sums = new Map([...model.prebuilt].map(([file, h]) => [file, h.sha256]));
  const manifest = manifestFor(model, version, sums);
  model.diagnostics.push(...manifestProblems(manifest, model.source.file.file));
  return { mapping, manifest };
}

/** What the stages produced, for the result. */
interface Outcome {
  kind: 'config' | 'manifest' | undefined;
  preview?: PreviewRow[];
  manifest?: Manifest | undefined;
  output?: BuiltOutput;
}

function finish(ds: Diagnostic[], model: PackageModel | undefined, got: Outcome): BuildResult {
  const rules = model?.source.kind === 'config' ? model.source.config.rules : undefined;
  // Overrides first (a scoped entry matches one payload's finding), then identical findings said once.
  const diagnostics = groupDiagnostics(applyOverrides(ds, rules));
  const report: BuildReport = {
    diagnostics,
    source: got.kind,
    name: model?.name.value,
    version: model?.version?.value,
    manifest: got.manifest,
    preview: got.preview ?? [],
  };
  const { name, version, manifest } = report;
  if (hasErrors(diagnostics) || name === undefined || !version || manifest === undefined) {
    return { ...report, ok: false };
  }
  return { ...report, ok: true, name, version, manifest, output: got.output };
}
