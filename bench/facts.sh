#!/usr/bin/env bash
# Feed-facts benchmark: what `nupub validate --source` costs on top of the
# offline `nupub validate`, against curl making the same requests.
#
#   bench/facts.sh [PREVIOUS_MB] [RUNS]     (defaults: 50 MB, 5 runs; median wall time)
#
# pynuget (a real V2 server) holds an earlier version of PREVIOUS_MB; the
# package checked is a small next version of the same id. The lookup asks
# FindPackagesById() (twice: the version list, then the push's exists check;
# each first at /api/v2/, which pynuget answers 404, then at the root)
# and downloads the previous version to a temporary file to read its
# signature. The reference is curl doing those three requests (the download
# written to a file, as nupub does). Also prints nupub's peak RSS (the
# download is streamed, never held in memory).
# NUPUB_BIN overrides the binary (default: a release build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size_mb="${1:-50}"
runs="${2:-5}"
source "$root/bench/lib.sh"
nupub="$(release_nupub)"
for f in "$nupub" "$python"; do
  [ -e "$f" ] || { echo "missing: $f (run bash scripts/test --setup-only)" >&2; exit 1; }
done

make_pkg() { # make_pkg PATH VERSION MB
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys, zipfile
path, version, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Bench.Facts.nuspec", f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>Bench.Facts</id><version>{version}</version><authors>Nupub bench</authors><description>Benchmark.</description>
<license type="expression">MIT</license></metadata></package>""")
    if mb:
        with z.open(zipfile.ZipInfo("content/padding.bin"), "w", force_zip64=True) as f:
            for _ in range(mb):
                f.write(os.urandom(1 << 20))
PY
}
previous="$work/Bench.Facts.1.0.0.nupkg"
next="$work/Bench.Facts.1.1.0.nupkg"
make_pkg "$previous" 1.0.0 "$size_mb"
make_pkg "$next" 1.1.0 0

start_pynuget
base="$pynuget_base"
curl -sS -f -o /dev/null -X PUT -H "X-NuGet-ApiKey: $key" -F "package=@$previous" "$base/api/v2/package/"
download=$(curl -sS -f "$base/FindPackagesById()?id='Bench.Facts'&semVerLevel=2.0.0" \
  | python3 -c 'import re,sys; print(re.search(r"<content[^>]*src=\"([^\"]+)\"", sys.stdin.read()).group(1))')
echo "previous version: $(du -m "$previous" | cut -f1) MB at $download" >&2

export HOME="$work/home"; mkdir -p "$HOME"
declare -A wall
measure() { # measure NAME COMMAND...: median wall time of RUNS runs
  local name="$1"; shift
  local times=()
  for _ in $(seq "$runs"); do
    local s e; s=$(date +%s.%N)
    "$@" >"$work/out.txt" 2>&1 || [ "$name" != curl ] || { cat "$work/out.txt" >&2; exit 1; }
    e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc -l)")
  done
  wall[$name]=$(median "${times[@]}")
  printf '%-16s median %6.3f s   (runs: %s)\n' "$name" "${wall[$name]}" "${times[*]}"
}
curl_same() {
  curl -sS -f -o /dev/null "$base/FindPackagesById()?id='Bench.Facts'&semVerLevel=2.0.0" &&
    curl -sS -f -o /dev/null "$base/FindPackagesById()?id='Bench.Facts'&semVerLevel=2.0.0" &&
    curl -sS -f -o "$work/download.nupkg" "$download" && rm -f "$work/download.nupkg"
}
measure curl curl_same
measure offline "$nupub" validate "$next" --target generic
measure online "$nupub" validate "$next" --source "$base/api/v2/package" --api-key unused
# The online run must really have read the previous version.
"$nupub" validate "$next" --source "$base/api/v2/package" --api-key unused >"$work/out.txt" 2>&1 || true
grep -q "previous version: 1.0.0 (not author-signed)" "$work/out.txt" || { cat "$work/out.txt" >&2; exit 1; }

/usr/bin/time -f "%M" -o "$work/rss.txt" "$nupub" validate "$next" --source "$base/api/v2/package" --api-key unused >/dev/null 2>&1 || true
rss_kb=$(tail -1 "$work/rss.txt")

added=$(echo "${wall[online]} - ${wall[offline]}" | bc -l)
echo
printf 'lookup added by --source:  %.3f s\n' "$added"
printf 'added / curl (same requests): %.2fx\n' "$(echo "$added / ${wall[curl]}" | bc -l)"
printf 'nupub peak RSS with --source: %.1f MB (previous version: %s MB)\n' "$(echo "$rss_kb / 1024" | bc -l)" "$size_mb"
