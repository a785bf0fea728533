# jit-by-package.py DIR: C2 (tier 4) and C1 compilations of each node JVM during the measured put (the window from
# the owner's log), C2 by package; DIR holds jit-PID.log (-Xlog:jit+compilation=debug:file=DIR/jit-%p.log:time on
# every node), karaf-N.log (each node's log) and pids ("N PID" lines), as jit-during-bench.sh leaves them
import sys, re, collections, datetime
d = sys.argv[1]
def ts(s): return datetime.datetime.fromisoformat(s.replace(',', '.').replace('+0000', '+00:00'))
# the put's window from the owner's karaf.log: "Put <hash>: N bytes stored and hashed in X ms" .. "Placed <hash>"
log = open(f'{d}/karaf-1.log').read().splitlines()
puts = [l for l in log if 'stored and hashed in' in l]
placed = [l for l in log if '| Placed ' in l]
put, end = puts[1], placed[1]          # the second put is the measured one (the first is the warm-up)
ms = int(re.search(r'hashed in (\d+) ms', put).group(1))
t_end = ts(end[:23] + '+00:00')
t_start = ts(put[:23] + '+00:00') - datetime.timedelta(milliseconds=ms)
print('put window', t_start.time(), '->', t_end.time())
pids = dict(l.split() for l in open(f'{d}/pids'))
for node, pid in sorted(pids.items()):
    f = f'{d}/jit-{pid}.log'
    tiers = collections.Counter(); pk = collections.defaultdict(collections.Counter); size = collections.Counter()
    for l in open(f, errors='replace'):
        m = re.match(r'\[(.*?)\]\s+(\d+)\s+([%sbn!]*)\s*(\d)\s+(\S+)(?:\s+@\s+\d+)?\s+\((\d+) bytes\)', l)
        if not m: continue
        t = ts(m.group(1))
        if not (t_start <= t <= t_end): continue
        tier = int(m.group(4)); name = m.group(5)
        cls = name.split('::')[0]
        p = '.'.join(cls.split('.')[:3]) if not cls.startswith('org.tesseras') else '.'.join(cls.split('.')[:4])
        tiers[tier] += 1
        if tier == 4: pk[node][p] += 1; size[p] += int(m.group(6))
    print(f'bench-{node}: C2 {tiers[4]}, C1 {tiers[1]+tiers[2]+tiers[3]}; C2 by package:', ', '.join(f'{p} {n}' for p, n in pk[node].most_common(8)))
