#!/usr/bin/env bash
# Installs what is missing, then runs every test: native unit and integration
# tests, browser tests (wasm-bindgen-test in headless Chromium), and end-to-end
# tests (Playwright against the trunk-built page).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

echo "== native tests"
cargo test --locked

echo "== browser tests (headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown --test web

echo "== build the page"
trunk build --release

echo "== end-to-end tests"
(cd e2e && DIST="$ROOT/dist" npm test)
