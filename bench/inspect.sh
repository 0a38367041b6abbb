#!/usr/bin/env bash
# Benchmark: `nupub inspect` (with the CRC check of every entry) against
# `unzip -t` on the same 250 MB, 20,000-entry package, in the same run.
# Prints wall times, their ratio and peak RSS (from /usr/bin/time -v).
# Targets: nupub ≤ 1.3× unzip -t wall time, ≤ 64 MB peak RSS.
#
# Usage: bench/inspect.sh [RUNS]   (CARGO_TARGET_DIR is honoured)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
runs=${1:-3}
out="$target/bench"
mkdir -p "$out"
pkg="$out/Bench.Big.1.0.0.nupkg"

if [ ! -f "$pkg" ]; then
  echo "generating $pkg …"
  python3 - "$pkg" <<'PY'
import os, random, sys, zipfile
path = sys.argv[1]
rng = random.Random(42)
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5000)]
nuspec = b'''<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata><id>Bench.Big</id><version>1.0.0</version><authors>bench</authors><description>Benchmark package.</description></metadata>
</package>'''
with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    z.writestr("Bench.Big.nuspec", nuspec)
    for i in range(19_999):
        name = f"lib/net8.0/part{i // 1000:02d}/file{i:05d}.bin"
        if i % 2 == 0:
            data = os.urandom(rng.randint(9_000, 11_000))      # does not compress
        else:
            data = b" ".join(rng.choice(words) for _ in range(rng.randint(3_500, 5_000)))  # text, compresses ~2x
        z.writestr(name, data)
os.replace(path + ".tmp", path)
PY
fi
python3 - "$pkg" <<'PY'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(f"package: {os.path.getsize(sys.argv[1]) / 2**20:.1f} MB on disk, {len(z.infolist())} entries, "
      f"{sum(i.file_size for i in z.infolist()) / 2**20:.1f} MB unpacked")
PY

echo "building nupub (release) …"
(cd "$root" && CARGO_TARGET_DIR="$target" cargo build --release -q -p nupub-cli)
nupub="$target/release/nupub"
cat "$pkg" > /dev/null  # same warm page cache for both tools

# Runs a command RUNS times; prints the best wall time (s) and the peak RSS (KB).
measure() {
  local best="" rss=0 log
  log=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -v "$@" > /dev/null 2> "$log" || { cat "$log"; echo "command failed: $*"; exit 1; }
    local wall kb
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
    if [ -z "$best" ] || awk "BEGIN { exit !($wall < $best) }"; then best=$wall; fi
    if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  rm -f "$log"
  echo "$best $rss"
}

read -r unzip_s unzip_kb < <(measure unzip -tqq "$pkg")
read -r nupub_s nupub_kb < <(measure "$nupub" inspect "$pkg")
read -r json_s json_kb < <(measure "$nupub" inspect --json "$pkg")
read -r open_s open_kb < <(measure "$nupub" inspect --no-verify "$pkg")

printf '%-34s %8s %10s\n' "command (best of $runs)" "wall s" "peak RSS"
printf '%-34s %8.2f %7d KB\n' "unzip -t (reference)" "$unzip_s" "$unzip_kb"
printf '%-34s %8.2f %7d KB\n' "nupub inspect (CRC check)" "$nupub_s" "$nupub_kb"
printf '%-34s %8.2f %7d KB\n' "nupub inspect --json (CRC check)" "$json_s" "$json_kb"
printf '%-34s %8.2f %7d KB\n' "nupub inspect --no-verify" "$open_s" "$open_kb"
awk -v n="$nupub_s" -v u="$unzip_s" -v kb="$nupub_kb" 'BEGIN {
  r = n / u
  printf "ratio nupub/unzip: %.2fx (target <= 1.30x) %s\n", r, (r <= 1.3 ? "OK" : "OVER")
  printf "peak RSS: %.1f MB (target <= 64 MB) %s\n", kb / 1024, (kb <= 65536 ? "OK" : "OVER")
}'
