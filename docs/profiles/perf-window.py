# perf-window.py PERF_DATA PID T0 T1 [DEPTH] [ROWS]: the leaf frames (DEPTH frames, default 1) of one JVM's samples
# between T0 and T1 seconds after the recording's first sample, by thread name, most frequent first.
import sys, re, subprocess, collections
data, pid, a, b = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
depth = int(sys.argv[5]) if len(sys.argv) > 5 else 1
rows = int(sys.argv[6]) if len(sys.argv) > 6 else 30
out = subprocess.run(['perf', 'script', '-i', data, '-F', 'pid,tid,comm,time,ip,sym,dso'], capture_output=True,
                     text=True).stdout
t0 = None; frames_seen = collections.Counter(); threads = collections.Counter(); n = 0
for block in out.split('\n\n'):
    lines = block.strip('\n').split('\n')
    m = re.match(r'\s*(.*?)\s+(\d+)/(\d+)\s+([\d.]+):', lines[0]) if lines and lines[0] else None
    if not m:
        continue
    t = float(m.group(4)); t0 = t if t0 is None else t0
    if int(m.group(2)) != pid or not (a <= t - t0 < b):
        continue
    frames = [re.sub(r'^\s*[0-9a-f]+\s+', '', x.strip())[:90] for x in lines[1:1 + depth]]
    frames_seen[(m.group(1)[:15],) + tuple(frames)] += 1; threads[m.group(1)[:15]] += 1; n += 1
print('samples', n, dict(threads.most_common(8)))
for k, v in frames_seen.most_common(rows):
    print(f'{v:5d} ' + ' <- '.join(k))
