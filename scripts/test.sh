#!/usr/bin/env bash
# Runs every check and test tier: lint and types, unit, integration (PGlite, and PostgreSQL when reachable), browser.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run lint
npm run typecheck
npm run build:web
npx vitest run --project unit --project integration --project e2e
