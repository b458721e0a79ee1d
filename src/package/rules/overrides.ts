// The config's `rules:` entries applied to the findings: a severity change, or `off`, for every finding of
// the rule or only for those about some payloads or platforms.
import type { Diagnostic, Loc, Severity } from '../types.js';
import { isOverridable } from './catalogue.js';

/** One `rules:` entry: a severity, and the findings it applies to (every finding of the rule when unscoped). */
export interface RuleSetting {
  severity: Severity | 'off';
  /**
   * The payloads it applies to, by every name a finding may carry (the config key, the ZIP name as written,
   * the ZIP name without `.zip`). Undefined: any finding, with or without a payload.
   */
  payloads?: ReadonlySet<string>;
  /** The platforms it applies to. Undefined: any finding, with or without platforms. */
  platforms?: ReadonlySet<string>;
  /** Where the entry was written. */
  loc?: Loc;
}

/** A rule id → its entries, in the order written: for each finding the first that matches applies. */
export type RuleOverrides = Readonly<Record<string, readonly RuleSetting[]>>;

/**
 * Whether an entry applies to a finding. A payload scope needs the finding's payload among its names; a
 * platform scope needs every platform the finding concerns among its platforms (a finding about a ZIP that
 * also goes to an unlisted platform is not silenced for it). A scoped entry never matches a finding that has
 * no payload, or no platforms.
 */
export function scopeMatches(s: RuleSetting, d: Diagnostic): boolean {
  if (s.payloads && (d.payload === undefined || !s.payloads.has(d.payload))) return false;
  if (s.platforms) {
    const ps = d.platforms ?? [];
    if (ps.length === 0 || !ps.every((p) => s.platforms!.has(p))) return false;
  }
  return true;
}

/** Applies the config's `rules:` severity overrides; those of rules that are not overridable are ignored. */
export function applyOverrides(
  ds: readonly Diagnostic[],
  overrides: RuleOverrides | undefined,
): Diagnostic[] {
  if (!overrides) return [...ds];
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const entries = isOverridable(d.rule) && Object.hasOwn(overrides, d.rule) ? overrides[d.rule] : undefined;
    const o = entries?.find((s) => scopeMatches(s, d))?.severity;
    if (o === 'off') continue;
    out.push(o === undefined || o === d.severity ? d : { ...d, severity: o });
  }
  return out;
}
