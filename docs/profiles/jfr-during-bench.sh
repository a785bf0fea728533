#!/usr/bin/env bash
# jfr-during-bench.sh ROOT LOG OUTDIR TAG [LAST]: while scripts/bench-network runs from checkout ROOT with its output going to
# LOG, one JFR recording on bench-1, bench-2 and the last node (default 6) over the measured put and get;
# marker times (UTC) in OUTDIR/TAG-marks split it by phase (docs/profiles/jfr-top-frames.py)
# Beware: a recording started on a running JVM makes it compile its I/O paths again (see put-get-875a3c1.txt), so
# the measured put runs partly uncompiled; start the recording with the JVM (-XX:StartFlightRecording in
# EXTRA_JAVA_OPTS) and only dump it here, or count CPU per thread with threads-cpu.sh instead.
root=$1 log=$2 out=$3 tag=$4 last=${5:-6}
pid() { cat "$root/run/bench-$1/karaf.pid"; }
until grep -q "cold .*Wrote" "$log" 2>/dev/null; do sleep 0.2; done
for n in 1 2 $last; do jcmd "$(pid $n)" JFR.start name=bench settings=profile > /dev/null & done; wait
until grep -q "^Put .* MiB on bench-1" "$log"; do sleep 0.1; done; echo "put $(date -u +%H:%M:%S.%N)" > "$out/$tag-marks"
until grep -q "^Get it on" "$log"; do sleep 0.1; done; echo "get $(date -u +%H:%M:%S.%N)" >> "$out/$tag-marks"
until grep -q "identical bytes\|COPY DIFFERS" "$log"; do sleep 0.1; done; echo "end $(date -u +%H:%M:%S.%N)" >> "$out/$tag-marks"
for n in 1 2 $last; do jcmd "$(pid $n)" JFR.dump name=bench filename="$out/$tag-node$n.jfr" > /dev/null & done; wait
echo watch done
