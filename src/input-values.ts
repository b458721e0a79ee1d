// How one input's text becomes a value: true/false and a number of seconds, with the problem said (in the
// input's name, the accepted range and the value given) when it is neither.
import { oneLine } from './text.js';

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function parseBool(name: string, raw: string, dflt: boolean, problems: string[]): boolean {
  if (raw === '') return dflt;
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  problems.push(`\`${name}\` must be true or false, got "${oneLine(raw)}".`);
  return dflt;
}

export function seconds(
  name: string,
  raw: string,
  dflt: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === '') return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(
      `\`${name}\` must be a whole number of seconds from ${min} to ${max}; got "${oneLine(raw)}".`,
    );
    return dflt;
  }
  return Number(raw);
}
