"""The review desk in a real browser: `audience review` serving a seeded day, headless
Chromium (Debian's package) driven by Playwright. Screenshots of each step are kept
under var/test-artifacts/desk/ (AUDIENCE_TEST_ARTIFACTS moves them)."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from audience_assets.drafting.validation import measure
from audience_assets.review import auth, decisions, views
from audience_assets.sql.engine import make_engine
from audience_assets.sql.schema import post_drafts
from audience_assets_tests.browser import ARTIFACTS, chromium

from .helpers import DAY, seed_day

pytestmark = pytest.mark.browser

PASSWORD = "una clave larga de prueba"
HOSTILE = "<script>window.pwned=1</script>{{7*7}}"
SHOTS = ARTIFACTS / "desk"
POSTS = 11  # ten to approve, the last one carries the hostile title


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    db_url = f"sqlite:///{folder}/audience.db"
    engine = make_engine(db_url)
    seed_day(engine, limit=POSTS)
    with engine.begin() as conn:
        row = conn.execute(sa.select(post_drafts.c.id, post_drafts.c.fact_sheet)
                           .order_by(post_drafts.c.id.desc())).first()
        sheet = json.loads(row.fact_sheet)
        sheet["title"] = HOSTILE
        conn.execute(post_drafts.update().where(post_drafts.c.id == row.id).values(
            fact_sheet=json.dumps(sheet)))
    first = views.load_day(engine, DAY, "x")[0]
    images = add_image_candidates(engine, folder / "out", first.key)
    users = folder / "reviewers.yaml"
    for name in ("ana", "luis"):
        auth.add_user(name, PASSWORD, users)
    port = free_port()
    env = {**os.environ, "AUDIENCE_DB_URL": db_url, "AUDIENCE_OUTPUT_DIR": str(folder / "out"),
           "AUDIENCE_REVIEWERS_FILE": str(users), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "audience_assets.cli", "review",
                               "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()  # the command prints its URL once serving
        assert url == f"http://127.0.0.1:{port}/", server.stderr.read()
        with chromium() as browser:
            yield {"url": url.rstrip("/"), "engine": engine, "browser": browser,
                   "out": folder / "out", "images": images}
    finally:
        server.terminate()
        server.wait(timeout=20)


def add_image_candidates(engine: sa.Engine, out: Path, key: decisions.DraftKey) -> list[str]:
    """Rows of the image stage's table, with real picture files under the output folder
    (stored relative to it, as the image stage stores them)."""
    from PIL import Image

    from audience_assets.sql.schema import image_candidates as table

    rows, hashes = [], []
    for rank, colour in enumerate(("#d4a000", "#3b6ee8"), start=1):
        path = out / "images" / f"candidate-{rank}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (160, 100), colour).save(path)
        digest = f"{rank:02d}" + "ab" * 31
        hashes.append(digest)
        rows.append({"broadcast_date": key.date, "sheet_key": key.sheet_key,
                     "network": key.network, "image_url": f"https://example.org/{rank}.png",
                     "page_url": "javascript:alert(1)" if rank == 2 else
                     "https://example.org/nota", "path": f"images/{path.name}", "sha256": digest,
                     "reasons": "fecha del día", "rank": rank, "score": 1.0 / rank,
                     "default": rank == 2, "published": key.date, "width": 160,
                     "height": 100, "phash": "0" * 16, "credit": f"Foto: Agencia {rank}",
                     "ranker": "offline",
                     "created_at": 0.0})
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
    return hashes


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def sign_in(browser, url: str, user: str, name: str | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill('input[name="username"]', user)
    page.fill('input[name="password"]', PASSWORD)
    if name:
        shot(page, name)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{url}/")
    return context, page


def post(page, n: int):
    return page.locator(f"#post-{n}")


def test_review_ten_posts_edit_break_fix_approve_and_export(desk):
    url = desk["url"]
    context, page = sign_in(desk["browser"], url, "ana", "01-login")
    shot(page, "02-signed-in")
    started = time.perf_counter()
    page.click(f'a[href="/day/{DAY}/x"]')
    page.wait_for_selector("#post-1")
    shot(page, "03-day")
    first = post(page, 1)
    text = first.locator('textarea[data-role="text"]')
    generated = text.input_value()
    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" ¡Increíble!")
    violation = first.locator('[data-role="violations"] li', has_text="style.exclamation")
    violation.wait_for()
    assert "incumple" not in violation.inner_text()
    shot(page, "04-rule-broken")
    page.keyboard.press("Control+Enter")  # approving an invalid text asks for a reason
    first.locator('[data-role="override"]').wait_for(state="visible")
    shot(page, "05-override-asked")
    fixed = generated.replace("consiguió", "logró")
    assert fixed != generated
    text.fill(fixed)
    first.locator('[data-role="ok"]').wait_for(state="visible")
    assert first.locator('[data-role="violations"] li').count() == 0
    assert int(first.locator('[data-role="length"]').inner_text()) == measure(fixed, "x")
    # the candidate pictures: thumbnails served by the desk; a javascript: link is dropped
    thumbs = first.locator(".thumb img")
    assert thumbs.count() == 2
    assert first.locator('.thumb a[href^="javascript"]').count() == 0
    first.locator('.thumb input[type="radio"]').nth(1).check()
    first.locator('[data-role="message"]', has_text="Imagen elegida").wait_for()
    shot(page, "06-fixed-image-chosen")
    text.focus()
    page.keyboard.press("Control+Enter")
    first.locator('[data-role="status"]', has_text="aprobado").wait_for()
    shot(page, "07-first-approved")
    # the focus moved to the next post: the rest is one key press each
    for n in range(2, 11):
        assert page.evaluate("document.activeElement.closest('article').id") == f"post-{n}"
        page.keyboard.press("Control+Enter")
        post(page, n).locator('[data-role="status"]', has_text="aprobado").wait_for()
    seconds = time.perf_counter() - started
    assert page.locator("#approved-count").inner_text() == "10"
    shot(page, "08-ten-approved")
    (SHOTS / "timing.txt").write_text(
        f"10 posts reviewed (one edited, broken, fixed, image chosen; nine approved by "
        f"keyboard) in {seconds:.1f} s\n", encoding="utf-8")
    with page.expect_download() as download_info:
        page.click(f'a[href="/exports/{DAY}/posts.csv"]')
    rows = list(csv.DictReader(io.StringIO(
        Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 10
    assert rows[0]["texto"] == fixed and rows[0]["revisor"] == "ana"
    assert rows[0]["imagen"].startswith("images/01-x-")
    assert (desk["out"] / "exports" / DAY / rows[0]["imagen"]).read_bytes() == (
        desk["out"] / views.image_candidates(desk["engine"], views.load_day(
            desk["engine"], DAY, "x")[0].key)[1].path).read_bytes()
    assert rows[0]["credito_imagen"] == "Foto: Agencia 2"
    context.close()


def test_two_reviewers_on_one_post_see_the_conflict_and_lose_nothing(desk):
    url = desk["url"]
    ana_context, ana = sign_in(desk["browser"], url, "ana")
    luis_context, luis = sign_in(desk["browser"], url, "luis")
    for page in (ana, luis):
        page.goto(f"{url}/day/{DAY}/x")
    n = POSTS
    base = post(ana, n).locator('textarea[data-role="text"]').input_value()
    theirs, mine = base.replace("reunió", "logró"), base.replace("reunió", "congregó")
    assert len({base, theirs, mine}) == 3
    post(ana, n).locator('textarea[data-role="text"]').fill(theirs)
    post(ana, n).locator('button[data-action="save"]').click()
    post(ana, n).locator('[data-role="message"]', has_text="Guardado").wait_for()
    box = post(luis, n).locator('textarea[data-role="text"]')
    box.fill(mine)
    box.focus()
    luis.keyboard.press("Control+s")
    conflict = post(luis, n).locator('[data-role="conflict"]')
    conflict.wait_for(state="visible")
    diff = post(luis, n).locator('[data-role="diff"]')
    assert diff.locator("del").first.inner_text().strip() == "logró"
    assert diff.locator("ins").first.inner_text().strip() == "congregó"
    assert "ana editó el texto a las" in post(luis, n).locator(
        '[data-role="conflict-message"]').inner_text()
    assert box.input_value() == mine  # the loser's text is still in the box
    post(luis, n).scroll_into_view_if_needed()
    shot(luis, "09-conflict")
    key = views.load_day(desk["engine"], DAY, "x")[n - 1].key
    assert [(h["action"], h["text"]) for h in views.history(desk["engine"], key)] == [
        ("edit", theirs), ("conflict", mine)]
    post(luis, n).locator('button[data-action="keep-mine"]').click()
    post(luis, n).locator('[data-role="message"]', has_text="Guardado").wait_for()
    shot(luis, "10-conflict-resolved")
    assert views.load_day(desk["engine"], DAY, "x")[n - 1].text == mine
    ana_context.close()
    luis_context.close()


def test_a_hostile_title_is_shown_as_text(desk):
    context, page = sign_in(desk["browser"], desk["url"], "ana")
    page.goto(f"{desk['url']}/day/{DAY}/x")
    title = post(page, POSTS).locator("h2.title")
    assert title.inner_text() == HOSTILE
    assert page.evaluate("window.pwned === undefined")
    assert page.locator("script").count() == 1  # only the desk's own desk.js
    title.scroll_into_view_if_needed()
    shot(page, "11-hostile-title")
    context.close()


def test_an_invalid_text_is_approved_only_with_a_typed_reason(desk):
    context, page = sign_in(desk["browser"], desk["url"], "luis")
    page.goto(f"{desk['url']}/day/{DAY}/x")
    target = post(page, POSTS)
    box = target.locator('textarea[data-role="text"]')
    broken = box.input_value() + " ¡Gran resultado!"
    box.fill(broken)
    target.locator('[data-role="violations"] li', has_text="style.exclamation").wait_for()
    box.focus()
    page.keyboard.press("Control+Enter")
    reason = target.locator('input[data-role="reason"]')
    reason.wait_for(state="visible")
    assert page.evaluate("document.activeElement.dataset.role") == "reason"
    reason.type("El cliente pide la exclamación en este post")
    page.keyboard.press("Enter")
    target.locator('[data-role="status"]', has_text="aprobado").wait_for()
    shot(page, "12-approved-with-reason")
    item = views.load_day(desk["engine"], DAY, "x")[POSTS - 1]
    assert (item.status, item.text) == ("approved", broken)
    assert item.override_reason == "El cliente pide la exclamación en este post"
    assert views.history(desk["engine"], item.key)[-1]["override_reason"] == (
        item.override_reason)
    context.close()


def test_unsaved_text_survives_a_session_expiry_and_leaving_the_page(desk):
    from audience_assets.sql.schema import review_sessions

    url = desk["url"]
    context, page = sign_in(desk["browser"], url, "ana")
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    page.goto(f"{url}/day/{DAY}/x")
    target = post(page, 3)
    box = target.locator('textarea[data-role="text"]')
    typed = box.input_value() + " (sin guardar)"
    box.fill(typed)
    page.locator("#unsaved-banner").wait_for(state="visible")
    with desk["engine"].begin() as conn:  # the session expires while she types
        conn.execute(review_sessions.update().where(review_sessions.c.reviewer == "ana")
                     .values(expires_at=time.time() - 1))
    target.locator('button[data-action="save"]').click()
    target.locator('[data-role="message"]', has_text="sesión ha caducado").wait_for()
    page.goto(f"{url}/login")  # leaving asks first
    assert "beforeunload" in dialogs
    page.fill('input[name="username"]', "ana")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/day/{DAY}/x")
    target = post(page, 3)
    assert target.locator('textarea[data-role="text"]').input_value() == typed
    target.locator('[data-role="message"]', has_text="recuperado").wait_for()
    shot(page, "13-unsaved-text-recovered")
    key = views.load_day(desk["engine"], DAY, "x")[2].key
    assert views.public_state(desk["engine"], key)["text"] != typed  # not saved yet
    target.locator('button[data-action="save"]').click()
    target.locator('[data-role="message"]', has_text="Guardado").wait_for()
    assert views.public_state(desk["engine"], key)["text"] == typed
    page.reload()
    assert post(page, 3).locator('[data-role="message"]').inner_text() == ""
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('desk:'))") == []
    context.close()
