#!/usr/bin/env bash
# For each built-in theme (`gen themes`): the median wall time of `gen build` on the official
# JSON Resume sample with a photo (content/photo.jpg), over 20 runs, with resume.pdf and
# without; and the home page's first view gzipped (HTML with its inline CSS) against the
# 14 KiB budget. GEN=path/to/gen measures that binary instead of a fresh release build.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
if [ -z "${GEN:-}" ]; then
  cargo build --release --locked --quiet --bin gen
  GEN=$PWD/target/release/gen
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `median command...`: RUNS timed runs after one warm-up; prints the median in ms.
median() {
  local times=() start
  "$@" >/dev/null 2>&1
  for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    times+=($(( ($(date +%s%N) - start) / 1000 )))
  done
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  local m=${sorted[$(( RUNS / 2 ))]}
  printf '%d.%01d ms' $((m / 1000)) $((m % 1000 / 100))
}

echo "$("$GEN" --version | head -1), $RUNS runs per figure"
for theme in $("$GEN" themes | awk '/^[a-z]/ && !/^Choose/ {print $1}'); do
  site=$work/$theme
  "$GEN" init "$site" --theme "$theme" >/dev/null 2>&1
  sed 's/"image": ""/"image": "photo.jpg"/' tests/fixtures/sample.resume.json >"$site/content/resume.yaml"
  cp tests/fixtures/photo.jpg "$site/content/photo.jpg"
  cp -r "$site" "$site-no-pdf"
  printf '[pdf]\nenabled = false\n' >>"$site-no-pdf/gen.toml"
  with=$(median "$GEN" build --root "$site")
  without=$(median "$GEN" build --root "$site-no-pdf")
  html=$site/out/site/index.html
  printf '%-8s build: %s with resume.pdf, %s without; first view %d bytes gzip (budget 14336), inline CSS %d bytes\n' \
    "$theme" "$with" "$without" "$(gzip -9 -c "$html" | wc -c)" \
    "$(sed -n 's/.*<style>\(.*\)<\/style>.*/\1/p' "$html" | wc -c)"
done
