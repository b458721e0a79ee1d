#!/usr/bin/env bash
# The whole test suite, on a fresh clone: Node 24, dependencies, the ZIP readers the tests use, vitest.
# With no arguments it runs every test and prints line and branch coverage (vitest.config.ts);
# with arguments (`bash scripts/test.sh __tests__/zip.test.ts`) they go to vitest as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
missing=()
for tool in zip unzip python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (used by the tests as independent ZIP writers/readers)"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
if [ $# -eq 0 ]; then
  npx vitest run --coverage
else
  npx vitest run "$@"
fi
