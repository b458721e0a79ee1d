// Hostile trees: links out of the package, special files, and files the run may not read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { type Tree, treesOf } from './hostile-run.js';
import { sha256 } from './hash.js';
import { CONFIG, manifestText, type Sandbox } from './hostile-sandbox.js';
import { scriptsZip } from './hostile-zip.js';

const OUT_OR_SPECIAL = ['path-outside-package', 'special-file'];
const ESCAPE_OR_SPECIAL = ['symlink-escape', 'special-file'];

/** The config package with the top-level `name` replaced by a link to `target`. */
const configAs = (name: string, target: string) => (sb: Sandbox) =>
  sb.scripts(sb.p('linux')).link(sb.p(name), target);

/** A prebuilt package whose manifest.json is a link to `target`. */
const manifestAs = (target: string) => (sb: Sandbox) =>
  sb.put(sb.p('linux.zip'), scriptsZip()).link(sb.p('manifest.json'), target);

/** The config package with a payload file linked to `target`. */
const payloadLink = (rel: string, target: string) => (sb: Sandbox) =>
  sb.configPackage().link(sb.p(`linux/${rel}`), target);

/** A prebuilt package whose linux.zip is a link to `target` (the manifest states the outside ZIP's sha256). */
const zipAs = (target: (sb: Sandbox) => string) => (sb: Sandbox) => {
  const sha = sha256(fs.readFileSync(sb.at('outside/linux.zip')));
  sb.put(sb.p('manifest.json'), manifestText('linux.zip', sha)).link(sb.p('linux.zip'), target(sb));
};

function socketAt(abs: string): void {
  const py = 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])';
  execFileSync('python3', ['-c', py, abs]);
}

const l = treesOf('links and special files');

export const LINK_TREES: Tree[] = [
  l('config-link-out', 'path-outside-package', configAs('distributor.yaml', '../outside/distributor.yaml')),
  l('config-link-env', 'path-outside-package', configAs('distributor.yaml', '../outside/.env')),
  l('config-link-abs', 'path-outside-package', (sb) =>
    configAs('distributor.yaml', sb.at('outside/distributor.yaml'))(sb),
  ),
  l(
    'config-json-link-out',
    'path-outside-package',
    configAs('distributor.json', '../outside/distributor.yaml'),
  ),
  l('config-link-dev-zero', OUT_OR_SPECIAL, configAs('distributor.yaml', '/dev/zero')),
  l('config-link-stdin', [...OUT_OR_SPECIAL, 'file-unreadable'], configAs('distributor.yaml', '/dev/stdin')),
  l('config-link-environ', OUT_OR_SPECIAL, configAs('distributor.yaml', '/proc/self/environ')),
  l('config-fifo', 'special-file', (sb) => sb.scripts(sb.p('linux')).fifo(sb.p('distributor.yaml'))),
  l(
    'config-link-loop',
    ['file-unreadable', 'path-outside-package', 'symlink-escape'],
    configAs('distributor.yaml', 'distributor.yaml'),
  ),
  l('config-is-folder', ['file-unreadable', 'special-file'], (sb) =>
    sb.scripts(sb.p('linux')).dir(sb.p('distributor.yaml')),
  ),
  l('config-link-inside', 'ok', (sb) =>
    configAs('distributor.yaml', 'conf/real.yaml')(sb.put(sb.p('conf/real.yaml'), CONFIG)),
  ),
  l('manifest-link-out', 'path-outside-package', manifestAs('../outside/manifest.json')),
  l('manifest-link-dev-zero', [...OUT_OR_SPECIAL, 'manifest-too-large'], manifestAs('/dev/zero')),
  l('manifest-fifo', 'special-file', (sb) =>
    sb.put(sb.p('linux.zip'), scriptsZip()).fifo(sb.p('manifest.json')),
  ),
  l('manifest-fifo-beside-config', 'ok', (sb) => sb.configPackage().fifo(sb.p('manifest.json'))),
  l('payload-folder-link-out', 'path-outside-package', (sb) =>
    sb.put(sb.p('distributor.yaml'), CONFIG).link(sb.p('linux'), '../outside/linux'),
  ),
  l('payload-folder-link-proc', 'path-outside-package', (sb) =>
    sb.put(sb.p('distributor.yaml'), CONFIG).link(sb.p('linux'), '/proc/self'),
  ),
  l('payload-folder-link-root', 'path-outside-package', (sb) =>
    sb.put(sb.p('distributor.yaml'), CONFIG).link(sb.p('linux'), '/'),
  ),
  l('payload-folder-fifo', ['special-file', 'payload-missing'], (sb) =>
    sb.put(sb.p('distributor.yaml'), CONFIG).fifo(sb.p('linux')),
  ),
  l('manifest-folder-link-out', 'path-outside-package', (sb) =>
    sb
      .put(sb.p('manifest.json'), manifestText('linux.zip', 'a'.repeat(64)))
      .link(sb.p('linux'), '../outside/linux'),
  ),
  l('file-link-out', 'symlink-escape', payloadLink('agent.bin', '../../outside/canary')),
  l('file-link-abs', 'symlink-escape', (sb) => payloadLink('agent.bin', sb.at('outside/canary'))(sb)),
  l('subfolder-link-out', 'symlink-escape', payloadLink('data', '../../outside/linux')),
  l('file-link-via-folder-link', 'symlink-escape', (sb) =>
    payloadLink('x', '../sneaky/canary')(sb).link(sb.p('sneaky'), '../outside'),
  ),
  l('file-link-dev-zero', ESCAPE_OR_SPECIAL, payloadLink('agent.bin', '/dev/zero')),
  l('file-link-stdin', ESCAPE_OR_SPECIAL, payloadLink('agent.bin', '/dev/stdin')),
  l('file-link-environ', 'symlink-escape', payloadLink('env', '/proc/self/environ')),
  l('file-link-loop', 'symlink-escape', payloadLink('loop', 'loop')),
  l('file-fifo', 'special-file', (sb) => sb.configPackage().fifo(sb.p('linux/agent.bin'))),
  l('file-socket', 'special-file', (sb) => socketAt(sb.configPackage().at(sb.p('linux/sock')))),
  l('file-link-inside', 'ok', (sb) =>
    payloadLink('agent.bin', '../shared/agent.bin')(sb).put(sb.p('shared/agent.bin'), 'bytes'),
  ),
  l(
    'zip-link-out',
    'path-outside-package',
    zipAs(() => '../outside/linux.zip'),
  ),
  l(
    'zip-link-abs',
    'path-outside-package',
    zipAs((sb) => sb.at('outside/linux.zip')),
  ),
  l(
    'zip-link-dev-zero',
    OUT_OR_SPECIAL,
    zipAs(() => '/dev/zero'),
  ),
  l(
    'zip-link-environ',
    OUT_OR_SPECIAL,
    zipAs(() => '/proc/self/environ'),
  ),
  l('zip-fifo', 'special-file', (sb) => {
    sb.put(sb.p('manifest.json'), manifestText('linux.zip', 'a'.repeat(64))).fifo(sb.p('linux.zip'));
  }),
];

