#!/usr/bin/env bash
# Real-browser end-to-end test of the map page: builds ssmplan if needed, starts
# `ssmplan serve` on a free port, runs page.test.mjs in headless Chromium, stops the server.
# Run from anywhere: bash tests/browser/run.sh. Exit code: the test's (0 when skipped because no
# Chromium could be installed). Screenshots go to target/browser/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHROMIUM="${SSMPLAN_CHROMIUM:-/usr/bin/chromium}"
# The test profile's binary, as `cargo test --workspace` (run just before in .ci/run) builds it:
# step 3 asks for the same build, so it is a no-op there. Building the CLI package alone instead
# resolves other features for the shared dependencies and compiled a second copy of them (about
# 4 minutes of a clean clone's CI). Its dependencies are optimised (see
# [profile.dev.package."*"]).
BIN="$ROOT/target/debug/ssmplan"

say() { printf 'browser test: %s\n' "$*"; }

# 1. Chromium (Debian package), installed when missing.
if [ ! -x "$CHROMIUM" ]; then
  say "no Chromium at $CHROMIUM; trying apt-get install -y chromium"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="unavailable"; fi
  fi
  if [ "$SUDO" != "unavailable" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q chromium >/dev/null 2>&1; } \
      || true
  fi
  if [ ! -x "$CHROMIUM" ]; then
    why="apt-get missing"
    command -v apt-get >/dev/null 2>&1 && why="apt-get install chromium did not provide it"
    [ "$SUDO" = "unavailable" ] && why="not root and no password-less sudo"
    echo "SKIPPED: no Chromium could be installed ($why; expected at $CHROMIUM)"
    exit 0
  fi
fi

# 2. playwright-core, exactly as locked.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIPPED: Node.js (>= 20) with npm is not installed (the browser test is driven from Node)"
  exit 0
fi
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# 3. The server: build (a no-op after `cargo test --workspace`), start on a free port, wait for
# /api/health.
cd "$ROOT"
if command -v cargo >/dev/null 2>&1; then
  cargo test --workspace --no-run --locked -q
elif [ ! -x "$BIN" ]; then
  echo "browser test: neither cargo nor $BIN found" >&2
  exit 1
fi

LOGDIR="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BIN" serve --addr 127.0.0.1:0 >"$LOGDIR/stdout" 2>"$LOGDIR/stderr" &
SERVER_PID=$!

URL=""
for _ in $(seq 1 600); do # up to 60 s to load the dataset and listen
  URL="$(grep -o 'http://[0-9.:]*/' "$LOGDIR/stdout" 2>/dev/null | head -n 1 || true)"
  [ -n "$URL" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "browser test: the server exited before listening:" >&2
    cat "$LOGDIR/stdout" "$LOGDIR/stderr" >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$URL" ] || { echo "browser test: the server printed no URL within 60 s" >&2; cat "$LOGDIR/stderr" >&2; exit 1; }

node -e '
const url = process.argv[1] + "api/health";
const deadline = Date.now() + 30000;
(async () => {
  for (;;) {
    try { const r = await fetch(url); if (r.ok) return; } catch {}
    if (Date.now() > deadline) { console.error("browser test: " + url + " never answered 200"); process.exit(1); }
    await new Promise((r) => setTimeout(r, 100));
  }
})();' "$URL"
say "server at $URL (pid $SERVER_PID)"

# 4. The test; its exit code is this script's (the trap stops the server).
start=$(date +%s)
set +e
SSMPLAN_URL="$URL" SSMPLAN_CHROMIUM="$CHROMIUM" SSMPLAN_SHOTS="$ROOT/target/browser" \
  node --test-reporter=spec "$HERE/page.test.mjs"
status=$?
set -e
say "finished in $(( $(date +%s) - start )) s, exit code $status; screenshots in target/browser/"
exit "$status"
