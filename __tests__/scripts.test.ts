// Script checks: what breaks under `sh install.sh` (dash) and under Windows PowerShell 5.1.
import { describe, expect, it } from 'vitest';
import { checkPowerShellScript, nonAscii } from '../src/package/rules/powershell.js';
import { hostList } from '../src/package/rules/scripts.js';
import { checkShellScript, MAX_BASHISM_LINES } from '../src/package/rules/shell/check.js';
import type { Diagnostic } from '../src/package/types.js';

const sh = (text: string, display = 'linux/install.sh') => checkShellScript(Buffer.from(text), display);
const rules = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.rule === rule);
const bashisms = (text: string) => rules(sh(text), 'sh-bashism');

/** A script whose line 3 is `line`. */
const at3 = (line: string) => `#!/bin/sh\nset -eu\n${line}\necho done\n`;

describe('sh-bashism: each construct', () => {
  it.each([
    ['if [[ -f /etc/os-release ]]; then echo y; fi', '`[[ … ]]`'],
    ['while [[ $# -gt 0 ]]; do shift; done', '`[[ … ]]`'],
    ['[ -n "$x" ] && [[ $x == y* ]] && echo y', '`[[ … ]]`'],
    ['function setup {', '`function name`'],
    ['function setup() { echo hi; }', '`function name`'],
    ['pkgs=(curl jq)', 'arrays'],
    ['local pkgs=(curl jq)', 'arrays'],
    ['for p in "${pkgs[@]}"; do echo "$p"; done', 'arrays'],
    ['echo ${#pkgs[@]}', 'arrays'],
    ['pkgs[0]=curl', 'arrays'],
    ['mapfile -t lines < list.txt', 'arrays'],
    ['declare -a pkgs', '`declare` / `typeset` / `local -a`'],
    ['typeset -i n=1', '`declare` / `typeset` / `local -a`'],
    ['f() { local -a pkgs; }', '`declare` / `typeset` / `local -a`'],
    ['grep -q amzn <<< "$ID"', '`<<<` here-string'],
    ["printf $'a\\tb\\n'", "`$'…'` quoting"],
    ['echo "${name//-/_}"', '`${var/pattern/replacement}`'],
    ['echo ${name/x/y}', '`${var/pattern/replacement}`'],
    ['major="${version:0:1}"', '`${var:offset:length}`'],
    ['echo "${1:2}"', '`${var:offset:length}`'],
    ['echo "${name^^}"', 'case conversion'],
    ['echo "${!ref}"', 'indirect expansion'],
    ['yum install -y x &> /dev/null', '`&>`'],
    ['yum install -y x &>>/var/log/x.log', '`&>`'],
    ['yum install -y x >& /tmp/log', '`&>`'],
    ['yum install -y x |& tee log', '`&>`'],
    ['cp /etc/acme.conf{,.bak}', 'brace expansion'],
    ['mkdir -p /opt/acme/{bin,etc}', 'brace expansion'],
    ['for i in {1..3}; do echo "$i"; done', 'brace expansion'],
    ['source /etc/os-release', '`source`'],
    ['[ -f x ] && source x', '`source`'],
    ['if [ "$ID" == "amzn" ]; then echo y; fi', '`==` in `[ ]`'],
    ['test "$ID" == amzn && echo y', '`==` in `[ ]`'],
    ['select opt in a b; do break; done', '`select`'],
    ['let n=n+1', '`let`'],
    ['(( n++ ))', '`((…))` arithmetic command'],
    ['if ((n > 3)); then echo big; fi', '`((…))` arithmetic command'],
    ['for ((i = 0; i < 3; i++)); do echo "$i"; done', '`for ((…))` loop'],
    ['echo $[1 + 2]', '`$[…]` arithmetic'],
    ['echo -e "a\\tb"', '`echo -e`'],
    ['echo -ne "a\\tb"', '`echo -e`'],
    ['sleep $((RANDOM % 10))', '`$RANDOM`'],
    ['echo "$RANDOM"', '`$RANDOM`'],
    ['echo "${RANDOM}"', '`$RANDOM`'],
    ['[ "$EUID" -ne 0 ] && exit 1', '`$EUID`'],
    ['cd "$(dirname "$BASH_SOURCE")"', '`$BASH_SOURCE`'],
    ['pushd /tmp > /dev/null', '`pushd` / `popd`'],
    ['popd', '`pushd` / `popd`'],
    ['shopt -s nullglob', '`shopt`'],
    ['PATH+=:/opt/acme/bin', '`+=` assignment'],
    ['x=$(if [[ -d /opt ]]; then echo y; fi)', '`[[ … ]]`'],
    ['x="$(source ./lib.sh; echo ok)"', '`source`'],
    ["trap 'echo failed' ERR", '`trap … ERR` (dash stops with "trap: ERR: bad trap"'],
    ['trap "echo failed; exit 1" ERR', '`trap … ERR`'],
    ["trap -- 'cleanup' INT TERM ERR", '`trap … ERR`'],
    ["trap '' err", '`trap … ERR`'],
    ['trap - ERR', '`trap … ERR`'],
    ["set -e; trap 'x' SIGERR", '`trap … ERR`'],
    ['trap \'echo "$BASH_COMMAND"\' DEBUG', '`trap … DEBUG`'],
    ["f() { trap 'rm -f x' RETURN; }", '`trap … RETURN`'],
    ["if true; then trap 'x' ERR; fi", '`trap … ERR`'],
  ])('%s', (line, what) => {
    const ds = bashisms(at3(line));
    expect(ds, JSON.stringify(ds)).toHaveLength(1);
    const d = ds[0]!;
    expect(d.line).toBe(3);
    expect(d.file).toBe('linux/install.sh');
    expect(d.severity).toBe('error');
    expect(d.message).toContain(what);
    expect(d.message).toContain('`sh install.sh`');
  });

  it('gives the column of the first construct', () => {
    const [d] = bashisms(at3('x=1; [[ -n "$x" ]]'));
    expect(d?.column).toBe(6);
  });

  it('gives one diagnostic per line, naming every construct on it', () => {
    const ds = bashisms(at3('[[ -n "${a[0]}" ]] && echo -e "x"'));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain('`[[ … ]]`');
    expect(ds[0]!.message).toContain('arrays');
    expect(ds[0]!.message).toContain('`echo -e`');
    expect(ds[0]!.message).toMatch(/They fail or misbehave because/);
  });

  it('finds constructs on several lines, in line order', () => {
    const ds = bashisms('#!/bin/sh\nsource ./a\necho ok\nlet x=1\n\npushd /tmp\n');
    expect(ds.map((d) => d.line)).toEqual([2, 4, 6]);
  });

  it(`reports the first ${MAX_BASHISM_LINES} lines, then one summary`, () => {
    const text = `#!/bin/sh\n${Array.from({ length: 30 }, (_, i) => `source ./part${i}.sh`).join('\n')}\n`;
    const ds = bashisms(text);
    expect(ds).toHaveLength(MAX_BASHISM_LINES + 1);
    expect(ds.slice(0, MAX_BASHISM_LINES).map((d) => d.line)).toEqual(
      Array.from({ length: MAX_BASHISM_LINES }, (_, i) => i + 2),
    );
    const last = ds[MAX_BASHISM_LINES]!;
    expect(last.line).toBe(MAX_BASHISM_LINES + 2);
    expect(last.message).toMatch(/^10 more lines use bash-only syntax \(lines 22, 23, .*31\)/);
  });

  it('mentions an ignored bash shebang only when something is wrong', () => {
    expect(bashisms('#!/bin/bash\necho hi\n')).toEqual([]);
    expect(bashisms('#!/usr/bin/env bash\nset -eu\necho "${x:-y}"\n')).toEqual([]);
    const [d] = bashisms('#!/bin/bash\nif [[ -f x ]]; then :; fi\n');
    expect(d?.message).toContain('the `#!/bin/bash` line is ignored');
    const [e] = bashisms('#!/bin/sh\nif [[ -f x ]]; then :; fi\n');
    expect(e?.message).not.toContain('ignored');
  });

  it('names the script as the agent runs it', () => {
    const [d] = checkShellScript(Buffer.from('source x\n'), 'linux.zip:uninstall.sh');
    expect(d?.message).toContain('`sh uninstall.sh`');
  });
});

