#!/usr/bin/env bash
# Reruns issue 23's hostile cases (and issue 22 item 3) against a binary and prints
# the table `category | tried | held`. Root, tmux and su needed for the explorer and
# measuring cases. Each category takes the shared root-test lock on its own (held
# well under five minutes), as every root test on this machine must.
#
#   scripts/hostile.sh [BIN]      (default: target/debug/netio-tui)
set -u
B=$(readlink -f "${1:-target/debug/netio-tui}")
REPO=$(cd "$(dirname "$0")/.." && pwd)
LOCK=/tmp/netio-root.lock
W=$(mktemp -d /tmp/netio-hostile.XXXXXX)
chmod 755 "$W"   # the su case runs as nobody
trap 'rm -rf "$W"' EXIT
declare -A TRIED HELD
ORDER=()
note() { # category ok(0/1) description
    [[ -v TRIED[$1] ]] || { ORDER+=("$1"); TRIED[$1]=0; HELD[$1]=0; }
    TRIED[$1]=$((TRIED[$1] + 1))
    if [ "$2" = 1 ]; then HELD[$1]=$((HELD[$1] + 1)); else echo "  did not hold: $1: $3" >&2; fi
}
gone_within() { # pid seconds -> 0 if ended in time (else kill -9 it)
    # Ended: gone, or a zombie (it has exited; an orphan waits for init to reap it,
    # which here took up to 2 s more).
    local t0=${EPOCHREALTIME/./}
    while [ -d /proc/$1 ] && [ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" != Z ]; do
        if [ $(( ${EPOCHREALTIME/./} - t0 )) -ge $(( $2 * 1000000 )) ]; then
            echo "  $1 alive after $2 s: $(grep -E 'State|Threads' /proc/$1/status | tr '\n' ' ')" >&2
            kill -9 "$1" 2>/dev/null; sleep 1; return 1
        fi
        sleep 0.05
    done
}

explorer_cases() {
    # A closed terminal five times: its stop raced an engine event (1 in ~10 took 8.8 s).
    for how in INT HUP close close close close close; do
        local s=hostile-$$-$how-$RANDOM
        tmux new -d -s "$s" -x 120 -y 40 "$B --start-threads 512; sleep 60"
        local pid="" t=0
        while [ -z "$pid" ] && [ $t -lt 300 ]; do sleep 0.1; t=$((t+1)); pid=$(pgrep -P "$(tmux display -p -t "$s" '#{pane_pid}')" 2>/dev/null | head -1); done
        while [ -n "$pid" ] && [ "$(awk '/^Threads/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)" -lt 1024 ] && [ $t -lt 600 ]; do sleep 0.1; t=$((t+1)); done
        sleep 3
        local t0=$(date +%s.%N)
        case $how in close) tmux kill-session -t "$s";; *) kill -$how "$pid";; esac
        echo "  $how: pid $pid, $(awk '/^Threads/{print $2}' /proc/$pid/status 2>/dev/null) threads" >&2
        if gone_within "$pid" 3; then
            note "explorer 512 pairs: signal or closed terminal, ended in 3 s" 1 ""
            echo "  512 pairs, $how: ended in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4) s" >&2
        else
            note "explorer 512 pairs: signal or closed terminal, ended in 3 s" 0 "$how"
        fi
        tmux kill-session -t "$s" 2>/dev/null
    done
    # Issue 22 item 3: replay through su, terminal closed after the end.
    local d=$W/su; mkdir -p "$d"; cp "$REPO/recordings/run-one-copy.jsonl" "$d/hostile-su-$$.jsonl"; chmod -R a+rwX "$d"
    tmux new -d -s hostile-su-$$ -x 120 -y 40 "cd $d && su -s /bin/sh nobody -c '$B replay --speed 64 $d/hostile-su-$$.jsonl'"
    sleep 4
    local pid=$(pgrep -f "hostile-su-$$.jsonl" | while read p; do [ "$(readlink /proc/$p/exe)" = "$B" ] && echo $p; done | head -1)
    tmux kill-session -t hostile-su-$$
    if [ -n "$pid" ] && gone_within "$pid" 3; then note "closed terminal: replay through su ends" 1 ""; else note "closed terminal: replay through su ends" 0 "pid=$pid"; fi
    # Startup: the explorer signalled 20-350 ms after start.
    for ms in 0.02 0.1 0.2 0.35; do
        for sig in TERM HUP; do
            local s=hostile-early-$$
            tmux new -d -s $s -x 120 -y 40 "$B & p=\$!; sleep $ms; kill -$sig \$p; wait \$p; echo EXITED:\$?; sleep 30"
            local code="" t=0
            while [ -z "$code" ] && [ $t -lt 150 ]; do sleep 0.1; t=$((t+1)); code=$(tmux capture-pane -p -t $s | grep -o 'EXITED:[0-9]*' | cut -d: -f2); done
            [ -n "$code" ] && [ "$code" -lt 128 ] && note "startup: explorer signalled at 20-350 ms answers" 1 "" || note "startup: explorer signalled at 20-350 ms answers" 0 "$sig@$ms exit=$code"
            tmux kill-session -t $s
        done
    done
}

