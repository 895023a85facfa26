#!/usr/bin/env bash
# Throughput of `netio-tui run --strategy one-copy` against iperf3 on the same kind of
# network: iperf3 runs on a veth pair between two namespaces built here (bench-lib.sh:
# same shape, addresses and optmem_max as netio-tui's own anonymous namespaces, where
# netio-tui always measures).
#
# Every cell is one (direction, Nagle setting, size, connections):
#   direction: forward = iperf3 client sends to the server; reverse = iperf3 -R, the
#              server sends (as netio-tui, whose senders are on the server side).
#   Nagle:     the same on both senders: NODELAYS=off leaves Nagle on in both (iperf3
#              without -N, netio-tui without --nodelay: both tools' default); on sets
#              TCP_NODELAY on both (iperf3 -N, netio-tui --nodelay).
#   size:      iperf3 -l = netio-tui --size; connections: iperf3 -P = netio-tui --threads.
# Each pair runs iperf3 and netio-tui once per receive mode of RECVS, iperf3 first in odd
# pairs and last in even ones, so drift on the machine hits both alike.
# Receive modes: `--recv stream` (256 KiB reads, not cut at message boundaries) is run as
# the match for iperf3's reads, which are not cut at message boundaries either; note that
# iperf3 3.x asks for -l bytes per read (Nread loops until it has them), so with -l equal
# to --size the default `--recv message` (reads up to the end of the current message) is
# as close in read size: both are reported.
# Figures: iperf3's end.sum_received.bits_per_second (receiver bytes over its whole -t
# window, no omitted start); netio-tui's throughput_gbps over its measured window after
# a WARMUP-second warm-up (default 0.05 s, netio-tui's own).
# Prints every pair, each cell's medians and median ratios netio/iperf3 (one per receive
# mode), then a summary of every cell.
#
# Usage: sudo [DIRS="forward reverse"] [NODELAYS="off on"] [RECVS="stream message"] \
#          [SIZES="4K 64K 128K"] [THREADS="1 2"] [STRATEGY=one-copy] [WARMUP=0.05] \
#          [SETTLE=0.5] scripts/bench-vs-iperf3.sh [PAIRS] [SECONDS]
#   SECONDS is a whole number (iperf3 -t). NETIO_BIN overrides target/release/netio-tui.
#   SETTLE: seconds of rest before each run (the previous run's sockets drain first).
#   netio-tui runs with its default --buf-offset (2048); iperf3's buffer is an mmap'ed
#   file, so it starts on a page boundary.
# (needs root, iperf3, python3, iproute2)
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"

