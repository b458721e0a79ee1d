// The resolution preview as rendered: a markdown table for the job summary, aligned text for the CLI and log.
import { describe, expect, it } from 'vitest';
import { HOSTS, type PreviewRow, previewRows } from '../src/package/hosts.js';
import { previewMarkdown, previewText } from '../src/report/preview.js';

const rows = previewRows({
  packages: {
    amazon: { '2023': { arm64: { file: 'linux-rpm.zip' }, x86_64: { file: 'linux-rpm.zip' } } },
    windows: { _any: { x86_64: { file: 'windows.zip' } } },
  },
  files: ['linux-rpm.zip', 'windows.zip'],
});

const row = (over: Partial<PreviewRow>): PreviewRow => ({
  label: 'Host',
  platform: 'amazon',
  version: '2023',
  arch: 'x86_64',
  ...over,
});

describe('previewMarkdown', () => {
  it('renders one table row per host under a header', () => {
    const md = previewMarkdown(rows).split('\n');
    expect(md[0]).toBe('| Host | platform | version | arch | ZIP |');
    expect(md[1]).toBe('| --- | --- | --- | --- | --- |');
    expect(md).toContain('| Amazon Linux 2023 | `amazon` | `2023` | `arm64` | `linux-rpm.zip` |');
    expect(md).toContain(
      '| Windows Server 2016 Nano Server | `windows` | `10.0.14393nano` | `x86_64` | `windows.zip` |',
    );
    expect(md).toContain(
      '| CentOS 7 | `centos` | `7` | `x86_64` | — no manifest found: no centos or \\_any platform |',
    );
    expect(md).toHaveLength(HOSTS.length + 2);
  });

  it('keeps names inside code spans literal, and neutralises markdown and HTML outside them', () => {
    const md = previewMarkdown([row({ label: 'a|b <img src=x> *x*', file: 'f`g>h.zip' })]).split('\n')[2];
    expect(md).toBe('| a\\|b &lt;img src=x&gt; \\*x\\* | `amazon` | `2023` | `x86_64` | ``f`g>h.zip`` |');
  });

  it('keeps a line break in a name from ending the row', () => {
    const md = previewMarkdown([row({ label: 'a\nb', file: 'x\r\ny.zip' })]).split('\n');
    expect(md).toHaveLength(3);
  });
});

describe('previewText', () => {
  it('aligns the columns', () => {
    const lines = previewText(rows).split('\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[0]).toMatch(/^Host\s+platform\s+version\s+arch\s+ZIP$/);
    const zipCol = lines[0]!.indexOf('ZIP');
    const archCol = lines[0]!.indexOf('arch');
    for (const [i, r] of rows.entries()) {
      const line = lines[i + 1]!;
      expect(line.slice(archCol).startsWith(r.arch), line).toBe(true);
      expect(line.slice(zipCol), line).toBe(r.file ?? `— ${r.reason}`);
    }
  });

  it('shows control characters as escapes, so that a name cannot start a line of its own', () => {
    const text = previewText([row({ label: 'x\n::error::owned', file: 'a\u001b[31m.zip' })]);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('x\\x0a::error::owned');
    expect(text).toContain('a\\x1b[31m.zip');
  });
});
