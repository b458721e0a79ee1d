// Types shared by the pure package core (no AWS, no GitHub).

export type Severity = 'error' | 'warning' | 'notice';

/** A position in a file the user wrote. `file` is a display path (relative to the working directory). */
export interface Loc {
  file: string;
  line?: number;
  column?: number;
}

/** A value and the place in a file where it was written. */
export interface Located<T> {
  value: T;
  loc: Loc;
}

/**
 * A setting such as the package name or version, and where it came from: written in a file (`loc`), or
 * given by the caller (`source` says how, in the caller's words, e.g. "the `version` input").
 */
export type Setting =
  (Located<string> & { source?: undefined }) | { value: string; source: string; loc?: undefined };

export interface Diagnostic {
  /** Stable rule id from the catalogue (kebab-case). */
  rule: string;
  severity: Severity;
  /** What is wrong and what to do, in one or two sentences. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** The payload the finding is about (config key, or ZIP name without .zip for a manifest): scoped `rules:` match it. */
  payload?: string;
  /** The target platforms the finding concerns (a target's own; a payload's, all of its targets'). */
  platforms?: string[];
  /** Further places with the identical finding, once findings are grouped (the first is file/line/column). */
  also?: Loc[];
}

/** One platform/version/arch mapping of a payload, with where it was written. */
export interface Target {
  platform: string;
  version: string;
  arch: string;
  /** Where the target entry was written, and where each of its three values was written. */
  loc: Loc;
  fieldLocs: { platform: Loc; version: Loc; arch: Loc };
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** One entry of a payload: a file in a folder, or an entry of a prebuilt ZIP. */
export interface PayloadEntry {
  /** POSIX path relative to the payload root, no leading or trailing slash. */
  path: string;
  type: EntryType;
  size: number;
  /** Unix permission bits (0o7777), as found. */
  mode: number;
  /** Absolute path on disk (folder payloads only). For a followed symlink, the target's path. */
  absPath?: string;
  /** Symlink target as written (symlinks only). */
  linkTarget?: string;
  /** Display path for diagnostics, e.g. `packages/acme/linux/install.sh` or `linux.zip:install.sh`. */
  display: string;
}

/** Read access to a payload's entries, whether it is a folder or a prebuilt ZIP. */
export interface PayloadContent {
  entries: PayloadEntry[];
  /** Reads an entry's bytes (files only): all of them, or the first `limit`. */
  read(path: string, limit?: number): Promise<Buffer>;
}

/** One ZIP of the package, built from a folder or taken prebuilt, as the rules see it. */
export interface PayloadModel {
  /** Payload key (config) or ZIP name without extension (manifest). */
  name: string;
  /** ZIP file name in the manifest and in S3. */
  file: string;
  /** Where the payload was declared. */
  loc: Loc;
  /** Where its ZIP name was written (the payload key when it was not). */
  fileLoc: Loc;
  targets: Target[];
  source: 'folder' | 'zip';
  /** Display path of the folder or ZIP. */
  display: string;
  /** Absolute path of the folder or ZIP, as named. */
  abs: string;
  /** Its real path, once found inside the package folder and of the right kind (unset otherwise). */
  real?: string;
  /** Its entries, once scanned (undefined when it could not be read). */
  content?: PayloadContent;
}

export interface ManifestFileRef {
  file: string;
}

/** Which ZIP each platform/version/arch gets, and the ZIPs there are: a manifest without version or checksums. */
export interface PackageMapping {
  packages: Manifest['packages'];
  files: string[];
}

/** The Distributor manifest (schemaVersion 2.0). */
export interface Manifest {
  schemaVersion: '2.0';
  version: string;
  publisher?: string;
  description?: string;
  packages: Record<string, Record<string, Record<string, ManifestFileRef>>>;
  files: Record<string, { checksums: { sha256: string } }>;
}

/** A built (or verified prebuilt) ZIP. */
export interface BuiltFile {
  name: string;
  path: string;
  size: number;
  sha256: string;
}
