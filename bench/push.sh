#!/usr/bin/env bash
# Push benchmark: Nupub against reference runs made in the same script.
#
#   bench/push.sh [SIZE_MB] [RUNS]        (defaults: 250 MB, 3 runs; median wall time)
#
# HTTP: the same package PUT to the same loopback pynuget (a real V2 server) by
#   - curl (the reference: one multipart part, Content-Length, no Expect: 100-continue wait),
#   - nupub push (streamed from disk, Content-Length),
#   - NuGet.exe 5.8 push under Mono (the official client).
# The version is deleted between runs so every run is a real first push.
# pynuget (single-threaded Werkzeug) is slow at taking 250 MB, so the same three
# clients also upload to a sink: a stdlib Python server that reads the whole
# body (Content-Length or chunked), discards it and answers 201. That run
# measures the clients rather than the server.
# Folder: nupub push to a new folder vs NuGet.exe add to a new folder.
# Prints wall-time ratios and peak RSS (from /usr/bin/time). Targets (issue 5):
# nupub <= 1.15x curl, >= 2x faster than NuGet.exe, <= 64 MB RSS; folder <= 0.5x NuGet.exe add.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size_mb="${1:-250}"
runs="${2:-3}"
source "$root/bench/lib.sh"
nupub="$(release_nupub)"
nuget_exe="$root/tests/peers/node_modules/nuget-exe/nuget-5.8.0.exe"
for f in "$nupub" "$nuget_exe" "$python" /usr/bin/time; do
  [ -e "$f" ] || { echo "missing: $f (run bash scripts/test --setup-only)" >&2; exit 1; }
done

# A package of SIZE_MB with incompressible content (stored), made with Python's zipfile.
pkg="$work/Bench.Big.1.0.0.nupkg"
python3 - "$pkg" "$size_mb" <<'PY'
import os, sys, zipfile
path, size = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
with zipfile.ZipFile(path, "w") as z:
    z.writestr("Bench.Big.nuspec", """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>Bench.Big</id><version>1.0.0</version><authors>Nupub bench</authors><description>Benchmark package.</description>
</metadata></package>""", compress_type=zipfile.ZIP_DEFLATED)
    with z.open("content/big.bin", "w", force_zip64=True) as f:
        left = size
        while left > 0:
            n = min(left, 8 << 20)
            f.write(os.urandom(n))
            left -= n
PY
echo "package: $(du -m "$pkg" | cut -f1) MB" >&2

start_pynuget
url="$pynuget_base/api/v2/package"
stored="$work/pynuget/nuget_packages/Bench.Big/1.0.0.nupkg"

# measure NAME COMMAND...: runs it, checks pynuget stored the package, deletes it, records seconds and max RSS (kB).
declare -A wall rss
measure() {
  local name="$1"; shift
  local times=() peaks=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; exit 1; }
    if [ "$name" = curl ] || [ "$name" = nupub ] || [ "$name" = nuget-exe ]; then
      cmp -s "$stored" "$pkg" || { echo "$name: pynuget did not store the package byte for byte" >&2; cat "$work/out.txt" >&2; exit 1; }
      curl -s -o /dev/null -X DELETE -H "X-NuGet-ApiKey: $key" "$url/Bench.Big/1.0.0"
    fi
    read -r t m <"$work/time.txt"
    times+=("$t"); peaks+=("$m")
    rm -rf "$work/feed"
  done
  wall[$name]=$(median "${times[@]}")
  rss[$name]=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -1)
  printf '%-14s median %6.2f s   peak RSS %6.1f MB   (runs: %s)\n' "$name" "${wall[$name]}" "$(echo "${rss[$name]}/1024" | bc -l)" "${times[*]}"
}

