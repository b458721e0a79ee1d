// Did-you-mean: the candidate closest to a misspelt word.

/**
 * The closest candidate within a small edit distance (case-insensitive), if any. The distance allowed
 * grows with the word (a third of its length, 1 to 3) unless `maxDistance` sets it.
 */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  maxDistance?: number,
): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDist = maxDistance ?? Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(w, c.toLowerCase(), bestDist);
    if (d < bestDist || (d === bestDist && best === undefined)) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions, giving up above `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > 200 || b.length > 200) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}