const p = treesOf('permissions');
const unreadable =
  (rel: string, mode = 0o000) =>
  (sb: Sandbox) =>
    sb
      .configPackage()
      .put(sb.p(`linux/${rel}`), 'data')
      .chmod(sb.p(`linux/${rel}`), mode);
const RULES_OFF = (id: string) => `${CONFIG}rules:\n  ${id}: off\n`;

export const PERMISSION_TREES: Tree[] = [
  p('file-000', 'file-unreadable', unreadable('agent.bin')),
  p('script-000', 'file-unreadable', (sb) => sb.configPackage().chmod(sb.p('linux/install.sh'), 0)),
  p('subfolder-000', 'file-unreadable', (sb) =>
    unreadable('data/x.bin', 0o644)(sb).chmod(sb.p('linux/data'), 0),
  ),
  p('payload-folder-000', 'file-unreadable', (sb) => sb.configPackage().chmod(sb.p('linux'), 0)),
  p('config-000', 'file-unreadable', (sb) => sb.configPackage().chmod(sb.p('distributor.yaml'), 0)),
  p('manifest-000', 'file-unreadable', (sb) => sb.prebuilt().chmod(sb.p('manifest.json'), 0)),
  p('zip-000', ['file-unreadable', 'zip-invalid'], (sb) => sb.prebuilt().chmod(sb.p('linux.zip'), 0)),
  p('package-000', ['file-unreadable', 'kind:package'], (sb) => sb.configPackage().chmod(sb.pkg, 0)),
  p('excluded-000', 'ok', (sb) => {
    const config = CONFIG.replace('    targets:', '    exclude: [secret.bin]\n    targets:');
    sb.configPackage(config).put(sb.p('linux/secret.bin'), 's').chmod(sb.p('linux/secret.bin'), 0);
  }),
  p('other-folder-000', ['ok', 'file-unreadable'], (sb) =>
    sb.configPackage().put(sb.p('docs/a.md'), 'a').chmod(sb.p('docs'), 0),
  ),
  p('manifest-folder-file-000', 'file-unreadable', (sb) => {
    sb.put(sb.p('manifest.json'), manifestText('linux.zip', 'a'.repeat(64))).scripts(sb.p('linux'));
    sb.put(sb.p('linux/agent.bin'), 'x').chmod(sb.p('linux/agent.bin'), 0);
  }),
  p('rules-off-unreadable', 'file-unreadable+rule-fixed', (sb) =>
    sb
      .configPackage(RULES_OFF('file-unreadable'))
      .put(sb.p('linux/a.bin'), 'a')
      .chmod(sb.p('linux/a.bin'), 0),
  ),
].map((t) => ({ ...t, needsUser: true }));
