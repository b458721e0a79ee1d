// One outcome, rendered once: runMode (in process) gives typed outcomes, and the renderer turns each
// into outputs, annotations, the summary and CLI text, for success and failure alike.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishResult } from '../src/aws/publish.js';
import { ActionError, ERROR_KINDS, toActionError } from '../src/errors.js';
import { runMode } from '../src/main.js';
import type { Outcome } from '../src/modes/outcome.js';
import { validate } from '../src/modes/validate.js';
import { renderAction } from '../src/report/action.js';
import { cliJson, cliText } from '../src/report/cli.js';
import { headline, kindLabel } from '../src/report/headline.js';
import { groupPreview } from '../src/report/preview.js';
import { decode, md, tables, tagsOf } from './support/markdown.js';
import { cleanupTemp, tempDir, validPackage } from './support/pkg.js';
import { REPO } from './support/runner.js';

afterAll(cleanupTemp);

const EXAMPLE = path.join(REPO, 'examples', 'acme-agent');
const getter = (m: Record<string, string>) => (n: string) => m[n] ?? '';
const outputsOf = (o: Outcome) => Object.fromEntries(renderAction(o).outputs);

async function built(): Promise<Outcome> {
  return validate({
    build: { packageDir: EXAMPLE, outputDir: path.join(tempDir(), 'out') },
    failOnWarnings: false,
  });
}

function publishResult(over: Partial<PublishResult> = {}): PublishResult {
  return {
    documentName: 'AcmeMonitoringAgent',
    documentArn: 'arn:aws:ssm:us-east-1:123456789012:document/AcmeMonitoringAgent',
    documentVersion: '7',
    versionName: '2.4.0',
    defaultVersion: '7',
    previousDefaultVersion: '6',
    status: 'Active',
    changed: true,
    versionCreated: true,
    defaultChanged: true,
    tagsChanged: [],
    s3Uri: 's3://b/AcmeMonitoringAgent/2.4.0',
    uploads: [],
    consoleUrl: undefined,
    ...over,
  } as PublishResult;
}

describe('runMode (in process) → outcome', () => {
  it('validate of the example is a success outcome with the build, and renders "Valid: … 3 ZIPs"', async () => {
    const o = await runMode(
      getter({ 'package-dir': EXAMPLE, 'output-dir': path.join(tempDir(), 'o'), 'upload-artifact': 'false' }),
      {},
      Date.now(),
    );
    expect(o.failure).toBeUndefined();
    expect(o.mode).toBe('validate');
    expect(o.build?.ok).toBe(true);
    const r = renderAction(o);
    expect(r.failed).toBeUndefined();
    expect(r.summary.split('\n')[0]).toBe('## ✅ Valid: AcmeMonitoringAgent 2.4.0, 3 ZIPs');
    expect(Object.fromEntries(r.outputs)).toMatchObject({
      errors: '0',
      'package-name': 'AcmeMonitoringAgent',
    });
    expect(r.log.at(-1)).toBe('Valid: AcmeMonitoringAgent 2.4.0, 3 ZIPs');
  });

  it('bad inputs are one failure at the inputs stage, before any build', async () => {
    const o = await runMode(getter({ mode: 'deploy', 'retention-days': 'x' }), {}, Date.now());
    expect(o.build).toBeUndefined();
    expect(o.failure).toMatchObject({ type: 'error', stage: 'inputs' });
    const r = renderAction(o);
    expect(r.summary.split('\n')[0]).toBe('## ❌ Invalid inputs: 2 problems, listed below');
    expect(r.summary).toContain('\n- `mode` must be one of');
    expect(Object.fromEntries(r.outputs)['error-kind']).toBe('input');
    expect(r.failed).toContain('`retention-days`');
  });

  it('a package with errors fails with its diagnostics, and publish says nothing was uploaded', async () => {
    const dir = validPackage({ 'linux/install.sh': null });
    const o = await runMode(
      getter({
        mode: 'publish',
        'package-dir': dir,
        'output-dir': path.join(tempDir(), 'o'),
        's3-bucket': 'my-bucket',
      }),
      { AWS_REGION: 'us-east-1' },
      Date.now(),
    );
    expect(o.failure).toEqual({ type: 'problems', reason: 'errors' });
    expect(o.publish).toBeUndefined();
    const r = renderAction(o);
    expect(r.summary.split('\n')[0]).toMatch(
      /^## ❌ Publish failed: \S+ \S+ has \d+ errors?; nothing was uploaded or published$/,
    );
    expect(r.failed).toMatch(/Nothing was uploaded or published\.$/);
    expect(r.annotations.some((a) => a.level === 'error' && a.props?.title === 'script-missing')).toBe(true);
  });
});

