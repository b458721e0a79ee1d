// Hostile trees: prebuilt ZIPs (zip-slip names, bombs, lies between the central directory and the local
// headers, encryption, ZIP64, truncation) and hand-written manifests (deep nesting, `files` keys that leave
// the package, sizes past the caps).
import fs from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import { type Tree, treesOf } from './hostile-run.js';
import { sha256 } from './hash.js';
import { manifestText, type Sandbox } from './hostile-sandbox.js';
import { makeZip, S_IFLNK, scriptsZip, SH_OK, type ZipEntrySpec } from './hostile-zip.js';

const PS1 = "$ErrorActionPreference = 'Stop'\nWrite-Output 'ok'\n";
const OUTSIDE = 'path-outside-package';
const MANIFEST_BAD = ['manifest-syntax', 'manifest-schema'];

/** A prebuilt package holding this ZIP as linux.zip (with its right sha256); the ZIP is made once. */
const zipped = (zip: Buffer | (() => Buffer)) => {
  let bytes = Buffer.isBuffer(zip) ? zip : undefined;
  return (sb: Sandbox) => sb.prebuilt((bytes ??= (zip as () => Buffer)()));
};
const withEntries = (extra: ZipEntrySpec[]) => zipped(() => scriptsZip(extra));
const entry = (name: string | Buffer, data = 'x') => withEntries([{ name, data }]);

/** 256 MiB of zeros as one deflated entry (about 256 KB), made once. */
const ZEROS_SIZE = 256 * 1024 * 1024;
let bomb: ZipEntrySpec | undefined;
function bombEntry(): ZipEntrySpec {
  if (!bomb) {
    const zeros = Buffer.alloc(ZEROS_SIZE);
    const body = deflateRawSync(zeros, { level: 9 });
    bomb = { name: 'data.bin', method: 8, body, both: { usize: ZEROS_SIZE, crc: crc32(zeros) } };
  }
  return bomb;
}

/** scriptsZip with some bytes replaced (found by the signature they follow). */
function patched(zip: Buffer, signature: number, at: number, value: number): Buffer {
  const sig = Buffer.alloc(4);
  sig.writeUInt32LE(signature);
  const i = zip.lastIndexOf(sig);
  const out = Buffer.from(zip);
  out.writeUInt32LE(value, i + at);
  return out;
}

const windowsManifest = (zip: Buffer) => (sb: Sandbox) => {
  sb.put(sb.p('windows.zip'), zip);
  const packages = { windows: { _any: { x86_64: { file: 'windows.zip' } } } };
  sb.put(sb.p('manifest.json'), manifestText('windows.zip', sha256(zip), { packages }));
};
const ps1Zip = (extra: ZipEntrySpec[]) =>
  makeZip([{ name: 'install.ps1', data: PS1 }, { name: 'uninstall.ps1', data: PS1 }, ...extra]);

/** A manifest.json of that text beside a good linux.zip. */
const manifestIs = (text: string | Buffer) => (sb: Sandbox) =>
  sb.put(sb.p('linux.zip'), scriptsZip()).put(sb.p('manifest.json'), text);
/** A manifest whose `files` key is `file` (sha256 that of the outside ZIP, which it may name). */
const filesKey = (file: (sb: Sandbox) => string) => (sb: Sandbox) => {
  const sha = sha256(fs.readFileSync(sb.at('outside/linux.zip')));
  sb.put(sb.p('manifest.json'), manifestText(file(sb), sha)).scripts(sb.p('linux'));
};

const z = treesOf('prebuilt ZIPs and manifests');

