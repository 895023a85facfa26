#!/usr/bin/env bash
# Does watching cost throughput? Interleaves the explorer (in tmux, recording its samples)
# with headless `run` on the same configuration, and measures the explorer's own CPU use
# (its non-worker threads) while measuring and the whole process while paused.
# Usage: sudo scripts/bench-explorer.sh [PAIRS] [SECONDS] [SIZE] [THREADS]   (needs tmux, python3)
set -euo pipefail
PAIRS=${1:-3}
SECS=${2:-5}
SIZE=${3:-64K}
THREADS=${4:-1}
BIN=$(realpath "${NETIO_BIN:-target/release/netio-tui}")
[ -x "$BIN" ] || cargo build --release --quiet
TMP=$(mktemp -d)
SESSION=nio-bench-$$
trap 'tmux kill-session -t $SESSION 2>/dev/null || true; rm -rf "$TMP"' EXIT
HZ=$(getconf CLK_TCK)

# CPU seconds used by threads of PID whose name does not start with netio- (or all threads).
cpu_of() {
  local pid=$1 which=$2
  python3 - "$pid" "$which" "$HZ" <<'PY'
import os, sys
pid, which, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
total = 0
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        f = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    if which == "ui" and comm.startswith("netio-"):
        continue
    total += int(f[11]) + int(f[12])
print(total / hz)
PY
}

gbps_from_recording() {
  python3 - "$1" <<'PY'
import json, sys
b = s = 0.0
for line in open(sys.argv[1]):
    d = json.loads(line)
    ev = d.get("event")
    if ev and ev.get("kind") == "sample":
        b += ev["interval"]["bytes"]; s += ev["interval"]["seconds"]
print(b * 8 / s / 1e9 if s else 0)
PY
}

ratios=()
for ((i = 1; i <= PAIRS; i++)); do
  headless=$("$BIN" run --strategy one-copy --size "$SIZE" --threads "$THREADS" --duration "$SECS" --json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["throughput_gbps"])')
  rec="$TMP/explorer-$i.jsonl"
  tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "$BIN --start-strategy one-copy --start-size $SIZE --start-threads $THREADS --record $rec 2>$TMP/err"
  sleep 1
  pid=$(pgrep -f -n -- "--record $rec")
  ui0=$(cpu_of "$pid" ui); t0=$(date +%s.%N)
  sleep "$SECS"
  ui1=$(cpu_of "$pid" ui); t1=$(date +%s.%N)
  tmux send-keys -t "$SESSION" ' '   # pause
  sleep 1
  p0=$(cpu_of "$pid" all); sleep 5; p1=$(cpu_of "$pid" all)
  tmux send-keys -t "$SESSION" q
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  explorer=$(gbps_from_recording "$rec")
  ratio=$(python3 -c "print('%.3f' % ($explorer / $headless))")
  ratios+=("$ratio")
  python3 -c "
ui=($ui1-$ui0)/($t1-$t0)*100; paused=($p1-$p0)/5*100
print(f'pair $i: headless {float($headless):7.3f} Gbps  explorer {float($explorer):7.3f} Gbps  ratio $ratio  UI threads {ui:.1f}% of a core while measuring, whole process {paused:.2f}% while paused')"
done
python3 -c 'import sys,statistics; print("==> one-copy '"$SIZE"' x'"$THREADS"': median explorer/headless = %.3f over %d pairs" % (statistics.median(map(float, sys.argv[1:])), len(sys.argv)-1))' "${ratios[@]}"
