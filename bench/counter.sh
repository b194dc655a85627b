#!/usr/bin/env bash
# Figures for the counter Lambda:
#   - the deployment zip's size (built as `gen infra` builds it),
#   - its cold start next to the usual Python + boto3 handler (bench/counter/handler.py), both
#     started against the same local Runtime API and DynamoDB (moto), median of $RUNS runs,
#   - the per-request cost inside the process with an in-memory store.
# Needs the tools scripts/test installs (.venv with cargo-lambda, moto, awslambdaric).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
export PATH="$PWD/.venv/bin:$PATH"

cargo lambda build --profile lambda --output-format zip -p counter --bin counter --quiet 2>/dev/null ||
  cargo lambda build --profile lambda --output-format zip -p counter --bin counter
zip=target/lambda/counter/bootstrap.zip
bytes=$(stat -c %s "$zip")
printf 'counter zip: %s bytes (%.2f MB; target <= 3 MB)\n' "$bytes" "$(echo "$bytes / 1000000" | bc -l)"

work=$(mktemp -d)
moto=
cleanup() { [ -n "$moto" ] && kill "$moto" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
python3 -m zipfile -e "$zip" "$work/rust"
chmod +x "$work/rust/bootstrap"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  COUNTER_TABLE=bench-visits COUNTER_PAGES=/ AWS_LAMBDA_FUNCTION_NAME=counter AWS_LAMBDA_FUNCTION_VERSION='$LATEST' \
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/counter \
  AWS_LAMBDA_LOG_STREAM_NAME=bench
python - <<'PY'
import time, boto3
for _ in range(200):
    try:
        boto3.client("dynamodb").create_table(
            TableName="bench-visits", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "path", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "path", "KeyType": "HASH"}])
        break
    except Exception:
        time.sleep(0.1)
else:
    raise SystemExit("moto_server did not start")
PY

python bench/counter/cold_start.py "$RUNS" counter/tests/events/http-api-post.json \
  "rust=$work/rust/bootstrap" \
  "python=env -C bench/counter $PWD/.venv/bin/python -m awslambdaric handler.handler"

cargo run --release --locked --quiet -p counter --example overhead --no-default-features --features lambda
