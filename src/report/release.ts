// The release steps as the user sees them: the canary group's and the association rollout's tables in the
// job summary, the rollout-report and regions-report outputs (JSON), and the per-region table.
import type { PublishProgress } from '../aws/progress.js';
import type { CanaryReport, RolloutReport } from '../aws/rollout-types.js';
import type { Outcome, PromoteProgress, RegionRun } from '../modes/outcome.js';
import { plural } from './diagnostics.js';
import { mdCode, mdFence, mdProse, mdText, oneLine } from './escape.js';
import { clip } from '../text.js';

/** Instances and associations listed per table; the rest are counted. */
const ROWS_LISTED = 100;
/** Output tails shown (of the failed canary instances). */
const TAILS_SHOWN = 10;

/** The canary and rollout reports of a run, wherever they are kept (result or progress). */
export function releaseOf(x: {
  publish?: { canary?: CanaryReport | undefined; rollout?: RolloutReport | undefined } | undefined;
  progress?: PublishProgress | undefined;
  promote?: { canary?: CanaryReport | undefined; rollout?: RolloutReport | undefined } | undefined;
  promoteProgress?: PromoteProgress | undefined;
}): { canary: CanaryReport | undefined; rollout: RolloutReport | undefined } {
  return {
    canary: x.publish?.canary ?? x.progress?.canary ?? x.promote?.canary ?? x.promoteProgress?.canary,
    rollout: x.publish?.rollout ?? x.progress?.rollout ?? x.promote?.rollout ?? x.promoteProgress?.rollout,
  };
}

/** The most a JSON output holds (GitHub takes 1 MiB per step output); past it the lists are shortened. */
export const REPORT_JSON_MAX = 512 * 1024;

/**
 * A rollout report that fits in `max` characters of JSON: first the failures listed per association go
 * down to 5 and the pinned associations to 100, then the associations listed are cut; what is left out is
 * counted (`failuresOmitted`, `pinnedOmitted`, `followingOmitted`). The totals always stay whole.
 */
export function fitRollout(r: RolloutReport, max: number): RolloutReport {
  const size = (x: unknown) => JSON.stringify(x).length;
  if (size(r) <= max) return r;
  const fewer: RolloutReport = {
    ...r,
    following: r.following.map((a) =>
      a.failures.length > 5
        ? {
            ...a,
            failures: a.failures.slice(0, 5),
            failuresOmitted: a.failuresOmitted + a.failures.length - 5,
          }
        : a,
    ),
    pinned: r.pinned.slice(0, 100),
    ...(r.pinned.length > 100 ? { pinnedOmitted: r.pinned.length - 100 } : {}),
  };
  if (size(fewer) <= max) return fewer;
  let keep = fewer.following.length;
  while (keep > 0 && size({ ...fewer, following: fewer.following.slice(0, keep) }) > max)
    keep = Math.floor(keep / 2);
  return {
    ...fewer,
    following: fewer.following.slice(0, keep),
    followingOmitted: fewer.following.length - keep,
  };
}

/** `rollout-report`: `{ canary, rollout }`, each null when that step was not asked for. */
export function rolloutReportJson(
  r: ReturnType<typeof releaseOf>,
  max = REPORT_JSON_MAX,
): string | undefined {
  if (!r.canary && !r.rollout) return undefined;
  const canary = r.canary && { ...r.canary, instances: r.canary.instances.slice(0, 500) };
  const room = max - (canary ? JSON.stringify(canary).length : 4) - 40;
  return JSON.stringify({ canary: canary ?? null, rollout: r.rollout ? fitRollout(r.rollout, room) : null });
}

/** `regions-report`: one entry per region, in the order listed. */
export function regionsReportJson(runs: readonly RegionRun[]): string {
  return JSON.stringify(
    runs.map((r) => {
      const p = r.publish;
      const g = r.progress;
      const m = r.promote;
      const rel = releaseOf(r);
      return {
        region: r.region,
        ok: r.error === undefined,
        ...(r.bucket === undefined ? {} : { bucket: r.bucket }),
        ...(p
          ? {
              documentArn: p.documentArn,
              documentVersion: p.documentVersion,
              defaultVersion: p.defaultVersion,
              versionCreated: p.versionCreated,
              changed: p.changed,
            }
          : {}),
        ...(g
          ? {
              documentVersion: g.documentVersion ?? null,
              defaultVersion: g.defaultVersion ?? null,
              versionCreated: g.versionCreated,
              defaultChanged: g.defaultChanged,
            }
          : {}),
        ...(r.promoteProgress?.after
          ? {
              defaultVersion: r.promoteProgress.after.documentVersion,
              defaultVersionName: r.promoteProgress.after.versionName ?? null,
              changed: r.promoteProgress.changed ?? false,
            }
          : {}),
        ...(m
          ? {
              defaultVersion: m.after.documentVersion,
              defaultVersionName: m.after.versionName ?? null,
              previousDefaultVersion: m.before.documentVersion,
              changed: m.changed,
            }
          : {}),
        ...(rel.canary ? { canary: { ...rel.canary, instances: rel.canary.instances.slice(0, 100) } } : {}),
        ...(rel.rollout
          ? { rollout: fitRollout(rel.rollout, REPORT_JSON_MAX / Math.max(runs.length, 1) / 2) }
          : {}),
        ...(r.error
          ? { error: { kind: r.error.kind, message: r.error.message, code: r.error.code ?? null } }
          : {}),
      };
    }),
  );
}

