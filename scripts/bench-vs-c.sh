#!/usr/bin/env bash
# netio-tui against the course's own kind of program: scripts/peer/course_peer.c, a
# minimal C server/client doing exactly the course's sends (8 malloc'ed fields; two-copy =
# 8 send() calls, one-copy = one sendmsg with an iovec[8]; Nagle on at the sender unless
# TCP_NODELAY is asked for; the client recv()s into a message-size buffer, reassembling
# messages, one thread per connection).
#
# Each pair runs `netio-tui run` and the C program on the same configuration (strategy,
# size, connections, Nagle setting, receive mode, warm-up, measured seconds), alternating
# which goes first so that drift on the machine hits both alike, and prints both figures
# and their ratio; each cell ends with the medians and the median ratio netio/C, and a
# summary table of every cell closes the run.
#
# Both figures are Gbps of payload received over the measured window only (after the
# warm-up): netio-tui's throughput_gbps, the C client's bytes * 8 / seconds.
# The C program runs on a veth pair between two named namespaces built here (see
# bench-lib.sh: the same shape, addresses and optmem_max as netio-tui's); netio-tui
# builds its own anonymous namespaces of the same shape, as it always does.
#
# Usage: sudo [STRATEGIES="two-copy one-copy"] [NODELAYS="off on"] [SIZES="64 4K 64K 128K"] \
#          [THREADS="1 2"] [RECVS=message] [BUFS="2048/heap"] [WARMUP=0.05] [SETTLE=0.5] \
#          scripts/bench-vs-c.sh [PAIRS] [SECONDS]
#   NODELAYS: off = Nagle on at both senders (the course's default), on = TCP_NODELAY on
#   both senders (netio-tui --nodelay, course_peer server --nodelay).
#   RECVS: message (the course's reads), stream (256 KiB reads), trunc (MSG_TRUNC).
#   BUFS: buffer placements, each NETIO/C: netio-tui's --buf-offset and course_peer's
#   (heap = wherever malloc puts them, N = N bytes into a 4 KiB page). The default
#   2048/heap compares each as shipped; 2048/2048 or heap/heap the same placement.
#   SETTLE: seconds of rest before each run (the previous run's sockets and softirq
#   work drain first).
#   NETIO_BIN / PEER_BIN override the binaries (default target/release/netio-tui, and
#   target/course_peer built from scripts/peer/course_peer.c with gcc -O2 -pthread).
# (needs root, gcc, python3, iproute2)
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"

