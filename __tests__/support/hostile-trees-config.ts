// Hostile trees: configs that point out of the package, switch safety rules off or are built to exhaust the
// parser; output folders that are not the tool's to replace.
import fs from 'node:fs';
import { type Tree, treesOf } from './hostile-run.js';
import { CONFIG, type Sandbox } from './hostile-sandbox.js';

const OUTSIDE = 'path-outside-package';
const SYNTAX_OR_SCHEMA = ['config-syntax', 'config-schema'];

/** The config with a line added to the linux payload. */
const payloadKey = (line: string) => CONFIG.replace('    targets:', `    ${line}\n    targets:`);
const rulesOff = (config: string, ids: string[]) =>
  `${config}rules:\n${ids.map((id) => `  ${id}: off\n`).join('')}`;
/** A config package whose linux payload has `path: <p>` (an absolute `p` is taken inside the sandbox). */
const pathIs = (p: string | ((sb: Sandbox) => string)) => (sb: Sandbox) =>
  sb.configPackage(payloadKey(`path: ${JSON.stringify(typeof p === 'string' ? p : p(sb))}`));
const withConfig = (text: string, name?: string) => (sb: Sandbox) => sb.configPackage(text, name);

const FIXED = [
  'version-missing',
  'path-unsafe',
  OUTSIDE,
  'symlink-escape',
  'special-file',
  'file-unreadable',
];
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 9 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    return `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
].join('\n');

const c = treesOf('config');

export const CONFIG_TREES: Tree[] = [
  c('path-outside', OUTSIDE, pathIs('../outside/linux')),
  c('path-two-up', [OUTSIDE, 'output-dir-unsafe'], pathIs('../..')),
  c(
    'path-absolute-outside',
    OUTSIDE,
    pathIs((sb) => sb.at('outside/linux')),
  ),
  c('path-proc-self', OUTSIDE, pathIs('/proc/self')),
  c('path-dotdot-inside', OUTSIDE, pathIs('linux/../linux')),
  c('path-via-link', OUTSIDE, (sb) => pathIs('lnk')(sb).link(sb.p('lnk'), '../outside/linux')),
  c('path-nul', '*', pathIs('linux\u0000x')),
  c('path-backslashes', ['payload-missing', OUTSIDE, 'path-unsafe'], pathIs('..\\outside\\linux')),
  c('file-two-up-rules-off', `${OUTSIDE}+rule-fixed`, (sb) => {
    sb.out = 'o/p/out';
    sb.configPackage(rulesOff(payloadKey('file: ../../escaped.zip'), ['file-name-pattern']));
  }),
  c('file-absolute-rules-off', `${OUTSIDE}+rule-fixed`, (sb) =>
    sb.configPackage(rulesOff(payloadKey(`file: ${sb.at('escaped-abs.zip')}`), ['file-name-pattern'])),
  ),
  c('file-one-up', OUTSIDE, withConfig(payloadKey('file: ../escaped.zip'))),
  c('file-manifest-json-upper', 'file-name-reserved', withConfig(payloadKey('file: MANIFEST.JSON'))),
  c('off-payload-missing', 'payload-missing+rule-fixed', (sb) =>
    sb.configPackage(rulesOff(payloadKey('path: nowhere'), ['payload-missing'])),
  ),
  c('off-symlink-escape', 'symlink-escape+rule-fixed', (sb) =>
    sb.configPackage(rulesOff(CONFIG, ['symlink-escape'])).link(sb.p('linux/x'), '../../outside/canary'),
  ),
  c('off-special-file', 'special-file+rule-fixed', (sb) =>
    sb.configPackage(rulesOff(CONFIG, ['special-file'])).fifo(sb.p('linux/f')),
  ),
  c('off-path-outside', `${OUTSIDE}+rule-fixed`, (sb) =>
    sb.configPackage(rulesOff(payloadKey('path: ../outside/linux'), [OUTSIDE])),
  ),
  c('off-version-missing', 'version-missing+rule-fixed', (sb) =>
    sb.configPackage(rulesOff(CONFIG.replace('version: 1.0.0\n', ''), ['version-missing'])),
  ),
  c('off-every-fixed-rule', `${OUTSIDE}+rule-fixed`, (sb) =>
    sb.configPackage(rulesOff(payloadKey('path: ../outside/linux'), FIXED)),
  ),
  c('huge-yaml', 'config-too-large', withConfig(`${CONFIG}${'# padding padding padding\n'.repeat(60_000)}`)),
  c('sparse-2gib', 'config-too-large', (sb) => {
    sb.configPackage();
    fs.truncateSync(sb.at(sb.p('distributor.yaml')), 2 * 1024 ** 3);
  }),
  c('just-under-cap', 'ok', withConfig(`${CONFIG}${'# padding\n'.repeat(100_000)}`)),
  c(
    'deep-yaml-flow',
    SYNTAX_OR_SCHEMA,
    withConfig(`${CONFIG}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
  ),
  c(
    'deep-yaml-block',
    SYNTAX_OR_SCHEMA,
    withConfig(`${CONFIG}${Array.from({ length: 700 }, (_, i) => `${'  '.repeat(i)}k:`).join('\n')} 1\n`),
  ),
  c(
    'deep-json-objects',
    SYNTAX_OR_SCHEMA,
    withConfig(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 'distributor.json'),
  ),
  c('yaml-alias-bomb', SYNTAX_OR_SCHEMA, withConfig(`${CONFIG}${BILLION_LAUGHS}\n`)),
  c('proto-payload', ['ok', '*'], (sb) =>
    sb.configPackage(CONFIG.replace('  linux:', '  __proto__:')).scripts(sb.p('__proto__')),
  ),
  c(
    'many-payloads',
    '*',
    withConfig(
      `name: HostileAgent\nversion: 1.0.0\npayloads:\n${Array.from({ length: 3000 }, (_, i) => `  p${i}:\n    targets: [{ platform: amazon, version: _any, arch: x86_64 }]\n`).join('')}`,
    ),
  ),
];

