// What goes into a ZIP: the inputs as given, checked and turned into entries in their final order (sorted by
// the bytes of their UTF-8 names, every parent folder explicit), with the store-or-deflate decision and the
// one timestamp every entry carries.
import { ActionError } from '../../errors.js';
import { type Entry, MAX_32, MAX_ENTRIES, ZipLimitError } from './format.js';
import { SMALL_MAX } from './tuning.js';

export interface ZipInput {
  /** POSIX path relative to the payload root (no leading `/`, no `.` or `..` segments). */
  name: string;
  type: 'file' | 'dir';
  /** Where to read a file's bytes (required for files). */
  absPath?: string;
  /** Unix permission bits as found; only "any execute bit set" matters for files. */
  mode: number;
  /** Expected size in bytes; reading a different number of bytes is an error. */
  size: number;
}

/** 1980-02-01T00:00:00Z: clear of the 1980-01-01 edge, where a local-time reader can underflow the DOS epoch. */
const DEFAULT_EPOCH_SECONDS = Date.UTC(1980, 1, 1) / 1000;
const DOS_MIN_SECONDS = Date.UTC(1980, 0, 1) / 1000;
const DOS_MAX_SECONDS = Date.UTC(2107, 11, 31, 23, 59, 58) / 1000;

/**
 * The timestamp for every entry: `SOURCE_DATE_EPOCH` (integer seconds since 1970-01-01T00:00:00Z),
 * clamped to at least 1980-01-01 and rounded down to an even second; 1980-02-01T00:00:00Z when it is
 * unset or empty. Throws when it holds anything but digits, or a time after 2107.
 */
export function zipTimestamp(env: Record<string, string | undefined> = process.env): Date {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return new Date(DEFAULT_EPOCH_SECONDS * 1000);
  if (!/^[0-9]+$/.test(raw)) {
    throw new ActionError(
      'input',
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01T00:00:00Z (digits only), got ${JSON.stringify(raw)}.`,
    );
  }
  let seconds = Number(raw);
  if (!Number.isSafeInteger(seconds) || seconds > DOS_MAX_SECONDS) {
    throw new ActionError(
      'input',
      `SOURCE_DATE_EPOCH=${raw} is after 2107-12-31, the last date a ZIP (DOS) timestamp can hold.`,
    );
  }
  seconds = Math.max(seconds, DOS_MIN_SECONDS);
  seconds -= seconds % 2;
  return new Date(seconds * 1000);
}

// Formats that are already compressed: deflating them costs CPU and saves next to nothing.
// Executables and libraries (.exe, .dll, .so, ELF binaries) are not listed: measured at level 6,
// Windows PE executables shrink to 45–57% of their size and ELF binaries to about 40%. A large one
// that does not shrink (a self-extracting installer) is caught by the probe in streamDeflated.
const STORED_EXTENSIONS = new Set(
  [
    // installers and packages
    'rpm deb msi msp msu msm cab msix msixbundle appx appxbundle nupkg snupkg pkg dmg apk aab ipa snap vsix whl egg crx xpi',
    // archives and compressed streams
    'zip jar war ear aar gz tgz bz2 tbz tbz2 xz txz lz tlz lzma lz4 lzo zst zstd tzst br 7z rar squashfs sqfs',
    // office documents (ZIP containers)
    'docx xlsx pptx odt ods odp',
    // images, audio, video, fonts
    'png jpg jpeg gif webp avif heic heif jxl mp3 mp4 m4a m4v aac ogg oga ogv opus flac webm mkv mov wmv wma woff woff2',
  ]
    .join(' ')
    .split(' '),
);

/** Whether an entry is stored as is (already-compressed formats) rather than deflated. */
export function shouldStore(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return false;
  return STORED_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}

function badInput(name: string, why: string): Error {
  return new Error(`Cannot zip ${JSON.stringify(name)}: ${why}`);
}

function checkPath(raw: string, name: string): void {
  if (name === '') throw badInput(raw, 'the name is empty.');
  if (name.startsWith('/')) throw badInput(raw, 'the name must be relative to the payload root.');
  if (name.includes('\\') || name.includes('\0')) {
    throw badInput(raw, 'the name contains a backslash or a NUL character.');
  }
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw badInput(raw, 'the name has an empty, "." or ".." segment.');
    }
  }
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) {
    throw badInput(raw, 'the name is not valid Unicode (lone surrogate).');
  }
}

export function plan(inputs: readonly ZipInput[]): Entry[] {
  const byName = new Map<string, Entry>();
  const addDir = (path: string): void => {
    const name = `${path}/`;
    if (byName.has(name)) return;
    byName.set(name, {
      name,
      nameBuf: Buffer.from(name, 'utf8'),
      dir: true,
      absPath: '',
      size: 0,
      exec: true,
      store: true,
      streamed: false,
    });
  };
  const addParents = (path: string): void => {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) addDir(path.slice(0, i));
  };
  for (const input of inputs) {
    if (input.type === 'dir') {
      const path = input.name.endsWith('/') ? input.name.slice(0, -1) : input.name;
      checkPath(input.name, path);
      addParents(path);
      addDir(path);
      continue;
    }
    if (input.type !== 'file') throw badInput(input.name, `unsupported entry type ${String(input.type)}.`);
    checkPath(input.name, input.name);
    if (!input.absPath) throw badInput(input.name, 'a file needs absPath.');
    if (!Number.isSafeInteger(input.size) || input.size < 0) {
      throw badInput(input.name, `size ${input.size} is not a byte count.`);
    }
    if (input.size >= MAX_32) {
      throw new ZipLimitError(
        'file',
        `Cannot zip ${JSON.stringify(input.name)}: it is ${input.size} bytes; files of 4 GiB or more need ZIP64, which is not written.`,
      );
    }
    if (byName.has(input.name)) throw badInput(input.name, 'the name is listed twice.');
    addParents(input.name);
    byName.set(input.name, {
      name: input.name,
      nameBuf: Buffer.from(input.name, 'utf8'),
      dir: false,
      absPath: input.absPath,
      size: input.size,
      exec: (input.mode & 0o111) !== 0,
      store: shouldStore(input.name),
      streamed: input.size > SMALL_MAX,
    });
  }
  for (const e of byName.values()) {
    if (!e.dir && byName.has(`${e.name}/`)) throw badInput(e.name, 'the name is both a file and a folder.');
    if (e.nameBuf.length > 0xffff) throw badInput(e.name, 'the name is longer than 65,535 bytes.');
  }
  if (byName.size > MAX_ENTRIES) {
    throw new ZipLimitError(
      'entries',
      `Cannot zip ${byName.size} entries (files plus folders): more than 65,535 needs ZIP64, which is not written.`,
    );
  }
  return [...byName.values()].sort((a, b) => Buffer.compare(a.nameBuf, b.nameBuf));
}
