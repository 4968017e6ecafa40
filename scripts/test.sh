#!/usr/bin/env bash
# README command (2): set up everything the tests need, start throw-away PostgreSQL and Redis servers, run every check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
pgdir=$(mktemp -d /tmp/callqa-pg.XXXXXX)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redisdir=$(mktemp -d /tmp/callqa-redis.XXXXXX)
cleanup() {
  scripts/postgres.sh stop "$pgdir" || true
  scripts/redis.sh stop "$redisdir" || true
  rm -rf "$pgdir" "$redisdir"
}
trap cleanup EXIT
CALLQA_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pgdir" "$port")
export CALLQA_TEST_POSTGRES_URL
echo "test: PostgreSQL at $CALLQA_TEST_POSTGRES_URL"
rport=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CALLQA_TEST_REDIS_URL=$(scripts/redis.sh start "$redisdir" "$rport")
export CALLQA_TEST_REDIS_URL
echo "test: Redis at $CALLQA_TEST_REDIS_URL"
scripts/check.sh "$@"
