#!/usr/bin/env bash
# Publishing many packages at once (issue 16): Nupub against reference runs made in the same script.
#
#   bench/many.sh [COUNT] [RUNS]   (defaults: 100 small packages; 3 rounds against pynuget)
#
# COUNT small packages (Bench.Many.000 … ; every other one depends on Bench.Many.000,
# so the set has an order to respect) are published
#   - to a new folder: `nupub push FOLDER --source NEWFOLDER` vs a loop of
#     `nuget.exe add FILE -Source NEWFOLDER` over the same files (target <= 0.05x);
#   - to the same loopback pynuget (a real V2 server, emptied between the runs):
#     `nupub push FOLDER` vs `nuget.exe push "DIR/*.nupkg"` (one process, its own
#     order; target: nupub >= 2x faster), and against pynuget's own floor: the
#     same PUTs from a minimal Python client (pynuget is single-threaded, so
#     the floor bounds every client; the ratio to it shows what nupub adds).
# Each run is checked: every package is in the folder / on pynuget afterwards.
# Folder: one run each (the nuget.exe loop alone takes minutes). pynuget: RUNS
# rounds, the clients taking turns, medians compared. Wall time from /usr/bin/time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-100}"
runs="${2:-3}"
source "$root/bench/lib.sh"
nupub="$(release_nupub)"
nuget_exe="$root/tests/peers/node_modules/nuget-exe/nuget-5.8.0.exe"
for f in "$nupub" "$nuget_exe" "$python" /usr/bin/time; do
  [ -e "$f" ] || { echo "missing: $f (run bash scripts/test --setup-only)" >&2; exit 1; }
done

pkgs="$work/pkgs"
python3 - "$pkgs" "$count" <<'PY'
import os, sys, zipfile
out, count = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
for i in range(count):
    pid = f"Bench.Many.{i:03d}"
    deps = '<dependencies><dependency id="Bench.Many.000" version="1.0.0" /></dependencies>' if i % 2 == 1 else ""
    with zipfile.ZipFile(os.path.join(out, f"{pid}.1.0.0.nupkg"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{pid}.nuspec", f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>{pid}</id><version>1.0.0</version><authors>Nupub bench</authors><description>Benchmark package {i}.</description>
{deps}</metadata></package>""")
        z.writestr("content/hello.txt", f"Hello from {pid}\n")
PY
echo "packages: $count in $pkgs" >&2

export HOME="$work/home"; mkdir -p "$HOME"
declare -A wall
# timed NAME COMMAND...: one run, wall seconds into wall[NAME].
timed() {
  local name="$1"; shift
  /usr/bin/time -f "%e" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; exit 1; }
  wall[$name]=$(tail -1 "$work/time.txt")
  printf '%-16s %7.2f s\n' "$name" "${wall[$name]}"
}
# expect_count WHERE N: WHERE holds N .nupkg files (any depth).
expect_count() {
  local n
  n=$(find "$1" -name '*.nupkg' | wc -l)
  [ "$n" -eq "$2" ] || { echo "expected $2 packages in $1, found $n" >&2; cat "$work/out.txt" >&2; exit 1; }
}

# The reference loop, as a script /usr/bin/time can run.
cat >"$work/add-loop.sh" <<LOOP
for f in "$pkgs"/*.nupkg; do
  mono "$nuget_exe" add "\$f" -Source "$work/feed-nuget" -NonInteractive || exit 1
done
LOOP
timed folder-nupub "$nupub" push "$pkgs" --source "$work/feed-nupub" --yes
expect_count "$work/feed-nupub" "$count"
timed folder-nuget-add bash "$work/add-loop.sh"
expect_count "$work/feed-nuget" "$count"

start_pynuget
url="$pynuget_base/api/v2/package"
empty_pynuget() {
  for f in "$pkgs"/*.nupkg; do
    local id
    id=$(basename "$f" .1.0.0.nupkg)
    curl -s -o /dev/null -X DELETE -H "X-NuGet-ApiKey: $key" "$url/$id/1.0.0"
  done
  [ "$(find "$work/pynuget/nuget_packages" -name '*.nupkg' 2>/dev/null | wc -l)" -eq 0 ] || { echo "pynuget still holds packages" >&2; exit 1; }
}
# pynuget's own floor: the same PUTs from a minimal Python client (no checks,
# no questions, one connection per PUT). pynuget serves one request at a time,
# so no client can publish the set faster than this.
cat >"$work/put-loop.py" <<'PY'
import glob, http.client, sys, uuid
port, key, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for path in sorted(glob.glob(folder + "/*.nupkg")):
    data, b = open(path, "rb").read(), uuid.uuid4().hex
    head = f'--{b}\r\nContent-Disposition: form-data; name="package"; filename="package.nupkg"\r\nContent-Type: application/octet-stream\r\n\r\n'
    body = head.encode() + data + f"\r\n--{b}--\r\n".encode()
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("PUT", "/api/v2/package/", body, {"X-NuGet-ApiKey": key, "Content-Type": f"multipart/form-data; boundary={b}"})
    r = c.getresponse(); r.read(); c.close()
    if r.status != 201:
        sys.exit(f"{path}: {r.status}")
PY
# The three clients take turns, RUNS rounds (the machine's load changes
# over minutes; taking turns spreads it evenly); the median of each is compared.
declare -A samples
for round in $(seq "$runs"); do
  timed pynuget-floor python3 "$work/put-loop.py" "${pynuget_base##*:}" "$key" "$pkgs"
  samples[floor]+=" ${wall[pynuget-floor]}"
  expect_count "$work/pynuget/nuget_packages" "$count"
  empty_pynuget
  timed pynuget-nuget-exe mono "$nuget_exe" push "$pkgs/*.nupkg" -Source "$url" -ApiKey "$key" -NonInteractive
  samples[nuget]+=" ${wall[pynuget-nuget-exe]}"
  expect_count "$work/pynuget/nuget_packages" "$count"
  empty_pynuget
  timed pynuget-nupub "$nupub" push "$pkgs" --source "$url" --api-key "$key" --yes
  samples[nupub]+=" ${wall[pynuget-nupub]}"
  expect_count "$work/pynuget/nuget_packages" "$count"
  empty_pynuget
done
# shellcheck disable=SC2086
{
  wall[pynuget-floor]=$(median ${samples[floor]})
  wall[pynuget-nuget-exe]=$(median ${samples[nuget]})
  wall[pynuget-nupub]=$(median ${samples[nupub]})
}
echo "medians of $runs: floor ${wall[pynuget-floor]} s, nuget.exe ${wall[pynuget-nuget-exe]} s, nupub ${wall[pynuget-nupub]} s"

ratio() { echo "scale=3; $1 / $2" | bc -l; }
echo
echo "folder:  nupub / nuget.exe add loop:     $(ratio "${wall[folder-nupub]}" "${wall[folder-nuget-add]}")x   (target <= 0.05)"
echo "pynuget: nuget.exe push *.nupkg / nupub: $(ratio "${wall[pynuget-nuget-exe]}" "${wall[pynuget-nupub]}")x faster   (target >= 2)"
echo "pynuget: nupub / pynuget's floor:        $(ratio "${wall[pynuget-nupub]}" "${wall[pynuget-floor]}")x   (nuget.exe / floor: $(ratio "${wall[pynuget-nuget-exe]}" "${wall[pynuget-floor]}")x; below 1 is impossible)"
