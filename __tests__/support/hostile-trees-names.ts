// Hostile trees: names that carry workflow commands, line breaks, markup or case collisions, and trees
// that are deep, wide or large.
import fs from 'node:fs';
import path from 'node:path';
import { type Tree, treesOf } from './hostile-run.js';
import { CONFIG, MARK, manifestText, type Sandbox } from './hostile-sandbox.js';
import { scriptsZip } from './hostile-zip.js';

const MASK = `::add-mask::${MARK}`;
/** A ZIP name with a control character: not an attachment name, nor a safe path. */
const NAME_UNSAFE = ['file-name-pattern', 'path-unsafe'];
const STOP = `::stop-commands::${MARK}`;
const PS1 = "$ErrorActionPreference = 'Stop'\nWrite-Output 'ok'\n";
const WINDOWS_CONFIG = `name: HostileAgent
version: 1.0.0
payloads:
  windows:
    targets:
      - { platform: windows, version: _any, arch: x86_64 }
`;

/** The config package plus a payload file of that name. */
const named = (name: string) => (sb: Sandbox) => sb.configPackage().put(sb.p(`linux/${name}`), 'x');

/** A Windows-only package with these extra payload files. */
const windows = (files: string[]) => (sb: Sandbox) => {
  sb.put(sb.p('distributor.yaml'), WINDOWS_CONFIG);
  sb.put(sb.p('windows/install.ps1'), PS1).put(sb.p('windows/uninstall.ps1'), PS1);
  for (const f of files) sb.put(sb.p(`windows/${f}`), f);
};

/** The config with a YAML line added to the linux payload (`file:`, `exclude:`, ...). */
const payloadKey = (line: string) => CONFIG.replace('    targets:', `    ${line}\n    targets:`);
const withConfig = (text: string) => (sb: Sandbox) => sb.configPackage(text);
const yamlString = (s: string) => JSON.stringify(s);

/** A manifest package whose `files` key (and the file it names) is `file`. */
const manifestFile = (file: string) => (sb: Sandbox) =>
  sb.put(sb.p('manifest.json'), manifestText(file, 'a'.repeat(64))).put(sb.p('linux.zip'), scriptsZip());

function invalidUtf8(sb: Sandbox): void {
  sb.configPackage();
  const dir = Buffer.from(sb.at(sb.p('linux')) + path.sep);
  fs.writeFileSync(Buffer.concat([dir, Buffer.from([0x66, 0xff, 0x66])]), 'x');
}

const n = treesOf('names');

export const NAME_TREES: Tree[] = [
  n('file-newline-mask', 'path-unsafe', named(`x\n${MASK}`)),
  n('file-newline-stop', 'path-unsafe', named(`x\n${STOP}`)),
  n('file-newline-warning', 'path-unsafe', named(`x\n::warning::${MARK}`)),
  n('file-cr-mask', 'path-unsafe', named(`x\r${MASK}`)),
  n('folder-newline-mask', 'path-unsafe', named(`d\n${MASK}/f`)),
  n('file-colons', 'ok', named(MASK)),
  n('file-backtick', 'ok', named('a`b``c')),
  n('file-html', 'ok', named('<img src=x onerror=alert(1)>')),
  n('file-long-path', 'ok', named(`${Array.from({ length: 8 }, (_, i) => `${i}`.repeat(200)).join('/')}/f`)),
  n('file-unicode', 'ok', named('é中文🙂.txt')),
  n('file-invalid-utf8', 'path-unsafe', invalidUtf8),
  n('file-backslash', 'path-unsafe', named('a\\b')),
  n('file-nfc-nfd', ['ok', 'name-case-collision'], (sb) =>
    named('\u00e9')(sb).put(sb.p('linux/e\u0301'), 'y'),
  ),
  n('windows-case-files', 'name-case-collision', windows(['Agent.msi', 'agent.msi'])),
  n('windows-case-folders', 'name-case-collision', windows(['Data/a.txt', 'DATA/b.txt'])),
  n('linux-case-files', 'ok', (sb) => named('A')(sb).put(sb.p('linux/a'), 'y')),
  n('windows-reserved-name', 'ok', windows(['CON', 'nul.txt'])),
  n('config-file-newline', NAME_UNSAFE, withConfig(payloadKey(`file: ${yamlString(`a\n${MASK}.zip`)}`))),
  n('config-file-cr-stop', NAME_UNSAFE, withConfig(payloadKey(`file: ${yamlString(`a\r${STOP}`)}`))),
  n('config-key-newline', '*', (sb) =>
    sb.configPackage(CONFIG.replace('  linux:', `  ${yamlString(`l\n${MASK}`)}:`)),
  ),
  n(
    'config-name',
    'name-pattern',
    withConfig(CONFIG.replace('name: HostileAgent', `name: ${yamlString(`A\n${MASK}`)}`)),
  ),
  n(
    'config-version',
    'version-pattern',
    withConfig(CONFIG.replace('version: 1.0.0', `version: ${yamlString(`1\n${STOP}`)}`)),
  ),
  n('given-name', ['name-pattern', 'kind:input'], (sb) => sb.configPackage(), {
    given: { name: `A\n${MASK}` },
  }),
  n('given-version', ['version-pattern', 'kind:input'], (sb) => sb.configPackage(), {
    given: { version: `1\r${MASK}` },
  }),
  n('manifest-file-newline', [...NAME_UNSAFE, 'file-missing'], manifestFile(`a\n${MASK}.zip`)),
  n('manifest-version-newline', 'version-pattern', (sb) =>
    sb.prebuilt(scriptsZip(), 'linux.zip', { version: `1\n${MASK}` }),
  ),
  n('output-folder-newline', ['ok', 'output-dir-unsafe'], (sb) => {
    sb.out = `out\n${MASK}`;
    sb.configPackage();
  }),
  n('package-folder-newline', ['ok', 'kind:input'], (sb) => {
    sb.pkg = `pkg\n${MASK}`;
    sb.configPackage();
  }),
  n('downgraded-rule-name', ['ok', 'path-unsafe'], (sb) =>
    sb.configPackage(`${CONFIG}rules:\n  payload-unused: notice\n`).scripts(sb.p(`tools\n${MASK}`)),
  ),
];

