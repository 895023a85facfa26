#!/usr/bin/env bash
# Round trips of `netio-tui run --workload rr` against sockperf ping-pong on the same
# kind of network: sockperf runs on a veth pair between two namespaces built here
# (bench-lib.sh: the shape, addresses and MTU of netio-tui's own anonymous namespaces,
# where netio-tui always measures).
#
# Like with like:
#   - one connection, closed loop, one message in flight (sockperf ping-pong's only
#     mode per process; netio-tui --threads 1, no --rate);
#   - request of SIZE bytes echoed back (sockperf -m SIZE; netio-tui --size SIZE
#     --response-size same);
#   - TCP_NODELAY on both sockets (sockperf's default for --tcp; netio-tui --nodelay);
#   - full round trips: sockperf prints half the round trip unless --full-rtt, so it is
#     run with --full-rtt;
#   - both unpinned, both started from this shell, the same SECONDS each; netio-tui with
#     its one-copy strategy (sendmsg of an iovec) and --recv message.
# Each pair runs both once, sockperf first in odd pairs and last in even ones, so drift
# on the machine hits both alike. Prints every pair, then per size the medians and the
# median of the per-pair ratios netio/sockperf for p50, p99 and transactions/s.
#
# COUNTERS=off runs netio-tui with its per-thread perf counters refused (through its
# test seam NETIO_TUI_PERF_FAULT=EACCES): sockperf counts nothing, while netio-tui's
# counters are switched in and out at each of the four context switches a round trip
# makes; this shows what that costs.
#
# Usage: sudo [SIZES="64 4K"] [STRATEGY=one-copy] [WARMUP=0.4] [SETTLE=0.3] [COUNTERS=on|off] \
#          scripts/bench-rr-vs-sockperf.sh [PAIRS] [SECONDS]
#   SECONDS is a whole number (sockperf -t). NETIO_BIN overrides target/release/netio-tui.
# (needs root, sockperf, python3, iproute2)
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"

if [ $# -gt 2 ]; then
  echo "usage: $0 [PAIRS] [SECONDS]  (env: SIZES, STRATEGY, WARMUP, SETTLE)" >&2
  exit 2
fi
PAIRS=${1:-5}
SECS=${2:-3}
SIZES=${SIZES:-64 4K}
STRATEGY=${STRATEGY:-one-copy}
WARMUP=${WARMUP:-0.4}
SETTLE=${SETTLE:-0.3}
COUNTERS=${COUNTERS:-on}
case $COUNTERS in
  on) ;;
  off) export NETIO_TUI_PERF_FAULT=EACCES ;;
  *) echo "$0: bad COUNTERS '$COUNTERS': on or off" >&2; exit 2 ;;
