#!/usr/bin/env bash
# Set up callqa on a fresh Debian machine: system packages, a virtualenv in .venv, callqa installed into it.
#   scripts/setup.sh          what running callqa needs
#   scripts/setup.sh --dev    also what the test suite needs (PostgreSQL and Redis servers, Chromium, test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0
[ "${1:-}" = "--dev" ] && dev=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
python=$(command -v python3.11 || command -v python3 || true)

packages=()
[ -n "$python" ] || packages+=(python3 python3-venv)
if [ -n "$python" ] && ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then packages+=(python3-venv); fi
if [ "$dev" = 1 ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  packages+=(postgresql postgresql-contrib)
fi
# WeasyPrint prints the PDF reports with Pango; DejaVu covers Latin, Lithuanian and Persian, WenQuanYi Chinese
for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-wqy-microhei; do
  dpkg -s "$pkg" >/dev/null 2>&1 || packages+=("$pkg")
done
# Redis is the workers' broker and the live servers' shared call state (the tests start a throw-away one)
if [ "$dev" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then packages+=(redis-server); fi
# espeak-ng speaks the synthetic test calls (word error rate, redaction muting)
if [ "$dev" = 1 ] && ! command -v espeak-ng >/dev/null 2>&1; then packages+=(espeak-ng); fi
# Debian's Chromium runs the browser tests (Playwright drives it through executable_path; no browser download)
if [ "$dev" = 1 ] && ! command -v chromium >/dev/null 2>&1; then packages+=(chromium); fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  python=$(command -v python3.11 || command -v python3)
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$python" --version)"
  "$python" -m venv .venv
fi
# Exact versions with hashes from the lock file (scripts/lock.sh refreshes it), then callqa itself on top
lock=requirements/runtime.lock
[ "$dev" = 1 ] && lock=requirements/dev.lock
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install -q "pip==26.3"
"${pip[@]}" install -q --require-hashes --no-deps -r "$lock"
"${pip[@]}" install -q --no-deps -e .
"${pip[@]}" check >/dev/null || { "${pip[@]}" check; echo "setup: $lock does not satisfy pyproject.toml; run scripts/lock.sh" >&2; exit 1; }
echo "setup: ready ($(.venv/bin/callqa --help >/dev/null && echo 'callqa installed in .venv'))"
