// Entry point the runner executes (dist/index.js).
import { run } from './main.js';

try {
  await run();
} catch (e) {
  // run() renders every outcome itself; this is only reached when writing the outputs or the summary
  // failed (a GITHUB_OUTPUT file that cannot be written). Say so in one line, without the bundle's source.
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stdout.write(`::error::Could not report the result: ${text.replace(/[\r\n%]/g, ' ')}\n`);
  if (process.env.RUNNER_DEBUG === '1' && e instanceof Error && e.stack)
    process.stdout.write(`::debug::${e.stack.replace(/\r?\n/g, '%0A')}\n`);
  process.exitCode = 1;
}
