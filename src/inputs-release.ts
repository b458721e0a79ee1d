// The release-pipeline inputs of publish and promote: the canary group, the association rollout and the
// regions. Parsed without loading any AWS code (validate starts without it).
import type { CanaryTargets, FailedTargetsLimit } from './aws/rollout-types.js';
import { parseBool, seconds } from './input-values.js';
import { regionListProblems } from './modes/regions.js';
import { oneLine } from './text.js';

export type InstallationType = 'Uninstall and reinstall' | 'In-place update';

export interface CanaryInputs {
  targets: CanaryTargets;
  installationType: InstallationType;
  maxConcurrency: string;
  maxErrors: string;
  timeoutSeconds: number;
}

export interface RolloutInputs {
  wait: boolean;
  timeoutSeconds: number;
  maxFailed: FailedTargetsLimit;
}

export interface ReleaseInputs {
  /** canary-targets and its options; undefined without canary-targets. */
  canary: CanaryInputs | undefined;
  /** start-associations and its options; undefined when associations are not started. */
  rollout: RolloutInputs | undefined;
  /** `regions`; undefined: the one `region`. */
  regions: string[] | undefined;
  maxParallelRegions: number;
}

type Get = (name: string) => string;

/**
 * The defaults action.yml declares: the runner passes them as the input's value when `with:` leaves it
 * out, so a value equal to its default counts as not set when deciding whether it was asked for.
 */
const DEFAULTS: Record<string, string> = {
  'installation-type': 'Uninstall and reinstall',
  'max-concurrency': '50',
  'max-errors': '0',
  'canary-timeout-seconds': '900',
  'start-associations': 'false',
  'wait-for-rollout': 'false',
  'rollout-timeout-seconds': '1800',
  'max-failed-targets': '0',
  'max-parallel-regions': '4',
};

/** The input was given a value other than its default. */
const given = (get: Get, name: string): boolean => {
  const v = get(name).trim();
  return v !== '' && v !== DEFAULTS[name];
};

/** Instance ids a SendCommand can name at once. */
export const MAX_CANARY_INSTANCES = 50;
/** Tag filters a SendCommand can carry. */
export const MAX_CANARY_TAGS = 5;
export const MAX_REGIONS = 30;

export const INSTALLATION_TYPES: readonly InstallationType[] = ['Uninstall and reinstall', 'In-place update'];

const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;
/** What SendCommand's Targets accept as a tag key and value (the model's Key pattern and Value length). */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
/** MaxConcurrency / MaxErrors as SendCommand takes them (MaxErrors may also be 0). */
const RATE = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;

/** `max-failed-targets`: `0`, `5`, `10%`, `12.5%` (a percentage of all targets, up to 100). */
export function parseFailedTargets(text: string): FailedTargetsLimit | undefined {
  const t = text.trim();
  const count = /^\d{1,9}$/.exec(t);
  if (count) return { kind: 'count', value: Number(t), text: t };
  const pct = /^(\d{1,3}(?:\.\d{1,3})?)\s*%$/.exec(t);
  if (pct && Number(pct[1]) <= 100) return { kind: 'percent', value: Number(pct[1]), text: `${pct[1]}%` };
  return undefined;
}

/**
 * `canary-targets`: instance ids (commas, spaces or lines between them, at most 50), or tag filters
 * `tag:Key=Value1,Value2`, one per line (an instance must match all of them). Not both kinds.
 */
