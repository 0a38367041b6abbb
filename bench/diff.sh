#!/usr/bin/env bash
# Benchmark: `nupub diff` in one run against two references.
#  1. Two ~250 MB packages of 20,000 entries (1% of the files changed, plus
#     Newtonsoft.Json 9.0.1's and 13.0.3's lib/net45 assembly, so the public
#     API is compared too) against `unzip -t` on the newer one. Target <= 1.0x.
#  2. The public API of Newtonsoft.Json's largest assembly (lib/net6.0 of
#     13.0.3): `nupub api` listing it (every public type and member with its
#     signature) against monodis listing its TypeDef, MethodDef, Field,
#     Property and Event tables. Target <= 0.5x. Also shown, not a target:
#     `nupub diff --no-health` of two one-file packages holding it (the second
#     copy has one byte of its PE timestamp changed, so both surfaces are read
#     and compared).
# Prints the best wall time of RUNS for each command and the two ratios.
#
# Usage: bench/diff.sh [RUNS]   (CARGO_TARGET_DIR and NUPUB_BIN are honoured)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
runs=${1:-3}
fixtures="$root/../shared/fixtures/real"
command -v monodis >/dev/null || { echo "monodis (Debian mono-utils) is needed"; exit 1; }
nupub=$(release_nupub)

echo "generating the packages in $work …"
python3 - "$work" "$fixtures" <<'PY'
import os, random, sys, zipfile
work, fixtures = sys.argv[1], sys.argv[2]
def dll(version, path):
    with zipfile.ZipFile(f"{fixtures}/Newtonsoft.Json.{version}.nupkg") as z:
        return z.read(path)
def nuspec(version):
    return f'''<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata><id>Bench.Big</id><version>{version}</version><authors>bench</authors><description>Benchmark package.</description></metadata>
</package>'''.encode()
rng = random.Random(42)
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5000)]
files = []
for i in range(19_998):
    name = f"content/part{i // 1000:02d}/file{i:05d}.bin"
    if i % 2 == 0:
        data = rng.randbytes(rng.randint(9_000, 11_000))
    else:
        data = b" ".join(rng.choice(words) for _ in range(rng.randint(3_500, 5_000)))
    files.append((name, data))
for version, dll_from in (("1.0.0", "9.0.1"), ("2.0.0", "13.0.3")):
    path = f"{work}/Bench.Big.{version}.nupkg"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("Bench.Big.nuspec", nuspec(version))
        z.writestr("lib/net45/Newtonsoft.Json.dll", dll(dll_from, "lib/net45/Newtonsoft.Json.dll"))
        for i, (name, data) in enumerate(files):
            if version == "2.0.0" and i % 100 == 0:
                data = data[::-1]
            z.writestr(name, data)
# The API surface pair: the largest assembly, and a copy with its PE timestamp changed.
big = dll("13.0.3", "lib/net6.0/Newtonsoft.Json.dll")
open(f"{work}/Newtonsoft.Json.dll", "wb").write(big)
pe = int.from_bytes(big[0x3C:0x40], "little")
changed = bytearray(big)
changed[pe + 8] ^= 0xFF
for version, data in (("1.0.0", big), ("1.0.1", bytes(changed))):
    with zipfile.ZipFile(f"{work}/Api.Only.{version}.nupkg", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Api.Only.nuspec", nuspec(version).replace(b"Bench.Big", b"Api.Only"))
        z.writestr("lib/net6.0/Newtonsoft.Json.dll", data)
for f in sorted(os.listdir(work)):
    print(f"  {f}: {os.path.getsize(os.path.join(work, f)) / 2**20:.1f} MB")
PY
cat "$work"/*.nupkg > /dev/null  # the same warm page cache for every command

# best RUNS CMD...: the best wall time in seconds (exit codes 0 and 3 count as success).
best() {
  local runs=$1 b="" start end t rc
  shift
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    rc=0
    "$@" > /dev/null 2>&1 || rc=$?
    end=$(date +%s.%N)
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then echo "command failed ($rc): $*" >&2; exit 1; fi
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
  done
  echo "$b"
}
monodis_list() {
  for table in --typedef --method --fields --property --event; do monodis "$table" "$1"; done
}

unzip_s=$(best "$runs" unzip -tqq "$work/Bench.Big.2.0.0.nupkg")
diff_s=$(best "$runs" "$nupub" diff "$work/Bench.Big.1.0.0.nupkg" "$work/Bench.Big.2.0.0.nupkg")
mono_s=$(best "$runs" monodis_list "$work/Newtonsoft.Json.dll")
api_s=$(best "$runs" "$nupub" api "$work/Newtonsoft.Json.dll")
api_diff_s=$(best "$runs" "$nupub" diff --no-health "$work/Api.Only.1.0.0.nupkg" "$work/Api.Only.1.0.1.nupkg")

printf '%-52s %8s\n' "command (best of $runs)" "wall s"
printf '%-52s %8.3f\n' "unzip -t Bench.Big.2.0.0 (reference)" "$unzip_s"
printf '%-52s %8.3f\n' "nupub diff Bench.Big 1.0.0 2.0.0" "$diff_s"
printf '%-52s %8.3f\n' "monodis table listings of Newtonsoft.Json (reference)" "$mono_s"
printf '%-52s %8.3f\n' "nupub api Newtonsoft.Json.dll" "$api_s"
printf '%-52s %8.3f\n' "nupub diff --no-health (API of the same assembly x2)" "$api_diff_s"
awk -v d="$diff_s" -v u="$unzip_s" -v a="$api_s" -v m="$mono_s" 'BEGIN {
  r1 = d / u; r2 = a / m
  printf "ratio diff/unzip -t: %.2fx (target <= 1.00x) %s\n", r1, (r1 <= 1.0 ? "OK" : "OVER")
  printf "ratio API surface/monodis: %.2fx (target <= 0.50x) %s\n", r2, (r2 <= 0.5 ? "OK" : "OVER")
}'
