#!/usr/bin/env bash
# perf-during-bench.sh OUTDIR: one scripts/bench-network run (BENCH_ARGS, ROOT= the checkout, default this one) with
# `perf record` (cpu-clock, call graphs, the whole machine) over its measured put, then a perf map of every node
# JVM's JIT code (jcmd Compiler.perfmap) so `perf report`/`perf script` name Java methods. perf on the whole machine,
# not -p: the JVMs start and end threads too often for perf to attach to each. The log is polled every 0.2 s (the
# polling shows as "shell" in perf-timeline.py). Read it with perf-timeline.py and perf-window.py.
out=$1; root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}; mkdir -p "$out"
log=$out/bench.log
(cd "$root" && scripts/bench-network --keep ${BENCH_ARGS:-} > "$log" 2>&1) &
bench=$!
until grep -q '^Put .* MiB on bench-1' "$log"; do sleep 0.2; done
perf record -e cpu-clock -F 499 -g -a -o "$out/put.perf.data" > "$out/perf.out" 2>&1 &
recorder=$!
until grep -q 'put CPU' "$log"; do sleep 0.2; done
kill -INT $recorder; wait $recorder
for pidfile in "$root"/run/bench-*/karaf.pid; do jcmd "$(cat "$pidfile")" Compiler.perfmap > /dev/null 2>&1; done
wait $bench
for pidfile in "$root"/run/bench-*/karaf.pid; do n=${pidfile%/karaf.pid}; echo "${n##*-} $(cat "$pidfile")"; done > "$out/pids"
grep -h "stored and hashed\|Placing" "$root/run/bench-1/data/log/karaf.log" | sed 's/.*| //' > "$out/owner-phases.txt"
