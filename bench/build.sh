#!/usr/bin/env bash
# Median wall time of `gen build` on the official JSON Resume sample over 20 runs, with
# resume.pdf (the default) and without it, and with a 4000 × 3000 photo (its thumbnails made, and
# taken from gen's cache folder), side by side with RenderCV typesetting the same
# resume to PDF; and the gzip-compressed size of the first view (the HTML with everything it
# needs to render).
# RenderCV (PyPI, pinned below) is installed into its own venv under target/ when missing. Its
# themes import the Typst package @preview/fontawesome, which is fetched from the network: the
# bench gives it an offline stand-in (icons drawn as empty boxes), which only makes its work
# lighter.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
RENDERCV_VERSION=2.3

cargo build --release --locked --quiet --bin gen
gen=$PWD/target/release/gen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" init "$work/site" >/dev/null 2>&1
cp tests/fixtures/sample.resume.json "$work/site/content/resume.yaml"
NO_COLOR=1 "$gen" build --root "$work/site" 2>/dev/null   # warm the page cache

# `measure LABEL command...`: RUNS timed runs after one warm-up; prints the median and keeps
# it (microseconds) in $median.
measure() {
  local label=$1 times=() start end
  shift
  "$@" >/dev/null 2>&1
  for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n)) mid=$(( RUNS / 2 ))
  if (( RUNS % 2 )); then median=${sorted[$mid]}; else median=$(( (sorted[mid - 1] + sorted[mid]) / 2 )); fi
  printf '%s, %d runs: median %d.%03d ms (min %d.%03d ms, max %d.%03d ms)\n' \
    "$label" "$RUNS" $((median / 1000)) $((median % 1000)) $((sorted[0] / 1000)) \
    $((sorted[0] % 1000)) $((sorted[RUNS - 1] / 1000)) $((sorted[RUNS - 1] % 1000))
}

cp -r "$work/site" "$work/no-pdf"
printf '[pdf]\nenabled = false\n' >>"$work/no-pdf/gen.toml"
measure "gen build, official sample, without resume.pdf" "$gen" build --root "$work/no-pdf"

cp -r "$work/no-pdf" "$work/photo"
python3 bench/build/photo.py 4000 3000 "$work/photo/content/photo.png"
sed -i 's/"image": ""/"image": "photo.png"/' "$work/photo/content/resume.yaml"
# Every run of the first starts from an empty cache folder; the second's keeps its entry.
photo_made() { rm -rf "$work/cold"; XDG_CACHE_HOME=$work/cold "$gen" build --root "$work/photo"; }
photo_kept() { XDG_CACHE_HOME=$work/warm "$gen" build --root "$work/photo"; }
measure "gen build, same with a 4000 × 3000 PNG photo, thumbnails made" photo_made
measure "gen build, same with a 4000 × 3000 PNG photo, thumbnails from the cache" photo_kept
measure "gen build, official sample, with resume.pdf" "$gen" build --root "$work/site"
gen_median=$median
printf 'resume.pdf: %d bytes, %s page(s)\n' "$(wc -c <"$work/site/out/site/resume.pdf")" \
  "$(pdfinfo "$work/site/out/site/resume.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')"

venv=target/rendercv-$RENDERCV_VERSION
if [ ! -x "$venv/bin/rendercv" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "rendercv[full]==$RENDERCV_VERSION" click==8.1.8
fi
stand_in=$work/xdg/typst/packages/preview/fontawesome/0.5.0
mkdir -p "$stand_in" "$work/rendercv"
printf '[package]\nname = "fontawesome"\nversion = "0.5.0"\nentrypoint = "lib.typ"\n' >"$stand_in/typst.toml"
printf '#let fa-icon(name, ..args) = box(width: 0.8em)\n' >"$stand_in/lib.typ"
python3 bench/build/rendercv.py tests/fixtures/sample.resume.json >"$work/rendercv/cv.yaml"
venv=$PWD/$venv
rendercv() {
  (cd "$work/rendercv" && XDG_CACHE_HOME=$work/xdg "$venv/bin/rendercv" render cv.yaml -nomd -nohtml -nopng)
}
measure "rendercv $RENDERCV_VERSION render, same resume, PDF only" rendercv
ls "$work/rendercv/rendercv_output/"*.pdf >/dev/null || { echo "RenderCV wrote no PDF" >&2; exit 1; }
python3 -c "print(f'rendercv / gen (with resume.pdf): {$median / $gen_median:.1f}x')"

site=$work/site/out/site
first_view=("$site/index.html")
# Stylesheets and scripts the page links to are part of the first view too.
for ref in $(grep -oE '(href|src)="/[^"]+\.(css|js)"' "$site/index.html" | sed -E 's/.*="\/(.*)"/\1/'); do
  first_view+=("$site/$ref")
done
raw=$(cat "${first_view[@]}" | wc -c)
gz=$(for f in "${first_view[@]}"; do gzip -9 -c "$f"; done | wc -c)
printf 'first view (HTML+CSS+JS, %d file(s)): %d bytes raw, %d bytes gzip (budget 14336)\n' "${#first_view[@]}" "$raw" "$gz"
