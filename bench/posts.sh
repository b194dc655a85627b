#!/usr/bin/env bash
# Builds a site of 1,000 posts (about 1,000 words each, a Rust and an HCL code block, two
# tags) with gen and with Hugo, the same Markdown, code highlighted at build time by both,
# and prints the median wall time of RUNS builds of each and their ratio: gen's first build
# (nothing kept from an earlier one) and its build with nothing changed. Then the
# incremental case: one post edited while `gen serve` runs, the rebuild time gen reports.
# Hugo is Debian's package (installed with apt when missing); its theme, in bench/posts/,
# renders the same pages (posts, lists, tag pages, an Atom feed, a sitemap).
# A first build creates about 2,000 files and folders, so its time is mostly the file system's:
# on ext4 (mounted with discard, as here) it rose from 250-290 ms to 440-770 ms in the minutes
# after 10,000 files were deleted, this script's own clean-up among them. Leave a few quiet
# minutes between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
POSTS=${POSTS:-1000}

cargo build --release --locked --quiet --bin gen
gen=$PWD/target/release/gen
if ! command -v hugo >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hugo >/dev/null
fi
work=$(mktemp -d)
serve_pid=
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"' EXIT

"$gen" init "$work/gen" >/dev/null 2>&1
printf 'base_url = "https://ada.example/"\n' >"$work/gen/gen.toml"
python3 bench/posts/generate.py "$work/gen" "$POSTS"
mkdir -p "$work/hugo/content"
cp bench/posts/hugo.toml "$work/hugo/"
cp -r bench/posts/hugo-theme/layouts "$work/hugo/layouts"
cp -r "$work/gen/content/posts" "$work/hugo/content/"

source bench/median.sh
time_runs() {  # command... → microseconds of each run, after one warm-up run
  "$@" >/dev/null 2>&1
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  echo "${times[@]}"
}

# A first build: a new output folder and an empty cache folder each time (nothing kept from an
# earlier build). Then builds with nothing changed: out/site and gen's cache from the last one.
cold_times=()
for i in $(seq "$RUNS"); do
  start=$(date +%s%N)
  XDG_CACHE_HOME="$work/cache-$i" "$gen" build --root "$work/gen" --out "$work/cold-$i" >/dev/null 2>&1
  end=$(date +%s%N)
  cold_times+=($(( (end - start) / 1000 )))
done
export XDG_CACHE_HOME="$work/cache"
gen_times=$(time_runs "$gen" build --root "$work/gen")
hugo_times=$(time_runs hugo --source "$work/hugo" --destination "$work/hugo/public" --quiet)
printf 'gen build, %d posts, first build (new out folder, empty cache), %d runs: median %s\n' \
  "$POSTS" "$RUNS" "$(median "${cold_times[@]}")"
gen_cold=$(cat "$work/last-median")
printf 'gen build, %d posts, nothing changed, %d runs: median %s\n' "$POSTS" "$RUNS" "$(median $gen_times)"
gen_median=$(cat "$work/last-median")
printf 'hugo %s, same posts, %d runs: median %s\n' "$(hugo version | awk '{print $2}')" "$RUNS" "$(median $hugo_times)"
hugo_median=$(cat "$work/last-median")
python3 -c "print(f'hugo / gen: {$hugo_median / $gen_cold:.2f}x (first build), {$hugo_median / $gen_median:.2f}x (nothing changed)')"
printf 'pages: gen %d, hugo %d\n' "$(find "$work/gen/out/site" -name '*.html' | wc -l)" \
  "$(find "$work/hugo/public" -name '*.html' | wc -l)"

# Incremental: gen serve reports each rebuild's time (reading, rendering and comparing) on its
# terminal. Edits come a second apart, as a person saves, not back to back: what a rebuild
# keeps from the last one is then no longer in the processor's caches.
NO_COLOR=1 "$gen" serve --root "$work/gen" --port 0 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 300); do grep -q 'serving http' "$work/serve.log" && break; sleep 0.1; done
rebuilds=()
for i in $(seq "$RUNS"); do
  before=$(grep -c 'rebuilt' "$work/serve.log" || true)
  sleep 1
  printf '\nEdited %d.\n' "$i" >>"$work/gen/content/posts/post-0500.md"
  for _ in $(seq 300); do
    (( $(grep -c 'rebuilt' "$work/serve.log" || true) > before )) && break
    sleep 0.05
  done
  ms=$(grep 'rebuilt' "$work/serve.log" | tail -1 | sed -E 's/.* in ([0-9]+) ms.*/\1/')
  rebuilds+=($(( ms * 1000 )))
done
printf 'gen serve, one post edited among %d, %d edits: rebuild median %s\n' "$POSTS" "$RUNS" "$(median "${rebuilds[@]}")"