const o = treesOf('output and package folders');
const UNSAFE = 'output-dir-unsafe';
/** The config package, with the output folder at `out` made by `make`. */
const outAt =
  (out: string, make: (sb: Sandbox) => void = () => {}) =>
  (sb: Sandbox) => {
    sb.out = out;
    make(sb.configPackage());
  };

export const OUTPUT_TREES: Tree[] = [
  o(
    'regular-file',
    UNSAFE,
    outAt('notes.txt', (sb) => sb.put('notes.txt', 'keep me')),
  ),
  o('the-canary-file', UNSAFE, outAt('outside/canary')),
  o(
    'link-to-folder',
    UNSAFE,
    outAt('outlink', (sb) => sb.link('outlink', 'outside/linux')),
  ),
  o(
    'link-to-file',
    UNSAFE,
    outAt('outlink', (sb) => sb.link('outlink', 'outside/canary')),
  ),
  o(
    'link-to-package',
    UNSAFE,
    outAt('outlink', (sb) => sb.link('outlink', 'pkg')),
  ),
  o(
    'fifo',
    UNSAFE,
    outAt('outfifo', (sb) => sb.fifo('outfifo')),
  ),
  o('dev-null', UNSAFE, outAt('/dev/null')),
  o('under-proc', UNSAFE, outAt('/proc/hostile-out')),
  o(
    'foreign-with-keep-zip-folder',
    UNSAFE,
    outAt('out', (sb) => sb.put('out/keep.zip/data', 'd').put('out/notes.txt', 'n')),
  ),
  o(
    'only-keep-zip-folder',
    UNSAFE,
    outAt('out', (sb) => sb.put('out/keep.zip/data', 'd')),
  ),
  o(
    'zips-without-marker',
    UNSAFE,
    outAt('out', (sb) => sb.put('out/a.zip', 'z').put('out/manifest.json', '{}')),
  ),
  o('the-outside-folder', UNSAFE, outAt('outside')),
  o('the-package-folder', UNSAFE, outAt('pkg')),
  o('the-prebuilt-package-folder', UNSAFE, (sb) => {
    sb.out = 'pkg';
    sb.prebuilt();
  }),
  o('the-payload-folder', UNSAFE, outAt('pkg/linux')),
  // A new folder in the package folder but in no payload folder is a fine output (package-dir: . and the default).
  o('new-folder-inside-package', 'ok', outAt('pkg/build')),
  o('new-folder-inside-a-payload', UNSAFE, outAt('pkg/linux/build')),
  o('parent-of-package', UNSAFE, outAt('.')),
  o(
    'under-a-file',
    UNSAFE,
    outAt('notes.txt/out', (sb) => sb.put('notes.txt', 'keep me')),
  ),
  o(
    'parent-unwritable',
    UNSAFE,
    outAt('ro/out', (sb) => sb.dir('ro', 0o555)),
    { needsUser: true },
  ),
  o(
    'existing-unwritable',
    [UNSAFE, 'ok'], // empty, so the tool may replace it
    outAt('out', (sb) => sb.dir('out', 0o555)),
    { needsUser: true },
  ),
  o(
    'existing-empty',
    'ok',
    outAt('out', (sb) => sb.dir('out')),
  ),
  o(
    'existing-with-marker',
    'ok',
    outAt('out', (sb) => sb.put('out/.distributor-build', '').put('out/old.zip', 'z')),
  ),
];
