// The resolution preview as rendered: a markdown table for the job summary, aligned text for the CLI and log.
import { describe, expect, it } from 'vitest';
import { HOSTS, type PreviewRow, previewRows } from '../src/package/hosts.js';
import { groupPreview, previewMarkdown, previewText } from '../src/report/preview.js';

const rows = previewRows({
  packages: {
    amazon: { '2023': { arm64: { file: 'linux-rpm.zip' }, x86_64: { file: 'linux-rpm.zip' } } },
    redhat: { '9.*': { x86_64: { file: 'linux-rpm.zip' } } },
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

describe('groupPreview', () => {
  it('merges the architectures of one release that get the same answer, and nothing else', () => {
    const lines = groupPreview(rows);
    expect(lines.find((l) => l.label === 'Amazon Linux 2023')).toMatchObject({
      arches: ['x86_64', 'arm64'],
      file: 'linux-rpm.zip',
    });
    // same miss on both architectures: one line
    expect(lines.filter((l) => l.label === 'Ubuntu 24.04')).toEqual([
      expect.objectContaining({
        arches: ['x86_64', 'arm64'],
        reason: 'no manifest found: no ubuntu or _any platform',
      }),
    ]);
    // a ZIP on one, nothing on the other: two lines
    expect(lines.filter((l) => l.label === 'RHEL 9.6').map((l) => [l.arches, l.file ?? l.reason])).toEqual([
      [['x86_64'], 'linux-rpm.zip'],
      [['arm64'], 'no manifest found: no arm64 or _any architecture'],
    ]);
    // every host is on exactly one line
    expect(lines.flatMap((l) => l.arches.map((a) => `${l.label} ${a}`))).toEqual(
      HOSTS.map((h) => `${h.label} ${h.arch}`),
    );
    // the built-in list stays a short table
    expect(lines.length).toBeLessThan(HOSTS.length * 0.75);
  });
});

describe('previewMarkdown', () => {
  it('renders one table row per release under a header', () => {
    const md = previewMarkdown(rows).split('\n');
    expect(md[0]).toBe('| Host | platform | version | arch | ZIP |');
    expect(md[1]).toBe('| --- | --- | --- | --- | --- |');
    expect(md).toContain('| Amazon Linux 2023 | `amazon` | `2023` | `x86_64`, `arm64` | `linux-rpm.zip` |');
    expect(md).toContain(
      '| Windows Server 2016 Nano Server | `windows` | `10.0.14393nano` | `x86_64` | `windows.zip` |',
    );
    expect(md).toContain(
      '| CentOS 7 | `centos` | `7` | `x86_64` | — no manifest found: no centos or \\_any platform |',
    );
    expect(md).toContain('| RHEL 9.6 | `redhat` | `9.6` | `x86_64` | `linux-rpm.zip` |');
    expect(md).toContain(
      '| RHEL 9.6 | `redhat` | `9.6` | `arm64` | — no manifest found: no arm64 or \\_any architecture |',
    );
    expect(md).toHaveLength(groupPreview(rows).length + 2);
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
    const grouped = groupPreview(rows);
    expect(lines).toHaveLength(grouped.length + 1);
    expect(lines[0]).toMatch(/^Host\s+platform\s+version\s+arch\s+ZIP$/);
    const zipCol = lines[0]!.indexOf('ZIP');
    const archCol = lines[0]!.indexOf('arch');
    for (const [i, r] of grouped.entries()) {
      const line = lines[i + 1]!;
      expect(line.slice(archCol).startsWith(r.arches.join(', ')), line).toBe(true);
      expect(line.slice(zipCol), line).toBe(r.file ?? `— ${r.reason}`);
    }
    expect(lines).toContain(
      `Amazon Linux 2023${' '.repeat(lines[0]!.indexOf('platform') - 17)}amazon${' '.repeat(
        lines[0]!.indexOf('version') - lines[0]!.indexOf('platform') - 6,
      )}2023${' '.repeat(archCol - lines[0]!.indexOf('version') - 4)}x86_64, arm64  linux-rpm.zip`,
    );
  });

  it('shows control characters as escapes, so that a name cannot start a line of its own', () => {
    const text = previewText([row({ label: 'x\n::error::owned', file: 'a\u001b[31m.zip' })]);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('x\\x0a::error::owned');
    expect(text).toContain('a\\x1b[31m.zip');
  });
});
