#!/usr/bin/env bash
# README command (1): set everything up, then load the bundled demo data into SQLite and show it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/callqa demo --serve "$@"
