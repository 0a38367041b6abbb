# Shared by the benchmark scripts that talk to pynuget (bench/push.sh,
# bench/facts.sh): a scratch folder removed on exit, the release `nupub`, a
# pynuget on a free loopback port, and the median of a list of times.
# Source it after `set -euo pipefail` with `root` set to the checkout.

key="bench-key-0123456789"
work="$(mktemp -d)"
server_pid=""
bench_cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap bench_cleanup EXIT

# The release nupub (NUPUB_BIN overrides it), built if needed.
release_nupub() {
  if [ -n "${NUPUB_BIN:-}" ]; then echo "$NUPUB_BIN"; return; fi
  echo "building nupub (release)..." >&2
  (cd "$root" && cargo build --release -q -p nupub-cli)
  echo "${CARGO_TARGET_DIR:-$root/target}/release/nupub"
}

python="$root/.tools/pynuget-venv/bin/python"

# Starts pynuget (the real V2 server) storing under $work/pynuget; sets
# server_pid and pynuget_base (its URL) once it answers. Call it directly,
# not in $(...): the server must be this shell's child for the cleanup.
start_pynuget() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$python" "$root/tests/peers/pynuget_serve.py" "$port" "$work/pynuget" "$key" >"$work/pynuget.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
  pynuget_base="http://127.0.0.1:$port"
}

# median TIME...: the median of the numbers given.
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
