// The hostile-tree corpus: package trees a fork's pull request could hold, each run through the CLI and
// through dist/index.js in validate mode. Every run must give the expected rule id (or error) and exit
// code, finish within 10 s without a stack trace, and neither read outside the package, write outside the
// output folder, print a workflow command that is not the tool's own, nor show the canary anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CorpusResult, runCorpus, summaryLine, type Tree } from './support/hostile-run.js';
import { CONFIG_TREES, OUTPUT_TREES } from './support/hostile-trees-config.js';
import { LINK_TREES, PERMISSION_TREES } from './support/hostile-trees-links.js';
import { NAME_TREES, SCALE_TREES } from './support/hostile-trees-names.js';
import { ZIP_TREES } from './support/hostile-trees-zip.js';

const CLASSES: Tree[][] = [
  LINK_TREES,
  PERMISSION_TREES,
  NAME_TREES,
  SCALE_TREES,
  CONFIG_TREES,
  OUTPUT_TREES,
  ZIP_TREES,
];
const TREES = CLASSES.flat();

let result: CorpusResult | undefined;

beforeAll(async () => {
  result = await runCorpus(TREES);
}, 300_000);

afterAll(() => {
  if (!result) return;
  console.log(summaryLine(result));
  result.cleanup();
});

describe('hostile package trees, through the CLI and dist/index.js', () => {
  it('has at least 150 trees, with unique ids', () => {
    expect(TREES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(TREES.map((t) => t.id)).size).toBe(TREES.length);
  });

  for (const trees of CLASSES) {
    const cls = trees[0]!.cls;
    it(`${cls}: ${trees.length} trees, every one handled right`, () => {
      const r = result!;
      const ids = new Set(trees.map((t) => t.id));
      const failures = [
        ...r.verdicts.filter((v) => ids.has(v.tree)).flatMap((v) => v.problems),
        ...r.stray.filter((s) => ids.has(s.split('/')[0]!)).map((s) => `${s}: written next to the sandboxes`),
      ];
      const skipped = r.skipped.filter((s) => ids.has(s.id));
      if (skipped.length)
        console.log(`${cls}: skipped ${skipped.map((s) => s.id).join(', ')}: ${skipped[0]!.reason}`);
      expect(failures, `${failures.length} problems:\n${failures.join('\n')}`).toEqual([]);
    });
  }
});
