"""Live calls shared by several servers through Redis: call state, ownership, fan-out, stored-once claims.

Keys (``callqa:live:`` prefix; docs/live.md, "Several servers"):

* ``call:<id>`` a hash (start, scalars, board line, start time) and ``call:<id>:<list>`` the lists that only
  grow (final segments, events, alerts, sentiment points); their expiry is pushed back as the call goes
  on (at most once a minute: the TTL is an hour);
* ``calls`` the set of call ids in progress; ``owner:<id>`` the process holding the call's stream, with a
  lease the holder renews; ``stored:<id>`` claimed (``SET NX``) by the one process that stores the call;
* channel ``out``: every process's outputs (alerts, words, cards, ends, board lines, acknowledgements).

The event loop never waits on Redis for what happens on every message: writes are computed on the loop
(cheap: only what changed) and sent by one writer thread, which pipelines whatever queued up meanwhile.
Reads that decide what a message means (is this call held elsewhere? already stored?) happen once per call
arriving at a process that does not hold it, and when a board connects.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.client import Pipeline

from callqa.core.errors import CallqaError, ErrorCode
from callqa.live.protocol import CallStart
from callqa.live.state import CallState
from callqa.live.wire import LISTS, call_from, dumps, grown, item_json, scalars_json, start_json

log = logging.getLogger(__name__)
PREFIX = "callqa:live"
CHANNEL = f"{PREFIX}:out"
STORED_TTL_S = 7 * 24 * 3600  # a call re-sent after this is a new call
REFRESH_S = 60.0  # a busy call's expiry is pushed back at most this often (six EXPIREs a message cost more)
_BATCH = 1000
# Renew the lease if it is ours or has lapsed (a slow tick is no reason to give a call up); 0 if another
# process took the call (its stream reconnected there).
_RENEW = """
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] or not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

Op = Callable[[Pipeline], object]


