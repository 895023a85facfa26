#!/usr/bin/env bash
# Remakes every shipped recording, the example charts and the README's screenshot with
# the release binary and today's defaults, exactly by the commands recordings/README.md
# lists: the course sweep, the profiled sweep, the strategy tour, the four `run`s, and a
# live explorer session driven through tmux (120×40, a key every 4 s), whose last screen
# becomes assets/explorer.txt (shown in docs/explorer.md). Nothing is edited afterwards.
#
# Usage: sudo scripts/remake-recordings.sh   (needs root, tmux; a quiet machine)
# Writes recordings/*.{csv,jsonl} and assets/*.{svg,txt}; prints what it wrote.
set -euo pipefail
[ $# -eq 0 ] || { echo "usage: $0   (no arguments)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root: the recordings measure in private namespaces (sudo $0)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "tmux missing: apt-get install -y tmux" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release --quiet
BIN=./target/release/netio-tui
R=recordings
TMP=$(mktemp -d)
SESSION=netio-remake-$$
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

step() { echo "== $*"; }

step "course sweep"
$BIN sweep --duration 1 --out $R/course-sweep.csv --record $R/course-sweep.jsonl
step "profiled sweep"
$BIN sweep --profile --strategies two-copy,one-copy,zero-copy --sizes 64,64K --threads 1 \
  --duration 2 --out $R/profile-sweep.csv --record $R/profile-sweep.jsonl
step "strategy tour"
$BIN sweep --strategies two-copy,serialize,one-copy,zero-copy,uring,uring-zc,sendfile,splice \
  --sizes 64K --threads 2 --duration 3 --out "$TMP/tour.csv" --record $R/strategy-tour.jsonl
step "request/response sweep"
$BIN sweep --workload rr --response-size same --nodelay on --strategies two-copy,one-copy,zero-copy \
  --sizes 64,4K,64K --threads 1 --duration 2 --interval 1 --repeat 3 \
  --out $R/rr-sweep.csv --record $R/rr-sweep.jsonl
for s in two-copy serialize one-copy zero-copy; do
  step "run $s"
  $BIN run --strategy $s --size 4K --threads 2 --duration 3 --record $R/run-$s.jsonl
done

step "charts"
title="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) ($(nproc) CPUs), Linux $(uname -r | cut -d. -f1,2), veth"
$BIN plot $R/course-sweep.csv --out assets --title "$title"

step "explorer session (about 50 s)"
mkdir -p "$TMP/exp"
tmux new-session -d -s "$SESSION" -x 120 -y 40 \
  "$BIN --record $R/explorer-session.jsonl --export-dir $TMP/exp; echo exited \$? > $TMP/exit"
sleep 6
for k in Right Right Right Up Up + n Left Left; do
  tmux send-keys -t "$SESSION" "$k"
  sleep 4
done
sleep 2
tmux capture-pane -p -t "$SESSION" > assets/explorer.txt
# e exports, q quits (a second q answers the unexported-rows question if one is asked).
for k in e q q; do
  [ -f "$TMP/exit" ] && break
  tmux send-keys -t "$SESSION" "$k" 2>/dev/null || true
  sleep 1
done
for _ in $(seq 50); do
  [ -f "$TMP/exit" ] && break
  sleep 0.1
done
[ "$(cat "$TMP/exit" 2>/dev/null)" = "exited 0" ] || { echo "the explorer did not exit cleanly" >&2; exit 1; }
ls "$TMP"/exp/netio-*.csv >/dev/null || { echo "the explorer exported nothing" >&2; exit 1; }

step "checks"
for f in $R/*.jsonl; do
  $BIN replay --check "$f" >/dev/null || { echo "$f does not validate" >&2; exit 1; }
done
ls -l $R assets
echo "done: update the figures quoted in README.md and recordings/README.md from these files"
