#!/usr/bin/env bash
# jit-during-bench.sh OUTDIR: one default scripts/bench-network run with every node logging its JIT compilations
# with wall-clock times; then jit-by-package.py OUTDIR counts what each node compiled during the measured put.
out=$1; root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}; rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd)
cd "$root"
KARAF_SYSTEM_OPTS="-Xlog:jit+compilation=debug:file=$out/jit-%p.log:time ${KARAF_SYSTEM_OPTS:-}" \
    scripts/bench-network --keep > "$out/bench.log" 2>&1
for node in run/bench-*/; do
    n=${node%/}; n=${n##*-}
    cp "$node/data/log/karaf.log" "$out/karaf-$n.log"; echo "$n $(cat "$node/karaf.pid")" >> "$out/pids"
done
