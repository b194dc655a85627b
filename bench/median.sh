# Sourced by the bench scripts. `median MICROSECONDS...` prints "M ms (min A, max B)" in
# milliseconds and keeps the median (microseconds) in "$work/last-median".
median() {
  local sorted=($(printf '%s\n' "$@" | sort -n)) n=$#
  local mid=$(( n / 2 )) m
  if (( n % 2 )); then m=${sorted[$mid]}; else m=$(( (sorted[mid - 1] + sorted[mid]) / 2 )); fi
  printf '%d.%03d ms (min %d.%03d, max %d.%03d)' $((m / 1000)) $((m % 1000)) \
    $((sorted[0] / 1000)) $((sorted[0] % 1000)) $((sorted[n - 1] / 1000)) $((sorted[n - 1] % 1000))
  echo "$m" >"$work/last-median"
}
