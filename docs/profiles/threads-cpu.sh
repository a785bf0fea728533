#!/usr/bin/env bash
# threads-cpu.sh ROOT LOG OUT NODES...: CPU time (user + system ticks from /proc/PID/task/*/stat) of every thread of
# the given bench nodes over the measured put of a scripts/bench-network run from ROOT logging to LOG, summed by
# thread name (the kernel keeps 15 characters of it; digits become N): no profiler, nothing changes in the JVMs.
# PHASE=get measures the get instead.
root=$1 log=$2 out=$3; shift 3
case ${PHASE:-put} in
    put) starts='^Put .* MiB on bench-1'; ends='put CPU' ;;
    get) starts='^Get it on bench-'; ends='get CPU' ;;
    *) echo "PHASE must be put or get" >&2; exit 2 ;;
esac
snap() { for n in "$@"; do pid=$(cat "$root/run/bench-$n/karaf.pid"); for t in /proc/$pid/task/*; do
    s=$(cat $t/stat 2>/dev/null) || continue; name=$(cat $t/comm); r=${s##*) }; read -r -a f <<< "$r";
    echo "$n|${t##*/}|$name|${f[11]}|${f[12]}"; done; done; }
until grep -q "$starts" "$log"; do sleep 0.05; done
snap "$@" > $out.0
until grep -q "$ends" "$log"; do sleep 0.05; done
snap "$@" > $out.1
python3 - "$out" <<'PY'
import sys, collections, re
out = sys.argv[1]
def load(f):
    d = {}
    for l in open(f):
        n, tid, name, u, s = l.rstrip('\n').split('|')
        d[(n, tid)] = (name, int(u), int(s))
    return d
a, b = load(out + '.0'), load(out + '.1')
per = collections.defaultdict(lambda: [0, 0])
for k, (name, u, s) in b.items():
    u0, s0 = (a[k][1], a[k][2]) if k in a else (0, 0)
    key = (k[0], re.sub(r'\d+', 'N', name))
    per[key][0] += u - u0; per[key][1] += s - s0
for node in sorted({k[0] for k in per}):
    rows = sorted(((v[0] + v[1], k[1], v) for k, v in per.items() if k[0] == node), reverse=True)
    tot = sum(r[0] for r in rows)
    print(f'bench-{node}: {tot/100:.2f} CPU-s')
    for t, name, v in rows[:12]:
        if t: print(f'   {t/100:6.2f} s (user {v[0]/100:.2f}, sys {v[1]/100:.2f})  {name}')
PY