describe('sh-bashism and sh-pipefail: the platforms that get the ZIP', () => {
  const scoped = (text: string, platforms: string[]) =>
    checkShellScript(Buffer.from(text), 'linux/install.sh', platforms).map((d) => [d.rule, d.severity]);

  it.each([
    [
      ['amazon', 'redhat', 'centos', 'oracle', 'rocky', 'almalinux', 'suse', 'opensuseleap', 'fedora'],
      'notice',
    ],
    [['amazon', 'ubuntu'], 'error'],
    [['debian'], 'error'],
    [['raspbian'], 'error'],
    [['_any'], 'error'],
    [['Ubuntu'], 'error'],
    [['mint'], 'error'],
    [[], 'error'],
  ])('%j → %s', (platforms, severity) => {
    expect(scoped('source ./x\n', platforms)).toEqual([['sh-bashism', severity]]);
  });

  it('set -o pipefail: warning where dash can run it, notice elsewhere', () => {
    expect(scoped('set -o pipefail\n', ['suse'])).toEqual([['sh-pipefail', 'notice']]);
    expect(scoped('set -o pipefail\n', ['suse', '_any'])).toEqual([['sh-pipefail', 'warning']]);
  });

  it('CRLF is an error wherever the ZIP goes', () => {
    expect(scoped('echo hi\r\n', ['amazon'])).toEqual([['sh-crlf', 'error']]);
  });
});

