#!/usr/bin/env node
// Runs the committed CLI bundle, so a fresh clone needs no install or build.
await import('../dist/cli/index.js');
