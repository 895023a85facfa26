# Shared by bench-vs-iperf3.sh and bench-vs-c.sh (sourced, not run): the veth topology
# the other tool runs on, built like netio-tui's own (engine/netns.rs): two namespaces,
# a veth pair 198.18.0.1/30 (server side) <-> 198.18.0.2/30 (client side), MTU 1500,
# lo up, net.core.optmem_max raised to 8 MiB in both. The namespaces are named, carry
# this shell's PID (so two runs never share or delete each other's) and are removed on
# exit, with every process the script started in them.
# netio-tui itself always measures in its own anonymous namespaces of the same shape.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SERVER_IP=198.18.0.1
BENCH_NS_S=nio-bench-$$-s
BENCH_NS_C=nio-bench-$$-c
BENCH_PIDS=()

bench_need() {
  [ "$(id -u)" = 0 ] || { echo "needs root: builds network namespaces (sudo $0 ...)" >&2; exit 2; }
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 2; }
  done
}

# Validates a positive integer argument ($1 name, $2 value).
bench_int() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "$0: bad $1 '$2': a whole number from 1 up" >&2; exit 2; }
}

# Validates seconds ($1 name, $2 value): a number above 0.
bench_secs() {
  [[ $2 =~ ^[0-9]*\.?[0-9]+$ ]] && python3 -c "import sys; sys.exit(not float(sys.argv[1]) > 0)" "$2" ||
    { echo "$0: bad $1 '$2': seconds above 0, e.g. 2 or 0.5" >&2; exit 2; }
}

# The netio-tui release binary, built if missing.
bench_netio_bin() {
  BENCH_NETIO=${NETIO_BIN:-$BENCH_ROOT/target/release/netio-tui}
  if [ ! -x "$BENCH_NETIO" ]; then
    [ -z "${NETIO_BIN:-}" ] || { echo "NETIO_BIN=$NETIO_BIN: not an executable" >&2; exit 2; }
    (cd "$BENCH_ROOT" && cargo build --release --quiet)
  fi
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ip netns del "$BENCH_NS_S" 2>/dev/null || true
  ip netns del "$BENCH_NS_C" 2>/dev/null || true
}

bench_topology_up() {
  local ns
  for ns in "$BENCH_NS_S" "$BENCH_NS_C"; do
    if ip netns list | grep -qw "$ns"; then
      echo "namespace $ns exists already (not made by this run): remove it with ip netns del $ns" >&2
      exit 2
    fi
  done
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  ip netns add "$BENCH_NS_S"
  ip netns add "$BENCH_NS_C"
  ip -n "$BENCH_NS_S" link add nio-srv type veth peer name nio-cli netns "$BENCH_NS_C"
  ip -n "$BENCH_NS_S" addr add "$BENCH_SERVER_IP/30" dev nio-srv
  ip -n "$BENCH_NS_C" addr add 198.18.0.2/30 dev nio-cli
  for ns in "$BENCH_NS_S" "$BENCH_NS_C"; do
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.core.optmem_max=8388608
  done
  ip -n "$BENCH_NS_S" link set nio-srv up
  ip -n "$BENCH_NS_C" link set nio-cli up
}

# Waits until something listens on TCP port $1 in the server namespace (at most 5 s).
bench_wait_listen() {
  local i
  for ((i = 0; i < 250; i++)); do
    [ -n "$(ip netns exec "$BENCH_NS_S" ss -Hltn "sport = :$1")" ] && return 0
    sleep 0.02
  done
  echo "nothing listens on port $1 in $BENCH_NS_S after 5 s" >&2
  exit 1
}

# Prints the median of its arguments.
bench_median() {
  python3 -c 'import sys,statistics; print("%.4g" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}

# Prints $1 / $2 to 3 decimals ("inf" when $2 is 0).
bench_ratio() {
  python3 -c 'import sys; a,b=map(float,sys.argv[1:]); print("%.3f" % (a/b) if b else "inf")' "$1" "$2"
}

# Prints throughput_gbps of one `netio-tui run` with the given arguments; on failure
# prints netio-tui's error and exits 1.
bench_netio_gbps() {
  local out err
  err=$(mktemp)
  if ! out=$("$BENCH_NETIO" run "$@" --json 2>"$err"); then
    echo "netio-tui run $* failed:" >&2
    cat "$err" >&2
    rm -f "$err"
    exit 1
  fi
  rm -f "$err"
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["throughput_gbps"])' "$out"
}
