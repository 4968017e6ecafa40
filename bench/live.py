"""Live monitoring under load: N concurrent calls over loopback, alert latency at the supervisors' boards.

    .venv/bin/python bench/live.py [--calls 100,500,1000] [--seconds 300] [--boards 10] [--redis URL]

For each N, two servers run in turn, each in its own process, on this machine:
  * ``callqa``: ``callqa serve``'s app (uvicorn, SQLite) with the shipped live rules plus one phrase rule the
    benchmark triggers on purpose; every segment goes through redaction, every rule, the checklist, English
    sentiment, the model queue (other languages), the board fan-out;
  * ``bare`` (the baseline): a WebSocket server on the same stack (uvicorn + Starlette) that only parses
    each message and forwards a trigger segment to the boards as an alert: what the transport costs.
The client (this process, asyncio) opens ``--boards`` supervisor boards (admin tokens: they see every
call), then one ingest socket per call; each call's agent and customer each send a final segment every
1–2 s (generated bank calls, 70 % English, 10 % each Chinese, Lithuanian, Persian) for ``--seconds``. About
2 % of segments carry the trigger phrase; latency is from sending that segment to its alert arriving at a
board, over every board. Dropped = alerts expected at the boards − alerts received (after a grace period).
CPU is the server process's user+system time ÷ wall time (200 % = both cores); memory its peak RSS.
With ``--redis URL`` a third server runs: ``callqa+redis``, the same app sharing its calls through that
Redis (docs/live.md, "Several servers"); its CPU per segment against ``callqa``'s is what sharing costs,
and Redis's own CPU (``INFO cpu``) is reported beside it. ``--per-message`` measures only that cost,
without sockets: the live monitor applies the same generated segments alone, then saving each call's
changes to Redis and publishing the outputs as a server does (event-loop thread CPU, and the process's
CPU with Redis's writer thread).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

TRIGGER = "zebra crossing protocol"
TRIGGER_RULE = f"""
  - id: bench_trigger
    title: Benchmark trigger
    severity: warning
    when: {{type: phrase, speaker: any, phrases: ["{TRIGGER}"]}}
    cooldown_s: 0.001
"""


# -- servers ------------------------------------------------------------------------------------------------


def serve_callqa(folder: Path, port: int, redis_url: str | None = None) -> None:
    import uvicorn

    from callqa.cli.serve import tune_collector
    from callqa.core.settings import Settings
    from callqa.live.rules import default_rules_path
    from callqa.web.app import create_app

    rules = folder / "rules.yaml"
    text = default_rules_path().read_text(encoding="utf-8")
    rules.write_text(text.replace("\nchecklist:", TRIGGER_RULE + "\nchecklist:"), encoding="utf-8")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'callqa.db'}",
        live_rules_file=rules,
        live_score_calls=False,
        redis_url=redis_url,
    )
    app = create_app(settings)
    if os.environ.get("CALLQA_BENCH_PROBE"):
        _probe(app)
    tune_collector()  # as `callqa serve` does
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws_max_queue=1024)


def _probe(app: Any) -> None:
    """Diagnostics (CALLQA_BENCH_PROBE=1): event-loop stalls and garbage-collector pauses, printed at exit."""
    import atexit
    import gc

    pauses: list[tuple[int, float]] = []
    gen2_at: list[tuple[float, int, int]] = []
    boot = time.perf_counter()
    stalls: list[float] = []
    started: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append((info["generation"], time.perf_counter() - started[0]))
            if info["generation"] == 2:
                at = round(time.perf_counter() - boot, 1)
                gen2_at.append((at, round(pauses[-1][1] * 1000), len(gc.get_objects())))

    gc.callbacks.append(on_gc)

    async def lag() -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls.append(time.perf_counter() - t - 0.005)

    @app.on_event("startup")
    async def start_probe() -> None:
        asyncio.get_running_loop().create_task(lag())

    def report() -> None:
        big = sorted(stalls)[-20:]
        for gen in (0, 1, 2):
            p = [d for g, d in pauses if g == gen]
            if p:
                worst = max(p) * 1000
                print(f"gc gen{gen}: {len(p)} pauses, max {worst:.1f} ms, total {sum(p):.2f} s", flush=True)
        print("worst loop stalls ms:", [round(x * 1000, 1) for x in big], flush=True)
        print("gen2 (s after start, ms, objects):", gen2_at, flush=True)

    atexit.register(report)


def serve_bare(port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    boards: set[WebSocket] = set()

    async def ingest(ws: WebSocket) -> None:
        await ws.accept()
        try:
            while True:
                message = json.loads(await ws.receive_text())
                if message.get("type") == "segment" and TRIGGER in message.get("text", ""):
                    alert = {
                        "type": "alert",
                        "alert": {
                            "rule": "bench_trigger",
                            "call_id": message["call_id"],
                            "segment_id": message["segment_id"],
                        },
                    }
                    text = json.dumps(alert)
                    for board in list(boards):
                        await board.send_text(text)
        except WebSocketDisconnect:
            return

    async def board(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(json.dumps({"type": "snapshot"}))
        boards.add(ws)
        try:
            while True:
                await ws.receive_text()
        except WebSocketDisconnect:
            boards.discard(ws)

    app = Starlette(
        routes=[WebSocketRoute("/api/live/ingest", ingest), WebSocketRoute("/api/live/board", board)]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def make_token(folder: Path) -> str:
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.users.schemas import UserCreate, UserRole
    from callqa.users.service import create_token, create_user

    engine = create_db_engine(f"sqlite:///{folder / 'callqa.db'}")
    ensure_schema(engine)
    with session_factory(engine).begin() as session:
        user = create_user(
            session,
            UserCreate(
                username="bench",
                display_name="Bench",
                password="load-generator-secret-1",
                role=UserRole.ADMIN,
            ),
        )
        token = create_token(session, user.id, "bench")[0]
    engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """The process and its children (the live model worker is a child of the server)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return [pid, *children]


