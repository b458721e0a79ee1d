// Entry point the runner executes (dist/index.js).
import { scrubSecrets } from './errors.js';
import { run } from './main.js';

try {
  await run();
} catch (e) {
  // run() renders every outcome itself; this is only reached when writing the outputs or the summary
  // failed (a GITHUB_OUTPUT file that cannot be written). Say so in one line, without the bundle's source.
  const text = scrubSecrets(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.stdout.write(`::error::Could not report the result: ${text.replace(/[\r\n%]/g, ' ')}\n`);
  if (process.env.RUNNER_DEBUG === '1' && e instanceof Error && e.stack)
    process.stdout.write(
      `::debug::${scrubSecrets(e.stack).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`,
    );
  process.exitCode = 1;
}