export HOME="$work/home"; mkdir -p "$HOME"
measure curl curl -sS -f -X PUT -H "Expect:" -H "X-NuGet-ApiKey: $key" -F "package=@$pkg;filename=package.nupkg;type=application/octet-stream" "$url/"
measure nupub "$nupub" push "$pkg" --source "$url" --api-key "$key" --yes --symbols none
measure nuget-exe mono "$nuget_exe" push "$pkg" -Source "$url" -ApiKey "$key" -NonInteractive
# Where the time goes against pynuget: one more nupub push, with the CPU
# seconds pynuget (all its threads, from /proc) and nupub (user + sys) spent
# during it. A client busy for a small share of the wall time is waiting for
# the server, so no client-side change (buffers, TCP_NODELAY, read-ahead) can
# make it much faster against this server.
tck=$(getconf CLK_TCK)
server_cpu() { awk -v t="$tck" '{print ($14 + $15) / t}' "/proc/$server_pid/stat"; }
cpu_before=$(server_cpu)
/usr/bin/time -f "%e %U %S" -o "$work/cpu.txt" "$nupub" push "$pkg" --source "$url" --api-key "$key" --yes --symbols none >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; exit 1; }
cpu_after=$(server_cpu)
curl -s -o /dev/null -X DELETE -H "X-NuGet-ApiKey: $key" "$url/Bench.Big/1.0.0"
read -r prof_wall prof_user prof_sys <"$work/cpu.txt"
prof_server=$(echo "$cpu_after - $cpu_before" | bc -l)
prof_client=$(echo "$prof_user + $prof_sys" | bc -l)
printf 'profile        one nupub push: %.2f s wall; CPU: pynuget %.2f s, nupub %.2f s\n' "$prof_wall" "$prof_server" "$prof_client"
sink_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$sink_port" >"$work/sink.out" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_PUT(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                left = size
                while left:
                    left -= len(self.rfile.read(min(left, 1 << 20)))
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left:
                chunk = self.rfile.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
sink_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $sink_port)).close()" 2>/dev/null && break
  sleep 0.1
done
sink="http://127.0.0.1:$sink_port/api/v2/package"
measure sink-curl curl -sS -f -X PUT -H "Expect:" -H "X-NuGet-ApiKey: $key" -F "package=@$pkg;filename=package.nupkg;type=application/octet-stream" "$sink/"
measure sink-nupub "$nupub" push "$pkg" --source "$sink" --api-key "$key" --yes --symbols none
measure sink-nuget mono "$nuget_exe" push "$pkg" -Source "$sink" -ApiKey "$key" -NonInteractive
kill "$sink_pid" 2>/dev/null || true

measure folder-nupub "$nupub" push "$pkg" --source "$work/feed" --yes --symbols none
measure folder-nuget mono "$nuget_exe" add "$pkg" -Source "$work/feed" -NonInteractive

ratio() { echo "scale=3; $1 / $2" | bc -l; }
echo
echo "pynuget: nupub / curl:          $(ratio "${wall[nupub]}" "${wall[curl]}")x   (target <= 1.15)"
echo "pynuget: NuGet.exe / nupub:      $(ratio "${wall[nuget-exe]}" "${wall[nupub]}")x faster   (target >= 2)"
echo "sink:    nupub / curl:           $(ratio "${wall[sink-nupub]}" "${wall[sink-curl]}")x   (target <= 1.15)"
echo "sink:    NuGet.exe / nupub:      $(ratio "${wall[sink-nuget]}" "${wall[sink-nupub]}")x faster   (target >= 2)"
echo "nupub peak RSS (pynuget, sink):  $(echo "scale=1; ${rss[nupub]}/1024" | bc -l) MB, $(echo "scale=1; ${rss[sink-nupub]}/1024" | bc -l) MB   (target <= 64)"
echo "nupub / NuGet.exe add (folder): $(ratio "${wall[folder-nupub]}" "${wall[folder-nuget]}")x   (target <= 0.5)"
echo "pynuget: nupub CPU / wall:       $(ratio "$prof_client" "$prof_wall")x   (pynuget CPU / wall: $(ratio "$prof_server" "$prof_wall")x; for the rest neither is on the CPU: disk and socket waits)"