describe('renderAction', () => {
  it('a failure after a good build keeps the build in the summary, but never says valid or published', async () => {
    const ok = await built();
    const o: Outcome = {
      ...ok,
      mode: 'publish',
      failure: {
        type: 'error',
        stage: 'publish',
        error: new ActionError(
          'permission',
          'PutObject s3://b/k failed: AccessDenied (HTTP 403): Access Denied.',
          {
            hint: 'Grant s3:PutObject on the bucket and prefix.',
            code: 'AccessDenied',
            action: 's3:PutObject',
          },
        ),
      },
    };
    const r = renderAction(o);
    const lines = r.summary.split('\n');
    expect(lines[0]).toBe(
      '## ❌ Publish failed (permission denied): PutObject s3://b/k failed: AccessDenied (HTTP 403): Access Denied.',
    );
    expect(r.summary).toContain('**What to do:** Grant s3:PutObject on the bucket and prefix.');
    expect(r.summary).toContain('IAM action `s3:PutObject`');
    expect(r.summary).not.toMatch(/✅|is valid|Published/);
    expect(r.summary).toContain('### Files');
    expect(Object.fromEntries(r.outputs)['error-kind']).toBe('permission');
    expect(r.failed).toBe(
      'PutObject s3://b/k failed: AccessDenied (HTTP 403): Access Denied. Grant s3:PutObject on the bucket and prefix.',
    );
  });

  it('an internal error says so, and puts the stack under debug only', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'file')");
    const o: Outcome = {
      mode: 'validate',
      packageDir: 'pkg',
      failure: { type: 'error', stage: 'build', error: toActionError(bug) },
    };
    const r = renderAction(o);
    expect(r.summary.split('\n')[0]).toMatch(
      /^## ❌ Validate failed \(internal error\): Internal error: Cannot read/,
    );
    expect(r.summary).toContain('This is a bug in the action');
    expect(r.summary).not.toMatch(/\n\s+at /);
    expect(r.debug.join('\n')).toContain(bug.stack!.split('\n')[1]!.trim());
    expect(Object.fromEntries(r.outputs)['error-kind']).toBe('internal');
  });

  it('publish success: the headline names the document version; changed lists what moved', async () => {
    const ok = await built();
    const created = renderAction({ ...ok, mode: 'publish', publish: publishResult() });
    expect(created.summary.split('\n')[0]).toBe(
      '## ✅ Published AcmeMonitoringAgent 2.4.0 as document version 7',
    );
    expect(outputsOf({ ...ok, mode: 'publish', publish: publishResult() })).toMatchObject({
      changed: 'true',
      'version-created': 'true',
      'default-changed': 'true',
      'previous-default-version': '6',
    });
    const moved = publishResult({ versionCreated: false, tagsChanged: ['team'], defaultChanged: true });
    expect(headline({ ...ok, mode: 'publish', publish: moved }).text).toBe(
      'AcmeMonitoringAgent 2.4.0 was already published as document version 7; moved the default version from 6 to 7; set the tags team',
    );
    const same = publishResult({
      versionCreated: false,
      defaultChanged: false,
      changed: false,
      previousDefaultVersion: '7',
    });
    const r = renderAction({ ...ok, mode: 'publish', publish: same });
    expect(r.summary.split('\n')[0]).toBe(
      '## ✅ AcmeMonitoringAgent 2.4.0 was already published as document version 7; nothing changed',
    );
    expect(r.summary).toContain('Nothing changed in AWS');
  });

  it('collapses the host table and escapes hostile names in the summary', async () => {
    const ok = await built();
    const r = renderAction(ok);
    expect(r.summary).toMatch(
      /<details><summary>Which ZIP each host gets \(\d+ of \d+ hosts get one\)<\/summary>\n\n/,
    );
    const evil: Outcome = {
      mode: 'validate',
      packageDir: 'x',
      failure: {
        type: 'error',
        stage: 'build',
        error: new ActionError('package', 'Folder "a\n## <img src=x>`|" is missing'),
      },
    };
    const s = renderAction(evil).summary;
    expect(s.split('\n')[0]).not.toContain('<img');
    expect(s).not.toMatch(/^## <img/m);
  });

  it('every error kind has a label and an exit code', () => {
    for (const k of ERROR_KINDS) expect(kindLabel(k)).toMatch(/\w/);
  });
});

