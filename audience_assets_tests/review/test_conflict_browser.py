"""Two editors on one post, in Chromium (two browser contexts): every pair of actions
(approve, edit, reject, un-approve, image, restore), with the second editor's page loaded
before the first acted (stale) and after (fresh). After each action: what SQL holds,
the history, and what each editor's page shows. Zero decisions lost: every acknowledged
change is in the history and the final state is the last acknowledged one, no approval
is replaced without an explicit confirmation naming it, the approver is told, and every
page shows SQL's state. The figures go to var/test-artifacts/desk/conflicts.txt.

Each pair has its own post, so one page load per editor and round covers all 36 pairs:
round "stale" on 2026-11-18, round "fresh" on 2026-11-17 (x and bluesky each)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from audience_assets.review import auth, decisions, state, views
from audience_assets.sql.engine import make_engine
from audience_assets.sql.schema import image_candidates, review_notices
from audience_assets_tests.browser import ARTIFACTS, chromium

from .helpers import DAY, seed_day
from .test_desk_browser import PASSWORD, free_port, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

ACTIONS = ("approve", "edit", "reject", "unapprove", "image", "restore")
PAIRS = list(itertools.product(ACTIONS, ACTIONS))
ROUNDS = {"stale": DAY, "fresh": "2026-11-17"}
NETWORKS = ("x", "bluesky")
TAGS = {"ana": "#AudienciaTV", "luis": "#AudienciasHoy", "carla": "#AudienciasYa"}
IMAGES = {"ana": "2" * 64, "luis": "1" * 64}
LABELS = decisions.DECISION_LABELS


@dataclass
class Case:
    first: str
    second: str
    key: decisions.DraftKey
    page_index: int  # 0: x page, 1: bluesky page
    dom_id: str
    # (who, action, status, answer's JSON)
    answers: list[tuple[str, str, int, dict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def conflict_desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conflicts")
    db_url = f"sqlite:///{folder}/audience.db"
    engine = make_engine(db_url)
    seed_day(engine, ROUNDS["fresh"], networks=NETWORKS)
    seed_day(engine, DAY, networks=NETWORKS)
    out = folder / "out"
    (out / "images").mkdir(parents=True)
    from PIL import Image

    for n, colour in (("1", "#d4a000"), ("2", "#3b6ee8")):
        Image.new("RGB", (80, 50), colour).save(out / "images" / f"{n}.png")
    rows = []
    for date in ROUNDS.values():
        for network in NETWORKS:
            for item in views.load_day(engine, date, network):
                for n in ("1", "2"):
                    rows.append(dict(
                        broadcast_date=date, sheet_key=item.key.sheet_key, network=network,
                        rank=int(n), score=1.0 / int(n), reasons="[]",
                        image_url=f"https://tv.example/{n}.png", page_url="https://tv.example/",
                        published=date, width=80, height=50, sha256=n * 64, phash="0" * 16,
                        path=f"images/{n}.png", credit=f"Foto {n}", default=n == "1",
                        ranker="test", created_at=0.0))
    with engine.begin() as conn:
        conn.execute(image_candidates.insert(), rows)
    users = folder / "reviewers.yaml"
    for name in ("ana", "luis", "carla"):
        auth.add_user(name, PASSWORD, users)
    port = free_port()
    env = {**os.environ, "AUDIENCE_DB_URL": db_url, "AUDIENCE_OUTPUT_DIR": str(out),
           "AUDIENCE_REVIEWERS_FILE": str(users), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "audience_assets.cli", "review",
                               "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port}/", server.stderr.read()
        with chromium() as browser:
            yield {"url": url.rstrip("/"), "engine": engine, "browser": browser}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def precondition(engine, case: Case) -> None:
    """Approved by carla when the pair un-approves; edited by carla before a restore."""
    item = sql_state(engine, case.key)
    if "unapprove" in (case.first, case.second):
        state.approve(engine, case.key, item.text, item.version, "carla")
    elif case.first == "restore":
        state.save_text(engine, case.key, item.text.replace("#Audiencias", TAGS["carla"]),
                        item.version, "carla")


def open_pages(desk, who: str, date: str):
    context, page = sign_in(desk["browser"], desk["url"], who)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved text?"
    pages = [page, context.new_page()]
    for p, network in zip(pages, NETWORKS, strict=True):
        p.on("dialog", lambda dialog: dialog.accept())
        p.set_default_timeout(15000)
        p.goto(f"{desk['url']}/day/{date}/{network}")
    return context, pages


@dataclass(frozen=True)
class Held:
    status: str
    version: int
    text: str
    chosen_image: str
    reviewer: str


def sql_state(engine, key: decisions.DraftKey) -> Held:
    """What SQL holds for one post (one row read, not the whole day)."""
    with engine.connect() as conn:
        draft = views.draft_row(conn, key)
    public = views.public_state(engine, key, draft)
    return Held(public["status"], public["version"], public["text"], public["chosen_image"],
                public["reviewer"])


def act(page, case: Case, who: str, action: str, keep_mine: bool = False) -> int | None:
    """One click (or the conflict box's 'keep mine'); the answer's status, None when the
    page does not offer the action."""
    page.bring_to_front()  # a background tab's timers and frames are throttled
    post = page.locator(f"#{case.dom_id}")
    acted = int(post.get_attribute("data-acted") or 0)
    if keep_mine:
        button = post.locator('button[data-action="keep-mine"]')
    elif action == "edit":
        post.locator('textarea[data-role="text"]').fill(
            sql_text_for(post, who))
        button = post.locator('button[data-action="save"]')
    elif action == "image":
        button = post.locator(f'input[data-role="image"][value="{IMAGES[who]}"]')
    elif action == "reject":
        post.locator('input[data-role="reject-reason"]').fill(f"motivo de {who}")
        button = post.locator('button[data-action="reject"]')
    else:
        button = post.locator(f'button[data-action="{action}"]')
    if not button.is_visible():
        return None
    with page.expect_response(lambda r: r.url.endswith("/api/action")) as answer:
        # a radio too is clicked, not check()ed: on a conflict the page puts the radio
        # back to SQL's choice at once, which check() would take for a failed click
        button.click()
    page.wait_for_function(
        "([id, n]) => Number(document.getElementById(id).dataset.acted || 0) > n",
        arg=[case.dom_id, acted])
    response = answer.value
    case.answers.append((who, "keep-mine" if keep_mine else action, response.status,
                         response.json()))
    return response.status


def sql_text_for(post, who: str) -> str:
    text = post.locator('textarea[data-role="text"]').input_value()
    for tag in TAGS.values():
        text = text.replace(tag, "#Audiencias")
    return text.replace("#Audiencias", TAGS[who])


def shows_sql(page, case: Case, engine, who: str) -> None:
    """The page shows what SQL holds: decision chip, version, chosen image."""
    item = sql_state(engine, case.key)
    post = page.locator(f"#{case.dom_id}")
    chip = post.locator('[data-role="status"]').inner_text()
    if chip != LABELS[decisions.decision_of(item.status)]:
        case.problems.append(f"{who} sees '{chip}', SQL holds {item.status}")
    if int(post.get_attribute("data-version")) != item.version:
        case.problems.append(f"{who}'s page has version {post.get_attribute('data-version')},"
                             f" SQL {item.version}")
    checked = post.locator('input[data-role="image"]:checked')
    shown = checked.get_attribute("value") if checked.count() else ""
    if shown != item.chosen_image:
        case.problems.append(f"{who}'s page shows image {shown[:4]}, SQL {item.chosen_image[:4]}")


def run_round(desk, name: str) -> list[Case]:
    engine = desk["engine"]
    date = ROUNDS[name]
    posts = [(n, i) for n, network in enumerate(NETWORKS)
             for i in views.load_day(engine, date, network)]
    assert len(posts) >= len(PAIRS)
    cases = []
    for (first, second), (page_index, item) in zip(PAIRS, posts, strict=False):
        case = Case(first, second, item.key, page_index, f"post-{item.rank}")
        precondition(engine, case)
        cases.append(case)
    ana_context, ana = open_pages(desk, "ana", date)
    if name == "stale":
        luis_context, luis = open_pages(desk, "luis", date)
    for case in cases:
        page = ana[case.page_index]
        status = act(page, case, "ana", case.first)
        if status == 409:  # carla's approval: ana confirms, naming it
            message = page.locator(f'#{case.dom_id} [data-role="conflict-message"]').inner_text()
            if "aprobado por carla" not in message:
                case.problems.append(f"ana's conflict does not name carla's approval: {message}")
            act(page, case, "ana", case.first, keep_mine=True)
        shows_sql(page, case, engine, "ana")
    if name == "fresh":
        luis_context, luis = open_pages(desk, "luis", date)
    for case in cases:
        page = luis[case.page_index]
        before = sql_state(engine, case.key)
        status = act(page, case, "luis", case.second)
        after = sql_state(engine, case.key)
        if status is None:
            continue  # not offered on this page (un-approve of a post not approved)
        if before.status == "approved" and before.reviewer != "luis" and case.second != \
                "unapprove" and (after.status, after.text, after.chosen_image) != (
                before.status, before.text, before.chosen_image):
            case.problems.append(f"{before.reviewer}'s approval replaced without confirmation")
        if status == 409:
            box = page.locator(f'#{case.dom_id} [data-role="conflict"]')
            message = box.locator('[data-role="conflict-message"]').inner_text()
            if not box.is_visible() or before.reviewer not in message:
                case.problems.append(f"luis's conflict does not name {before.reviewer}: {message}")
            if name == "stale" and "a las" not in message:
                case.problems.append(f"stale conflict without who/what/when: {message}")
            shows_sql(page, case, engine, "luis")
            act(page, case, "luis", case.second, keep_mine=True)
        shows_sql(page, case, engine, "luis")
    # the approver is told, on the next page load, of every approval replaced
    page = ana[0]
    with engine.connect() as conn:
        unseen = conn.execute(sa.select(sa.func.count()).select_from(review_notices).where(
            review_notices.c.reviewer == "ana", review_notices.c.seen_at.is_(None),
            review_notices.c.broadcast_date == date)).scalar()
    page.reload()
    shown = page.locator('[data-role="notices"] p').count()
    for case in cases:
        if case.page_index == 0:
            shows_sql(page, case, engine, "ana (reloaded)")
    ana_context.close()
    luis_context.close()
    for case in cases:
        audit(engine, case)
    if shown != unseen:
        cases[0].problems.append(f"ana had {unseen} notices, her page showed {shown}")
    return cases


def audit(engine, case: Case) -> None:
    """Every acknowledged change is in the history with its author; the final state is
    the last acknowledged one; every refused one left a 'conflict' line."""
    history = views.history(engine, case.key)
    applied = {h["version"]: h for h in history if h["action"] != "conflict"}
    acked = [(who, body) for who, _, status, body in case.answers
             if status == 200 and not body.get("unchanged")]
    for who, body in acked:
        entry = applied.get(body["version"])
        if entry is None or entry["reviewer"] != who or entry["status"] != body["status"]:
            case.problems.append(f"LOST: {who}'s version {body['version']} not in history")
    conflicts = sum(1 for h in history if h["action"] == "conflict")
    if conflicts < sum(1 for _, _, status, _ in case.answers if status == 409):
        case.problems.append("a refused change left no 'conflict' line")
    if acked:
        last = max((body for _, body in acked), key=lambda b: b["version"])
        final = sql_state(engine, case.key)
        if (final.version, final.status, final.text) != (last["version"], last["status"],
                                                         last["text"]):
            case.problems.append(f"LOST: final state v{final.version} {final.status} is not "
                                 f"the last acknowledged v{last['version']} {last['status']}")


def test_every_pair_of_actions_stale_and_fresh_loses_nothing(conflict_desk):
    started = time.perf_counter()
    results = {name: run_round(conflict_desk, name) for name in ROUNDS}
    seconds = time.perf_counter() - started
    lines, problems, statuses = [], [], Counter()
    for name, cases in results.items():
        for case in cases:
            answers = " ".join(f"{who[0]}:{action}={status}"
                               for who, action, status, _ in case.answers)
            final = sql_state(conflict_desk["engine"], case.key)
            lines.append(f"{name:5s} {case.first:9s} then {case.second:9s} -> "
                         f"{decisions.decision_of(final.status):8s} v{final.version:<2d} "
                         f"by {final.reviewer:5s} | {answers}")
            statuses.update(status for _, _, status, _ in case.answers)
            problems += [f"{name} {case.first}/{case.second}: {p}" for p in case.problems]
    lost = sum(1 for p in problems if "LOST" in p)
    summary = (f"{sum(len(c) for c in results.values())} cases (36 pairs x stale/fresh) in "
               f"{seconds:.1f} s; answers {dict(sorted(statuses.items()))}; "
               f"problems {len(problems)}; decisions lost {lost}")
    out = ARTIFACTS / "desk"
    out.mkdir(parents=True, exist_ok=True)
    (out / "conflicts.txt").write_text("\n".join([summary, *problems, *lines]) + "\n",
                                       encoding="utf-8")
    print(summary)
    assert problems == [], "\n".join(problems[:20])
    assert statuses[409] > 0 and statuses[200] > 0
