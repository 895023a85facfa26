#!/usr/bin/env bash
# Round trips of `netio-tui run --workload rr` against sockperf ping-pong and neper
# tcp_rr on the same kind of network: the peers run on a veth pair between two
# namespaces built here (bench-lib.sh: the shape, addresses and MTU of netio-tui's own
# anonymous namespaces, where netio-tui always measures).
#
# Like with like:
#   - closed loop, one transaction in flight per connection; CONNS connections
#     (netio-tui --threads N, one requester and one responder thread each; neper -F N
#     -T N, one flow per thread; sockperf ping-pong has one connection per process, so
#     it runs at 1 connection only);
#   - a request of SIZE bytes answered with SIZE bytes (netio-tui --size SIZE
#     --response-size same; neper -Q SIZE -R SIZE; sockperf -m SIZE echoes);
#   - TCP_NODELAY on every socket (netio-tui --nodelay; neper --no-delay; sockperf's
#     default for --tcp);
#   - full round trips: sockperf prints half the round trip unless --full-rtt, so it
#     runs with --full-rtt; neper's latency_p50/p99 are request-to-response times;
#   - all unpinned, all started from this shell, the same SECONDS each; netio-tui with
#     STRATEGY (one-copy: sendmsg of an iovec) and --recv message.
# Each pair runs every tool once, in one order in odd pairs and the reverse in even
# ones, so drift on the machine hits all alike. Prints every pair, then per size and
# connection count the medians and the median of the per-pair ratios: netio/sockperf
# and netio/neper for p50 (below 1: netio-tui's round trip is shorter) and tx/s (above
# 1: netio-tui makes more transactions).
#
# neper is built from its public source into /tmp (never in CI): NEPER_BIN names a
# ready tcp_rr; otherwise $NEPER_DIR/tcp_rr is used if there, else NEPER_SRC (a git URL
# or path, default https://github.com/google/neper) is cloned to NEPER_DIR (default
# /tmp/neper) and `make tcp_rr` run there.
#
# COUNTERS=off runs netio-tui with its per-thread perf counters refused (through its
# test seam NETIO_TUI_PERF_FAULT=EACCES): the peers count nothing, while netio-tui's
# counters are switched in and out at each of the context switches a round trip makes.
#
# Usage: sudo [SIZES="64 4K"] [CONNS="1 4"] [STRATEGY=one-copy] [WARMUP=0.4] [SETTLE=0.3] \
#          [COUNTERS=on|off] [NEPER_SRC=URL] [NEPER_BIN=FILE] scripts/bench-rr.sh [PAIRS] [SECONDS]
#   SECONDS is a whole number (sockperf -t, neper -l). NETIO_BIN overrides
#   target/release/netio-tui. (needs root, sockperf, python3, iproute2; git, make and a
#   C compiler to build neper)
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"

if [ $# -gt 2 ]; then
  echo "usage: $0 [PAIRS] [SECONDS]  (env: SIZES, CONNS, STRATEGY, WARMUP, SETTLE, COUNTERS, NEPER_SRC, NEPER_BIN)" >&2
  exit 2
fi
PAIRS=${1:-5}
SECS=${2:-3}
SIZES=${SIZES:-64 4K}
CONNS=${CONNS:-1 4}
STRATEGY=${STRATEGY:-one-copy}
WARMUP=${WARMUP:-0.4}
SETTLE=${SETTLE:-0.3}
COUNTERS=${COUNTERS:-on}
NEPER_SRC=${NEPER_SRC:-https://github.com/google/neper}
NEPER_DIR=${NEPER_DIR:-/tmp/neper}
case $COUNTERS in
  on) ;;
  off) export NETIO_TUI_PERF_FAULT=EACCES ;;
  *) echo "$0: bad COUNTERS '$COUNTERS': on or off" >&2; exit 2 ;;