describe('sh-bashism: no false positives', () => {
  const POSIX = [
    '#!/bin/bash',
    '# Installs the agent. Comments may say [[ ]], source, echo -e, ${a[@]}, <<< and &> freely.',
    'set -eu',
    'umask 022   # trailing comment with function f { and let x=1',
    'LOG=/var/log/acme-install.log',
    'exec 3>&1',
    'log() { printf \'%s %s\\n\' "$(date +%s)" "$*" >>"$LOG" 2>&1; }',
    'say() {',
    '  local msg',
    '  msg=$1',
    '  echo "$msg" >&2',
    '}',
    'arch="${BWS_ARCHITECTURE:-x86_64}"',
    'name=${0##*/}',
    'base=${name%.sh}',
    'len=${#base}',
    'first=${1:-}',
    'count=$(( len + 1 ))',
    'count=$((count * 2))',
    'if [ "$arch" = arm64 ] && [ "$count" -gt 0 ]; then',
    '  pkg=acme-aarch64.rpm',
    'elif test "$arch" = x86_64; then',
    '  pkg=acme-x86_64.rpm',
    'fi',
    'case "$arch" in',
    '  arm64) . ./lib/arm.sh ;;',
    '  *) : ;;',
    'esac',
    "echo '[[ quoted ]] source x ${a[@]} $RANDOM &> echo -e {a,b}'",
    'echo "a == b, {x,y} and [[ ]] are just text; so is source"',
    'printf "%s\\n" "it\'s fine" \'and "this" too\'',
    'echo "nested $(echo "[ x == y ]" | tr -d "[") ok"',
    "awk '{ print $1, $2 }' /etc/os-release >/dev/null",
    'find /opt/acme -name "*.tmp" -exec rm -f {} \\;',
    'cat <<EOF >/etc/acme.conf',
    'endpoint=[[ not code ]] ${a[@]} $RANDOM &> /x',
    'source this is data',
    'EOF',
    'cat <<-\'END\' | sed "s/x/y/"',
    '\tfunction f { echo -e; }',
    '\tlet x=1; select y',
    '\tEND',
    'cat << "DONE"',
    '(( not arithmetic here ))',
    'DONE',
    'x=a#b',
    'echo "$#" "$@" "$?" "$$" "$!"',
    'trap \'rm -f "$tmp"\' EXIT',
    'trap \'rm -f "$tmp"; echo ERR\' INT TERM',
    'trap - INT',
    'trap err EXIT',
    'echo trap ERR',
    'echo "trap \'x\' ERR"',
    'x=trap ERR=1',
    'command -v dnf >/dev/null 2>&1 || echo "no dnf" >&2',
    'for f in ./*.rpm; do [ -e "$f" ] || continue; done',
    'RANDOM=4; echo "$RANDOM"',
    'if [ "$(id -u)" -ne 0 ]; then echo "run as root"; exit 1; fi',
    'rpm -Uvh --replacepkgs "./$pkg"',
    'echo -n "done" && echo',
    'echo "tab:\\t"',
    '',
  ].join('\n');

  it('a realistic POSIX script gives no findings at all', () => {
    expect(sh(POSIX)).toEqual([]);
  });

  it('the same script with one bash-ism added after the here-documents finds just that line', () => {
    const lines = POSIX.split('\n');
    lines.splice(lines.length - 1, 0, 'source ./more.sh');
    const ds = sh(lines.join('\n'));
    expect(ds.map((d) => [d.rule, d.line])).toEqual([['sh-bashism', lines.length - 1]]);
  });

  it('an unterminated quote or here-document does not throw', () => {
    expect(() => sh('echo "unterminated\n[[ x ]]\n')).not.toThrow();
    expect(() => sh("echo 'unterminated\n")).not.toThrow();
    expect(sh('cat <<EOF\n[[ x ]]\n')).toEqual([]);
    expect(() => sh('echo ${unclosed\n$((1 +\n`x\n')).not.toThrow();
  });
});

