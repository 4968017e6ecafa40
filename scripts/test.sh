#!/usr/bin/env bash
# README command (2): set up everything the tests need, start a throw-away PostgreSQL server, run every check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
pgdir=$(mktemp -d /tmp/callqa-pg.XXXXXX)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { scripts/postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
CALLQA_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pgdir" "$port")
export CALLQA_TEST_POSTGRES_URL
echo "test: PostgreSQL at $CALLQA_TEST_POSTGRES_URL"
scripts/check.sh "$@"