export const ZIP_TREES: Tree[] = [
  z(
    'good',
    'ok',
    zipped(() => scriptsZip()),
  ),
  z('entry-dotdot', 'path-unsafe', entry('../evil.sh')),
  z('entry-dotdot-outside', 'path-unsafe', entry('../../outside/canary')),
  z('entry-absolute', 'path-unsafe', entry('/etc/passwd')),
  z('entry-backslash', 'path-unsafe', entry('..\\evil.sh')),
  z('entry-newline-mask', 'path-unsafe', entry('a\n::add-mask::HOSTILE')),
  z('entry-invalid-utf8', 'path-unsafe', entry(Buffer.from([0x61, 0xff, 0x62]))),
  z('duplicate-different', ['ok', '*'], withEntries([{ name: 'install.sh', data: 'echo [[ x ]]\n' }])),
  z(
    'windows-case-duplicates',
    'name-case-collision',
    windowsManifest(ps1Zip([{ name: 'A.msi' }, { name: 'a.msi' }])),
  ),
  z(
    'encrypted-script',
    'zip-invalid',
    zipped(() =>
      makeZip([
        { name: 'install.sh', data: SH_OK, flags: 0x801 },
        { name: 'uninstall.sh', data: SH_OK },
      ]),
    ),
  ),
  z(
    'zip64-70000-entries',
    ['zip-entry-limit', 'ok'],
    zipped(() =>
      scriptsZip(
        Array.from({ length: 70_000 }, (_, i) => ({ name: `f/${i}` })),
        { zip64: true },
      ),
    ),
  ),
  z(
    'count-too-high',
    'zip-invalid',
    zipped(() => scriptsZip([], { count: 0xfffe })),
  ),
  z(
    'truncated-half',
    'zip-invalid',
    zipped(() => scriptsZip().subarray(0, 120)),
  ),
  z('empty-file', 'zip-invalid', zipped(Buffer.alloc(0))),
  z('not-a-zip', 'zip-invalid', zipped(Buffer.from('hello, this is text\n'))),
  z(
    'central-name-differs',
    'zip-invalid',
    withEntries([{ name: 'a.txt', local: { name: Buffer.from('../../evil') } }]),
  ),
  z(
    'central-size-differs',
    'zip-invalid',
    withEntries([{ name: 'a.txt', data: 'x'.repeat(40), central: { usize: 5 } }]),
  ),
  z(
    'central-offsets-overlap',
    'zip-invalid',
    zipped(() =>
      makeZip([
        { name: 'install.sh', data: SH_OK },
        { name: 'uninstall.sh', data: SH_OK, central: { offset: 0 } },
      ]),
    ),
  ),
  z(
    'crc-wrong',
    'zip-invalid',
    zipped(() =>
      makeZip([
        { name: 'install.sh', data: SH_OK, both: { crc: 1234 } },
        { name: 'uninstall.sh', data: SH_OK },
      ]),
    ),
  ),
  z(
    'deflate-corrupt-script',
    ['zip-invalid', 'file-unreadable'],
    zipped(() =>
      makeZip([
        { name: 'install.sh', data: SH_OK, body: Buffer.from('\xff\xfe garbage garbage', 'latin1') },
        { name: 'uninstall.sh', data: SH_OK },
      ]),
    ),
  ),
  z('method-bzip2', 'zip-invalid', withEntries([{ name: 'data.bin', data: 'abc', method: 12 }])),
  z(
    'bomb-honest-256mib',
    'ok',
    zipped(() => scriptsZip([bombEntry()])),
  ),
  z(
    'bomb-declared-4gib',
    ['ok', 'zip-invalid', 'zip-entry-limit'],
    withEntries([{ name: 'data.bin', data: 'tiny', both: { usize: 0xfffffffe } }]),
  ),
  z(
    'symlink-entry-outside',
    'zip-symlink',
    withEntries([{ name: 'link', data: '../../outside/canary', method: 0, mode: S_IFLNK | 0o777 }]),
  ),
  z(
    'zip64-locator-garbage',
    'zip-invalid',
    zipped(() => patched(scriptsZip([], { zip64: true }), 0x07064b50, 8, 3)),
  ),
  z('files-key-manifest-json', 'file-name-reserved', (sb) =>
    sb.put(sb.p('manifest.json'), manifestText('manifest.json', 'a'.repeat(64))),
  ),
  z(
    'files-key-dotdot',
    OUTSIDE,
    filesKey(() => '../x.zip'),
  ),
  z(
    'files-key-outside-zip',
    OUTSIDE,
    filesKey(() => '../outside/linux.zip'),
  ),
  z('files-key-outside-folder', OUTSIDE, (sb) => {
    filesKey(() => '../outside/linux.zip')(sb);
    fs.rmSync(sb.at('outside/linux.zip'));
  }),
  z(
    'files-key-absolute',
    OUTSIDE,
    filesKey((sb) => sb.at('outside/linux.zip')),
  ),
  z(
    'files-key-proc',
    OUTSIDE,
    filesKey(() => '/proc/self/environ'),
  ),
  z('manifest-deep-arrays', MANIFEST_BAD, manifestIs('['.repeat(60_000))),
  z('manifest-deep-objects', MANIFEST_BAD, manifestIs(`${'{"a":'.repeat(12_000)}1${'}'.repeat(12_000)}`)),
  z(
    'manifest-over-1mib',
    'manifest-too-large',
    manifestIs(`${manifestText('linux.zip', 'a'.repeat(64))}${' '.repeat(1_200_000)}`),
  ),
  z('manifest-sparse-2gib', 'manifest-too-large', (sb) => {
    manifestIs(manifestText('linux.zip', 'a'.repeat(64)))(sb);
    fs.truncateSync(sb.at(sb.p('manifest.json')), 2 * 1024 ** 3);
  }),
  z('zip-link-inside', 'ok', (sb) => {
    const zip = scriptsZip();
    sb.put(sb.p('dist/linux.zip'), zip).link(sb.p('linux.zip'), 'dist/linux.zip');
    sb.put(sb.p('manifest.json'), manifestText('linux.zip', sha256(zip)));
  }),
];