esac
bench_int PAIRS "$PAIRS"
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "$0: bad SECONDS '$SECS': a whole number of seconds from 1 (sockperf -t, neper -l)" >&2; exit 2; }
bench_secs WARMUP "$WARMUP"
[[ $SETTLE =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$0: bad SETTLE '$SETTLE': seconds, 0 or more" >&2; exit 2; }
for z in $SIZES; do
  [[ $z =~ ^[1-9][0-9]*[KM]?$ ]] || { echo "$0: bad SIZES entry '$z': bytes, K or M suffix allowed (64, 4K)" >&2; exit 2; }
done
for c in $CONNS; do
  bench_int "CONNS entry" "$c"
done

bench_need sockperf python3 ip ss

# neper's tcp_rr: given, built here before, or built now from its source.
if [ -n "${NEPER_BIN:-}" ]; then
  [ -x "$NEPER_BIN" ] || { echo "NEPER_BIN=$NEPER_BIN: not an executable" >&2; exit 2; }
  NEPER=$NEPER_BIN
elif [ -x "$NEPER_DIR/tcp_rr" ]; then
  NEPER=$NEPER_DIR/tcp_rr
else
  for tool in git make cc; do
    command -v "$tool" >/dev/null || { echo "$tool missing (to build neper): apt-get install -y git make gcc" >&2; exit 2; }
  done
  [ -e "$NEPER_DIR" ] && { echo "$NEPER_DIR exists without tcp_rr: remove it or set NEPER_DIR" >&2; exit 2; }
  echo "building neper tcp_rr from $NEPER_SRC in $NEPER_DIR"
  git clone --quiet "$NEPER_SRC" "$NEPER_DIR"
  make -C "$NEPER_DIR" --quiet tcp_rr
  NEPER=$NEPER_DIR/tcp_rr
fi

bench_netio_bin
# neper writes a log file into its working directory whatever --nolog says: a
# directory of our own, removed at exit.
NEPER_CWD=$(mktemp -d)
PORT=11111
NEPER_CTL=12866
bench_topology_up
trap 'bench_cleanup; rm -rf "$NEPER_CWD"' EXIT

bytes() { python3 -c 'import sys; s=sys.argv[1]; m={"K":1024,"M":1<<20}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))' "$1"; }

# One sockperf ping-pong of $1 bytes (1 connection): sets SP_P50 SP_P99 (µs, full
# round trip), SP_TPS.
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

# One neper tcp_rr of $1 bytes over $2 flows, one thread each: sets NP_P50 NP_P99
# (µs), NP_TPS (all flows). A server is started for each run and ends with it.
measure_neper() {
  local out server
  sleep "$SETTLE"
  local args=(-4 --nolog --no-delay -Q "$1" -R "$1" -F "$2" -T "$2" -l "$SECS" -C $NEPER_CTL)
  (cd "$NEPER_CWD" && exec ip netns exec "$BENCH_NS_S" "$NEPER" "${args[@]}" >/dev/null 2>&1) &
  server=$!
  BENCH_PIDS+=("$server")
  bench_wait_listen $NEPER_CTL
  if ! out=$(cd "$NEPER_CWD" && ip netns exec "$BENCH_NS_C" "$NEPER" "${args[@]}" -c -H "$BENCH_SERVER_IP" -p 50,99 2>&1); then
    echo "neper tcp_rr -Q $1 -F $2 failed:" >&2
    echo "$out" >&2
    exit 1
  fi
  wait "$server" 2>/dev/null || true
  # Ended: never signalled again at exit (its number may be reused).
  BENCH_PIDS=("${BENCH_PIDS[@]/$server/}")
  read -r NP_P50 NP_P99 NP_TPS < <(echo "$out" | python3 -c '
import sys
kv = dict(l.split("=", 1) for l in sys.stdin.read().splitlines() if "=" in l)
print(float(kv["latency_p50"]) * 1e6, float(kv["latency_p99"]) * 1e6, float(kv["throughput"]))')
}

# One netio-tui rr run of $1 bytes over $2 connections: sets NT_P50 NT_P99 NT_TPS.
measure_netio() {
  local out err
  sleep "$SETTLE"
  err=$(mktemp)
  if ! out=$("$BENCH_NETIO" run --workload rr --strategy "$STRATEGY" --size "$1" \
    --response-size same --nodelay --threads "$2" --duration "$SECS" --warmup "$WARMUP" \
    --json 2>"$err"); then
    echo "netio-tui run --workload rr --size $1 --threads $2 failed:" >&2
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

echo "netio-tui: $BENCH_NETIO, --strategy $STRATEGY --nodelay --response-size same, counters $COUNTERS"
echo "sockperf:  $(sockperf --version 2>&1 | head -1) ping-pong --tcp --full-rtt (1 connection only)"
echo "neper:     $NEPER $(cd "$NEPER_CWD" && "$NEPER" --version 2>&1 | head -1) --no-delay, -F N -T N"
echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each run: $SECS s after $SETTLE s rest; $PAIRS interleaved rounds per size and connection count"
ip netns exec "$BENCH_NS_S" sockperf server --tcp -i "$BENCH_SERVER_IP" -p $PORT >/dev/null 2>&1 &
BENCH_PIDS+=("$!")
bench_wait_listen $PORT
summary=()
for size in $SIZES; do
  n=$(bytes "$size")
  for conns in $CONNS; do
    n50=() n99=() ntps=() s50=() stps=() p50=() ptps=() rs50=() rstps=() rp50=() rptps=()
    for ((i = 1; i <= PAIRS; i++)); do
      order=(sockperf neper netio)
      ((i % 2)) || order=(netio neper sockperf)
      SP_P50=- SP_P99=- SP_TPS=-
      for tool in "${order[@]}"; do
        case $tool in
          sockperf) [ "$conns" = 1 ] && measure_sockperf "$n" ;;
          neper) measure_neper "$n" "$conns" ;;
          netio) measure_netio "$size" "$conns" ;;
        esac
      done
      printf '%-4s ×%s round %d: p50 netio %8.2f sockperf %8s neper %8.2f µs | tx/s netio %8.0f sockperf %8s neper %8.0f\n' \
        "$size" "$conns" "$i" "$NT_P50" "$SP_P50" "$NP_P50" "$NT_TPS" "${SP_TPS%.*}" "$NP_TPS"
      n50+=("$NT_P50") n99+=("$NT_P99") ntps+=("$NT_TPS") p50+=("$NP_P50") ptps+=("$NP_TPS")
      rp50+=("$(bench_ratio "$NT_P50" "$NP_P50")") rptps+=("$(bench_ratio "$NT_TPS" "$NP_TPS")")
      if [ "$conns" = 1 ]; then
        s50+=("$SP_P50") stps+=("$SP_TPS")
        rs50+=("$(bench_ratio "$NT_P50" "$SP_P50")") rstps+=("$(bench_ratio "$NT_TPS" "$SP_TPS")")
      fi
    done
    if [ "$conns" = 1 ]; then
      sp="$(bench_median "${s50[@]}") | $(bench_median "${rs50[@]}") | $(bench_median "${stps[@]}") | $(bench_median "${rstps[@]}")"
    else
      sp="– | – | – | –"
    fi
    summary+=("$(printf '| %-4s | %s | %s | %s | %s | %s | %s | %s | %s |' "$size" "$conns" \
      "$(bench_median "${n50[@]}")" "$(bench_median "${ntps[@]}")" "$sp" \
      "$(bench_median "${p50[@]}")" "$(bench_median "${rp50[@]}")" \
      "$(bench_median "${ptps[@]}")" "$(bench_median "${rptps[@]}")")")
  done
done
echo
echo "medians of $PAIRS rounds (ratio = median of per-round netio/peer; p50 in µs, full round trip):"
echo "| size | conns | netio p50 | netio tx/s | sockperf p50 | p50 ratio | sockperf tx/s | tx/s ratio | neper p50 | p50 ratio | neper tx/s | tx/s ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
