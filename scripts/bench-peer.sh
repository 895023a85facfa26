#!/usr/bin/env bash
# --peer against the same configuration in local namespaces, on one machine: a
# namespace plays the far host (an sshd in it, keys generated into a temporary
# directory) and the --peer run starts in another fresh namespace joined to it by a
# veth pair, so both sides of the comparison are two namespaces with nothing of the
# host's own (firewall, conntrack) on the path; all removed at the end. Interleaved pairs, alternating which goes first;
# prints every pair and, per cell, the median of the per-pair ratios peer/local.
# What it answers: does running the far half over ssh (per-interval control lines,
# the agent's own sampler) cost anything? A median throughput ratio near 1 says no.
# Usage: [STRATEGIES="one-copy zero-copy"] [SIZES="4K 64K"] [METRIC="throughput_gbps cpu_ns_per_byte"] \
#          [EXTRA="more run options, both sides"] scripts/bench-peer.sh BIN [PAIRS] [SECONDS]
# (needs root for the namespaces, OpenSSH's ssh and sshd, python3; run it under
# `flock /tmp/netio-root.lock` where other measurements share the machine)
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 BIN [PAIRS] [SECONDS]  (env: STRATEGIES, SIZES, METRIC)" >&2
  exit 2
fi
BIN=$1
PAIRS=${2:-5}
SECS=${3:-2}
METRIC=${METRIC:-throughput_gbps cpu_ns_per_byte}
[ -x "$BIN" ] || { echo "$BIN: not an executable; build it first (cargo build --release)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root: the namespaces (sudo $0 ...)" >&2; exit 2; }
[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null || { echo "needs OpenSSH: apt-get install -y openssh-server openssh-client (.ci/run shows how without starting a system sshd)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 missing: apt-get install -y python3" >&2; exit 2; }

NS=netio-bench-peer-$$
NEAR=netio-bench-near-$$
LINK=nbp$$
HERE=10.232.0.1
FAR=10.232.0.2
DIR=$(mktemp -d)
SSHD_PID=
cleanup() {
  [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null || true
  ip netns del "$NEAR" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
ip netns add "$NS"
ip netns add "$NEAR"
ip -n "$NEAR" link add "$LINK" type veth peer name nbpfar
ip -n "$NEAR" link set nbpfar netns "$NS"
ip -n "$NEAR" addr add "$HERE/30" dev "$LINK"
ip -n "$NEAR" link set "$LINK" up
ip -n "$NEAR" link set lo up
ip -n "$NS" addr add "$FAR/30" dev nbpfar
ip -n "$NS" link set nbpfar up
ip -n "$NS" link set lo up
ssh-keygen -q -t ed25519 -N '' -f "$DIR/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$DIR/id"
cp "$DIR/id.pub" "$DIR/authorized_keys"
echo "$FAR $(cut -d' ' -f1,2 "$DIR/host_key.pub")" >"$DIR/known_hosts"
cat >"$DIR/sshd_config" <<EOC
ListenAddress $FAR:22
HostKey $DIR/host_key
AuthorizedKeysFile $DIR/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
EOC
mkdir -p /run/sshd
ip netns exec "$NS" /usr/sbin/sshd -D -e -f "$DIR/sshd_config" 2>"$DIR/sshd.log" &
SSHD_PID=$!
for _ in $(seq 100); do
  ip netns exec "$NEAR" bash -c "exec 3<>/dev/tcp/$FAR/22" 2>/dev/null && break
  sleep 0.1
done
PEER=(--peer "root@$FAR" --peer-copy
  "--peer-ssh-option=-F/dev/null" "--peer-ssh-option=-oUserKnownHostsFile=$DIR/known_hosts"
  "--peer-ssh-option=-oGlobalKnownHostsFile=/dev/null" "--peer-ssh-option=-i$DIR/id"
  "--peer-ssh-option=-oIdentitiesOnly=yes")

median() { python3 -c 'import sys,statistics; print("%.4g" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
read -r -a metrics <<<"$METRIC"
err="$DIR/err"

# Prints each of METRIC of one run: $1 = local|peer, strategy $2, size $3.
measure() {
  local out extra=() where=()
  read -r -a extra <<<"${EXTRA:-}"
  [ "$1" = peer ] && extra+=("${PEER[@]}") && where=(ip netns exec "$NEAR")
  if ! out=$("${where[@]}" "$BIN" run --strategy "$2" --size "$3" --duration "$SECS" --json "${extra[@]}" 2>"$err"); then
    echo "$1 run --strategy $2 --size $3 failed:" >&2
    cat "$err" >&2
    exit 1
  fi
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(" ".join(str(float(v[m])) for m in sys.argv[2:]))' "$out" "${metrics[@]}"
}

echo "binary: $BIN"
echo "each run: run --strategy S --size Z --duration $SECS --json ${EXTRA:+$EXTRA }[in a namespace: --peer root@$FAR (sshd in another) --peer-copy]; $PAIRS pairs per cell"
summary=()
for strategy in ${STRATEGIES:-one-copy zero-copy}; do
  for size in ${SIZES:-4K 64K}; do
    declare -A locs=() peers=() ratios=()
    for ((i = 1; i <= PAIRS; i++)); do
      if ((i % 2)); then
        first=local; l=$(measure local "$strategy" "$size"); p=$(measure peer "$strategy" "$size")
      else
        first=peer; p=$(measure peer "$strategy" "$size"); l=$(measure local "$strategy" "$size")
      fi
      read -r -a lv <<<"$l"
      read -r -a pv <<<"$p"
      for k in "${!metrics[@]}"; do
        m=${metrics[$k]}
        ratio=$(python3 -c "print('%.3f' % (${pv[$k]} / ${lv[$k]}))")
        locs[$m]+=" ${lv[$k]}"; peers[$m]+=" ${pv[$k]}"; ratios[$m]+=" $ratio"
        printf '%s %-4s pair %d (%s first): %-16s local %10.4f  peer %10.4f  peer/local %s\n' \
          "$strategy" "$size" "$i" "$first" "$m" "${lv[$k]}" "${pv[$k]}" "$ratio"
      done
    done
    for m in "${metrics[@]}"; do
      # shellcheck disable=SC2086
      line=$(printf '%-9s %-4s %-16s: median local %8s  median peer %8s  median ratio peer/local %s over %d pairs' \
        "$strategy" "$size" "$m" "$(median ${locs[$m]})" "$(median ${peers[$m]})" "$(median ${ratios[$m]})" "$PAIRS")
      echo "==> $line"
      summary+=("$line")
    done
    unset locs peers ratios
  done
done
echo
echo "summary:"
printf '%s\n' "${summary[@]}"
