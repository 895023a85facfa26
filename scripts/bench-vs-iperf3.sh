#!/usr/bin/env bash
# Throughput of `netio-tui run --strategy one-copy` against iperf3 on the same kind of
# network: a veth pair between two namespaces, same addresses, same optmem_max.
# Interleaved pairs; prints every pair and the median ratio netio/iperf3.
# Usage: sudo [SIZES="64K 128K"] [THREADS="1 2"] scripts/bench-vs-iperf3.sh [PAIRS] [SECONDS]
# (needs iperf3, python3)
set -euo pipefail
PAIRS=${1:-5}
SECS=${2:-2}
BIN=${NETIO_BIN:-target/release/netio-tui}
[ -x "$BIN" ] || cargo build --release --quiet
command -v iperf3 >/dev/null || { echo "iperf3 missing: apt-get install -y iperf3" >&2; exit 2; }
S=nio-bench-s; C=nio-bench-c
cleanup() { ip netns del $S 2>/dev/null || true; ip netns del $C 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $S; ip netns add $C
ip -n $S link add nio-srv type veth peer name nio-cli netns $C
ip -n $S addr add 198.18.0.1/30 dev nio-srv; ip -n $C addr add 198.18.0.2/30 dev nio-cli
for ns in $S $C; do
  ip -n $ns link set lo up
  ip netns exec $ns sysctl -qw net.core.optmem_max=8388608
done
ip -n $S link set nio-srv up; ip -n $C link set nio-cli up
ip netns exec $S iperf3 -s -D -1 >/dev/null 2>&1 || true

median() { python3 -c 'import sys,statistics; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

for size in ${SIZES:-64K 128K}; do
  for threads in ${THREADS:-1 2}; do
    ratios=()
    for ((i = 1; i <= PAIRS; i++)); do
      netio=$("$BIN" run --strategy one-copy --size $size --threads $threads --duration "$SECS" --json 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["throughput_gbps"])')
      ip netns exec $S iperf3 -s -D -1 >/dev/null 2>&1; sleep 0.2
      iperf=$(ip netns exec $C iperf3 -c 198.18.0.1 -l $size -P $threads -t "$SECS" -J |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)')
      ratio=$(python3 -c "print('%.3f' % ($netio / $iperf))")
      ratios+=("$ratio")
      printf 'one-copy %-5s x%s pair %d: netio %7.3f Gbps  iperf3 %7.3f Gbps  ratio %s\n' $size $threads $i "$netio" "$iperf" "$ratio"
    done
    echo "==> one-copy $size x$threads: median ratio netio/iperf3 = $(median "${ratios[@]}") over $PAIRS pairs"
  done
done