@dataclass
class Mirror:
    """What of one call this process has written to Redis: list lengths and final segment ids."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LISTS, 0))
    segment_ids: set[str] = field(default_factory=set)
    new: bool = True  # nothing written yet: the first write also takes the call's lease
    rewrite: bool = False  # a write failed (Redis away): the next one rewrites the lists whole
    start: CallStart | None = None  # the call_start last written (rewritten only when it changes)
    refresh_at: float = 0.0  # when the keys' expiry is next pushed back


@dataclass
class Loaded:
    call: CallState | None
    opened_at: datetime | None = None
    stored: bool = False  # the call has ended and been stored by some process


@dataclass
class _Renewal:
    call_ids: list[str]


@dataclass
class _Publish:
    payload: str  # one JSON object; the writer sends what queued up together as one message


def _key(call_id: str) -> str:
    return f"{PREFIX}:call:{call_id}"


def _owner(call_id: str) -> str:
    return f"{PREFIX}:owner:{call_id}"


def _stored(call_id: str) -> str:
    return f"{PREFIX}:stored:{call_id}"


def safe_url(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


class Cluster:
    def __init__(
        self, url: str, *, ttl_s: int = 3600, lease_s: float = 10.0, node: str | None = None
    ) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.lease_ms = int(lease_s * 1000)
        self.node = node or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.client: redis.Redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        )
        self.mirrors: dict[str, Mirror] = {}
        self.written = 0  # pipelines sent
        self.failed = 0  # pipelines lost to a Redis error
        self._queue: queue.SimpleQueue[Op | _Renewal | _Publish | None] = queue.SimpleQueue()
        self._renew = self.client.register_script(_RENEW)
        self._stopping = threading.Event()
        self._broken = threading.Event()  # a write failed: what is in Redis may have gaps
        self._threads: list[threading.Thread] = []
        self._on_lost: Callable[[list[str]], object] = lambda ids: None

    # -- life ----------------------------------------------------------------------------------------------

    def start(
        self, on_message: Callable[[list[dict[str, Any]]], object], on_lost: Callable[[list[str]], object]
    ) -> None:
        """Check Redis answers (L121 if not), then start the writer and the listener threads. The callbacks
        run on the listener's and the writer's threads."""
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise CallqaError(ErrorCode.L121, url=safe_url(self.url), reason=str(exc)) from exc
        self._on_lost = on_lost
        for target, name in ((self._write_forever, "writer"), (self._listen_forever, "listener")):
            args = (on_message,) if target == self._listen_forever else ()
            thread = threading.Thread(target=target, args=args, name=f"callqa-live-redis-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Send what is queued, then stop the threads."""
        self._queue.put(None)
        self._stopping.set()
        for thread in self._threads:
            thread.join(10)
        self.client.close()

    # -- writes, from the event loop (queued) ---------------------------------------------------------------

    def save(self, call: CallState, opened_at: datetime | None) -> None:
        """Queue what changed in the call since its last save: the scalars, and the new tail of each list."""
        if self._broken.is_set():
            self._broken.clear()
            for known in self.mirrors.values():
                known.counts, known.rewrite, known.start, known.refresh_at = (
                    dict.fromkeys(LISTS, 0),
                    True,
                    None,
                    0.0,
                )
        mirror = self.mirrors.get(call.call_id)
        if mirror is None:
            mirror = self.mirrors[call.call_id] = Mirror()
        key, ttl, call_id = _key(call.call_id), self.ttl_s, call.call_id
        now = time.monotonic()
        refresh = now >= mirror.refresh_at
        if refresh:
            mirror.refresh_at = now + REFRESH_S
        appended: list[tuple[str, list[str]]] = []
        expire: list[str] = [f"{key}:{n}" for n in LISTS] if refresh else []
        for name, items in grown(call).items():
            done = mirror.counts[name]
            if len(items) > done:
                appended.append((name, [item_json(name, item) for item in items[done:]]))
                mirror.counts[name] = len(items)
                if name == "finals":
                    mirror.segment_ids.update(s.segment_id for s in items[done:])
                if done == 0 and not refresh:
                    expire.append(f"{key}:{name}")  # a list just made: never without an expiry
        fields: dict[Any, Any] = {"state": scalars_json(call)}
        if mirror.start is not call.start:
            fields["start"], mirror.start = start_json(call.start), call.start
        new, mirror.new = mirror.new, False
        rewrite, mirror.rewrite = mirror.rewrite, False
        if new and opened_at is not None:
            fields["opened"] = opened_at.isoformat()
        if new or rewrite:
            refresh = True

        def write(pipe: Pipeline) -> None:
            if rewrite:
                pipe.delete(*(f"{key}:{n}" for n in LISTS))
            pipe.hset(key, mapping=fields)
            for name, items in appended:
                pipe.rpush(f"{key}:{name}", *items)
            if refresh:
                pipe.expire(key, ttl)
            for list_key in expire:
                pipe.expire(list_key, ttl)
            if new:
                pipe.set(_owner(call_id), self.node, px=self.lease_ms)
                pipe.sadd(f"{PREFIX}:calls", call_id)

        self._queue.put(write)

    def seen(self, call_id: str, segment_id: str) -> bool:
        """Whether this final segment of a call held here is already kept (a client re-sending it)."""
        mirror = self.mirrors.get(call_id)
        return mirror is not None and segment_id in mirror.segment_ids

    def lines(self, lines: list[tuple[str, str | None, str | None, dict[str, Any]]]) -> None:
        """Keep the board lines of calls held here (a board connecting anywhere reads them) and send them to
        the other processes' boards."""
        saved = [(_key(call_id), dumps(line)) for call_id, _, _, line in lines if call_id in self.mirrors]

        def write(pipe: Pipeline) -> None:
            for key, line in saved:
                pipe.hset(key, "line", line)

        self._queue.put(write)
        self._queue.put(_Publish(dumps({"lines": lines})))

    def publish(self, payload: dict[str, Any]) -> None:
        """Send outputs or a notice to the other processes."""
        self._queue.put(_Publish(dumps(payload)))

    def end(self, call_id: str) -> None:
        """The call has ended here: its shared state goes (the stored-once claim stays)."""
        self.mirrors.pop(call_id, None)
        key = _key(call_id)

        def write(pipe: Pipeline) -> None:
            pipe.delete(key, *(f"{key}:{n}" for n in LISTS))
            pipe.srem(f"{PREFIX}:calls", call_id)
            pipe.delete(_owner(call_id))

        self._queue.put(write)

    def drop(self, call_id: str) -> None:
        """Another process took the call: forget it here, leave Redis to the new holder."""
        self.mirrors.pop(call_id, None)

    def renew(self, call_ids: list[str]) -> None:
        """Renew the leases of the calls held here; those another process took go to ``on_lost``."""
        if call_ids:
            self._queue.put(_Renewal(call_ids))

    # -- reads (blocking, short) ----------------------------------------------------------------------------

    def load(self, call_id: str, now: float, *, take: bool) -> Loaded:
        """The call as kept in Redis (``now``: this process's monotonic clock); ``take`` makes this process
        its holder (its stream is here now). Raises L120 for a state it cannot read, L121 if Redis fails."""
        key = _key(call_id)
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.exists(_stored(call_id))
            pipe.hgetall(key)
            for name in LISTS:
                pipe.lrange(f"{key}:{name}", 0, -1)
            stored, fields, *lists = pipe.execute()
        except redis.RedisError as exc:
            raise CallqaError(ErrorCode.L121, url=safe_url(self.url), reason=str(exc)) from exc
        if stored:
            return Loaded(None, stored=True)
        if not fields:
            return Loaded(None)
        opened_at = datetime.fromisoformat(fields["opened"]) if "opened" in fields else None
        age = (datetime.now(UTC) - opened_at).total_seconds() if opened_at is not None else 0.0
        call = call_from(call_id, fields, dict(zip(LISTS, lists, strict=True)), opened=now - max(age, 0.0))
        if take:
            self.client.set(_owner(call_id), self.node, px=self.lease_ms)
            self.mirrors[call_id] = Mirror(
                counts={name: len(items) for name, items in grown(call).items()},
                segment_ids={s.segment_id for s in call.finals},
                new=False,
                start=call.start,
            )
        return Loaded(call, opened_at)

    def claim_store(self, call_id: str) -> bool:
        """Claim the storing of a call that ended: true for exactly one caller. With Redis away it is true:
        the call ended here, complete, and storing is an upsert by call id (while Redis is away no other
        server can take the call up, so none stores a second, shorter copy)."""
        try:
            return bool(self.client.set(_stored(call_id), self.node, nx=True, ex=STORED_TTL_S))
        except redis.RedisError:
            log.exception("claiming live call %s (stored anyway)", call_id)
            return True

    def board_lines(self) -> list[dict[str, Any]]:
        """The board lines of every call in progress whose holder is alive, whatever process holds it."""
        try:
            ids = sorted(str(i) for i in self.client.smembers(f"{PREFIX}:calls"))
            if not ids:
                return []
            pipe = self.client.pipeline(transaction=False)
            for call_id in ids:
                pipe.hget(_key(call_id), "line")
                pipe.exists(_owner(call_id))
                pipe.exists(_key(call_id))
            found = pipe.execute()
        except redis.RedisError:
            log.exception("live board lines from Redis (this server's calls only)")
            return []
        lines, gone = [], []
        for index, call_id in enumerate(ids):
            line, owned, kept = found[3 * index : 3 * index + 3]
            if not kept:
                gone.append(call_id)  # expired: its stream never came back
            elif owned and line:
                lines.append(json.loads(line))
        if gone:
            self._queue.put(lambda pipe: pipe.srem(f"{PREFIX}:calls", *gone))
        return lines

    def live_calls(self) -> set[str]:
        """Ids of the calls in progress whose holder is alive."""
        return {str(line["call_id"]) for line in self.board_lines()}

    # -- threads -------------------------------------------------------------------------------------------

    def _write_forever(self) -> None:
        stop = False
        while not stop:
            batch = [self._queue.get()]
            while len(batch) < _BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            pipe = self.client.pipeline(transaction=False)
            renewals: list[str] = []
            published: list[str] = []
            for item in batch:
                if item is None:
                    stop = True
                elif isinstance(item, _Renewal):
                    renewals.extend(item.call_ids)
                elif isinstance(item, _Publish):
                    published.append(item.payload)
                else:
                    item(pipe)
            if published:  # one message for all: the other processes wake once, not once per output
                pipe.publish(CHANNEL, f"{self.node}\n[{','.join(published)}]")
            try:
                pipe.execute()
                self.written += 1
                if renewals:
                    self._send_renewals(renewals)
            except Exception:  # Redis away (or a bug): the writer goes on, the next writes make it good
                self.failed += 1
                self._broken.set()
                log.exception("live state to Redis")

    def _send_renewals(self, call_ids: list[str]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for call_id in call_ids:
            self._renew(keys=[_owner(call_id)], args=[self.node, self.lease_ms], client=pipe)
        results = pipe.execute()
        lost = [c for c, ok in zip(call_ids, results, strict=True) if not ok]
        if lost:
            self._on_lost(lost)

    def _listen_forever(self, on_message: Callable[[list[dict[str, Any]]], object]) -> None:
        while not self._stopping.is_set():
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CHANNEL)
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message is None:
                        continue
                    sender, _, payloads = message["data"].partition("\n")
                    if sender == self.node:  # what this process published itself is not even parsed
                        continue
                    try:
                        on_message(json.loads(payloads))
                    except Exception:
                        log.exception("live fan-out message from %s", sender)
            except redis.RedisError:
                log.exception("live fan-out from Redis (reconnecting)")
                time.sleep(1)
            finally:
                pubsub.close()
