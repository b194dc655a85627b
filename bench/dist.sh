#!/usr/bin/env bash
# What carrying the counter costs and saves: the size of the release gen and its archive with
# and without the counter zip embedded, and the time of `gen infra` in a new site with the
# embedded counter, with a cold build from gen's embedded source (a `cargo install`ed gen, first
# run: cargo-lambda and a fresh target folder), and with that build cached.
# Runs scripts/dist first; needs .venv with cargo-lambda (scripts/test installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}

scripts/dist >/dev/null
version=$(cargo pkgid --quiet -p resume-gen | sed 's/.*[#@]//')
target=$(rustc -vV | sed -n 's/^host: //p')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
size() { wc -c <"$1" | tr -d ' '; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

cp target/release/gen "$work/gen-embedded"
GEN_COUNTER_ZIP= cargo build --release --locked --quiet --bin gen
cp target/release/gen "$work/gen-plain"
for kind in embedded plain; do
  mkdir "$work/pack-$kind"
  cp "$work/gen-$kind" "$work/pack-$kind/gen"
  tar -czf "$work/$kind.tar.gz" -C "$work/pack-$kind" gen
done
zip=dist/gen-counter-$version-lambda-x86_64.zip
printf 'counter zip: %s bytes\n' "$(size "$zip")"
printf 'release gen (%s): %s bytes with the counter embedded, %s bytes without\n' \
  "$target" "$(size "$work/gen-embedded")" "$(size "$work/gen-plain")"
printf 'archive (tar.gz): %s bytes with, %s bytes without\n' \
  "$(size "$work/embedded.tar.gz")" "$(size "$work/plain.tar.gz")"

"$work/gen-embedded" init "$work/site" >/dev/null 2>&1
infra() { (cd "$work/site" && NO_COLOR=1 "$@" infra 2>/dev/null); }
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s%N); infra "$work/gen-embedded"; end=$(date +%s%N)
  times+=("$(ms "$start" "$end")")
done
echo "gen infra, embedded counter, $RUNS runs: $(printf '%s ' "${times[@]}")ms"

export XDG_CACHE_HOME="$work/cache" PATH="$PWD/.venv/bin:$PATH"
unset CARGO_TARGET_DIR
start=$(date +%s%N); infra "$work/gen-plain"; end=$(date +%s%N)
echo "gen infra, counter built from the embedded source (cold, cargo-lambda): $(ms "$start" "$end") ms"
start=$(date +%s%N); infra "$work/gen-plain"; end=$(date +%s%N)
echo "gen infra, counter built from the embedded source (cached): $(ms "$start" "$end") ms"
