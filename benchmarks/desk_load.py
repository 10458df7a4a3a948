"""Load probe of the review desk on loopback: 20 simulated editors checking and saving
while another client posts 1 MB bodies.

Serves a seeded day with `audience review` (the real server: uvicorn, one process, a
SQLite file), signs in N editors (default 20), and runs two phases with the same editor
workload: `quiet` (baseline: editors only) and `attacked` (the same plus one client
posting 1 MB bodies to /api/check as fast as it can, half with Content-Length, half
streamed without). Editors share posts two by two, so conflicts happen; an editor that
meets an approval retries once, naming it. Prints, per phase, p50/p95/max of the
editors' requests, their count, 5xx count, 409s, the attacker's answers, and then checks
every acknowledged change against SQL: the final state of each post must be the one
its highest acknowledged version says, and every acknowledged version must be in the
history (lost = acknowledged but not there).

    .venv/bin/python benchmarks/desk_load.py [--editors 20] [--seconds 60] [--quiet-seconds 20]
        [--think 1.0]   # 0: closed loop (a stress figure: latency = editors / throughput)

Goal (issue 20): attacked p95 < 500 ms, zero 5xx, zero lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from audience_assets.review import auth, state, views
from audience_assets.sql.engine import make_engine
from audience_assets_tests.review.helpers import DAY, seed_day

PASSWORD = "una clave larga de carga"
MB = 1024 * 1024


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    attacker: Counter[int] = field(default_factory=Counter)
    attacker_latencies: list[float] = field(default_factory=list)


@dataclass
class Ack:
    sheet_key: str
    version: int
    status: str
    text: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def sign_in(url: str, name: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=url, timeout=60)
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = await client.post("/login", data={"username": name, "password": PASSWORD,
                                              "csrf": token})
    assert done.status_code in (200, 303), (done.status_code, done.text[:200])
    day = await client.get(f"/day/{DAY}/x")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', day.text).group(1)  # type: ignore[union-attr]
    return client, csrf


async def editor(client: httpx.AsyncClient, csrf: str, item: views.ReviewItem, me: int,
                 until: float, phase: Phase, acks: list[Ack], think: float) -> None:
    key = {"date": DAY, "network": "x", "sheet_key": item.key.sheet_key}
    headers = {"X-CSRF-Token": csrf}
    version, text, status, n = item.version, item.text, item.status, 0
    confirm: int | None = None
    pause = random.Random(me)
    while time.monotonic() < until:
        if think:  # an editor reads and types between a check and the next
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))
        n += 1
        draft = f"{item.generated_text} (e{me}·{n})"
        started = time.perf_counter()
        check = await client.post("/api/check", json={**key, "text": draft}, headers=headers)
        phase.latencies.append(time.perf_counter() - started)
        phase.statuses[check.status_code] += 1
        action = "unapprove" if status == "approved" else ("save", "approve")[n % 2]
        body = {**key, "action": action, "version": version,
                "text": draft if action == "save" else text, "override_reason": "carga"}
        if confirm is not None:
            body["overwrite_approval"] = confirm
            confirm = None
        started = time.perf_counter()
        answer = await client.post("/api/action", json=body, headers=headers)
        phase.latencies.append(time.perf_counter() - started)
        phase.statuses[answer.status_code] += 1
        data = answer.json() if answer.headers.get("content-type", "").startswith(
            "application/json") else {}
        if answer.status_code == 200:
            version, text, status = data["version"], data["text"], data["status"]
            if not data.get("unchanged"):
                acks.append(Ack(item.key.sheet_key, version, data["status"], text))
        elif answer.status_code == 400 and os.environ.get("DESK_LOAD_DEBUG"):
            print(action, status, data)
        elif answer.status_code == 409:
            version, text = data["conflict"]["version"], data["conflict"]["text"]
            status = data["conflict"]["status"]
            if data.get("approval"):
                confirm = data["approval"]["version"]


def attacker_process(url: str, seconds: float) -> None:
    """The other client, in its own process (as it would be): signs in, then posts 1 MB
    bodies to /api/check until `seconds` pass, half with Content-Length and half streamed
    without; prints what it got as JSON."""
    import json

    client = httpx.Client(base_url=url, timeout=60)
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "intruso", "password": PASSWORD, "csrf": token})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"',  # type: ignore[union-attr]
                     client.get(f"/day/{DAY}/x").text).group(1)
    big = b'{"text": "' + b"a" * MB + b'"}'

    def streamed():
        for start in range(0, len(big), 64 * 1024):
            yield big[start:start + 64 * 1024]

    answers: Counter[str] = Counter()
    latencies = []
    until = time.monotonic() + seconds
    n = 0
    while time.monotonic() < until:
        n += 1
        started = time.perf_counter()
        try:
            answer = client.post("/api/check", content=big if n % 2 else streamed(),
                                 headers={"X-CSRF-Token": csrf,
                                          "Content-Type": "application/json"})
            answers[str(answer.status_code)] += 1
        except httpx.HTTPError as exc:  # the server closes a refused upload early
            answers[type(exc).__name__] += 1
        latencies.append(time.perf_counter() - started)
    print(json.dumps({"answers": answers, "median_ms": statistics.median(latencies) * 1000}))


async def attacker(url: str, seconds: float, phase: Phase) -> None:
    import json

    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--attacker", url, "--seconds", str(seconds),
        stdout=asyncio.subprocess.PIPE, env={**os.environ})
    out, _ = await proc.communicate()
    result = json.loads(out.decode().strip().splitlines()[-1])
    phase.attacker.update(result["answers"])
    phase.attacker_latencies.append(result["median_ms"] / 1000)


async def run_phase(url: str, clients: list[tuple[httpx.AsyncClient, str]],
                    items: list[views.ReviewItem], seconds: float, attacked: bool,
                    acks: list[Ack], engine, think: float) -> Phase:
    phase = Phase()
    until = time.monotonic() + seconds
    fresh = {i.key.sheet_key: i for i in views.load_day(engine, DAY, "x")}
    tasks = [editor(c, csrf, fresh[items[n % len(items)].key.sheet_key], n, until, phase,
                    acks, think) for n, (c, csrf) in enumerate(clients)]
    if attacked:
        tasks.append(attacker(url, seconds, phase))
    await asyncio.gather(*tasks)
    return phase


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(name: str, phase: Phase) -> None:
    fivexx = sum(c for s, c in phase.statuses.items() if isinstance(s, int) and s >= 500)
    print(f"{name:9s} editors' requests {len(phase.latencies):6d}  p50 "
          f"{pct(phase.latencies, 0.5):7.1f} ms  p95 {pct(phase.latencies, 0.95):7.1f} ms  "
          f"max {max(phase.latencies) * 1000:7.1f} ms  5xx {fivexx}  "
          f"statuses {dict(sorted(phase.statuses.items()))}")
    if phase.attacker:
        print(f"{'':9s} attacker 1 MB posts {sum(phase.attacker.values())}: "
              f"{dict(phase.attacker)}; median answer "
              f"{statistics.median(phase.attacker_latencies) * 1000:.1f} ms")


def lost_decisions(engine, acks: list[Ack]) -> tuple[int, int]:
    """(acknowledged changes, lost ones): each acknowledged version in the history with
    its status and text, and each post's final state = its highest acknowledged version."""
    lost = 0
    by_post: dict[str, list[Ack]] = {}
    for ack in acks:
        by_post.setdefault(ack.sheet_key, []).append(ack)
    now = {i.key.sheet_key: i for i in views.load_day(engine, DAY, "x")}
    for sheet_key, posted in by_post.items():
        key = state.DraftKey(DAY, sheet_key, "x")
        history = {h["version"]: h for h in views.history(engine, key)
                   if h["action"] != "conflict"}
        for ack in posted:
            entry = history.get(ack.version)
            if entry is None or entry["status"] != ack.status or entry["text"] != ack.text:
                lost += 1
        last = max(posted, key=lambda a: a.version)
        final = now[sheet_key]
        if (final.version, final.status, final.text) != (last.version, last.status, last.text):
            lost += 1
    return len(acks), lost


