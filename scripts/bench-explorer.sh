#!/usr/bin/env bash
# Does watching cost throughput? The one way to measure it: the explorer against headless
# `run` on the same configuration, each in its own detached tmux session (120×40), in
# interleaved pairs whose order alternates (odd pairs headless first, even explorer first).
#
# Like with like: both record their samples (--record) and both figures are bytes /
# seconds summed over the same sample intervals, those whose end lies in
# (SETTLE, SETTLE + SECONDS] after the warm-up: the same number of intervals, the same
# distance from the start, so neither the first interval nor the explorer's own start
# (terminal setup, first full frame) nor a longer or shorter window favours one side.
# The script sleeps rather than polls while a window runs, so it costs neither side.
#
# Also reports, per explorer run, over the same window: the explorer's own CPU (every
# thread but the workers and the sampler: UI, input, signals, the live driver) and the
# tmux server's, as % of one core, both from /proc/…/schedstat (nanoseconds, not ticks);
# each side's worker CPU (tx/rx, % of a core per connection) to show where the run
# landed; and the whole process's CPU while paused.
#
# Usage: sudo [CELLS="64K:1 4K:1 64K:2"] [SETTLE=1] [KEEP=DIR] [DRAW=off] \
#             scripts/bench-explorer.sh [PAIRS] [SECONDS]
# DRAW=off runs the explorer with NETIO_TUI_DRAW=off (first frame only), to tell the cost
# of drawing from the cost of driving the engine. KEEP=DIR keeps the recordings.
# (needs tmux, python3; run it under the machine's exclusive benchmark lock)
set -euo pipefail
PAIRS=${1:-6}
SECS=${2:-5}
SETTLE=${SETTLE:-1}
INTERVAL=0.25 # the default sample interval, which both sides use
BIN=$(realpath "${NETIO_BIN:-target/release/netio-tui}")
[ -x "$BIN" ] || cargo build --release --quiet
TMP=$(mktemp -d)
SESSION=nio-bench-$$
trap 'tmux kill-session -t $SESSION 2>/dev/null || true; if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$TMP"/*.jsonl "$KEEP"/ 2>/dev/null; fi; rm -rf "$TMP"' EXIT
EXPLORER_ENV=()
[ "${DRAW:-on}" = off ] && EXPLORER_ENV=(env NETIO_TUI_DRAW=off)

# Nanoseconds on CPU of PID's threads (schedstat): "own" = every thread but the workers
# (netio-tx/rx-*) and the sampler; "all" = the whole process.
cpu_ns() {
  python3 - "$1" "$2" <<'PY'
import os, sys
pid, which = sys.argv[1], sys.argv[2]
total = 0
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        ns = int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
    except (OSError, ValueError, IndexError):
        continue
    if which == "own" and comm.startswith(("netio-tx", "netio-rx", "netio-sampler")):
        continue
    total += ns
print(total)
PY
}

# "GBPS TX% RX% N" over the intervals ending in (SETTLE, SETTLE + SECS]: Gbps, each side's
# CPU per connection (% of a core), and how many intervals. Fails if there are too few.
window_of() {
  python3 - "$1" "$SETTLE" "$SECS" "$INTERVAL" "$2" <<'PY'
import json, sys
path, settle, secs, interval, threads = sys.argv[1], *map(float, sys.argv[2:5]), int(sys.argv[5])
eps = interval / 10
b = s = tx = rx = 0.0
n = 0
for line in open(path):
    ev = json.loads(line).get("event")
    if ev and ev.get("kind") == "sample" and settle + eps < ev["elapsed_s"] <= settle + secs + eps:
        i = ev["interval"]
        b += i["bytes"]; s += i["seconds"]; n += 1
        tx += i["tx"]["cpu_ns"] or 0; rx += i["rx"]["cpu_ns"] or 0
want = round(secs / interval)
if n < want:
    sys.exit(f"{path}: {n} sample intervals in the window, {want} wanted")
pct = lambda ns: ns / s / 1e7 / threads
print("%.3f %.0f %.0f %d" % (b * 8 / s / 1e9, pct(tx), pct(rx), n))
PY
}