if [ $# -gt 2 ]; then
  echo "usage: $0 [PAIRS] [SECONDS]  (env: STRATEGIES, NODELAYS, SIZES, THREADS, RECVS, WARMUP)" >&2
  exit 2
fi
PAIRS=${1:-5}
SECS=${2:-2}
WARMUP=${WARMUP:-0.05}
STRATEGIES=${STRATEGIES:-two-copy one-copy}
NODELAYS=${NODELAYS:-off on}
SIZES=${SIZES:-64 4K 64K 128K}
THREADS=${THREADS:-1 2}
RECVS=${RECVS:-message}
BUFS=${BUFS:-2048/heap}
SETTLE=${SETTLE:-0.5}
bench_int PAIRS "$PAIRS"
bench_secs SECONDS "$SECS"
[[ $WARMUP =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$0: bad WARMUP '$WARMUP': seconds, 0 or more" >&2; exit 2; }
for s in $STRATEGIES; do
  [[ $s =~ ^(two-copy|one-copy)$ ]] || { echo "$0: bad STRATEGIES entry '$s': two-copy or one-copy (the course's A1, A2)" >&2; exit 2; }
done
for n in $NODELAYS; do
  [[ $n =~ ^(on|off)$ ]] || { echo "$0: bad NODELAYS entry '$n': off (Nagle on) or on (TCP_NODELAY on the sender)" >&2; exit 2; }
done
for z in $SIZES; do
  [[ $z =~ ^[1-9][0-9]*[KM]?$ ]] || { echo "$0: bad SIZES entry '$z': bytes, K or M suffix allowed (64, 4K, 1M)" >&2; exit 2; }
done
for t in $THREADS; do
  [[ $t =~ ^[1-9][0-9]*$ ]] && [ "$t" -le 1024 ] || { echo "$0: bad THREADS entry '$t': 1 to 1024" >&2; exit 2; }
done
for r in $RECVS; do
  [[ $r =~ ^(message|stream|trunc)$ ]] || { echo "$0: bad RECVS entry '$r': message, stream or trunc" >&2; exit 2; }
done
for b in $BUFS; do
  [[ $b =~ ^(heap|[0-9]+)/(heap|[0-9]+)$ ]] && ! [[ $b =~ (^|/)([0-9]{5,}|[5-9][0-9]{3}|4[1-9][0-9]{2}|409[6-9])(/|$) ]] ||
    { echo "$0: bad BUFS entry '$b': NETIO/C, each heap or a byte offset 0 to 4095 (e.g. 2048/heap)" >&2; exit 2; }
done
[[ $SETTLE =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$0: bad SETTLE '$SETTLE': seconds, 0 or more" >&2; exit 2; }

bench_need gcc python3 ip ss
bench_netio_bin
PEER=${PEER_BIN:-$BENCH_ROOT/target/course_peer}
if [ -z "${PEER_BIN:-}" ]; then
  src=$BENCH_ROOT/scripts/peer/course_peer.c
  if [ ! -x "$PEER" ] || [ "$src" -nt "$PEER" ]; then
    mkdir -p "$(dirname "$PEER")"
    gcc -O2 -pthread -Wall -o "$PEER" "$src"
  fi
elif [ ! -x "$PEER" ]; then
  echo "PEER_BIN=$PEER_BIN: not an executable" >&2
  exit 2
fi
PORT=5301

bench_topology_up

# Measures the C program once: strategy $1, size $2, connections $3, nodelay $4 (on|off),
# receive mode $5, buffer placement $6 (NETIO/C). Sets C_GBPS. Not in a subshell, so the
# server is always reaped.
measure_c() {
  local flag=() out spid buf=${6#*/}
  [ "$4" = on ] && flag=(--nodelay)
  sleep "$SETTLE"
  ip netns exec "$BENCH_NS_S" "$PEER" server --port $PORT --conns "$3" --size "$2" --strategy "$1" \
    --buf-offset "$buf" "${flag[@]}" &
  spid=$!
  BENCH_PIDS+=("$spid")
  if ! out=$(ip netns exec "$BENCH_NS_C" "$PEER" client --host "$BENCH_SERVER_IP" --port $PORT \
    --conns "$3" --size "$2" --recv "$5" --duration "$SECS" --warmup "$WARMUP" --buf-offset "$buf"); then
    echo "course_peer client failed ($1 $2 x$3 nodelay=$4 recv=$5)" >&2
    exit 1
  fi
  wait "$spid" || { echo "course_peer server failed ($1 $2 x$3 nodelay=$4)" >&2; exit 1; }
  BENCH_PIDS=()
  C_GBPS=${out##*gbps=}
  C_GBPS=${C_GBPS%% *}
}

# Measures netio-tui once with the same arguments. Sets NETIO_GBPS.
measure_netio() {
  local flag=()
  [ "$4" = on ] && flag=(--nodelay)
  sleep "$SETTLE"
  NETIO_GBPS=$(bench_netio_gbps --strategy "$1" --size "$2" --threads "$3" --recv "$5" \
    --duration "$SECS" --warmup "$WARMUP" --buf-offset "${6%/*}" "${flag[@]}")
}

echo "netio-tui: $BENCH_NETIO ($("$BENCH_NETIO" --version 2>/dev/null || echo '?'))"
echo "C peer:    $PEER"
echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each run: $SECS s measured after $WARMUP s warm-up, $SETTLE s rest before it; $PAIRS interleaved pairs per cell; Gbps received"
summary=()
for strategy in $STRATEGIES; do
  for nodelay in $NODELAYS; do
    nagle=$([ "$nodelay" = on ] && echo "nodelay" || echo "nagle  ")
    for recv in $RECVS; do
     for bufs in $BUFS; do
      for size in $SIZES; do
        for threads in $THREADS; do
          nets=(); cs=(); ratios=()
          cell=$(printf '%-8s %-5s x%-2s %s recv=%s buf=%s' "$strategy" "$size" "$threads" "$nagle" "$recv" "$bufs")
          for ((i = 1; i <= PAIRS; i++)); do
            args=("$strategy" "$size" "$threads" "$nodelay" "$recv" "$bufs")
            if ((i % 2)); then
              first=netio; measure_netio "${args[@]}"; measure_c "${args[@]}"
            else
              first=C; measure_c "${args[@]}"; measure_netio "${args[@]}"
            fi
            ratio=$(bench_ratio "$NETIO_GBPS" "$C_GBPS")
            nets+=("$NETIO_GBPS"); cs+=("$C_GBPS"); ratios+=("$ratio")
            printf '%s pair %d (%s first): netio %8.4f Gbps  C %8.4f Gbps  netio/C %s\n' \
              "$cell" "$i" "$first" "$NETIO_GBPS" "$C_GBPS" "$ratio"
          done
          line=$(printf '%s: median netio %8s  median C %8s  median netio/C %s over %d pairs' \
            "$cell" "$(bench_median "${nets[@]}")" "$(bench_median "${cs[@]}")" "$(bench_median "${ratios[@]}")" "$PAIRS")
          echo "==> $line"
          summary+=("$line")
        done
      done
     done
    done
  done
done
echo
echo "summary (Gbps over the measured window; ratio = netio-tui / course_peer; buf = NETIO/C placement):"
printf '  %s\n' "${summary[@]}"