/** One phrase per release step for the headline: `canary 3/3 succeeded`, `rollout: 118 of 120 targets succeeded`. */
export function releasePhrases(r: ReturnType<typeof releaseOf>): string[] {
  const out: string[] = [];
  const c = r.canary;
  if (c) out.push(`canary ${c.succeeded}/${c.instances.length} succeeded`);
  const ro = r.rollout;
  if (ro) {
    const n = ro.following.length;
    if (!ro.waited) out.push(`started ${plural(n, 'association')}`);
    else
      out.push(
        `rollout: ${ro.totals.succeeded} of ${plural(ro.totals.targets, 'target')} succeeded${ro.totals.failed ? `, ${ro.totals.failed} failed` : ''}${ro.totals.pending ? `, ${ro.totals.pending} pending` : ''}`,
      );
  }
  return out;
}

export function canarySection(c: CanaryReport | undefined): string[] {
  if (!c) return [];
  const out = ['### Canary group', ''];
  const cmd = c.commandId ? ` by Run Command ${mdCode(c.commandId, false)}` : '';
  out.push(
    `${mdCode(c.versionName, false)} (document version ${mdText(c.documentVersion)}) on ${mdCode(c.targets, false)}${cmd} (${mdText(c.installationType)}): ` +
      `**${c.succeeded} succeeded, ${c.failed} failed, ${c.pending} pending**${c.timedOut ? ' when canary-timeout-seconds ended the wait' : ''}.`,
    '',
  );
  if (c.instances.length === 0) {
    out.push(
      c.commandId
        ? 'No instance ran the command: check the canary-targets (ids or tag) and that the instances are managed by Systems Manager.'
        : 'The command was not sent.',
      '',
    );
    return out;
  }
  out.push('| Instance | Status | Response code | Details |', '| --- | --- | ---: | --- |');
  for (const i of c.instances.slice(0, ROWS_LISTED))
    out.push(
      `| ${mdCode(i.instanceId)} | ${mdText(i.status)} | ${i.responseCode === undefined ? '—' : i.responseCode} | ${mdText(clip(i.statusDetails, 200))} |`,
    );
  if (c.instances.length > ROWS_LISTED) out.push('', `and ${c.instances.length - ROWS_LISTED} more`);
  out.push('');
  const bad = c.instances.filter((i) => i.status !== 'Success' && i.outputTail !== '');
  for (const i of bad.slice(0, TAILS_SHOWN)) {
    const body = i.outputTail
      .split(/\r\n|\r|\n/)
      .map((l) => oneLine(l))
      .join('\n');
    out.push(
      `<details><summary>Output of ${mdText(i.instanceId)} (the end)</summary>\n\n${mdFence('text', body)}\n\n</details>`,
      '',
    );
  }
  return out;
}

