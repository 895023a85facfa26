#!/usr/bin/env bash
# Throughput of two builds of netio-tui on the same machine, before and after a change.
# Interleaved pairs, alternating which build goes first so drift hits both alike;
# prints every pair and, per cell, the median of the per-pair ratios new/old.
# The machine's noise (±20 % is common on shared cores) is why the median matters.
# Usage: sudo [SIZES="4K 64K"] [THREADS="1 2"] [STRATEGY=one-copy] \
#          scripts/bench-ab.sh OLD_BIN NEW_BIN [PAIRS] [SECONDS]
# (needs root: `run` builds its namespaces; python3)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 OLD_BIN NEW_BIN [PAIRS] [SECONDS]  (env: SIZES, THREADS, STRATEGY)" >&2
  exit 2
fi
OLD=$1
NEW=$2
PAIRS=${3:-5}
SECS=${4:-2}
STRATEGY=${STRATEGY:-one-copy}
for b in "$OLD" "$NEW"; do
  [ -x "$b" ] || { echo "$b: not an executable; build it first (cargo build --release)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root: netio-tui run builds network namespaces (sudo $0 ...)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 missing: apt-get install -y python3" >&2; exit 2; }

median() { python3 -c 'import sys,statistics; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

err=$(mktemp)
trap 'rm -f "$err"' EXIT

# Prints the throughput (Gbps) of one run of binary $1; size $2, threads $3.
gbps() {
  local out
  if ! out=$("$1" run --strategy "$STRATEGY" --size "$2" --threads "$3" --duration "$SECS" --json 2>"$err"); then
    echo "$1 run --strategy $STRATEGY --size $2 --threads $3 failed:" >&2
    cat "$err" >&2
    exit 1
  fi
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["throughput_gbps"])' "$out"
}

echo "old: $OLD"
echo "new: $NEW"
echo "each run: run --strategy $STRATEGY --size SIZE --threads N --duration $SECS --json; $PAIRS pairs per cell"
summary=()
for size in ${SIZES:-4K 64K}; do
  for threads in ${THREADS:-1 2}; do
    olds=(); news=(); ratios=()
    for ((i = 1; i <= PAIRS; i++)); do
      if ((i % 2)); then
        first=old; o=$(gbps "$OLD" "$size" "$threads"); n=$(gbps "$NEW" "$size" "$threads")
      else
        first=new; n=$(gbps "$NEW" "$size" "$threads"); o=$(gbps "$OLD" "$size" "$threads")
      fi
      ratio=$(python3 -c "print('%.3f' % ($n / $o))")
      olds+=("$o"); news+=("$n"); ratios+=("$ratio")
      printf '%s %-5s x%s pair %d (%s first): old %7.3f Gbps  new %7.3f Gbps  new/old %s\n' \
        "$STRATEGY" "$size" "$threads" "$i" "$first" "$o" "$n" "$ratio"
    done
    line=$(printf '%s %-5s x%s: median old %7s Gbps  median new %7s Gbps  median ratio new/old %s over %d pairs' \
      "$STRATEGY" "$size" "$threads" "$(median "${olds[@]}")" "$(median "${news[@]}")" "$(median "${ratios[@]}")" "$PAIRS")
    echo "==> $line"
    summary+=("$line")
  done
done
echo
echo "summary:"
printf '  %s\n' "${summary[@]}"
