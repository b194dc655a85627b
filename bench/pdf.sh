#!/usr/bin/env bash
# resume.pdf read by machines (`cargo run -p pdf-bench`, release):
#  - the cost of the check gen makes on every build (text extraction + matching), next to the
#    time of resume.pdf itself, on the official JSON Resume sample;
#  - the fields an applicant-tracking system fills in (name, email, phone, each job's title,
#    organisation and dates) that the tests' structural reader recovers from resume.pdf, on
#    the sample and on every lenient fixture, for this gen and for gen at BEFORE (a git
#    revision, by default the last one before the check: f9879c4), built from a worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-f9879c4}

cargo build --release --locked --quiet --bin gen -p resume-gen
cargo build --release --locked --quiet -p pdf-bench
gen=$PWD/target/release/gen
bench=$PWD/target/release/pdf-bench
work=$(mktemp -d)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach --quiet "$work/before" "$BEFORE"
# The same target folder: only gen's own crates compile again.
(cd "$work/before" && CARGO_TARGET_DIR="$OLDPWD/target" cargo build --release --quiet --bin gen -p resume-gen)
cp target/release/gen "$work/gen-before"
# Rebuilt after the old one, so target/release/gen is this revision's again.
cargo build --release --locked --quiet --bin gen -p resume-gen

site() { # site GEN DIR RESUME
  "$1" init "$2" >/dev/null 2>&1
  rm -f "$2/templates/resume.typ"   # the built-in template of that gen
  cp "$3" "$2/content/resume.yaml"
  NO_COLOR=1 "$1" build --root "$2" >/dev/null 2>&1 || return 0
}

echo "== the check's cost (official sample, release build)"
site "$gen" "$work/sample" tests/fixtures/sample.resume.json
"$bench" cost "$gen" "$work/sample"

echo
echo "== fields the structural reader recovers from resume.pdf (name, email, phone, each job's title, organisation, dates)"
before=() after=()
for fixture in tests/fixtures/sample.resume.json tests/fixtures/lenient/*/resume.*; do
  name=$(basename "$(dirname "$fixture")")
  [ "$fixture" = tests/fixtures/sample.resume.json ] && name=sample
  site "$work/gen-before" "$work/before-$name" "$fixture"
  site "$gen" "$work/after-$name" "$fixture"
  [ -f "$work/before-$name/out/site/resume.pdf" ] && before+=("$name=$work/before-$name")
  [ -f "$work/after-$name/out/site/resume.pdf" ] && after+=("$name=$work/after-$name")
done
echo "-- before ($BEFORE)"
"$bench" fields "${before[@]}"
echo "-- after (this revision)"
"$bench" fields "${after[@]}"
