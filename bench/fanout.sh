#!/usr/bin/env bash
# Fan-out of the live counter's broadcast: one new count posted to 1,000 open connections
# through the AWS SDK, against a stand-in of API Gateway's management API on loopback.
#   bench/fanout.sh [CONNECTIONS [RUNS]]      (PROFILE=dev for a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --profile "${PROFILE:-release}" -p counter --example fanout -- "${1:-1000}" "${2:-7}"
