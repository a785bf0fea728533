#!/usr/bin/env bash
# jit-during-bench.sh OUTDIR: one default scripts/bench-network run with every node logging its JIT compilations
# with wall-clock times; then jit-by-package.py OUTDIR counts what each node compiled during the measured put.
out=$1; root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}; rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd)
cd "$root"
KARAF_SYSTEM_OPTS="-Xlog:jit+compilation=debug:file=$out/jit-%p.log:time ${KARAF_SYSTEM_OPTS:-}" \
    scripts/bench-network --keep > "$out/bench.log" 2>&1
for i in $(seq 1 8); do
    cp "run/bench-$i/data/log/karaf.log" "$out/karaf-$i.log"; echo "$i $(cat "run/bench-$i/karaf.pid")" >> "$out/pids"
done
