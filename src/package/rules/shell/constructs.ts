// The bash-only constructs the shell checks name, what each is called in messages, and its POSIX
// alternative; and the variables bash sets that sh (dash) does not.

export type ConstructId =
  | 'dbracket'
  | 'function'
  | 'array'
  | 'herestring'
  | 'ansic'
  | 'substitute'
  | 'substring'
  | 'caseconv'
  | 'indirect'
  | 'bothredirect'
  | 'brace'
  | 'source'
  | 'testeq'
  | 'select'
  | 'let'
  | 'arith'
  | 'cfor'
  | 'oldarith'
  | 'echoe'
  | 'pushd'
  | 'shopt'
  | 'declare'
  | 'append'
  | 'trap'
  | 'var';

/** What each construct is called in messages, and its POSIX alternative. */
export const CONSTRUCTS: Record<Exclude<ConstructId, 'var'>, { what: string; fix: string }> = {
  dbracket: {
    what: '`[[ … ]]`',
    fix: 'use `[ … ]`, or `case` for pattern matching',
  },
  function: {
    what: '`function name`',
    fix: 'write `name() { … }`',
  },
  array: {
    what: 'arrays',
    fix: 'use the positional parameters (`set -- a b c` and `"$@"`) or a space-separated string',
  },
  herestring: {
    what: 'the `<<<` here-string',
    fix: 'pipe into the command (`printf \'%s\\n\' "$x" | cmd`) or use a here-document',
  },
  ansic: {
    what: "`$'…'` quoting",
    fix: 'produce special characters with `printf`',
  },
  substitute: {
    what: '`${var/pattern/replacement}`',
    fix: 'use `sed`, or `${var#…}` / `${var%…}`',
  },
  substring: {
    what: '`${var:offset:length}`',
    fix: 'use `cut`, or `${var#…}` / `${var%…}`',
  },
  caseconv: {
    what: '`${var^^}` / `${var,,}` case conversion',
    fix: "use `tr '[:lower:]' '[:upper:]'`",
  },
  indirect: {
    what: '`${!var}` indirect expansion',
    fix: 'use `eval`',
  },
  bothredirect: {
    what: '`&>` / `>&file` / `|&` (stdout and stderr together)',
    fix: 'write `>file 2>&1` (or `2>&1 |`)',
  },
  brace: {
    what: 'brace expansion (`{a,b}`, `{1..3}`)',
    fix: 'write the words out, or loop',
  },
  source: {
    what: '`source`',
    fix: 'use `. ./file`',
  },
  testeq: {
    what: '`==` in `[ ]` / `test`',
    fix: 'use `=`',
  },
  select: {
    what: '`select`',
    fix: 'use a `while read` loop',
  },
  let: {
    what: '`let`',
    fix: 'use `x=$((…))`',
  },
  arith: {
    what: 'the `((…))` arithmetic command',
    fix: 'use `[ "$((…))" -ne 0 ]` or `x=$((…))` (`$((…))` is POSIX)',
  },
  cfor: {
    what: 'the `for ((…))` loop',
    fix: 'use `i=0; while [ "$i" -lt 3 ]; do …; i=$((i + 1)); done`',
  },
  oldarith: {
    what: '`$[…]` arithmetic',
    fix: 'use `$((…))`',
  },
  echoe: {
    what: '`echo -e`',
    fix: 'use `printf` (dash prints "-e" and always interprets backslashes)',
  },
  pushd: {
    what: '`pushd` / `popd`',
    fix: 'use `cd` (save `$PWD` to go back)',
  },
  shopt: {
    what: '`shopt`',
    fix: 'remove it (`set -f` / `set -o` for POSIX options)',
  },
  declare: {
    what: '`declare` / `typeset` / `local -a`',
    fix: 'use plain assignments (`local name` works in dash)',
  },
  append: {
    what: '`+=` assignment',
    fix: 'write `x="${x}more"`',
  },
  trap: {
    what: '`trap … ERR`',
    fix: 'use `set -e` or `cmd || exit 1`, and `trap … EXIT` for cleanup',
  },
};

/** What to write instead of a bash-only trap condition (dash knows only EXIT and the signals). */
const TRAP_FIX: Record<string, string> = {
  ERR: CONSTRUCTS.trap.fix,
  DEBUG: 'remove it (`set -x` traces commands)',
  RETURN: 'run the cleanup at the end of the function',
};

export /** Variables bash sets and sh (dash) does not, with what to use instead. */
const BASH_VARS: Record<string, string> = {
  RANDOM: 'use `$(od -An -N2 -tu2 /dev/urandom)` or awk `rand()`',
  EUID: 'use `$(id -u)`',
  UID: 'use `$(id -u)`',
  HOSTNAME: 'use `$(hostname)`',
  BASH_SOURCE: 'the agent runs the script from the extracted package folder: use `$PWD` or `$0`',
  BASH_REMATCH: 'use `expr` or `sed`',
  PIPESTATUS: 'split the pipeline',
  FUNCNAME: 'pass the name explicitly',
  SECONDS: 'use `$(date +%s)`',
  BASHPID: "use `$$` or `sh -c 'echo $PPID'`",
  EPOCHSECONDS: 'use `$(date +%s)`',
  OSTYPE: 'use `uname -s`',
  HOSTTYPE: 'use `uname -m` (or `$BWS_ARCHITECTURE`, which the agent sets)',
  MACHTYPE: 'use `uname -m`',
};

/** A construct found in a script. */
export interface Finding {
  /** Index into the normalised text. */
  at: number;
  id: ConstructId;
  /** The variable, for `var` findings; the condition (ERR, DEBUG, RETURN), for `trap` findings. */
  name?: string;
}

/** A finding as it appears in the message: what it is, and what to write instead. */
export function describe(f: Finding): string {
  if (f.id === 'var')
    return `\`$${f.name}\` (not set by sh: ${BASH_VARS[f.name ?? ''] ?? 'set it yourself'})`;
  if (f.id === 'trap') {
    const cond = f.name ?? 'ERR';
    return `\`trap … ${cond}\` (dash stops with "trap: ${cond}: bad trap"; ${TRAP_FIX[cond] ?? CONSTRUCTS.trap.fix})`;
  }
  const c = CONSTRUCTS[f.id];
  return `${c.what} (${c.fix})`;
}
