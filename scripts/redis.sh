#!/usr/bin/env bash
# Start (or stop) a throw-away Redis server for the test suite, on loopback, no persistence to disk
# unless asked: the tests restart it mid-run and expect the queue to survive, so it keeps an append-only file.
#   scripts/redis.sh start DIR PORT   -> prints the Redis URL (database 0)
#   scripts/redis.sh stop DIR
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data folder}
port=${3:-56379}
server=$(command -v redis-server || true)
[ -n "$server" ] || { echo "redis-server not found; run scripts/setup.sh --dev" >&2; exit 1; }
case "$action" in
  start)
    mkdir -p "$dir"
    "$server" --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
      --logfile "$dir/redis.log" --appendonly yes --appendfsync everysec --save "" \
      || { cat "$dir/redis.log" >&2 2>/dev/null; exit 1; }
    for _ in $(seq 1 100); do
      redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
      sleep 0.1
    done
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG || { cat "$dir/redis.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "redis://127.0.0.1:$port/0"
    ;;
  stop)
    if [ -f "$dir/port" ]; then redis-cli -p "$(cat "$dir/port")" shutdown nosave >/dev/null 2>&1 || true; fi
    if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
