// The model the build stages hand on, one to the next.
import type { PackageConfig } from '../config.js';
import type { TopFolder } from '../layout.js';
import type { ParsedManifest } from '../manifest/index.js';
import type { Diagnostic, Loc, Manifest, PayloadModel, Setting } from '../types.js';

/** Where the build reads and writes, as absolute paths. */
export interface Place {
  cwd: string;
  packageDir: string;
  /** The package folder's real path: nothing outside it is read. */
  realPackageDir: string;
  outputDir: string | undefined;
  /** A display path (relative to `cwd`) for an absolute path. */
  show: (abs: string) => string;
}

/** The package description as read: a config, or a hand-written or prebuilt manifest.json. */
export type Source =
  | { kind: 'config'; file: Loc; config: PackageConfig }
  | { kind: 'manifest'; file: Loc; parsed: ParsedManifest; manifest: Manifest };

/** What the stages know about the package. */
export interface PackageModel {
  place: Place;
  source: Source;
  name: Setting;
  /** Undefined when neither the caller nor the source gives one (version-missing says so). */
  version: Setting | undefined;
  /** Sorted by ZIP name. */
  payloads: PayloadModel[];
  /** sha256 and size of each prebuilt ZIP, by ZIP name (filled by the scan). */
  prebuilt: Map<string, { sha256: string; size: number }>;
  /** Folders at the package root that hold install scripts (filled by the scan). */
  scriptFolders: TopFolder[];
  /** Everything found so far, in no particular order. */
  diagnostics: Diagnostic[];
}

export const MANIFEST = 'manifest.json';
/** The file the build writes into every output folder it makes: a folder holding it may be replaced. */
export const OUTPUT_MARKER = '.distributor-build';