if [ $# -gt 2 ]; then
  echo "usage: $0 [PAIRS] [SECONDS]  (env: DIRS, NODELAYS, RECVS, SIZES, THREADS, STRATEGY, WARMUP)" >&2
  exit 2
fi
PAIRS=${1:-5}
SECS=${2:-2}
WARMUP=${WARMUP:-0.05}
DIRS=${DIRS:-forward reverse}
NODELAYS=${NODELAYS:-off on}
RECVS=${RECVS:-stream message}
SIZES=${SIZES:-4K 64K 128K}
THREADS=${THREADS:-1 2}
STRATEGY=${STRATEGY:-one-copy}
SETTLE=${SETTLE:-0.5}
bench_int PAIRS "$PAIRS"
[[ $SETTLE =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$0: bad SETTLE '$SETTLE': seconds, 0 or more" >&2; exit 2; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "$0: bad SECONDS '$SECS': a whole number of seconds from 1 (iperf3 -t)" >&2; exit 2; }
[[ $WARMUP =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$0: bad WARMUP '$WARMUP': seconds, 0 or more" >&2; exit 2; }
for d in $DIRS; do
  [[ $d =~ ^(forward|reverse)$ ]] || { echo "$0: bad DIRS entry '$d': forward or reverse (iperf3 -R)" >&2; exit 2; }
done
for n in $NODELAYS; do
  [[ $n =~ ^(on|off)$ ]] || { echo "$0: bad NODELAYS entry '$n': off (Nagle on) or on (TCP_NODELAY: iperf3 -N, --nodelay)" >&2; exit 2; }
done
for r in $RECVS; do
  [[ $r =~ ^(message|stream|trunc)$ ]] || { echo "$0: bad RECVS entry '$r': message, stream or trunc" >&2; exit 2; }
done
for z in $SIZES; do
  [[ $z =~ ^[1-9][0-9]*[KM]?$ ]] || { echo "$0: bad SIZES entry '$z': bytes, K or M suffix allowed (4K, 128K)" >&2; exit 2; }
done
for t in $THREADS; do
  [[ $t =~ ^[1-9][0-9]*$ ]] && [ "$t" -le 128 ] || { echo "$0: bad THREADS entry '$t': 1 to 128 (iperf3 -P)" >&2; exit 2; }
done

bench_need iperf3 python3 ip ss
bench_netio_bin
PORT=5201

bench_topology_up

# Measures iperf3 once: direction $1, nodelay $2 (on|off), size $3, streams $4.
# Sets IPERF_GBPS. Not in a subshell, so the server is always reaped.
measure_iperf3() {
  local flags=() out spid
  [ "$1" = reverse ] && flags+=(-R)
  [ "$2" = on ] && flags+=(-N)
  sleep "$SETTLE"
  ip netns exec "$BENCH_NS_S" iperf3 -s -1 -p $PORT >/dev/null 2>&1 &
  spid=$!
  BENCH_PIDS+=("$spid")
  bench_wait_listen $PORT
  if ! out=$(ip netns exec "$BENCH_NS_C" iperf3 -c "$BENCH_SERVER_IP" -p $PORT -l "$3" -P "$4" \
    -t "$SECS" -J "${flags[@]}"); then
    echo "iperf3 -c $BENCH_SERVER_IP -l $3 -P $4 -t $SECS ${flags[*]} failed:" >&2
    echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("error","?"))' >&2 || true
    exit 1
  fi
  wait "$spid" || true
  BENCH_PIDS=()
  IPERF_GBPS=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)')
}

# Prints netio-tui's Gbps: nodelay $1, size $2, threads $3, receive mode $4.
measure_netio() {
  local flag=()
  [ "$1" = on ] && flag=(--nodelay)
  sleep "$SETTLE"
  bench_netio_gbps --strategy "$STRATEGY" --size "$2" --threads "$3" --recv "$4" \
    --duration "$SECS" --warmup "$WARMUP" "${flag[@]}"
}

echo "netio-tui: $BENCH_NETIO ($("$BENCH_NETIO" --version 2>/dev/null || echo '?')), --strategy $STRATEGY"
echo "iperf3:    $(iperf3 --version | head -1)"
echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each run: $SECS s, $SETTLE s rest before it; $PAIRS interleaved pairs per cell; netio-tui receive modes: $RECVS"
summary=()
for dir in $DIRS; do
  for nodelay in $NODELAYS; do
    nagle=$([ "$nodelay" = on ] && echo "nodelay (-N)" || echo "nagle       ")
    for size in $SIZES; do
      for threads in $THREADS; do
        cell=$(printf '%-7s %s %-5s x%-2s' "$dir" "$nagle" "$size" "$threads")
        iperfs=()
        declare -A ratios=() nets=()
        for ((i = 1; i <= PAIRS; i++)); do
          if ((i % 2)); then
            first=iperf3; measure_iperf3 "$dir" "$nodelay" "$size" "$threads"
          else
            first=netio
          fi
          declare -A got=()
          for recv in $RECVS; do
            got[$recv]=$(measure_netio "$nodelay" "$size" "$threads" "$recv")
          done
          ((i % 2)) || measure_iperf3 "$dir" "$nodelay" "$size" "$threads"
          iperfs+=("$IPERF_GBPS")
          text=""
          for recv in $RECVS; do
            r=$(bench_ratio "${got[$recv]}" "$IPERF_GBPS")
            ratios[$recv]="${ratios[$recv]:-} $r"
            nets[$recv]="${nets[$recv]:-} ${got[$recv]}"
            text+=$(printf '  netio(%s) %8.4f (%s)' "$recv" "${got[$recv]}" "$r")
          done
          printf '%s pair %d (%s first): iperf3 %8.4f Gbps%s\n' "$cell" "$i" "$first" "$IPERF_GBPS" "$text"
        done
        line=$(printf '%s: median iperf3 %8s' "$cell" "$(bench_median "${iperfs[@]}")")
        for recv in $RECVS; do
          # shellcheck disable=SC2086 # word splitting wanted: the list of figures
          line+=$(printf ' | netio(%s) %8s ratio %s' "$recv" "$(bench_median ${nets[$recv]})" "$(bench_median ${ratios[$recv]})")
        done
        echo "==> $line (median of $PAIRS pairs)"
        summary+=("$line")
        unset ratios nets
      done
    done
  done
done
echo
echo "summary (Gbps received; ratio = median over pairs of netio-tui / iperf3; forward = iperf3 client sends, reverse = iperf3 -R):"
printf '  %s\n' "${summary[@]}"