# Headless runs where the explorer runs: in a fresh detached tmux session of the same
# size (its own session and scheduler autogroup, a pty for a terminal, tmux its parent).
# Run straight from this script instead, at 4K × 1 it measured ~10 % slower than the
# same `run` in tmux, which made the explorer look 1.18× faster than headless.
headless() { # size threads recording
  tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "$BIN run --strategy one-copy --size $1 --threads $2 --duration $(python3 -c "print($SETTLE + $SECS)") --record $3 >/dev/null 2>$TMP/err"
  local pid=""
  for _ in $(seq 100); do pid=$(pgrep -f -n -- "--record $3" || true); [ -n "$pid" ] && break; sleep 0.05; done
  [ -n "$pid" ] || { echo "headless run did not start: $(cat "$TMP/err")" >&2; exit 1; }
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  tmux kill-session -t "$SESSION" 2>/dev/null || true
}

tmux_server() { pgrep -x -n 'tmux: server' || true; }
proc_ns() { [ -n "$1" ] && awk '{print $1}' "/proc/$1/schedstat" 2>/dev/null || echo 0; }

OWN_PCT=0; TMUX_PCT=0; PAUSED_PCT=0
explorer() { # size threads recording
  tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "${EXPLORER_ENV[*]} $BIN --start-strategy one-copy --start-size $1 --start-threads $2 --record $3 2>$TMP/err"
  local pid="" tm
  for _ in $(seq 100); do pid=$(pgrep -f -n -- "--record $3" || true); [ -n "$pid" ] && break; sleep 0.05; done
  [ -n "$pid" ] || { echo "the explorer did not start: $(cat "$TMP/err")" >&2; exit 1; }
  tm=$(tmux_server)
  # The first sample ends one interval after the warm-up; the window is timed from it.
  for _ in $(seq 200); do grep -q '"kind":"sample"' "$3" 2>/dev/null && break; sleep 0.05; done
  local o0 o1 m0 m1 t0 t1 p0 p1
  sleep "$(python3 -c "print($SETTLE - $INTERVAL)")"
  o0=$(cpu_ns "$pid" own); m0=$(proc_ns "$tm"); t0=$(date +%s%N)
  sleep "$SECS"
  o1=$(cpu_ns "$pid" own); m1=$(proc_ns "$tm"); t1=$(date +%s%N)
  sleep 0.5 # past the window's last interval
  tmux send-keys -t "$SESSION" ' ' # pause: the workers stop
  sleep 1
  p0=$(cpu_ns "$pid" all); sleep 3; p1=$(cpu_ns "$pid" all)
  tmux send-keys -t "$SESSION" q; sleep 0.3; tmux send-keys -t "$SESSION" q
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  OWN_PCT=$(python3 -c "print('%.2f' % (($o1-$o0)/($t1-$t0)*100))")
  TMUX_PCT=$(python3 -c "print('%.2f' % (($m1-$m0)/($t1-$t0)*100))")
  PAUSED_PCT=$(python3 -c "print('%.3f' % (($p1-$p0)/3e9*100))")
}

echo "window: the intervals ending in (${SETTLE}, $(python3 -c "print($SETTLE + $SECS)")] s after the warm-up; explorer drawing ${DRAW:-on}"
for cell in ${CELLS:-64K:1 4K:1 64K:2}; do
  size=${cell%:*}; threads=${cell#*:}
  ratios=()
  for ((i = 1; i <= PAIRS; i++)); do
    h="$TMP/h-$cell-$i.jsonl"; e="$TMP/e-$cell-$i.jsonl"
    if ((i % 2)); then headless "$size" "$threads" "$h"; explorer "$size" "$threads" "$e"
    else explorer "$size" "$threads" "$e"; headless "$size" "$threads" "$h"; fi
    read -r hg htx hrx _ < <(window_of "$h" "$threads")
    read -r eg etx erx _ < <(window_of "$e" "$threads")
    ratio=$(python3 -c "print('%.3f' % ($eg / $hg))")
    ratios+=("$ratio")
    first=$([ $((i % 2)) = 1 ] && echo headless || echo explorer)
    printf 'one-copy %-4s x%s pair %d (%-8s first): headless %7.3f Gbps (tx/rx %s/%s%%)  explorer %7.3f Gbps (%s/%s%%)  ratio %s | explorer own %s%% tmux %s%% of a core measuring, explorer %s%% paused\n' \
      "$size" "$threads" "$i" "$first" "$hg" "$htx" "$hrx" "$eg" "$etx" "$erx" "$ratio" "$OWN_PCT" "$TMUX_PCT" "$PAUSED_PCT"
  done
  python3 -c 'import sys,statistics; print("==> one-copy %s x%s: median explorer/headless = %.3f over %d pairs" % (sys.argv[1], sys.argv[2], statistics.median(map(float, sys.argv[3:])), len(sys.argv)-3))' "$size" "$threads" "${ratios[@]}"
done