export function parseCanaryTargets(raw: string, problems: string[]): CanaryTargets | undefined {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return undefined;
  const tagLines = lines.filter((l) => l.startsWith('tag:'));
  if (tagLines.length > 0 && tagLines.length < lines.length) {
    problems.push(
      '`canary-targets` mixes instance ids and tag filters; Run Command takes one or the other: list instance ids, or `tag:Key=Value` lines.',
    );
    return undefined;
  }
  if (tagLines.length > 0) {
    const tags: { key: string; values: string[] }[] = [];
    for (const line of tagLines) {
      const eq = line.indexOf('=');
      const key = eq < 0 ? '' : line.slice(4, eq).trim();
      const values =
        eq < 0
          ? []
          : line
              .slice(eq + 1)
              .split(',')
              .map((v) => v.trim())
              .filter((v) => v !== '');
      if (!TAG_KEY.test(key) || values.length === 0 || !values.every((v) => TAG_VALUE.test(v))) {
        problems.push(
          `\`canary-targets\` line "${oneLine(line)}" is not a tag filter: write tag:Key=Value (or tag:Key=Value1,Value2), with letters, digits, spaces or _ . : / = + - @.`,
        );
        continue;
      }
      if (values.length > 50) {
        problems.push(`\`canary-targets\` tag ${oneLine(key)} lists ${values.length} values; at most 50.`);
        continue;
      }
      tags.push({ key, values: [...new Set(values)] });
    }
    if (tags.length > MAX_CANARY_TAGS)
      problems.push(
        `\`canary-targets\` has ${tags.length} tag filters; Run Command takes at most ${MAX_CANARY_TAGS}.`,
      );
    return tags.length === tagLines.length && tags.length <= MAX_CANARY_TAGS ? { tags } : undefined;
  }
  const ids = [...new Set(lines.flatMap((l) => l.split(/[\s,]+/)).filter((x) => x !== ''))];
  const bad = ids.filter((i) => !INSTANCE_ID.test(i));
  if (bad.length > 0) {
    problems.push(
      `\`canary-targets\` holds ${bad.length === 1 ? 'a value that is not an instance id' : `${bad.length} values that are not instance ids`}: ${bad
        .slice(0, 5)
        .map((b) => `"${oneLine(b).slice(0, 80)}"`)
        .join(
          ', ',
        )}${bad.length > 5 ? ', …' : ''}; write i-0123456789abcdef0 (or mi-… for hybrid nodes), or tag:Key=Value lines.`,
    );
    return undefined;
  }
  if (ids.length > MAX_CANARY_INSTANCES) {
    problems.push(
      `\`canary-targets\` lists ${ids.length} instances; Run Command takes at most ${MAX_CANARY_INSTANCES} ids: tag the canary group and use tag:Key=Value.`,
    );
    return undefined;
  }
  return { instanceIds: ids };
}

function rate(name: string, raw: string, dflt: string, zero: boolean, problems: string[]): string {
  const v = raw.trim();
  if (v === '') return dflt;
  if (RATE.test(v) || (zero && v === '0')) return v;
  problems.push(
    `\`${name}\` must be a number of instances (${zero ? '0, ' : ''}1, 10, ...) or a percentage (10%, 100%); got "${oneLine(v)}".`,
  );
  return dflt;
}

function readRegions(get: Get, problems: string[]): string[] | undefined {
  const list = get('regions')
    .split(/[\s,]+/)
    .filter((r) => r !== '');
  if (list.length === 0) return undefined;
  const found = regionListProblems(list, MAX_REGIONS, oneLine);
  problems.push(...found);
  return found.length === 0 ? list : undefined;
}

/**
 * The release inputs of publish (`setDefault`: the set-default input) and promote. The rollout starts
 * associations that follow the default, so in publish it needs set-default.
 */
