# Shared steps of scripts/run and scripts/test. Every step checks first and
# does nothing when its work is already done, so a second run is fast.
# Everything Nupub installs for itself lives in the checkout (.tools/,
# node_modules/, target/); only system packages and a missing Rust toolchain
# are installed machine-wide.

NUPUB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$NUPUB_ROOT/.tools"
TAURI_DRIVER_VERSION=2.1.0
CARGO_FUZZ_VERSION=0.13.2
NUGET_EXE_SHA256=5c5b9c96165d3283b2cb9e5b65825d343e0e7139b9e70a250b4bb24c2285f3ba

PHASE_REPORT=""
phase() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  "$@"
  local took=$((SECONDS - start))
  echo "[time] $name: ${took}s"
  echo "[disk] free after $name: $(free_mb) MB"
  PHASE_REPORT+="$(printf '  %-34s %5ss' "$name" "$took")"$'\n'
}
# Free space, in MB, on the filesystem holding the checkout (target/ grows there).
free_mb() {
  df -Pk "$NUPUB_ROOT" | awk 'NR == 2 { print int($4 / 1024) }'
}
phase_summary() {
  echo "=== phase durations"
  printf '%s' "$PHASE_REPORT"
  echo "  total                              ${SECONDS}s"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages to build and run the app (Tauri on WebKitGTK).
RUN_PACKAGES="build-essential pkg-config curl wget file ca-certificates git libwebkit2gtk-4.1-dev
  libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev libsecret-1-dev"
# Mono, just enough for NuGet.exe 5.8 (help, pack, add, push, delete, list, install).
MONO_PACKAGES="mono-runtime ca-certificates-mono libmono-corlib4.5-dll libmono-microsoft-build-framework4.0-cil
  libmono-microsoft-build-utilities-v4.0-4.0-cil libmono-microsoft-csharp4.0-cil libmono-security4.0-cil
  libmono-system-componentmodel-composition4.0-cil libmono-system-componentmodel-dataannotations4.0-cil
  libmono-system-configuration4.0-cil libmono-system-core4.0-cil libmono-system-data-services-client4.0-cil
  libmono-system-data4.0-cil libmono-system-io-compression4.0-cil libmono-system-net-http4.0-cil
  libmono-system-numerics4.0-cil libmono-system-runtime-serialization4.0-cil libmono-system-security4.0-cil
  libmono-system-servicemodel4.0a-cil libmono-system-xml-linq4.0-cil libmono-system-xml4.0-cil
  libmono-system4.0-cil libmono-windowsbase4.0-cil"
# Test peers and the headless display: Xvfb, WebKitWebDriver, a private D-Bus, gnome-keyring,
# Python for pynuget, and the reference tools the benchmarks compare against.
# The desktop-integration checks of the .deb: the freedesktop validators and
# lookups, lintian, xdotool and a GTK drag source (Python GObject) under Xvfb.
PACKAGE_TEST_PACKAGES="dpkg-dev desktop-file-utils shared-mime-info xdg-utils libglib2.0-bin libgtk-3-bin lintian
  xdotool python3-gi gir1.2-gtk-3.0"
TEST_PACKAGES="$RUN_PACKAGES $MONO_PACKAGES xvfb xauth webkit2gtk-driver dbus dbus-bin gnome-keyring
  libsecret-tools python3 python3-venv unzip time mono-utils mono-mcs $PACKAGE_TEST_PACKAGES"

install_system_packages() {
  local packages=$1 wanted have
  wanted=$(echo $packages | wc -w)
  have=$(dpkg-query -W -f='${Status}\n' $packages 2>/dev/null | grep -c 'install ok installed' || true)
  if [ "$have" -eq "$wanted" ]; then
    echo "all $wanted system packages present"
    return
  fi
  echo "installing system packages ($have of $wanted present)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 $packages >/dev/null
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    echo "installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
      sh -s -- -y --profile minimal --component rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
      rustup component add "$component"
    fi
  done
  cargo --version
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  local version
  version=$(node -p 'process.versions.node')
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "Node.js $version is too old: the UI build (Vite 8) and oidc-provider need Node.js 20.19 or newer." >&2
    echo "Install a current Node.js LTS (for example from nodejs.org or NodeSource), then run this again." >&2
    exit 1
  fi
  echo "node $version, npm $(npm --version 2>/dev/null)"
}

# npm ci in a folder, only when its lock file changed since the last install.
npm_install() {
  local dir=$1 stamp lock
  stamp="$dir/node_modules/.nupub-lock-sha256"
  lock=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock" ]; then
    echo "$dir: npm packages up to date"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock" >"$stamp"
}

# Builds ui/dist, unless its sources are unchanged since the last build: the app
# embeds dist at compile time, so rewriting it would rebuild the app for nothing.
build_ui() {
  local ui="$NUPUB_ROOT/ui" stamp sources
  stamp="$NUPUB_ROOT/target/ui-dist.sha256"
  sources=$(cd "$ui" && find src public index.html vite.config.ts svelte.config.js tsconfig.json package-lock.json \
    -type f -not -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  if [ -f "$ui/dist/index.html" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ]; then
    echo "ui/dist is up to date"
    return
  fi
  (cd "$ui" && npm run --silent build -- --logLevel warn)
  mkdir -p "$NUPUB_ROOT/target"
  echo "$sources" >"$stamp"
}

install_peers() {
  # NuGet.exe 5.8.0 and oidc-provider 9.13.3 (pinned in tests/peers/package.json).
  npm_install "$NUPUB_ROOT/tests/peers"
  echo "$NUGET_EXE_SHA256  $NUPUB_ROOT/tests/peers/node_modules/nuget-exe/nuget-5.8.0.exe" | sha256sum -c --quiet
  # pynuget 0.2.5 needs these old pins (newer Flask breaks its downloads).
  local venv="$TOOLS/pynuget-venv" pins="pynuget==0.2.5 flask==1.1.4 werkzeug==1.0.1 jinja2==2.11.3 markupsafe==2.0.1 itsdangerous==1.1.0 sqlalchemy<1.4"
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.nupub-pins" 2>/dev/null)" != "$pins" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check $pins
    echo "$pins" >"$venv/.nupub-pins"
  else
    echo "pynuget virtual environment up to date"
  fi
  # tauri-driver, the WebDriver bridge to WebKitWebDriver.
  if [ ! -x "$TOOLS/cargo/bin/tauri-driver" ] ||
    ! grep -q "\"tauri-driver $TAURI_DRIVER_VERSION " "$TOOLS/cargo/.crates.toml" 2>/dev/null; then
    cargo install --quiet --locked --root "$TOOLS/cargo" tauri-driver --version "$TAURI_DRIVER_VERSION"
  else
    echo "tauri-driver $TAURI_DRIVER_VERSION present"
  fi
  # cargo-fuzz, to prove the fuzz targets build (they run on stable with -s none).
  if [ ! -x "$TOOLS/cargo/bin/cargo-fuzz" ] ||
    ! grep -q "\"cargo-fuzz $CARGO_FUZZ_VERSION " "$TOOLS/cargo/.crates.toml" 2>/dev/null; then
    cargo install --quiet --locked --root "$TOOLS/cargo" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
  else
    echo "cargo-fuzz $CARGO_FUZZ_VERSION present"
  fi
}

# The Tauri CLI (its bundler makes the .deb and .rpm), pinned in packaging/package.json.
# The npm package carries a prebuilt binary: seconds, where `cargo install tauri-cli` takes 11 minutes.
install_tauri_cli() {
  npm_install "$NUPUB_ROOT/packaging"
}

# Bundles the already-built app into a .deb and an .rpm with Tauri's bundler,
# in target/package/<profile>/bundle/{deb,rpm}/.
#   package_app release   the shipped build (scripts/package): release binaries with the CSP on
#   package_app debug     the binaries `cargo test --workspace` built, for the packaging tests
# The binaries are stripped copies in target/package/<profile> (the bundler
# reads them from CARGO_TARGET_DIR), so the build's own files stay untouched.
# The Depends line comes from dpkg-shlibdeps on the very binaries packed, so it
# names the libraries they link (WebKitGTK, GTK, libdbus for the keyring, ...).
# AppImage is not built: its bundler downloads tools at build time.
package_app() {
  local profile=$1 built stage depends config
  built="${CARGO_TARGET_DIR:-$NUPUB_ROOT/target}/$profile"
  stage="${CARGO_TARGET_DIR:-$NUPUB_ROOT/target}/package"
  rm -rf "$stage/$profile"
  mkdir -p "$stage/$profile"
  for b in nupub-app nupub; do
    [ -x "$built/$b" ] || { echo "$built/$b is missing: build it first" >&2; return 1; }
    strip --strip-unneeded -o "$stage/$profile/$b" "$built/$b"
  done
  depends=$(cd "$(mktemp -d)" && mkdir debian &&
    printf 'Source: nupub\n\nPackage: nupub\nArchitecture: any\n' >debian/control &&
    dpkg-shlibdeps -O "$stage/$profile/nupub-app" "$stage/$profile/nupub" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
  [ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; return 1; }
  config=$(DEPENDS="$depends" BIN="$stage/$profile" node -e '
    const depends = process.env.DEPENDS.split(/,\s*/);
    const files = { "/usr/bin/nupub": process.env.BIN + "/nupub" };
    console.log(JSON.stringify({ bundle: { linux: { deb: { depends, files }, rpm: { files } } } }));')
  local flags=(--bundles deb,rpm --ci --config "$config")
  [ "$profile" = debug ] && flags+=(--debug)
  (cd "$NUPUB_ROOT" && CARGO_TARGET_DIR="$stage" packaging/node_modules/.bin/tauri bundle "${flags[@]}") 2>&1 |
    grep -v '^\s*Info Patching' || return 1
  ls "$stage/$profile"/bundle/deb/*.deb "$stage/$profile"/bundle/rpm/*.rpm
}
