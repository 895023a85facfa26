#!/usr/bin/env bash
# The README's picture: a real explorer session, 120×40, in colour. Starts the release
# binary in tmux, moves through the course's three senders at 4K and 16K, one and two
# thread pairs, so the matrix has rows, captures the screen with its
# colours (tmux capture-pane -e) and turns it into assets/explorer.svg
# (scripts/ansi2svg.py). Nothing is drawn by hand; the figures are this machine's.
#
# Usage (as root): scripts/screenshot.sh   (needs the namespaces, tmux, python3)
# Writes assets/explorer.svg and assets/explorer.ansi (the raw capture).
set -euo pipefail
[ $# -eq 0 ] || { echo "usage: $0   (no arguments)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root: the explorer measures in private namespaces (run it as root)" >&2; exit 2; }
for c in tmux python3; do
  command -v $c >/dev/null || { echo "$c missing: apt-get install -y $c" >&2; exit 2; }
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# NETIO_BIN: a binary to use instead of building this checkout's release binary.
if [ -n "${NETIO_BIN:-}" ]; then
  BIN=$NETIO_BIN
else
  cargo build --release --quiet
  BIN=$ROOT/target/release/netio-tui
fi
COLS=120 ROWS=40
TMP=$(mktemp -d)
SESSION=netio-shot-$$
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

tmux new-session -d -s "$SESSION" -x $COLS -y $ROWS \
  "TERM=xterm-256color $BIN --export-dir $TMP --start-strategy two-copy --start-size 4K --start-threads 1"
key() { tmux send-keys -t "$SESSION" "$@"; sleep 4; }
sleep 4
# The course's three senders (A1 two-copy, A2 one-copy, A3 zero-copy) at 4K × 1, then at
# 16K × 1 and 16K × 2: a key every 4 s, so each configuration becomes a matrix row.
key Right
key Right
key Up
key Up
key Left
key Left
key +
key Right
key Right
sleep 3
tmux capture-pane -t "$SESSION" -e -p > assets/explorer.ansi
tmux send-keys -t "$SESSION" q
sleep 1
# Unexported rows: q asks once, q again quits without saving.
tmux send-keys -t "$SESSION" q 2>/dev/null || true
python3 scripts/ansi2svg.py assets/explorer.ansi $COLS $ROWS > assets/explorer.svg
echo "wrote assets/explorer.svg (and assets/explorer.ansi)"