describe('sh-crlf', () => {
  it('reports CRLF once, at the first CRLF line, with the count and the fix', () => {
    const ds = rules(sh('#!/bin/sh\r\nset -eu\r\necho hi\r\n'), 'sh-crlf');
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ rule: 'sh-crlf', severity: 'error', file: 'linux/install.sh', line: 1 });
    expect(ds[0]!.message).toContain('on 3 lines');
    expect(ds[0]!.message).toContain('*.sh text eol=lf');
    expect(ds[0]!.message).toContain("$'\\r': command not found");
  });

  it('finds a single CRLF line among LF lines', () => {
    const ds = rules(sh('#!/bin/sh\necho a\necho b\r\necho c\n'), 'sh-crlf');
    expect(ds.map((d) => d.line)).toEqual([3]);
    expect(ds[0]!.message).toContain('on 1 line,');
  });

  it('LF-only scripts are fine, and bash-isms are still found in CRLF scripts', () => {
    expect(rules(sh('#!/bin/sh\necho a\n'), 'sh-crlf')).toEqual([]);
    const ds = sh('#!/bin/sh\r\necho a\r\n[[ -f x ]] && echo y\r\n');
    expect(ds.map((d) => [d.rule, d.line])).toEqual([
      ['sh-crlf', 1],
      ['sh-bashism', 3],
    ]);
  });
});

