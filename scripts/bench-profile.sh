#!/usr/bin/env bash
# The sampling profiler's overhead: one build run with and without profiling, in
# interleaved pairs (scripts/bench-ab.sh): "old" is the build with OFF_ARGS, "new" the
# same build with ON_ARGS; a new/old ratio of 1 means profiling costs nothing.
# Usage: sudo [SIZES=..] [THREADS=..] [STRATEGY=..] [METRIC=..] [ON_ARGS=--profile] \
#          [OFF_ARGS=] scripts/bench-profile.sh BIN [PAIRS] [SECONDS]
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 BIN [PAIRS] [SECONDS]  (env: SIZES, THREADS, STRATEGY, METRIC, ON_ARGS, OFF_ARGS)" >&2
  exit 2
fi
BIN=$(realpath "$1")
shift
[ -x "$BIN" ] || { echo "$BIN: not an executable; build it first (cargo build --release)" >&2; exit 2; }
ON_ARGS=${ON_ARGS---profile}
OFF_ARGS=${OFF_ARGS-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Global options go after the subcommand's own: bench-ab.sh calls `BIN run ... --json`.
printf '#!/bin/sh\nexec "%s" "$@" %s\n' "$BIN" "$OFF_ARGS" >"$dir/profile-off"
printf '#!/bin/sh\nexec "%s" "$@" %s\n' "$BIN" "$ON_ARGS" >"$dir/profile-on"
chmod +x "$dir/profile-off" "$dir/profile-on"
echo "old = $BIN ... $OFF_ARGS (profile off); new = $BIN ... $ON_ARGS (profile on)"
"$(dirname "$0")/bench-ab.sh" "$dir/profile-off" "$dir/profile-on" "$@"