esac
bench_int PAIRS "$PAIRS"
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "$0: bad SECONDS '$SECS': a whole number of seconds from 1 (sockperf -t)" >&2; exit 2; }
bench_secs WARMUP "$WARMUP"
[[ $SETTLE =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$0: bad SETTLE '$SETTLE': seconds, 0 or more" >&2; exit 2; }
for z in $SIZES; do
  [[ $z =~ ^[1-9][0-9]*[KM]?$ ]] || { echo "$0: bad SIZES entry '$z': bytes, K or M suffix allowed (64, 4K)" >&2; exit 2; }
done

bench_need sockperf python3 ip ss
bench_netio_bin
PORT=11111
bench_topology_up

bytes() { python3 -c 'import sys; s=sys.argv[1]; m={"K":1024,"M":1<<20}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))' "$1"; }

# One sockperf ping-pong of $1 bytes: sets SP_P50 SP_P99 (µs, full round trip), SP_TPS.
measure_sockperf() {
  local out
  sleep "$SETTLE"
  if ! out=$(ip netns exec "$BENCH_NS_C" sockperf ping-pong --tcp -i "$BENCH_SERVER_IP" -p $PORT \
    -m "$1" -t "$SECS" --full-rtt 2>&1); then
    echo "sockperf ping-pong -m $1 failed:" >&2
    echo "$out" >&2
    exit 1
  fi
  read -r SP_P50 SP_P99 SP_TPS < <(echo "$out" | python3 -c '
import re, sys
t = sys.stdin.read()
p = lambda q: float(re.search(r"percentile %s =\s*([0-9.]+)" % q, t).group(1))
m = re.search(r"\[Valid Duration\] RunTime=([0-9.]+) sec; SentMessages=\d+; ReceivedMessages=(\d+)", t)
assert "Round trip" in t, "sockperf did not report full round trips"
print(p("50.000"), p("99.000"), int(m.group(2)) / float(m.group(1)))')
}

# One netio-tui rr run of $1 bytes: sets NT_P50 NT_P99 NT_TPS.
measure_netio() {
  local out err
  sleep "$SETTLE"
  err=$(mktemp)
  if ! out=$("$BENCH_NETIO" run --workload rr --strategy "$STRATEGY" --size "$1" \
    --response-size same --nodelay --threads 1 --duration "$SECS" --warmup "$WARMUP" \
    --json 2>"$err"); then
    echo "netio-tui run --workload rr --size $1 failed:" >&2
    cat "$err" >&2
    rm -f "$err"
    exit 1
  fi
  rm -f "$err"
  read -r NT_P50 NT_P99 NT_TPS < <(python3 -c '
import json, sys
j = json.loads([l for l in sys.argv[1].splitlines() if l.startswith("{")][0])
print(j["rr_p50_us"], j["rr_p99_us"], j["rr_tps"])' "$out")
}

echo "netio-tui: $BENCH_NETIO, --strategy $STRATEGY --nodelay --response-size same --threads 1, counters $COUNTERS"
echo "sockperf:  $(sockperf --version 2>&1 | head -1) ping-pong --tcp --full-rtt"
echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each run: $SECS s after $SETTLE s rest; $PAIRS interleaved pairs per size"
ip netns exec "$BENCH_NS_S" sockperf server --tcp -i "$BENCH_SERVER_IP" -p $PORT >/dev/null 2>&1 &
BENCH_PIDS+=("$!")
bench_wait_listen $PORT
summary=()
for size in $SIZES; do
  n=$(bytes "$size")
  r50=() r99=() rtps=() n50=() s50=() n99=() s99=() ntps=() stps=()
  for ((i = 1; i <= PAIRS; i++)); do
    if ((i % 2)); then
      measure_sockperf "$n"
      measure_netio "$size"
    else
      measure_netio "$size"
      measure_sockperf "$n"
    fi
    printf '%-4s pair %d: p50 netio %8.2f sockperf %8.2f µs | p99 netio %8.2f sockperf %8.2f µs | tx/s netio %8.0f sockperf %8.0f\n' \
      "$size" "$i" "$NT_P50" "$SP_P50" "$NT_P99" "$SP_P99" "$NT_TPS" "$SP_TPS"
    n50+=("$NT_P50") s50+=("$SP_P50") n99+=("$NT_P99") s99+=("$SP_P99") ntps+=("$NT_TPS") stps+=("$SP_TPS")
    r50+=("$(bench_ratio "$NT_P50" "$SP_P50")")
    r99+=("$(bench_ratio "$NT_P99" "$SP_P99")")
    rtps+=("$(bench_ratio "$NT_TPS" "$SP_TPS")")
  done
  summary+=("$(printf '| %-4s | %s / %s | %s | %s / %s | %s | %s / %s | %s |' "$size" \
    "$(bench_median "${n50[@]}")" "$(bench_median "${s50[@]}")" "$(bench_median "${r50[@]}")" \
    "$(bench_median "${n99[@]}")" "$(bench_median "${s99[@]}")" "$(bench_median "${r99[@]}")" \
    "$(bench_median "${ntps[@]}")" "$(bench_median "${stps[@]}")" "$(bench_median "${rtps[@]}")")")
done
echo
echo "medians of $PAIRS pairs (ratio = median of per-pair netio/sockperf):"
echo "| size | p50 µs netio / sockperf | ratio | p99 µs netio / sockperf | ratio | tx/s netio / sockperf | ratio |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
