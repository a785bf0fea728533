#!/usr/bin/env python3
"""agg.py FILE.jfr MARKS PHASE [N]: top self frames, top inclusive org.tesseras frames and threads of
jdk.ExecutionSample events between the PHASE mark and the next one (MARKS: lines 'name HH:MM:SS.f')."""
import re, subprocess, sys, collections
jfr, marks, phase = sys.argv[1], sys.argv[2], sys.argv[3]
top = int(sys.argv[4]) if len(sys.argv) > 4 else 15
def secs(t):
    h, m, s = t.split(':'); return int(h) * 3600 + int(m) * 60 + float(s)
ms = [l.split() for l in open(marks) if l.strip()]
names = [m[0] for m in ms]
i = names.index(phase)
lo, hi = secs(ms[i][1][:12]), secs(ms[i + 1][1][:12]) if i + 1 < len(ms) else 1e9
out = subprocess.run(['jfr', 'print', '--stack-depth', '64', '--events', 'jdk.ExecutionSample', jfr],
                     capture_output=True, text=True).stdout
selfc, incl, threads, cats = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
n = 0
for ev in out.split('jdk.ExecutionSample {')[1:]:
    t = re.search(r'startTime = (\d+:\d+:\d+\.\d+)', ev)
    if not t or not (lo <= secs(t.group(1)) < hi):
        continue
    th = re.search(r'sampledThread = "([^"]*)"', ev)
    frames = []
    for f in ev.split('stackTrace = [')[1].split('\n')[1:]:
        if f.strip() == ']':
            break
        if f.strip() and f.strip() != '...':
            frames.append(re.sub(r'\s+line:.*', '', f.strip()))
    if not frames:
        continue
    n += 1
    threads[re.sub(r'\d+', 'N', th.group(1)) if th else '?'] += 1
    selfc[frames[0]] += 1
    for f in set(frames):
        if f.startswith('org.tesseras'):
            incl[f] += 1
    kinds = [('BLAKE3', r'org\.tesseras\.crypto\.internal\.Blake3'), ('TLS AES-GCM', r'com\.sun\.crypto\.provider'),
             ('Reed-Solomon', r'org\.tesseras\.erasure'), ('TLS other', r'sun\.security\.ssl|SslHandler'),
             ('protobuf', r'com\.google\.protobuf'), ('Derby', r'org\.apache\.derby'),
             ('ssh session (bin/client)', r'org\.apache\.sshd|org\.apache\.karaf\.shell|felix\.gogo'),
             ('file I/O', r'sun\.nio\.ch\.File|FileDispatcher'), ('netty', r'io\.netty')]
    cat = 'other'
    for f in frames:
        hit = next((k for k, pat in kinds if re.search(pat, f)), None)
        if hit:
            cat = hit
            break
    cats[cat] += 1
print(f'{jfr} phase {phase}: {n} samples')
print(' by kind of top frame:', ', '.join(f'{k} {v * 100 // max(n,1)}%' for k, v in cats.most_common()))
print(' threads:', ', '.join(f'{k} {v * 100 // max(n,1)}%' for k, v in threads.most_common(6)))
print(' top frames (self):')
for f, c in selfc.most_common(top):
    print(f'  {c * 100 / max(n,1):5.1f}%  {f}')
print(' org.tesseras frames (inclusive):')
for f, c in incl.most_common(top):
    print(f'  {c * 100 / max(n,1):5.1f}%  {f}')