/** `depth` nested folders `d/d/...` under the linux payload, with a file at the bottom. */
const deep =
  (depth: number, under = 'linux') =>
  (sb: Sandbox) => {
    sb.configPackage().put(sb.p(`${under}/${Array(depth).fill('d').join('/')}/f`), 'x');
  };

/** `count` empty files under linux/many/: hard links to a few (quick to make and to remove; ext4 allows 65,000 each). */
const many = (count: number) => (sb: Sandbox) => {
  const dir = sb.configPackage().at(sb.p('linux/many'));
  fs.mkdirSync(dir);
  for (let i = 0; i < count; i++) {
    const f = path.join(dir, `f${i}`);
    if (i % 50_000 === 0) fs.writeFileSync(f, '');
    else fs.linkSync(path.join(dir, `f${i - (i % 50_000)}`), f);
  }
};

const sparse = (rel: string, bytes: number) => (sb: Sandbox) => {
  sb.put(rel, '');
  fs.truncateSync(sb.at(rel), bytes);
};

const s = treesOf('scale');

export const SCALE_TREES: Tree[] = [
  s('depth-300', 'tree-too-deep', deep(300)),
  s('depth-1500', 'tree-too-deep', deep(1500), { bulk: ['pkg/linux/d'] }),
  s('depth-200', 'ok', deep(200)),
  s('files-10000', 'ok', many(10_000), { bulk: ['pkg/linux/many'] }),
  s('entries-65600', 'zip-entry-limit', many(65_600), { bulk: ['pkg/linux/many'] }),
  s(
    'folders-2000',
    'ok',
    (sb) => {
      sb.configPackage();
      for (let i = 0; i < 2000; i++) fs.mkdirSync(sb.at(sb.p(`linux/w/${i}`)), { recursive: true });
    },
    { bulk: ['pkg/linux/w'] },
  ),
  s(
    'exclude-40000-chars',
    ['ok', 'config-schema'],
    withConfig(payloadKey(`exclude: [${'a'.repeat(40_000)}]`)),
  ),
  s(
    'exclude-5000-patterns',
    'ok',
    withConfig(payloadKey(`exclude: [${Array.from({ length: 5000 }, (_, i) => `p${i}/**`).join(', ')}]`)),
  ),
  s('file-4gib', 'zip-entry-limit', (sb) => sparse(sb.p('linux/big.bin'), 4 * 1024 ** 3)(sb.configPackage())),
  s('file-4gib-excluded', 'ok', (sb) =>
    sparse(sb.p('linux/big.bin'), 4 * 1024 ** 3)(sb.configPackage(payloadKey('exclude: [big.bin]'))),
  ),
];