def cpu_seconds(pid: int, *, children: bool = True) -> float:
    total = 0.0
    for p in _tree(pid) if children else [pid]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def peak_rss_mb(pid: int) -> float:
    total = 0.0
    for p in _tree(pid):
        try:
            lines = Path(f"/proc/{p}/status").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) / 1024 for line in lines if line.startswith("VmHWM:"))
    return total


# -- client -------------------------------------------------------------------------------------------------


class Run:
    def __init__(self, calls: int, seconds: float, boards: int, trigger: float, seed: int) -> None:
        self.calls, self.seconds, self.boards, self.trigger = calls, seconds, boards, trigger
        self.rng = random.Random(seed)
        self.sent_at: dict[tuple[str, str], float] = {}
        self.latencies: list[float] = []
        self.received = 0
        self.segments = 0
        self.errors = 0
        self.stop = False

    async def board(self, url: str, headers: dict[str, str], ready: asyncio.Event, count: list[int]) -> None:
        import websockets

        async with websockets.connect(url, additional_headers=headers, max_size=None, max_queue=None) as ws:
            await ws.recv()  # the snapshot
            count[0] += 1
            if count[0] == self.boards:
                ready.set()
            async for raw in ws:
                now = time.perf_counter()
                if not raw.startswith('{"type": "alert"'):
                    continue  # board lines and the rest: a browser renders them, the benchmark has no use
                message = json.loads(raw)
                if message.get("type") == "alert" and message["alert"]["rule"] == "bench_trigger":
                    sent = self.sent_at.get((message["alert"]["call_id"], message["alert"]["segment_id"]))
                    if sent is not None:
                        self.latencies.append(now - sent)
                        self.received += 1

    async def call(self, url: str, headers: dict[str, str], n: int, doc: dict[str, Any]) -> None:
        import websockets

        call_id = f"bench-{n}"
        async with websockets.connect(url, additional_headers=headers) as ws:
            start = {
                "type": "call_start",
                "call_id": call_id,
                "agent": doc["agent"],
                "team": doc["team"],
                "language": doc["language"],
            }
            await ws.send(json.dumps(start))
            opened = time.perf_counter()
            reader = asyncio.create_task(self._errors(ws))
            lock = asyncio.Lock()
            parties = [self._party(ws, call_id, role, doc, opened, lock) for role in ("agent", "customer")]
            await asyncio.gather(*parties)
            elapsed = int((time.perf_counter() - opened) * 1000)
            await ws.send(json.dumps({"type": "call_end", "call_id": call_id, "at_ms": elapsed}))
            reader.cancel()

    async def _errors(self, ws: Any) -> None:
        async for _ in ws:
            self.errors += 1

    async def _party(
        self, ws: Any, call_id: str, role: str, doc: dict[str, Any], opened: float, lock: asyncio.Lock
    ) -> None:
        lines = [t["text"] for t in doc["turns"] if t["role"] == role] or ["Okay."]
        k = 0
        await asyncio.sleep(self.rng.uniform(0, 2))
        while not self.stop:
            text = lines[k % len(lines)]
            if self.rng.random() < self.trigger:
                text = f"{text} {TRIGGER}."
            now = time.perf_counter()
            at = int((now - opened) * 1000)
            segment_id = f"{role[0]}{k}"
            message = {
                "type": "segment",
                "call_id": call_id,
                "segment_id": segment_id,
                "role": role,
                "text": text,
                "start_ms": max(0, at - 1000),
                "end_ms": at,
            }
            if TRIGGER in text:
                self.sent_at[(call_id, segment_id)] = now
            async with lock:
                await ws.send(json.dumps(message))
            self.segments += 1
            k += 1
            await asyncio.sleep(self.rng.uniform(1, 2))


