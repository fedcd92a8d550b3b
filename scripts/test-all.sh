#!/usr/bin/env bash
# The whole test run (README's second command and .ci/run): Debian packages the integration
# tests need (root only; elsewhere they are skipped unless CI=true), type check, bundle,
# every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  bash scripts/install-deps.sh
elif [ "${CI:-}" = true ]; then
  echo "test-all: CI needs root for the integration tests" >&2
  exit 1
fi
npm run typecheck
node scripts/build.mjs
npx vitest run --reporter=default "$@"