measuring_cases() {
    cd "$W"
    # Closed pipe / full disk while measuring.
    exec 3>&1
    python3 -c 'import os,subprocess,sys,socket
a,b=socket.socketpair(); b.close()
r=subprocess.run(sys.argv[1:],stdout=a.fileno(),stderr=subprocess.PIPE)
sys.exit(0 if r.returncode==141 and b"panicked" not in r.stderr else 1)' "$B" run --json --duration 0.2 \
        && note "closed stdout pipe: quiet exit 141" 1 "" || note "closed stdout pipe: quiet exit 141" 0 "run --json"
    for cmd in "run --duration 0.2" "sweep --strategies one-copy --sizes 4K --threads 1 --repeat 1 --duration 0.2 --out $W/s.csv"; do
        $B $cmd >/dev/full 2>$W/err; r=$?
        [ $r = 1 ] && grep -q "No space left" $W/err && ! grep -q panicked $W/err && note "stdout on /dev/full: exit 1, one line" 1 "" || note "stdout on /dev/full: exit 1, one line" 0 "$cmd: $r"
    done
    # Planted hard link at --record.
    echo DECOY > hl-decoy; chmod 600 hl-decoy; rm -f rec.jsonl; ln hl-decoy rec.jsonl
    $B run --duration 0.2 --record rec.jsonl >/dev/null 2>&1
    [ "$(cat hl-decoy)" = DECOY ] && note "planted links" 1 "" || note "planted links" 0 "hard link at --record"
    rm -f hl-decoy rec.jsonl
    # Sink options.
    for opt in "--verify" "--recv trunc" "--recv zerocopy" "--recv stream" "--nodelay"; do
        $B run --topology sink --duration 0.2 $opt >/dev/null 2>$W/err; r=$?
        [ $r = 2 ] && [ "$(wc -l < $W/err)" = 1 ] && note "sink: options that cannot apply, exit 2" 1 "" || note "sink: options that cannot apply, exit 2" 0 "$opt: $r"
    done
    # Startup signals: 0-50 ms after main began (it blocks the signals first).
    for ms in 0 0.001 0.002 0.005 0.01 0.02 0.05; do
        for sig in TERM INT HUP; do
            $B run --duration 0.3 >/dev/null 2>&1 & local p=$!
            for _ in $(seq 1 2000); do m=$(awk '/^SigBlk/{print $2}' /proc/$p/status 2>/dev/null); [ -n "$m" ] && [ $((16#$m & 0x4003)) = $((0x4003)) ] && break; sleep 0.0005; done
            sleep $ms; kill -$sig $p; wait $p; r=$?
            [ $r = 130 ] && note "startup: run signalled 0-50 ms after main, exit 130" 1 "" || note "startup: run signalled 0-50 ms after main, exit 130" 0 "$sig@$ms: $r"
        done
    done
    # Startup signals 1-8 ms after exec (before main may have run: the loader, the
    # runtime); the engine's constructor holds them from before the runtime on.
    for ms in 1 2 3 4 5 6 7 8; do
        for sig in TERM INT HUP TERM INT HUP; do
            $B run --duration 0.3 >/dev/null 2>&1 & local p=$!
            for _ in $(seq 1 20000); do [ /proc/$p/exe -ef "$B" ] && break; done
            sleep 0.00$ms; kill -$sig $p; wait $p; r=$?
            [ $r = 130 ] && note "startup: run signalled 1-8 ms after exec, exit 130" 1 "" || note "startup: run signalled 1-8 ms after exec, exit 130" 0 "$sig@${ms}ms: $r"
        done
    done
    # SIGKILL at start: no probe file.
    mkdir -p k; for i in $(seq 1 40); do (cd k; exec $B run --duration 0.3 --record k.jsonl >/dev/null 2>&1) & p=$!; sleep 0.00$((i % 9 + 1)); kill -9 $p 2>/dev/null; wait $p 2>/dev/null; done
    [ -z "$(ls -a k | grep probe)" ] && note "startup: SIGKILL leaves no probe file (40 kills)" 1 "" || note "startup: SIGKILL leaves no probe file (40 kills)" 0 "$(ls -a k)"
    # A small address space (ulimit -v): degrade or one line, never SIGABRT.
    (ulimit -v 200000; exec $B run --duration 0.3 -v) >/dev/null 2>$W/err; r=$?
    [ $r = 0 ] && grep -q "DRAM copy roofline n/a" $W/err && note "ulimit -v: the run degrades or fails with one line, no abort" 1 "" || note "ulimit -v: the run degrades or fails with one line, no abort" 0 "roofline: $r"
    for a in "--size 64M --threads 8" "--threads 256"; do
        (ulimit -v 300000; exec $B run --duration 0.3 $a) >/dev/null 2>$W/err; r=$?
        [ $r = 1 ] && grep -q "ulimit -v 300000 KiB" $W/err && note "ulimit -v: the run degrades or fails with one line, no abort" 1 "" || note "ulimit -v: the run degrades or fails with one line, no abort" 0 "$a: $r"
    done
    # Least privilege while measuring: every task's capability sets and no_new_privs.
    $B run --duration 2 --threads 2 >/dev/null 2>&1 & p=$!
    sleep 1.2
    # ENGINE_KEEPS (docs/measuring.md, "Privileges") of what this shell holds.
    want=$(( 0x$(awk '/^CapPrm/{print $2}' /proc/self/status) & 0x401a05002 ))
    bad=""
    for t in /proc/$p/task/*; do
        c=$(cat $t/comm); w=$want; [ "$c" = netio-signals ] && w=$(( want & 0x800000 ))
        for f in CapEff CapPrm CapBnd; do [ $((16#$(awk "/^$f/{print \$2}" $t/status))) = $w ] || bad="$bad $c:$f"; done
        for f in CapInh CapAmb; do [ $((16#$(awk "/^$f/{print \$2}" $t/status))) = 0 ] || bad="$bad $c:$f"; done
        grep -q "NoNewPrivs:.1" $t/status || bad="$bad $c:nnp"
    done
    wait $p; r=$?
    [ $r = 0 ] && [ -z "$bad" ] && note "least privilege: every task of run holds only the kept capabilities" 1 "" || note "least privilege: every task of run holds only the kept capabilities" 0 "exit $r$bad"
    $B run --duration 0.2 --record $'rec-\xff.jsonl' >/dev/null 2>$W/err; r=$?
    [ $r = 0 ] && note "startup: non-UTF-8 --record path" 1 "" || note "startup: non-UTF-8 --record path" 0 "exit $r"
    # A full disk while plotting (a small tmpfs).
    mkdir -p small && mount -t tmpfs -o size=48k tmpfs small
    for cmd in "plot $REPO/recordings/course-sweep.csv --out p" "report $REPO/recordings/course-sweep.csv --out r.md"; do
        (cd small; $B $cmd >/dev/null 2>$W/err); r=$?
        [ $r = 1 ] && [ -z "$(ls small)" ] && note "full disk while writing: exit 1, nothing left" 1 "" || note "full disk while writing: exit 1, nothing left" 0 "$cmd: $r $(ls small)"
    done
    umount small
    cd "$REPO"
}

nonroot_cases() {
    cd "$W"
    # Signals held before main (the engine's ELF constructor), said through the seam.
    NETIO_TUI_TEST_EARLY_HOLD=1 $B run --size 0 2>$W/err >/dev/null
    grep -q "signals held before main: yes" $W/err && note "startup: signals held before main runs" 1 "" || note "startup: signals held before main runs" 0 "$(head -1 $W/err)"
    local csv=$REPO/recordings/course-sweep.csv rec=$REPO/recordings/run-one-copy.jsonl
    for cmd in "replay --check $rec" "plot $csv --out $W/pp" "report $csv --out $W/rr.md"; do
        python3 -c 'import subprocess,sys,socket
a,b=socket.socketpair(); b.close()
r=subprocess.run(sys.argv[1:],stdout=a.fileno(),stderr=subprocess.PIPE)
sys.exit(0 if r.returncode==141 and b"panicked" not in r.stderr else 1)' $B $cmd \
            && note "closed stdout pipe: quiet exit 141" 1 "" || note "closed stdout pipe: quiet exit 141" 0 "$cmd"
        $B $cmd >/dev/full 2>$W/err; r=$?
        [ $r = 1 ] && grep -q "No space left" $W/err && note "stdout on /dev/full: exit 1, one line" 1 "" || note "stdout on /dev/full: exit 1, one line" 0 "$cmd: $r"
    done
    $B run --size 0 2>/dev/full; [ $? = 2 ] && note "stderr on /dev/full keeps the exit status" 1 "" || note "stderr on /dev/full keeps the exit status" 0 "run --size 0"
    # Planted directory links.
    mkdir -p decoy; ln -sfn decoy rep-plots
    $B report $csv --out rep.md >/dev/null 2>&1; r=$?
    [ $r = 2 ] && [ -z "$(ls decoy)" ] && note "planted links" 1 "" || note "planted links" 0 "report X-plots link: $r"
    $B plot $csv --out rep-plots >/dev/null 2>&1; r=$?
    [ $r = 2 ] && [ -z "$(ls decoy)" ] && note "planted links" 1 "" || note "planted links" 0 "plot --out link: $r"
    # Corrupt files: every reader.
    for f in "$REPO"/tests/fixtures/hostile/*.csv "$REPO"/tests/fixtures/hostile/*.jsonl; do
        for cmd in "report $f --out $W/c.md" "$( [[ $f == *.csv ]] && echo "plot $f --out $W/cp" || echo "replay --check $f")"; do
            $B $cmd >/dev/null 2>$W/err; r=$?
            [ $r = 2 ] && grep -q "line [0-9]" $W/err && note "corrupt values refused by readers, exit 2" 1 "" || note "corrupt values refused by readers, exit 2" 0 "$cmd: $r"
        done
    done
    # umask.
    rm -rf um; mkdir um; (cd um; umask 077; $B report $csv --out u.md >/dev/null 2>&1)
    [ "$(stat -c %a um/u.md)" = 600 ] && [ "$(stat -c %a um/u-plots/rows.csv)" = 600 ] && note "files honour the umask" 1 "" || note "files honour the umask" 0 "$(stat -c '%a %n' um/u.md um/u-plots/rows.csv 2>&1)"
    # Messages.
    for args in "run --size -inf" "run --threads -4K" "run --profile-rate -1" "run --pin -1" "--min-window -1" "run --record=" "--no-netns replay F"; do
        $B $args >/dev/null 2>$W/err; r=$?
        bad=0; grep -q "cannot be used with\|warm-up\|allowed: *$\|replay --no-netns" $W/err && bad=1
        [ $r = 2 ] && [ $bad = 0 ] && note "messages: the option's own, nothing misleading" 1 "" || note "messages: the option's own, nothing misleading" 0 "$args: $(head -1 $W/err)"
    done
    cd "$REPO"
}

cd "$REPO"
nonroot_cases
if [ "$(id -u)" = 0 ]; then
    flock "$LOCK" bash -c "$(declare -f note gone_within measuring_cases); $(declare -p B REPO W); declare -A TRIED HELD; ORDER=(); measuring_cases; declare -p TRIED HELD ORDER" > "$W/m.state"
    flock "$LOCK" bash -c "$(declare -f note gone_within explorer_cases); $(declare -p B REPO W); declare -A TRIED HELD; ORDER=(); explorer_cases; declare -p TRIED HELD ORDER" > "$W/e.state"
    for st in "$W/m.state" "$W/e.state"; do
        # Merge the counts of each locked part.
        eval "$(sed -e 's/declare -A TRIED=/declare -A T2=/' -e 's/declare -A HELD=/declare -A H2=/' -e 's/declare -a ORDER=/declare -a O2=/' "$st")"
        for c in "${O2[@]}"; do
            [[ -v TRIED[$c] ]] || { ORDER+=("$c"); TRIED[$c]=0; HELD[$c]=0; }
            TRIED[$c]=$((TRIED[$c] + T2[$c])); HELD[$c]=$((HELD[$c] + H2[$c]))
        done
    done
else
    echo "not root: the explorer and measuring cases were left out" >&2
fi
echo "binary: $B"
echo "category | tried | held"
echo "--- | --- | ---"
t=0; h=0
for c in "${ORDER[@]}"; do echo "$c | ${TRIED[$c]} | ${HELD[$c]}"; t=$((t + TRIED[$c])); h=$((h + HELD[$c])); done
echo "all | $t | $h"
