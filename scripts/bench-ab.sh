#!/usr/bin/env bash
# Throughput of two builds of netio-tui on the same machine, before and after a change.
# Interleaved pairs, alternating which build goes first so drift hits both alike;
# prints every pair and, per cell, the median of the per-pair ratios new/old.
# The machine's noise (±20 % is common on shared cores) is why the median matters.
# METRIC is one or more (space-separated) numeric fields of `run --json`, all read from
# the same runs: throughput_gbps (default), or e.g. "throughput_gbps cpu_ns_per_byte"
# (CPU time per byte, which CPU contention from other work on the machine moves less).
# EXTRA adds options to every run (e.g. "--workload rr --response-size same --nodelay",
# with METRIC=rr_tps); OLD_ENV and NEW_ENV (space-separated VAR=value) set environment
# for each side, so one binary can be compared with itself under two settings, e.g.
# OLD_ENV=NETIO_TUI_TRACEPOINTS=thread NEW_ENV=NETIO_TUI_TRACEPOINTS=cpu.
# Usage: sudo [SIZES="4K 64K"] [THREADS="1 2"] [STRATEGY=one-copy] [METRIC=throughput_gbps] \
#          [EXTRA=...] [OLD_ENV=...] [NEW_ENV=...] \
#          scripts/bench-ab.sh OLD_BIN NEW_BIN [PAIRS] [SECONDS]
# (needs root: `run` builds its namespaces; python3)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 OLD_BIN NEW_BIN [PAIRS] [SECONDS]  (env: SIZES, THREADS, STRATEGY, METRIC)" >&2
  exit 2
fi
OLD=$1
NEW=$2
PAIRS=${3:-5}
SECS=${4:-2}
STRATEGY=${STRATEGY:-one-copy}
METRIC=${METRIC:-throughput_gbps}
for b in "$OLD" "$NEW"; do
  [ -x "$b" ] || { echo "$b: not an executable; build it first (cargo build --release)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root: netio-tui run builds network namespaces (sudo $0 ...)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 missing: apt-get install -y python3" >&2; exit 2; }

median() { python3 -c 'import sys,statistics; print("%.4g" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

err=$(mktemp)
trap 'rm -f "$err"' EXIT
read -r -a metrics <<<"$METRIC"
read -r -a extra <<<"${EXTRA:-}"
read -r -a old_env <<<"${OLD_ENV:-}"
read -r -a new_env <<<"${NEW_ENV:-}"
for kv in "${old_env[@]}" "${new_env[@]}"; do
  [[ $kv =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || { echo "$0: bad OLD_ENV/NEW_ENV entry '$kv': VAR=value" >&2; exit 2; }
done

# Prints each of METRIC (space-separated) of one run of binary $1; size $2, threads $3;
# $4 is old or new (whose environment).
measure() {
  local out vars
  if [ "$4" = old ]; then vars=("${old_env[@]}"); else vars=("${new_env[@]}"); fi
  if ! out=$(env "${vars[@]}" "$1" run --strategy "$STRATEGY" --size "$2" --threads "$3" --duration "$SECS" "${extra[@]}" --json 2>"$err"); then
    echo "$1 run --strategy $STRATEGY --size $2 --threads $3 ${extra[*]} failed:" >&2
    cat "$err" >&2
    exit 1
  fi
  if ! python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(" ".join(str(float(v[m])) for m in sys.argv[2:]))' "$out" "${metrics[@]}" 2>"$err"; then
    echo "$1: no numeric $METRIC in: $out" >&2
    exit 1
  fi
}

echo "old: ${OLD_ENV:-} $OLD"
echo "new: ${NEW_ENV:-} $NEW"
echo "each run: run --strategy $STRATEGY --size SIZE --threads N --duration $SECS ${EXTRA:-} --json; $PAIRS pairs per cell; $METRIC"
summary=()
for size in ${SIZES:-4K 64K}; do
  for threads in ${THREADS:-1 2}; do
    declare -A olds=() news=() ratios=()
    for ((i = 1; i <= PAIRS; i++)); do
      if ((i % 2)); then
        first=old; o=$(measure "$OLD" "$size" "$threads" old); n=$(measure "$NEW" "$size" "$threads" new)
      else
        first=new; n=$(measure "$NEW" "$size" "$threads" new); o=$(measure "$OLD" "$size" "$threads" old)
      fi
      read -r -a ov <<<"$o"
      read -r -a nv <<<"$n"
      for k in "${!metrics[@]}"; do
        m=${metrics[$k]}
        ratio=$(python3 -c "print('%.3f' % (${nv[$k]} / ${ov[$k]}))")
        olds[$m]+=" ${ov[$k]}"; news[$m]+=" ${nv[$k]}"; ratios[$m]+=" $ratio"
        printf '%s %-5s x%s pair %d (%s first): %-16s old %10.4f  new %10.4f  new/old %s\n' \
          "$STRATEGY" "$size" "$threads" "$i" "$first" "$m" "${ov[$k]}" "${nv[$k]}" "$ratio"
      done
    done
    for m in "${metrics[@]}"; do
      # shellcheck disable=SC2086
      line=$(printf '%s %-5s x%s %-16s: median old %8s  median new %8s  median ratio new/old %s over %d pairs' \
        "$STRATEGY" "$size" "$threads" "$m" "$(median ${olds[$m]})" "$(median ${news[$m]})" "$(median ${ratios[$m]})" "$PAIRS")
      echo "==> $line"
      summary+=("$line")
    done
    unset olds news ratios
  done
done
echo
echo "summary ($METRIC):"
printf '  %s\n' "${summary[@]}"