/** `ok` with its files, one diagnostic and the host preview all named `name`. */
function namedEverywhere(ok: Outcome, name: string): Outcome {
  const b = ok.build!;
  const out = b.output!;
  const file = { ...out.files[0]!, name };
  const diagnostic = {
    rule: 'file-size',
    severity: 'warning' as const,
    message: `ZIP "${name}" is big`,
    file: name,
    line: 3,
  };
  return {
    ...ok,
    build: {
      ...b,
      diagnostics: [diagnostic],
      output: { ...out, files: [file] },
      preview: b.preview.map((r) => ({ ...r, file: name })),
    },
  } as Outcome;
}

const SUMMARY_TAGS = new Set(
  'h2 h3 p table thead tbody tr th td code details summary sub strong ul li'.split(' '),
);

/** What a reader must see for a name: every control character and line separator as a visible escape. */
const escaped = (s: string) =>
  s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16)}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });

describe('the job summary with hostile names', () => {
  it('keeps every table whole and shows each name literally, backticks and lone CRs included', async () => {
    const ok = await built();
    const name = fc.string({
      unit: fc.constantFrom(...'a.z `|\\<>*_[]#'.split(''), '\r', '\n', '\r\n', '``', '\u2028'),
      minLength: 1,
      maxLength: 24,
    });
    fc.assert(
      fc.property(name, (n) => {
        fc.pre(n.trim() !== '');
        const o = namedEverywhere(ok, n);
        const html = md.render(renderAction(o).summary);
        expect(tagsOf(html).filter((t) => !SUMMARY_TAGS.has(t))).toEqual([]);
        const [problems, files, hosts] = tables(html);
        expect(problems).toHaveLength(1);
        expect(problems![0]).toHaveLength(4);
        expect(decode(problems![0]![2]!)).toBe(escaped(`${n}:3`));
        expect(files).toHaveLength(1);
        expect(files![0]).toHaveLength(3);
        expect(decode(files![0]![0]!)).toBe(escaped(n));
        expect(hosts).toHaveLength(groupPreview(o.build!.preview).length);
        for (const row of hosts!) expect(decode(row[4]!)).toBe(escaped(n));
      }),
      { numRuns: 150 },
    );
  });
});

describe('cliText / cliJson', () => {
  it('a success prints the files and the ✔ line; JSON carries the result', async () => {
    const o = await built();
    const t = cliText(o, 'build');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/✔ AcmeMonitoringAgent 2\.4\.0: 0 errors, 0 warnings; built 3 ZIPs\n$/);
    const j = JSON.parse(cliJson(o).stdout);
    expect(j).toMatchObject({
      ok: true,
      result: 'Valid: AcmeMonitoringAgent 2.4.0, 3 ZIPs',
      name: 'AcmeMonitoringAgent',
    });
  });
  it('errors exit with their documented code: usage 2, internal 3, AWS 1', () => {
    const of = (e: ActionError) =>
      cliText(
        { mode: 'validate', packageDir: 'p', failure: { type: 'error', stage: 'build', error: e } },
        'validate',
      );
    expect(of(new ActionError('package', 'no such folder')).code).toBe(2);
    expect(of(new ActionError('input', 'bad option')).code).toBe(2);
    expect(of(new ActionError('network', 'down')).code).toBe(1);
    const internal = of(toActionError(new Error('boom')));
    expect(internal.code).toBe(3);
    expect(internal.stderr).toContain('DISTRIBUTOR_DEBUG=1');
    expect(internal.stderr).not.toMatch(/\n\s+at /);
  });
});