export function readRelease(
  get: Get,
  mode: 'publish' | 'promote',
  setDefault: boolean,
  problems: string[],
): ReleaseInputs {
  const canaryRaw = get('canary-targets');
  const targets = parseCanaryTargets(canaryRaw, problems);
  const it = get('installation-type').trim() || DEFAULTS['installation-type']!;
  if (!(INSTALLATION_TYPES as readonly string[]).includes(it))
    problems.push(
      `\`installation-type\` must be "Uninstall and reinstall" or "In-place update"; got "${oneLine(it)}".`,
    );
  const canaryOnly = ['installation-type', 'max-concurrency', 'max-errors', 'canary-timeout-seconds'];
  const maxConcurrency = rate(
    'max-concurrency',
    get('max-concurrency'),
    DEFAULTS['max-concurrency']!,
    false,
    problems,
  );
  const maxErrors = rate('max-errors', get('max-errors'), DEFAULTS['max-errors']!, true, problems);
  const canaryTimeout = seconds(
    'canary-timeout-seconds',
    get('canary-timeout-seconds'),
    Number(DEFAULTS['canary-timeout-seconds']),
    1,
    172800,
    problems,
  );
  if (canaryRaw.trim() === '') {
    const set = canaryOnly.filter((n) => given(get, n));
    if (set.length > 0)
      problems.push(
        `${set.map((n) => `\`${n}\``).join(', ')} ${set.length > 1 ? 'have' : 'has'} no effect without \`canary-targets\`: set canary-targets to the canary group (instance ids or tag:Key=Value).`,
      );
  }
  const start = parseBool('start-associations', get('start-associations'), false, problems);
  const wait = parseBool('wait-for-rollout', get('wait-for-rollout'), false, problems);
  const rolloutTimeout = seconds(
    'rollout-timeout-seconds',
    get('rollout-timeout-seconds'),
    Number(DEFAULTS['rollout-timeout-seconds']),
    1,
    21600,
    problems,
  );
  const failedRaw = get('max-failed-targets').trim();
  const maxFailed = parseFailedTargets(failedRaw === '' ? '0' : failedRaw);
  if (!maxFailed)
    problems.push(
      `\`max-failed-targets\` must be a number of targets (0, 3) or a percentage of all targets (10%); got "${oneLine(failedRaw)}".`,
    );
  if (!start) {
    const set = ['wait-for-rollout', 'rollout-timeout-seconds', 'max-failed-targets'].filter(
      (n) => given(get, n) && !(n === 'wait-for-rollout' && !wait),
    );
    if (set.length > 0)
      problems.push(
        `${set.map((n) => `\`${n}\``).join(', ')} ${set.length > 1 ? 'have' : 'has'} no effect without \`start-associations: true\`.`,
      );
  } else if (!wait) {
    const set = ['rollout-timeout-seconds', 'max-failed-targets'].filter((n) => given(get, n));
    if (set.length > 0)
      problems.push(
        `${set.map((n) => `\`${n}\``).join(', ')} ${set.length > 1 ? 'have' : 'has'} no effect without \`wait-for-rollout: true\`: without it the step ends once the associations are started, and no target is counted.`,
      );
  }
  if (start && mode === 'publish' && !setDefault)
    problems.push(
      '`start-associations: true` starts the associations that install the default version, and this publish does not move the default: set `set-default: true`, or start them in the promote step.',
    );
  const regions = readRegions(get, problems);
  const parRaw = get('max-parallel-regions').trim();
  if (!regions && given(get, 'max-parallel-regions') && !problems.some((p) => p.startsWith('`regions`')))
    problems.push('`max-parallel-regions` has no effect without `regions`.');
  let maxParallelRegions = Number(DEFAULTS['max-parallel-regions']);
  if (parRaw !== '') {
    if (!/^\d{1,2}$/.test(parRaw) || Number(parRaw) < 1 || Number(parRaw) > MAX_REGIONS)
      problems.push(
        `\`max-parallel-regions\` must be a whole number from 1 to ${MAX_REGIONS}; got "${oneLine(parRaw)}".`,
      );
    else maxParallelRegions = Number(parRaw);
  }
  if (targets && 'instanceIds' in targets && regions && regions.length > 1)
    problems.push(
      '`canary-targets` lists instance ids, and `regions` has several regions: an instance exists in one region only, so every other region would fail its canary. Give the canary group as a tag (tag:Ring=canary), which each region resolves to its own instances.',
    );
  return {
    canary: targets && {
      targets,
      installationType: it as InstallationType,
      maxConcurrency,
      maxErrors,
      timeoutSeconds: canaryTimeout,
    },
    rollout: start
      ? {
          wait,
          timeoutSeconds: rolloutTimeout,
          maxFailed: maxFailed ?? { kind: 'count', value: 0, text: '0' },
        }
      : undefined,
    regions,
    maxParallelRegions,
  };
}