async def main_async(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="desk-load-"))
    db_url = f"sqlite:///{folder}/audience.db"
    engine = make_engine(db_url)
    seed_day(engine)
    items = views.load_day(engine, DAY, "x")[: max(1, args.editors // 2)]
    users = folder / "reviewers.yaml"
    names = [f"editor{n:02d}" for n in range(args.editors)] + ["intruso"]
    for name in names:
        auth.add_user(name, PASSWORD, users)
    port = free_port()
    env = {**os.environ, "AUDIENCE_DB_URL": db_url, "AUDIENCE_OUTPUT_DIR": str(folder / "out"),
           "AUDIENCE_REVIEWERS_FILE": str(users), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "audience_assets.cli", "review",
                               "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              text=True)
    try:
        url = (server.stdout.readline() if server.stdout else "").strip().rstrip("/")
        assert url, "the desk did not start"
        clients = [await sign_in(url, name) for name in names[:-1]]
        print(f"desk load probe: {args.editors} editors on {len(items)} posts (two per "
              f"post), think time {args.think:g} s (x0.5-1.5) between check+action pairs, "
              f"SQLite, one uvicorn process, {url}")
        acks: list[Ack] = []
        if args.warmup:  # first validations and connections, not counted in either phase
            await run_phase(url, clients, items, args.warmup, False, acks, engine, args.think)
        quiet = await run_phase(url, clients, items, args.quiet_seconds, False, acks, engine,
                                args.think)
        report("quiet", quiet)
        attacked = await run_phase(url, clients, items, args.seconds, True, acks, engine,
                                   args.think)
        report("attacked", attacked)
        for client, _ in clients:
            await client.aclose()
        total, lost = lost_decisions(engine, acks)
        p95 = pct(attacked.latencies, 0.95)
        fivexx = sum(c for s, c in attacked.statuses.items() if s >= 500) + sum(
            c for s, c in quiet.statuses.items() if s >= 500)
        print(f"acknowledged changes {total}, lost {lost}")
        ok = p95 < 500 and fivexx == 0 and lost == 0
        print(f"goal (attacked p95 < 500 ms, 0 5xx, 0 lost): {'met' if ok else 'NOT met'} "
              f"(p95 {p95:.1f} ms, 5xx {fivexx}, lost {lost})")
        return 0 if ok else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--quiet-seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--attacker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds an editor pauses between a check+action pair "
                        "(0: closed loop, every editor as fast as the desk answers)")
    args = parser.parse_args()
    if args.attacker:
        attacker_process(args.attacker, args.seconds)
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
