#!/usr/bin/env bash
# A resume with very many warnings (`work` as N plain values instead of entries: each one is a
# warning): `gen build` (release) of N = 5,000, 20,000 and 200,000 (under the 1 MiB limit),
# with resume.pdf. Warnings are located in one walk of the text, so the time grows with N, not
# with N squared.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin gen -p resume-gen
gen=$PWD/target/release/gen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in 5000 20000 200000; do
  site="$work/site-$n"
  "$gen" init "$site" >/dev/null 2>&1
  python3 - "$site/content/resume.yaml" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("basics:\n  name: Ada Lovelace\n  email: ada@example.com\nwork:\n")
    f.write("- x\n" * n)
PY
  size=$(wc -c <"$site/content/resume.yaml")
  start=$(date +%s%N)
  NO_COLOR=1 "$gen" build --root "$site" 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf 'work as %6d plain values (%4d KiB): gen build %5d ms, %d warning lines printed\n' \
    "$n" "$((size / 1024))" "$ms" "$(grep -c 'warning' "$work/log")"
done
