#!/usr/bin/env bash
# Does watching cost throughput? The one way to measure it: the explorer (in tmux,
# 120×40) against headless `run` on the same configuration, both recording their
# samples with --record and both figures computed the same way (bytes / seconds summed
# over the recorded sample intervals), in interleaved pairs whose order alternates
# (odd pairs headless first, even pairs explorer first). Also reports the explorer's
# own CPU (its threads other than the workers and the sampler) while measuring, and
# the whole process's while paused.
# Usage: sudo [CELLS="64K:1 4K:1 64K:2"] scripts/bench-explorer.sh [PAIRS] [SECONDS]
# (needs tmux, python3)
set -euo pipefail
PAIRS=${1:-6}
SECS=${2:-5}
BIN=$(realpath "${NETIO_BIN:-target/release/netio-tui}")
[ -x "$BIN" ] || cargo build --release --quiet
TMP=$(mktemp -d)
SESSION=nio-bench-$$
trap 'tmux kill-session -t $SESSION 2>/dev/null || true; rm -rf "$TMP"' EXIT
HZ=$(getconf CLK_TCK)

# CPU seconds of PID's threads: "ui" = every thread but the workers (netio-tx/rx-*)
# and the sampler; "all" = the whole process.
cpu_of() {
  python3 - "$1" "$2" "$HZ" <<'PY'
import os, sys
pid, which, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
total = 0
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        f = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    if which == "ui" and comm.startswith(("netio-tx", "netio-rx", "netio-sampler")):
        continue
    total += int(f[11]) + int(f[12])
print(total / hz)
PY
}

# Gbps over the recorded sample intervals (the same basis for both modes).
gbps_of() {
  python3 - "$1" <<'PY'
import json, sys
b = s = 0.0
for line in open(sys.argv[1]):
    ev = json.loads(line).get("event")
    if ev and ev.get("kind") == "sample":
        b += ev["interval"]["bytes"]; s += ev["interval"]["seconds"]
print(b * 8 / s / 1e9 if s else 0)
PY
}

headless() { # size threads recording
  "$BIN" run --strategy one-copy --size "$1" --threads "$2" --duration "$SECS" --record "$3" >/dev/null 2>&1
}

UI_PCT=0; PAUSED_PCT=0
explorer() { # size threads recording
  tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "$BIN --start-strategy one-copy --start-size $1 --start-threads $2 --record $3 2>$TMP/err"
  local pid=""
  for _ in $(seq 50); do pid=$(pgrep -f -n -- "--record $3" || true); [ -n "$pid" ] && break; sleep 0.1; done
  sleep 0.5
  local u0 t0 u1 t1 p0 p1
  u0=$(cpu_of "$pid" ui); t0=$(date +%s.%N)
  sleep "$SECS"
  u1=$(cpu_of "$pid" ui); t1=$(date +%s.%N)
  tmux send-keys -t "$SESSION" ' '   # pause: the workers stop
  sleep 1
  p0=$(cpu_of "$pid" all); sleep 3; p1=$(cpu_of "$pid" all)
  tmux send-keys -t "$SESSION" q; sleep 0.3; tmux send-keys -t "$SESSION" q
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  UI_PCT=$(python3 -c "print('%.2f' % (($u1-$u0)/($t1-$t0)*100))")
  PAUSED_PCT=$(python3 -c "print('%.2f' % (($p1-$p0)/3*100))")
}

for cell in ${CELLS:-64K:1 4K:1 64K:2}; do
  size=${cell%:*}; threads=${cell#*:}
  ratios=()
  for ((i = 1; i <= PAIRS; i++)); do
    h="$TMP/h-$cell-$i.jsonl"; e="$TMP/e-$cell-$i.jsonl"
    if ((i % 2)); then headless "$size" "$threads" "$h"; explorer "$size" "$threads" "$e"
    else explorer "$size" "$threads" "$e"; headless "$size" "$threads" "$h"; fi
    hg=$(gbps_of "$h"); eg=$(gbps_of "$e")
    ratio=$(python3 -c "print('%.3f' % ($eg / $hg))")
    ratios+=("$ratio")
    first=$([ $((i % 2)) = 1 ] && echo headless || echo explorer)
    printf 'one-copy %-4s x%s pair %d (%s first): headless %7.3f Gbps  explorer %7.3f Gbps  ratio %s  explorer UI %s%% of a core measuring, %s%% paused\n' \
      "$size" "$threads" "$i" "$first" "$hg" "$eg" "$ratio" "$UI_PCT" "$PAUSED_PCT"
  done
  python3 -c 'import sys,statistics; print("==> one-copy %s x%s: median explorer/headless = %.3f over %d pairs" % (sys.argv[1], sys.argv[2], statistics.median(map(float, sys.argv[3:])), len(sys.argv)-3))' "$size" "$threads" "${ratios[@]}"
done
