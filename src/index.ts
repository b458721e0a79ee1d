// Entry point the runner executes (dist/index.js).
import { reportCrash } from './github/runner.js';
import { run } from './main.js';

try {
  await run();
} catch (e) {
  // run() renders every outcome itself; this is only reached when writing the report failed.
  reportCrash(e);
}
