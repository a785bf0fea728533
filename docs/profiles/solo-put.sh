#!/usr/bin/env bash
# solo-put.sh ROOT LABEL [OUTDIR]: one node alone (no peers: a put is stored, hashed and encoded here, nothing is pushed);
# a 64 MiB warm-up put, then three 255 MiB puts; per put the node's CPU, the wall time and the node's own time, then
# the node's store-and-hash log lines
root=$1 label=$2 out=${3:-solo}
mkdir -p $out
export EXTRA_JAVA_OPTS="-Xms512m -Xmx512m"
rm -rf "$root/run/solo"
"$root/scripts/tesseras-node" --name solo --port 7990 --ssh-port 8290 --headless > /dev/null
cli() { TESSERAS_CLIENT_TIMEOUT=1800 "$root/scripts/tesseras" solo "$*" 2>&1 | grep -v '^retrying'; }
for a in $(seq 1 60); do cli tesseras:peers > /dev/null 2>&1 && break; sleep 2; done
pid=$(cat "$root/run/solo/karaf.pid")
ticks() { s=$(cat /proc/$pid/stat); r=${s##*) }; read -r -a f <<< "$r"; echo $((f[11] + f[12])); }
f=$(mktemp /tmp/solo.XXXXXX)
head -c $((64 << 20)) /dev/urandom > $f; cli "tesseras:put $f" > /dev/null
for i in 1 2 3; do
    head -c $((255 << 20)) /dev/urandom > $f; sync; sleep 3
    t0=$(ticks); w0=$(date +%s.%N); o=$(cli "tesseras:put $f"); w1=$(date +%s.%N); t1=$(ticks)
    echo "$label put $i cpu_s=$(echo "scale=2; ($t1 - $t0) / 100" | bc) wall_s=$(echo "$w1 - $w0" | bc) $(echo "$o" | grep -o "put in [0-9.]* s")" >> $out/$label.txt
done
grep -h "stored and hashed\|Placing" "$root/run/solo/data/log/karaf.log" | sed 's/.*| //' >> $out/$label.txt
"$root/run/solo/bin/stop" > /dev/null 2>&1; sleep 5
kill $pid 2>/dev/null; rm -f $f; rm -rf "$root/run/solo"