describe('sh-pipefail', () => {
  it.each([
    ['set -euo pipefail', 1],
    ['set -o pipefail', 1],
    ['set -e -o pipefail', 1],
    ['set -eu -o pipefail -x', 1],
    ['  set -eo pipefail  # strict', 3],
    ['true && set -o pipefail', 9],
  ])('%s → warning', (line, column) => {
    const ds = sh(`#!/bin/sh\n${line}\necho ok\n`);
    expect(ds.map((d) => [d.rule, d.severity, d.line])).toEqual([['sh-pipefail', 'warning', 2]]);
    expect(ds[0]!.column).toBe(column);
    expect(ds[0]!.message).toContain('(set -o pipefail) 2>/dev/null && set -o pipefail');
  });

  it.each([
    '(set -o pipefail) 2>/dev/null && set -o pipefail',
    'if (set -o pipefail 2>/dev/null); then set -o pipefail; fi',
    'echo "set -o pipefail"',
    '# set -euo pipefail',
    'set -o errexit',
    'set -- pipefail',
    'echo pipefail',
  ])('%s → nothing', (line) => {
    expect(sh(`#!/bin/sh\n${line}\n`)).toEqual([]);
  });
});

describe('ps1-bom', () => {
  const ps = (b: Buffer) => checkPowerShellScript(b, 'windows/install.ps1');

  it('ASCII-only scripts need no BOM', () => {
    expect(ps(Buffer.from("$ErrorActionPreference = 'Stop'\nWrite-Output 'ok'\n"))).toEqual([]);
  });

  it('non-ASCII text without a BOM is an error at the first such line', () => {
    const ds = ps(Buffer.from("Write-Output 'ok'\r\n# plain\r\nWrite-Output 'Café installé'\r\n"));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({
      rule: 'ps1-bom',
      severity: 'error',
      file: 'windows/install.ps1',
      line: 3,
      column: 18,
    });
    expect(ds[0]!.message).toContain('UTF-8 with BOM');
    expect(ds[0]!.message).toContain('Windows PowerShell 5.1');
  });

  it('Windows-1252 bytes (not UTF-8) are reported too', () => {
    const ds = ps(Buffer.from([0x57, 0x0a, 0x22, 0x94, 0x22, 0x0a]));
    expect(ds.map((d) => d.line)).toEqual([2]);
    expect(ds[0]!.message).toContain('not even valid UTF-8');
  });

  it.each([
    ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("Write-Output 'Café'\n")])],
    [
      'UTF-16 LE BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Write-Output 'Café'\n", 'utf16le')]),
    ],
    [
      'UTF-16 BE BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("Write-Output 'Café'\n", 'utf16le').swap16()]),
    ],
  ])('%s is fine', (_name, bytes) => {
    expect(ps(bytes)).toEqual([]);
  });
});

describe('ps1-bom: where the non-ASCII text is', () => {
  const where = (text: string) => {
    const r = nonAscii(Buffer.from(text).toString('latin1'));
    return r.code !== undefined ? 'code' : r.comment !== undefined ? 'comment' : 'none';
  };

  it.each([
    ['# ©\n', 'comment'],
    ['<# © #> x\n', 'comment'],
    ['x <#\r\n © \r\n#>\r\n', 'comment'],
    ['Write-Output "a" # "©"\n', 'comment'],
    ["$t = @'\r\nx\r\n'@ # ©\r\n", 'comment'],
    ['$t = @"\n$(1 + 1) "@ x\n"@\n# ©\n', 'comment'],
    ['$x = "$("a") b" # ©\n', 'comment'],
    ['(1)# ©\n', 'comment'],
    ["'a' # ©", 'comment'],
    ['"${a}" # ©', 'comment'],
    ['"©"', 'code'],
    ['"$("a # ©")"', 'code'],
    ["'a''# ©'", 'code'],
    ["@'x\n# ©\n'@", 'code'],
    ["$t = @'\n '@ # ©\n'@\n", 'code'],
    ['"a`"# ©"', 'code'],
    ['a`;# ©', 'code'],
    ['${x}# ©', 'code'],
    ["'a'# ©", 'code'],
    ['x # fine\n<# unterminated ©', 'code'],
    ['"unterminated ©', 'code'],
    [`${'"$('.repeat(100)} # ©`, 'code'],
    ['plain ASCII # only', 'none'],
  ])('%j → %s', (text, expected) => {
    expect(where(text)).toBe(expected);
  });

  it('stays linear on long adversarial input', { timeout: 60_000 }, () => {
    const inputs = ['"$('.repeat(30), '<#'.repeat(500_000), "@'  ".repeat(300_000), '`'.repeat(1_000_001)];
    for (const text of inputs) expect(() => nonAscii(`${text}©`)).not.toThrow();
  });
});

