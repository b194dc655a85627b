#!/usr/bin/env bash
# gen publish next to `aws s3 sync`, on the same local S3 (moto), for the official sample site
# plus 500 extra static files:
#   - after a rebuild with one changed line: requests sent and bytes uploaded by each,
#   - the wall time of a publish with nothing to do (median of $RUNS runs).
# A counting proxy between the tools and moto counts the requests. Needs .venv (scripts/test).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
export PATH="$PWD/.venv/bin:$PATH"

cargo build --release --locked --quiet --bin gen
gen=$PWD/target/release/gen
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

moto=$(free_port); proxy=$(free_port)
moto_server -H 127.0.0.1 -p "$moto" >/dev/null 2>&1 & pids+=($!)
python bench/publish/counting_proxy.py "$proxy" "$moto" & pids+=($!)
export AWS_ENDPOINT_URL=http://127.0.0.1:$proxy AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
for _ in $(seq 100); do curl -s "http://127.0.0.1:$proxy/__counts" >/dev/null 2>&1 && break; sleep 0.1; done
python - <<'PY'
import boto3
s3 = boto3.client("s3")
for b in ("bench-gen", "bench-sync"):
    s3.create_bucket(Bucket=b)
# gen publishes only to a bucket its stack tagged (or with --force).
s3.put_bucket_tagging(Bucket="bench-gen", Tagging={"TagSet": [{"Key": "ManagedBy", "Value": "gen"}]})
PY

"$gen" init "$work/site" >/dev/null 2>&1
cp tests/fixtures/sample.resume.json "$work/site/content/resume.yaml"
mkdir -p "$work/site/templates/files"
python3 - "$work/site/templates/files" <<'PY'
import os, random, sys
random.seed(7)
for i in range(500):
    with open(os.path.join(sys.argv[1], "file-%03d.txt" % i), "w") as f:
        f.write("".join(random.choice("abcdefghij \n") for _ in range(random.randint(500, 4000))))
PY
build() { NO_COLOR=1 "$gen" build --root "$work/site" >/dev/null 2>&1; }
site=$work/site/out/site
gen_publish() { NO_COLOR=1 "$gen" publish --root "$work/site" --bucket bench-gen --yes >/dev/null 2>&1; }
sync_publish() { aws s3 sync "$site" s3://bench-sync --delete --exclude .gen-site --only-show-errors >/dev/null; }
counts() { curl -s "http://127.0.0.1:$proxy/__counts"; }
reset() { curl -s -X POST "http://127.0.0.1:$proxy/__reset" >/dev/null; }
report() {
  python3 -c 'import json,sys; c=json.loads(sys.argv[2]); m=c["by_method"]; print("  %-16s %4d requests (%s), %9d bytes uploaded" % (sys.argv[1], c["requests"], ", ".join("%s %d" % kv for kv in sorted(m.items())), c["body_bytes"]))' "$1" "$2"
}

build
gen_publish; sync_publish
files=$(find "$site" -type f ! -name .gen-site | wc -l)
echo "site: $files files, $(du -sk --exclude=.gen-site "$site" | cut -f1) KiB"

# One changed line in the resume, then a rebuild (every file is rewritten).
sed -i 's/"label": "Programmer"/"label": "Senior Programmer"/' "$work/site/content/resume.yaml"
sleep 1; build
echo "after a one-line change and a rebuild:"
reset; gen_publish; report "gen publish" "$(counts)"
reset; sync_publish; report "aws s3 sync" "$(counts)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_ms() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
g=$(for _ in $(seq "$RUNS"); do time_ms gen_publish; done | median)
s=$(for _ in $(seq "$RUNS"); do time_ms sync_publish; done | median)
echo "no-op publish, median of $RUNS runs: gen publish $g ms, aws s3 sync $s ms ($(python3 -c "print('%.1f' % ($s / max($g, 1)))")x)"
