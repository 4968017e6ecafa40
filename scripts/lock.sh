#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml: exact versions with hashes, for Python 3.11 on x86-64 Linux.
#   scripts/lock.sh                 keep locked versions where pyproject.toml still allows them
#   scripts/lock.sh --upgrade       take the newest versions pyproject.toml allows
# Then run scripts/test.sh twice and commit requirements/*.lock with the change that needed it.
set -euo pipefail
cd "$(dirname "$0")/.."
uv_version=0.13.9
tools=.venv-lock
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$uv_version" ]; then
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install -q --disable-pip-version-check "uv==$uv_version"
fi
compile() {
  "$tools/bin/uv" pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
    --python-platform x86_64-manylinux_2_28 --custom-compile-command "scripts/lock.sh" "$@"
}
compile -o requirements/runtime.lock "$@"
compile --extra dev -o requirements/dev.lock "$@"
echo "lock: requirements/runtime.lock ($(grep -c '^[a-z0-9]' requirements/runtime.lock) packages)," \
  "requirements/dev.lock ($(grep -c '^[a-z0-9]' requirements/dev.lock) packages)"
