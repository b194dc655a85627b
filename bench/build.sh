#!/usr/bin/env bash
# Median wall time of `gen build` on the official JSON Resume sample over 20 runs, and the
# gzip-compressed size of the first view (the HTML with everything it needs to render).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}

cargo build --release --locked --quiet --bin gen
gen=$PWD/target/release/gen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" init "$work/site" >/dev/null 2>&1
cp tests/fixtures/sample.resume.json "$work/site/content/resume.yaml"
NO_COLOR=1 "$gen" build --root "$work/site" 2>/dev/null   # warm the page cache

times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s%N)
  NO_COLOR=1 "$gen" build --root "$work/site" 2>/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
mid=$(( RUNS / 2 ))
if (( RUNS % 2 )); then median=${sorted[$mid]}; else median=$(( (sorted[mid - 1] + sorted[mid]) / 2 )); fi
printf 'gen build, official sample, %d runs: median %d.%03d ms (min %d.%03d ms, max %d.%03d ms)\n' \
  "$RUNS" $((median / 1000)) $((median % 1000)) $((sorted[0] / 1000)) $((sorted[0] % 1000)) \
  $((sorted[RUNS - 1] / 1000)) $((sorted[RUNS - 1] % 1000))

site=$work/site/out/site
first_view=("$site/index.html")
# Stylesheets and scripts the page links to are part of the first view too.
for ref in $(grep -oE '(href|src)="/[^"]+\.(css|js)"' "$site/index.html" | sed -E 's/.*="\/(.*)"/\1/'); do
  first_view+=("$site/$ref")
done
raw=$(cat "${first_view[@]}" | wc -c)
gz=$(for f in "${first_view[@]}"; do gzip -9 -c "$f"; done | wc -c)
printf 'first view (HTML+CSS+JS, %d file(s)): %d bytes raw, %d bytes gzip (budget 14336)\n' "${#first_view[@]}" "$raw" "$gz"
