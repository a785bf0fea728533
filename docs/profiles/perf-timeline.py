# perf-timeline.py PERF_DATA [STEP_S]: share of the machine's samples per STEP_S (default 1) by kind of thread:
# idle (the kernel's idle task), C2 and C1 compiler threads of any JVM, the node's transport threads, the shell
# command running the put (its "pipe-..." thread), bin/client's JVM and ssh, shell tools (the bench's and the
# recorder's own polling), and the rest.
import sys, re, subprocess, collections
data = sys.argv[1]; step = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
out = subprocess.run(['perf', 'script', '-i', data, '-F', 'comm,tid,time'], capture_output=True, text=True).stdout
rows = []
for line in out.splitlines():
    m = re.match(r'\s*(.*?)\s+(\d+)\s+([\d.]+):\s*$', line)
    if m:
        rows.append((m.group(1), float(m.group(3))))
t0 = min(r[1] for r in rows)
def kind(c):
    if c == 'swapper': return 'idle'
    if c.startswith('C2 Comp'): return 'C2'
    if c.startswith('C1 Comp'): return 'C1'
    if c.startswith('tesseras-transp'): return 'transp'
    if c.startswith('pipe-tesseras') or c.startswith('session'): return 'session'
    if c in ('java', 'sshd-SshClient[', 'client', 'jspawnhelper'): return 'client'
    if c in ('bash', 'grep', 'sleep', 'cat', 'awk'): return 'shell'
    return 'other'
keys = ['idle', 'C2', 'C1', 'transp', 'session', 'client', 'shell', 'other']
buckets = collections.defaultdict(collections.Counter)
for c, t in rows:
    buckets[int((t - t0) / step)][kind(c)] += 1
total = collections.Counter()
print('t      ' + ' '.join(f'{k:>7}' for k in keys))
for i in sorted(buckets):
    n = sum(buckets[i].values()); total.update(buckets[i])
    print(f'{i * step:5.1f}s ' + ' '.join(f'{100 * buckets[i][k] / n:6.0f}%' for k in keys) + f'  n={n}')
n = sum(total.values())
print('all    ' + ' '.join(f'{100 * total[k] / n:6.1f}%' for k in keys))