async def drive(port: int, token: str, run: Run) -> None:
    from score_data import generate

    headers = {"authorization": f"Bearer {token}"}
    base = f"ws://127.0.0.1:{port}/api/live"
    ready = asyncio.Event()
    count = [0]
    boards = [
        asyncio.create_task(run.board(f"{base}/board", headers, ready, count)) for _ in range(run.boards)
    ]
    await asyncio.wait_for(ready.wait(), 60)
    docs = generate(min(run.calls, 500), seed=5)
    calls = []
    for n in range(run.calls):  # connect gradually, as calls would arrive
        calls.append(asyncio.create_task(run.call(f"{base}/ingest", headers, n, docs[n % len(docs)])))
        await asyncio.sleep(0.002)
    await asyncio.sleep(run.seconds)
    run.stop = True
    await asyncio.gather(*calls)
    await asyncio.sleep(3)  # grace for the last alerts
    for task in boards:
        task.cancel()


def measure(kind: str, calls: int, args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="callqa-live-bench-"))
    port = free_port()
    token = make_token(folder) if kind.startswith("callqa") else "none"
    redis_cpu0 = _redis_cpu(args.redis) if kind == "callqa+redis" else 0.0
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            kind,
            str(folder),
            str(port),
            *([args.redis] if args.redis else []),
        ]
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        run = Run(calls, args.seconds, args.boards, args.trigger, seed=7)
        cpu0, wall0, client0 = cpu_seconds(server.pid), time.perf_counter(), time.process_time()
        own0 = cpu_seconds(server.pid, children=False)
        import uvloop

        uvloop.run(drive(port, token, run))
        wall = time.perf_counter() - wall0
        cpu = cpu_seconds(server.pid) - cpu0
        own = cpu_seconds(server.pid, children=False) - own0  # without the model process
        client_cpu = time.process_time() - client0
        peak = peak_rss_mb(server.pid)
        redis_cpu = _redis_cpu(args.redis) - redis_cpu0 if kind == "callqa+redis" else 0.0
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    triggers = len(run.sent_at)
    lat = sorted(run.latencies)

    def pct(q: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")

    return {
        "server": kind,
        "calls": calls,
        "segments": run.segments,
        "segments_per_s": run.segments / wall,
        "triggers": triggers,
        "alerts_expected": triggers * args.boards,
        "alerts_received": run.received,
        "dropped": triggers * args.boards - run.received,
        "errors": run.errors,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": 1000 * lat[-1] if lat else float("nan"),
        "server_cpu_pct": 100 * cpu / wall,
        "server_cpu_us_per_segment": 1e6 * cpu / max(run.segments, 1),
        "loop_process_cpu_us_per_segment": 1e6 * own / max(run.segments, 1),
        "redis_cpu_us_per_segment": 1e6 * redis_cpu / max(run.segments, 1),
        "client_cpu_pct": 100 * client_cpu / wall,
        "server_peak_mb": peak,
    }


def per_message(url: str, segments: int = 20_000) -> None:
    """CPU per segment of sharing calls through Redis, on the event loop's side and in all."""
    from callqa.live.cluster import Cluster
    from callqa.live.monitor import LiveMonitor
    from callqa.live.outputs import CallUpdate
    from callqa.live.protocol import CallStart, Segment
    from callqa.live.rules import load_rules
    from callqa.live.wire import output_json
    from score_data import generate

    docs = generate(200, seed=5)
    stream: list[CallStart | Segment] = []
    for n, doc in enumerate(docs):
        call_id = f"per-message-{n}"
        stream.append(CallStart(call_id, agent=doc["agent"], team=doc["team"], language=doc["language"]))
        for k, turn in enumerate(doc["turns"]):
            role = turn["role"] if turn["role"] in ("agent", "customer") else "system"
            stream.append(Segment(call_id, str(k), role, turn["text"], k * 3000, k * 3000 + 2500))
    stream = stream[:segments]
    count = sum(isinstance(m, Segment) for m in stream)
    for shared in (False, True, False, True):  # the first pair warms caches up; compare the second
        monitor = LiveMonitor(load_rules(), realtime=False)
        monitor.prime()
        cluster = Cluster(url, node="per-message") if shared else None
        if cluster is not None:
            cluster.client.flushdb()
            cluster.start(lambda message: None, lambda lost: None)
        loop0, all0 = time.thread_time(), time.process_time()
        for message in stream:
            outputs = monitor.handle(message)
            monitor.take_jobs()
            if cluster is not None:
                for call_id in {o.call_id for o in outputs}:
                    call = monitor.calls.get(call_id)
                    if call is not None:
                        cluster.save(call, None)
                shared_outputs = [output_json(o) for o in outputs if not isinstance(o, CallUpdate)]
                cluster.publish({"outputs": shared_outputs})
        loop = time.thread_time() - loop0
        if cluster is not None:
            cluster.stop()  # the writer has sent everything
            cluster.client = type(cluster.client).from_url(url)
            cluster.client.flushdb()
            cluster.client.close()
        total = time.process_time() - all0
        print(
            json.dumps(
                {
                    "redis": shared,
                    "segments": count,
                    "loop_us_per_segment": round(1e6 * loop / count, 1),
                    "process_us_per_segment": round(1e6 * total / count, 1),
                }
            ),
            flush=True,
        )


def _redis_cpu(url: str) -> float:
    """Redis's own CPU seconds so far (user + system, all its threads)."""
    import redis

    client = redis.Redis.from_url(url)
    info = client.info("cpu")
    client.close()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", default="100,500,1000")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--boards", type=int, default=10)
    parser.add_argument("--trigger", type=float, default=0.02)
    parser.add_argument("--redis", help="also run callqa sharing its calls through this Redis")
    parser.add_argument("--per-message", action="store_true", help="with --redis: only the cost per message")
    parser.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.per_message:
        per_message(args.redis)
        return
    if args.serve:
        kind, folder, port, *redis_url = args.serve
        if kind.startswith("callqa"):
            serve_callqa(Path(folder), int(port), redis_url[0] if kind == "callqa+redis" else None)
        else:
            serve_bare(int(port))
        return
    rows = []
    for calls in (int(c) for c in args.calls.split(",")):
        for kind in ("bare", "callqa", *(["callqa+redis"] if args.redis else [])):
            result = measure(kind, calls, args)
            rows.append(result)
            print(json.dumps(result), flush=True)
    print(f"\n{args.seconds:.0f} s per run, {args.boards} boards, trigger share {args.trigger:.0%}\n")
    print(
        "| calls | server | segments/s | alerts (expected) | dropped | p50 ms | p99 ms | max ms | server CPU "
        "| server µs/segment (without model process) | Redis µs/segment | peak MB | p99 ÷ bare |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    bare = {r["calls"]: r for r in rows if r["server"] == "bare"}
    for r in rows:
        ratio = r["p99_ms"] / bare[r["calls"]]["p99_ms"]
        print(
            f"| {r['calls']} | {r['server']} | {r['segments_per_s']:.0f} | "
            f"{r['alerts_received']} ({r['alerts_expected']}) | {r['dropped']} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['max_ms']:.0f} | {r['server_cpu_pct']:.0f} % | "
            f"{r['server_cpu_us_per_segment']:.0f} ({r['loop_process_cpu_us_per_segment']:.0f}) | "
            f"{r['redis_cpu_us_per_segment']:.0f} | "
            f"{r['server_peak_mb']:.0f} | {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