export function rolloutSection(r: RolloutReport | undefined): string[] {
  if (!r) return [];
  const out = ['### Rollout', ''];
  const n = r.following.length;
  if (n === 0)
    out.push(
      `No AWS-ConfigureAWSPackage association installs ${mdCode(r.documentName, false)} at its default version, so none was started.`,
      '',
    );
  else {
    const t = r.totals;
    const tally = r.waited
      ? ` **${t.succeeded} of ${plural(t.targets, 'target')} succeeded, ${t.failed} failed, ${t.pending} pending**${r.timedOut ? ' when the wait ended (rollout-timeout-seconds or timeout-seconds)' : ''}; max-failed-targets ${mdCode(r.maxFailed.text, false)}${r.exceeded ? ' **exceeded**' : ''}.`
      : ' (wait-for-rollout is off: how they end is not followed here).';
    out.push(
      `Started ${plural(n, 'association')} that ${n === 1 ? 'follows' : 'follow'} the default version.${tally}`,
      '',
    );
    out.push(
      '| Association | Targets | Execution | Status | Succeeded | Failed | Pending |',
      '| --- | --- | --- | --- | ---: | ---: | ---: |',
    );
    for (const a of r.following.slice(0, ROWS_LISTED)) {
      const name = a.associationName
        ? `${mdText(a.associationName)} (${mdCode(a.associationId)})`
        : mdCode(a.associationId);
      const status = a.status
        ? `${mdText(a.status)}${a.detailedStatus && a.detailedStatus !== a.status ? ` (${mdText(clip(a.detailedStatus, 120))})` : ''}`
        : a.started
          ? 'started'
          : 'not started';
      out.push(
        `| ${name} | ${mdCode(clip(a.targets, 200))} | ${a.executionId ? mdCode(a.executionId) : '—'} | ${status} | ${a.succeeded} | ${a.failed} | ${a.pending} |`,
      );
    }
    if (n > ROWS_LISTED) out.push('', `and ${n - ROWS_LISTED} more`);
    out.push('');
    const failures = r.following.flatMap((a) => a.failures.map((f) => ({ a, f })));
    if (failures.length > 0) {
      const omitted = r.following.reduce((s, a) => s + a.failuresOmitted, 0);
      out.push(
        `<details><summary>Failed targets (${failures.length + omitted})</summary>\n\n` +
          [
            '| Instance | Association | Status | Detailed status |',
            '| --- | --- | --- | --- |',
            ...failures
              .slice(0, ROWS_LISTED)
              .map(
                ({ a, f }) =>
                  `| ${mdCode(f.instanceId)} | ${mdCode(a.associationName ?? a.associationId)} | ${mdText(f.status)} | ${mdText(clip(f.detailedStatus, 200))} |`,
              ),
            ...(failures.length + omitted > ROWS_LISTED
              ? ['', `and ${failures.length + omitted - Math.min(failures.length, ROWS_LISTED)} more`]
              : []),
          ].join('\n') +
          '\n\n</details>',
        '',
      );
    }
  }
  if (r.pinned.length > 0) {
    out.push(
      `<details><summary>${plural(r.pinned.length, 'association')} pinned to a version (not started, unaffected)</summary>\n\n` +
        [
          '| Association | Targets | Version |',
          '| --- | --- | --- |',
          ...r.pinned
            .slice(0, ROWS_LISTED)
            .map(
              (p) =>
                `| ${p.associationName ? `${mdText(p.associationName)} (${mdCode(p.associationId)})` : mdCode(p.associationId)} | ${mdCode(clip(p.targets, 200))} | ${mdCode(p.version)} |`,
            ),
          ...(r.pinned.length > ROWS_LISTED ? ['', `and ${r.pinned.length - ROWS_LISTED} more`] : []),
        ].join('\n') +
        '\n\n</details>',
      '',
    );
  }
  return out;
}

/** `regions`: one row per region, then each region's canary and rollout. */
export function regionsSection(o: Outcome): string[] {
  const runs = o.regions;
  if (!runs) return [];
  const publish = o.mode === 'publish';
  const out = ['### Regions', ''];
  out.push(
    publish
      ? '| Region | Result | Document version | Default | Changed | Bucket |'
      : '| Region | Result | Default before | Default after | Changed |',
    publish ? '| --- | --- | ---: | ---: | --- | --- |' : '| --- | --- | --- | --- | --- |',
  );
  for (const r of runs) {
    const result = r.error ? `❌ ${mdProse(clip(r.error.message, 300), true)}` : '✅';
    if (publish) {
      const p = r.publish;
      const docVersion = p?.documentVersion ?? r.progress?.documentVersion;
      out.push(
        `| ${mdText(r.region)} | ${result} | ${docVersion ? mdText(docVersion) : '—'} | ${p ? mdText(p.defaultVersion) : r.progress?.defaultVersion ? mdText(r.progress.defaultVersion) : '—'} | ${p ? (p.changed ? 'yes' : 'no') : '—'} | ${r.bucket ? mdCode(r.bucket) : '—'} |`,
      );
    } else {
      const m = r.promote;
      const before = m?.before ?? r.promoteProgress?.before;
      const v = (x: { documentVersion: string; versionName?: string | undefined } | undefined) =>
        x
          ? x.versionName
            ? `${mdCode(x.versionName)} (${mdText(x.documentVersion)})`
            : mdText(x.documentVersion)
          : '—';
      out.push(
        `| ${mdText(r.region)} | ${result} | ${v(before)} | ${v(m?.after ?? r.promoteProgress?.after)} | ${m ? (m.changed ? 'yes' : 'no') : '—'} |`,
      );
    }
  }
  out.push('');
  const failed = runs.filter((r) => r.error).length;
  if (failed > 0 && failed < runs.length)
    out.push(
      `A re-run redoes only what is missing: the ${plural(runs.length - failed, 'region')} that succeeded ${runs.length - failed === 1 ? 'is' : 'are'} checked and left as ${runs.length - failed === 1 ? 'it is' : 'they are'}.`,
      '',
    );
  for (const r of runs) {
    const rel = releaseOf(r);
    if (!rel.canary && !rel.rollout) continue;
    out.push(`#### ${mdText(r.region)}`, '', ...canarySection(rel.canary), ...rolloutSection(rel.rollout));
  }
  return out;
}
