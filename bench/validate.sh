#!/usr/bin/env bash
# Measures what `nupub validate` adds to `nupub inspect` on a 250 MB package,
# with `unzip -t` (same CRC work, C zlib) as the reference run.
# Usage: bench/validate.sh [SIZE_MB]   (NUPUB_BIN overrides the binary; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-250}"
bin="${NUPUB_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -p nupub-cli >&2
  bin="${CARGO_TARGET_DIR:-target}/release/nupub"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pkg="$work/Bench.Package.1.0.0.nupkg"
python3 - "$pkg" "$size_mb" <<'PY'
import base64, os, sys, zipfile
path, mb = sys.argv[1], int(sys.argv[2])
nuspec = b'''<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>Bench.Package</id><version>1.0.0</version><authors>Nupub</authors><description>Benchmark.</description>
<license type="expression">MIT</license><licenseUrl>https://licenses.nuget.org/MIT</licenseUrl>
</metadata></package>'''
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Bench.Package.nuspec", nuspec)
    # Deflated, compressible content (base64 of random bytes), so both the
    # reference and nupub really inflate and CRC every byte.
    info = zipfile.ZipInfo("content/padding.txt")
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as f:
        for _ in range(mb):
            f.write(base64.b64encode(os.urandom(3 << 18)))
PY
best() { # best of 3 wall times, in seconds
  local best=""
  for _ in 1 2 3; do
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    local t; t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
ref=$(best unzip -tqq "$pkg")
inspect=$(best "$bin" inspect "$pkg")
validate=$(best "$bin" validate "$pkg")
printf 'package: %s MB\n' "$size_mb"
printf 'unzip -t (reference): %6.2f s\n' "$ref"
printf 'nupub inspect:        %6.2f s  (%.2fx unzip -t)\n' "$inspect" "$(echo "$inspect / $ref" | bc -l)"
printf 'nupub validate:       %6.2f s  (%.2fx unzip -t, %.2fx inspect; goal < 1.10x inspect)\n' \
  "$validate" "$(echo "$validate / $ref" | bc -l)" "$(echo "$validate / $inspect" | bc -l)"
