#!/usr/bin/env bash
# Save-to-visible latency of gen serve in headless Chromium: 30 edits of content/resume.yaml on
# the official sample, p50 and p95 (target: p50 <= 100 ms, p95 <= 250 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
EDITS=${EDITS:-30}

cargo build --release --locked --quiet --bin gen
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null
GEN_BIN="$PWD/target/release/gen" node bench/reload/reload.mjs "$EDITS"
