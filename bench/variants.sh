#!/usr/bin/env bash
# Build time of the official JSON Resume sample in 3 languages × 3 versions (9 pages, 9
# resume.pdf) against the sample alone (1 page, 1 resume.pdf), each a first build: a new out
# folder and an empty cache folder every run, so every PDF is typeset. Prints the median wall
# time of RUNS builds of each and their ratio (the target is under 4: the pages share the
# theme, the stylesheet and the photo, and the PDFs are typeset on every core).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}

cargo build --release --locked --quiet --bin gen
gen=$PWD/target/release/gen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$gen" init "$work/one" >/dev/null 2>&1
cp tests/fixtures/sample.resume.json "$work/one/content/resume.yaml"
cp -r "$work/one" "$work/nine"
printf 'basics:\n  label: Programmiererin\n  summary: Richard hat einen fürs Programmieren ausgebildeten Verstand.\n' \
  >"$work/nine/content/resume.de.yaml"
printf 'basics:\n  label: Programmeuse\n  summary: Richard a un esprit fait pour programmer.\n' \
  >"$work/nine/content/resume.fr.yaml"
printf '[versions.backend]\ninclude = []\nlabel = "Backend Engineer"\n[versions.lead]\ninclude = []\nlabel = "Engineering Lead"\n' \
  >"$work/nine/gen.toml"

source bench/median.sh
first_builds() {  # site → microseconds of each run
  local times=() start end
  for i in $(seq "$RUNS"); do
    start=$(date +%s%N)
    XDG_CACHE_HOME="$work/cache-$1-$i" "$gen" build --root "$work/$1" --out "$work/out-$1-$i" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  echo "${times[@]}"
}

XDG_CACHE_HOME="$work/cache-check" "$gen" build --root "$work/nine" --out "$work/out-check" >/dev/null 2>&1
pdfs=$(find "$work/out-check" -name resume.pdf | wc -l)
echo "sample in 3 languages × 3 versions: $pdfs resume.pdf files"
echo "gen build, sample, 1 page and its PDF, $RUNS runs: median $(median $(first_builds one))"
one=$(cat "$work/last-median")
echo "gen build, sample, 9 pages and 9 PDFs, $RUNS runs: median $(median $(first_builds nine))"
nine=$(cat "$work/last-median")
awk -v a="$nine" -v b="$one" 'BEGIN { printf "9 pages / 1 page: %.2fx (target < 4x)\n", a / b }'