describe('script-kind-mismatch: the host list', () => {
  const h = (label: string, platform: string, arch = 'x86_64') => ({ label, platform, version: '1', arch });

  it("names each label once, shares a platform's leading words, and counts the hosts", () => {
    const hosts = [h('Windows Server 2022', 'windows'), h('Windows Server 2019', 'windows')];
    expect(hostList(hosts)).toBe('Windows Server 2022, 2019 (2 preview hosts)');
    expect(hostList([h('Debian 12', 'debian'), h('Debian 12', 'debian', 'arm64')])).toBe(
      'Debian 12 (2 preview hosts)',
    );
    expect(hostList([h('Acme OS', 'acme')])).toBe('Acme OS (1 preview host)');
  });

  it('lists at most six labels, then says how many more', () => {
    const hosts = [
      h('Amazon Linux 2023', 'amazon'),
      h('Amazon Linux 2', 'amazon'),
      h('Ubuntu 24.04', 'ubuntu'),
      h('Ubuntu 22.04', 'ubuntu'),
      h('RHEL 9.4', 'redhat'),
      h('CentOS 7', 'centos'),
      h('Rocky Linux 9.3', 'rocky'),
      h('SUSE 15', 'suse'),
    ];
    expect(hostList(hosts)).toBe(
      'Amazon Linux 2023, 2; Ubuntu 24.04, 22.04; RHEL 9.4; CentOS 7 and 2 more releases (8 preview hosts)',
    );
  });
});

describe('binary and malformed input', () => {
  const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
  const badUtf8 = Buffer.from([0x5b, 0x5b, 0x20, 0xc3, 0x28, 0x20, 0x5d, 0x5d, 0x0a, 0xff, 0xfe, 0x0a]);

  it('never throws', () => {
    expect(() => checkShellScript(junk, 'x.sh')).not.toThrow();
    expect(() => checkPowerShellScript(junk, 'x.ps1')).not.toThrow();
    expect(() => checkShellScript(Buffer.alloc(0), 'x.sh')).not.toThrow();
    expect(checkPowerShellScript(Buffer.alloc(0), 'x.ps1')).toEqual([]);
  });

  it('still reads invalid UTF-8 shell text line by line', () => {
    expect(checkShellScript(badUtf8, 'x.sh').map((d) => [d.rule, d.line])).toEqual([['sh-bashism', 1]]);
  });

  it('a UTF-8 BOM does not hide the first line', () => {
    const ds = checkShellScript(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('source x\n')]),
      'x.sh',
    );
    expect(ds.map((d) => [d.rule, d.line, d.column])).toEqual([['sh-bashism', 1, 1]]);
  });
});

describe('hostile input', () => {
  it('stays linear on long adversarial lines (no regular-expression blow-up)', { timeout: 60_000 }, () => {
    const inputs = [
      `${'[ '.repeat(300_000)}x==`,
      `${'test '.repeat(200_000)}x==`,
      '(( )) '.repeat(100_000),
      '${a[0]} "${b//x/y}" '.repeat(30_000),
      '{'.repeat(500_000),
      'read '.repeat(200_000),
      `"'`.repeat(300_000),
      'then trap x '.repeat(300_000),
      `trap ${"'' ".repeat(300_000)}`,
    ];
    const t = Date.now();
    for (const text of inputs) expect(() => checkShellScript(Buffer.from(text), 'x.sh')).not.toThrow();
    expect(Date.now() - t).toBeLessThan(15_000);
  });
});
