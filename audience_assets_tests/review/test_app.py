"""The desk's HTTP surface: sign-in, expiring sessions, CSRF on every change, escaping,
the actions and their conflicts, downloads."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from audience_assets.drafting.validation import measure
from audience_assets.review import auth, decisions, views
from audience_assets.review.app import DeskSettings, create_app
from audience_assets.sql.engine import make_engine
from audience_assets.sql.schema import post_drafts, review_sessions

from .helpers import DAY, seed_day

PASSWORD = "correct horse battery"
HOSTILE = "<script>window.pwned=1</script>{{7*7}}"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    engine = make_engine(f"sqlite:///{folder}/audience.db")
    seed_day(engine, limit=4)
    # a hostile programme title, as a delivery could carry it
    with engine.begin() as conn:
        row = conn.execute(sa.select(post_drafts.c.id, post_drafts.c.fact_sheet)
                           .order_by(post_drafts.c.id.desc())).first()
        sheet = json.loads(row.fact_sheet)
        sheet["title"] = HOSTILE
        conn.execute(post_drafts.update().where(post_drafts.c.id == row.id).values(
            fact_sheet=json.dumps(sheet)))
    users = folder / "reviewers.yaml"
    auth.add_user("ana", PASSWORD, users)
    auth.add_user("luis", PASSWORD, users)
    settings = DeskSettings(db_url="unused", output_dir=str(folder / "out"),
                            users_file=str(users), engine=engine)
    return settings


@pytest.fixture(autouse=True)
def no_failed_sign_ins(desk):
    # every test starts with no failed sign-in counted (they share one store)
    from audience_assets.sql.schema import review_signin_failures

    with desk.get_engine().begin() as conn:
        conn.execute(review_signin_failures.delete())


def sign_in(settings: DeskSettings, user: str = "ana") -> tuple[TestClient, str]:
    client = TestClient(create_app(settings))
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": user, "password": PASSWORD,
                                            "csrf": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    day = client.get(f"/day/{DAY}/x")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', day.text).group(1)
    return client, csrf


def first_key(settings: DeskSettings) -> dict[str, str]:
    item = views.load_day(settings.get_engine(), DAY, "x")[0]
    return {"date": DAY, "network": "x", "sheet_key": item.key.sheet_key}


def test_pages_need_a_session(desk):
    client = TestClient(create_app(desk))
    assert client.get(f"/day/{DAY}/x", follow_redirects=False).headers["location"] == "/login"
    assert client.post("/api/action", json={}).status_code == 401
    assert client.get(f"/exports/{DAY}/posts.csv", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_are_refused(desk):
    client = TestClient(create_app(desk))
    for user, password in (("ana", "wrong password!"), ("nadie", PASSWORD)):
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        response = client.post("/login", data={"username": user, "password": password,
                                                "csrf": token})
        assert response.status_code == 401 and "incorrectos" in response.text


def test_login_form_needs_its_csrf_token(desk):
    client = TestClient(create_app(desk))
    client.get("/login")
    response = client.post("/login", data={"username": "ana", "password": PASSWORD,
                                            "csrf": "forged"})
    assert response.status_code == 403


def test_every_change_needs_the_csrf_token(desk):
    client, _ = sign_in(desk)
    body = {**first_key(desk), "action": "save", "text": "x", "version": 0}
    assert client.post("/api/action", json=body).status_code == 403
    assert client.post("/api/action", json=body,
                       headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert views.history(desk.get_engine(), decisions.DraftKey(**{
        "date": DAY, "sheet_key": body["sheet_key"], "network": "x"})) == []


def test_sessions_expire(desk):
    client, csrf = sign_in(desk)
    with desk.get_engine().begin() as conn:
        conn.execute(review_sessions.update().values(expires_at=time.time() - 1))
    assert client.get(f"/day/{DAY}/x", follow_redirects=False).status_code == 303
    assert client.post("/api/check", json={}, headers={"X-CSRF-Token": csrf}).status_code == 401


def test_logout_ends_the_session(desk):
    client, csrf = sign_in(desk)
    client.post("/logout", data={"csrf": csrf})
    assert client.get(f"/day/{DAY}/x", follow_redirects=False).status_code == 303


def test_hostile_title_is_escaped_and_pages_forbid_foreign_scripts(desk):
    client, _ = sign_in(desk)
    page = client.get(f"/day/{DAY}/x")
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;{{7*7}}" in page.text
    assert "<script>window.pwned" not in page.text and "49" not in page.text.split(
        "window.pwned")[1][:40]
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp


def test_check_recomputes_the_verdict_on_the_server(desk):
    client, csrf = sign_in(desk)
    key = first_key(desk)
    item = views.load_day(desk.get_engine(), DAY, "x")[0]
    good = client.post("/api/check", json={**key, "text": item.generated_text},
                       headers={"X-CSRF-Token": csrf}).json()
    assert good["valid"] and good["length"] == measure(item.generated_text, "x")
    bad = client.post("/api/check", json={**key, "text": item.generated_text + " ¡Genial!"},
                      headers={"X-CSRF-Token": csrf}).json()
    assert not bad["valid"]
    assert "style.exclamation" in {v["rule"] for v in bad["violations"]}


def test_actions_override_and_conflict_over_http(desk):
    ana, ana_csrf = sign_in(desk, "ana")
    luis, luis_csrf = sign_in(desk, "luis")
    key = views.load_day(desk.get_engine(), DAY, "x")[1]
    body = {"date": DAY, "network": "x", "sheet_key": key.key.sheet_key}
    version = key.version
    broken = key.text + " ¡Genial!"
    refused = ana.post("/api/action", json={**body, "action": "approve", "text": broken,
                                            "version": version},
                       headers={"X-CSRF-Token": ana_csrf})
    assert refused.status_code == 422 and refused.json()["override_required"]
    saved = ana.post("/api/action", json={**body, "action": "save", "text": broken,
                                          "version": version},
                     headers={"X-CSRF-Token": ana_csrf})
    assert saved.status_code == 200 and saved.json()["reviewer"] == "ana"
    clash = luis.post("/api/action", json={**body, "action": "save", "text": "otro",
                                           "version": version},
                      headers={"X-CSRF-Token": luis_csrf})
    assert clash.status_code == 409
    assert clash.json()["conflict"]["text"] == broken and "ana" in clash.json()["error"]
    ok = luis.post("/api/action", json={**body, "action": "approve", "text": broken,
                                        "version": version + 1, "override_reason": "pedido"},
                   headers={"X-CSRF-Token": luis_csrf})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    csv = luis.get(f"/exports/{DAY}/posts.csv")
    assert csv.status_code == 200 and "¡Genial!" in csv.content.decode("utf-8-sig")
    assert "pedido" in csv.content.decode("utf-8-sig")


def test_bad_input_gets_clear_errors(desk):
    client, csrf = sign_in(desk)
    h = {"X-CSRF-Token": csrf}
    assert client.get("/day/2026-13-40/x").status_code == 404
    assert client.get(f"/day/{DAY}/myspace").status_code == 404
    assert client.post("/api/action", json={"date": DAY}, headers=h).status_code == 400
    assert client.post("/api/action", json={**first_key(desk), "action": "fly", "text": "",
                                            "version": 0}, headers=h).status_code == 400
    assert client.get(f"/exports/{DAY}/../../etc/passwd").status_code == 404


def test_reviewers_file_errors_are_one_clear_line(tmp_path: Path):
    bad = tmp_path / "r.yaml"
    bad.write_text("reviewers:\n  ana: {password_hash: plain}\n")
    with pytest.raises(auth.ReviewersFileError, match="argon2"):
        auth.load_users(bad)
    with pytest.raises(ValueError, match="at least"):
        auth.add_user("ana", "short", tmp_path / "ok.yaml")
    path = auth.add_user("ana", PASSWORD, tmp_path / "ok.yaml")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert PASSWORD not in path.read_text()


def login_status(client: TestClient, user: str, password: str) -> tuple[int, str]:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"username": user, "password": password,
                                            "csrf": token}, follow_redirects=False)
    return response.status_code, response.text


def test_failed_sign_ins_grow_a_delay_counted_in_sql(desk):
    from audience_assets.sql.schema import review_signin_failures as failures

    client = TestClient(create_app(desk))
    assert [login_status(client, "luis", "wrong password!")[0] for _ in range(3)] == [401] * 3
    status, page = login_status(client, "luis", PASSWORD)
    assert status == 429 and "espera 1 s" in page  # even the right password, for a moment
    with desk.get_engine().begin() as conn:
        rows = {r.scope: r.failures for r in conn.execute(sa.select(failures))}
        assert rows == {"name": 3, "address": 3}
        conn.execute(failures.update().values(next_at=0))  # the delay has passed
    # a new app (a restart) still knows the count, and the right password clears it
    assert login_status(TestClient(create_app(desk)), "luis", PASSWORD)[0] == 303
    with desk.get_engine().connect() as conn:
        assert conn.execute(sa.select(failures)).all() == []


def test_a_stranger_can_delay_a_named_editor_only_briefly():
    engine = make_engine("sqlite://")
    for n in range(40):  # many addresses guessing one name
        try:
            auth.claim_attempt(engine, "ana", f"10.0.0.{n}", now=1000.0 + 20 * n)
        except auth.SigninThrottled:
            raise AssertionError(f"attempt {n} waited") from None
    from audience_assets.sql.schema import review_signin_failures as failures
    with engine.connect() as conn:
        row = conn.execute(sa.select(failures).where(failures.c.scope == "name")).one()
    assert row.failures == 40 and row.next_at - row.last_at == auth.NAME_MAX_DELAY_S
    # one address guessing keeps growing its own delay up to ten minutes
    assert auth.signin_delay(30, auth.ADDRESS_MAX_DELAY_S) == auth.ADDRESS_MAX_DELAY_S == 600


CLAIM = """
import sys, time
from audience_assets.review import auth
from audience_assets.sql.engine import make_engine
engine = make_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
try:
    auth.claim_attempt(engine, "ana", "10.9.9.9", now=float(sys.argv[2]))  # one instant
    print("claimed")
except auth.SigninThrottled:
    print("throttled")
"""


@pytest.mark.timeout(120)
def test_parallel_guesses_are_each_counted(tmp_path):
    import os
    import subprocess
    import sys

    from audience_assets.sql.schema import review_signin_failures as failures

    url = f"sqlite:///{tmp_path}/audience.db"
    engine = make_engine(url)
    start = time.time() + 6
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", CLAIM, url, str(start)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(12)]
    outs = [p.communicate(timeout=90)[0].strip() for p in procs]
    assert sorted(outs).count("claimed") == auth.FREE_FAILURES, outs
    with engine.connect() as conn:
        counted = {r.scope: r.failures for r in conn.execute(sa.select(failures))}
    assert counted == {"name": auth.FREE_FAILURES, "address": auth.FREE_FAILURES}


def test_password_reset_and_removal_end_open_sessions(desk, tmp_path):
    import shutil

    users = tmp_path / "reviewers.yaml"
    shutil.copy(desk.users_file, users)
    settings = DeskSettings(db_url="unused", output_dir=desk.output_dir,
                            users_file=str(users), engine=desk.get_engine())
    client, _ = sign_in(settings, "ana")
    other, _ = sign_in(settings, "luis")
    auth.add_user("ana", "otra clave muy larga", users)  # reset
    assert client.get(f"/day/{DAY}/x", follow_redirects=False).status_code == 303
    assert other.get(f"/day/{DAY}/x", follow_redirects=False).status_code == 200
    auth.remove_user("luis", users)
    assert other.get(f"/day/{DAY}/x", follow_redirects=False).status_code == 303


def test_logout_ends_the_server_session_even_without_the_form_token(desk):
    client, _ = sign_in(desk)
    cookie = client.cookies.get("desk_session")
    client.post("/logout", data={})
    replay = TestClient(create_app(desk))
    replay.cookies.set("desk_session", cookie)
    assert replay.get(f"/day/{DAY}/x", follow_redirects=False).status_code == 303


def test_bodies_are_bounded_on_every_route(desk):
    client, csrf = sign_in(desk)
    h = {"X-CSRF-Token": csrf}
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    for path in ("/api/check", "/api/action", "/login", "/logout"):
        response = client.post(path, content=big, headers={**h, "Content-Type":
                                                           "application/json"})
        assert response.status_code == 413, path
        assert "demasiado grande" in response.json()["error"]

    def chunks():  # no Content-Length: refused as the stream passes the limit
        for _ in range(100):
            yield b" " * 4096

    streamed = client.post("/api/check", content=chunks(), headers=h)
    assert streamed.status_code == 413


def test_long_text_is_413_and_bad_characters_400_with_nothing_written(desk):
    client, csrf = sign_in(desk)
    h = {"X-CSRF-Token": csrf}
    key = first_key(desk)
    engine = desk.get_engine()
    before = views.history(engine, decisions.DraftKey(DAY, key["sheet_key"], "x"))
    long = client.post("/api/action", json={**key, "action": "save", "text": "a" * 5001,
                                            "version": 0}, headers=h)
    assert long.status_code == 413 and "5000" in long.json()["error"]
    assert client.post("/api/check", json={**key, "text": "a" * 5001},
                       headers=h).status_code == 413
    surrogate = client.post("/api/action", content=json.dumps(
        {**key, "action": "save", "text": "hola \ud800", "version": 0}), headers={
        **h, "Content-Type": "application/json"})
    assert surrogate.status_code == 400 and "Unicode no válido" in surrogate.json()["error"]
    nul = client.post("/api/action", json={**key, "action": "save", "text": "a\x00b",
                                           "version": 0}, headers=h)
    assert nul.status_code == 400 and "U+0000" in nul.json()["error"]
    deep = client.post("/api/check", content=b"[" * 60000, headers={
        **h, "Content-Type": "application/json"})
    assert deep.status_code == 400
    bad_key = client.post("/api/check", content=json.dumps(
        {**key, "sheet_key": "\udfff", "text": "x"}), headers={**h, "Content-Type":
                                                                "application/json"})
    assert bad_key.status_code == 400
    assert views.history(engine, decisions.DraftKey(DAY, key["sheet_key"], "x")) == before


def test_a_stale_overwrite_of_an_approval_over_http_names_it_and_tells_the_approver(desk):
    ana, ana_csrf = sign_in(desk, "ana")
    luis, luis_csrf = sign_in(desk, "luis")
    item = views.load_day(desk.get_engine(), DAY, "x")[2]
    body = {"date": DAY, "network": "x", "sheet_key": item.key.sheet_key}
    v = item.version
    assert ana.post("/api/action", json={**body, "action": "approve", "text": item.text,
                                         "version": v},
                    headers={"X-CSRF-Token": ana_csrf}).status_code == 200
    mine = item.text + " 📺"
    stale = luis.post("/api/action", json={**body, "action": "save", "text": mine,
                                           "version": v}, headers={"X-CSRF-Token": luis_csrf})
    assert stale.status_code == 409
    data = stale.json()
    assert re.search(r"ana aprobó a las \d\d:\d\d", data["error"])
    assert data["conflict"]["decision"] == "approved" and data["approval"]["reviewer"] == "ana"
    assert ["+", " 📺"] in data["diff"] or any(op == "+" for op, _ in data["diff"])
    again = luis.post("/api/action", json={**body, "action": "save", "text": mine,
                                           "version": v + 1},
                      headers={"X-CSRF-Token": luis_csrf})
    assert again.status_code == 409 and "aprobado por ana" in again.json()["error"]
    done = luis.post("/api/action", json={**body, "action": "save", "text": mine,
                                          "version": v + 1, "overwrite_approval": v + 1},
                     headers={"X-CSRF-Token": luis_csrf})
    assert done.status_code == 200
    assert (done.json()["decision"], done.json()["status_label"]) == ("edited", "editado")
    page = ana.get(f"/day/{DAY}/x").text
    assert "luis sustituyó tu aprobación" in page
    assert "luis sustituyó" not in ana.get(f"/day/{DAY}/x").text  # told once


def test_images_are_served_only_from_under_the_output_folder(desk, caplog):
    from audience_assets.sql.schema import image_candidates

    out = Path(desk.output_dir)
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "images" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    item = views.load_day(desk.get_engine(), DAY, "x")[0]
    common = dict(broadcast_date=DAY, sheet_key=item.key.sheet_key, network="x", rank=1,
                  score=1.0, reasons="[]", image_url="https://tv.example/a", page_url="",
                  published=DAY, width=1, height=1, phash="0", credit="", default=False,
                  ranker="t", created_at=0.0)
    with desk.get_engine().begin() as conn:
        conn.execute(image_candidates.insert(), [
            {**common, "sha256": "c" * 64, "path": "images/ok.png"},
            {**common, "sha256": "d" * 64, "path": "/etc/passwd"},
            {**common, "sha256": "e" * 64, "path": "images/../../../../etc/passwd"}])
    client, _ = sign_in(desk)
    query = {"date": DAY, "sheet_key": item.key.sheet_key, "network": "x"}
    ok = client.get(f"/images/{'c' * 64}", params=query)
    assert ok.status_code == 200 and ok.content.startswith(b"\x89PNG")
    with caplog.at_level("WARNING", logger="audience_assets.review"):
        for sha in ("d", "e"):
            assert client.get(f"/images/{sha * 64}", params=query).status_code == 404
    assert "not a file under the output folder" in caplog.text


def test_index_lists_dates_newest_first_with_counts_per_network(desk):
    client, _ = sign_in(desk)
    page = client.get("/").text
    row = re.search(rf'<tr class="[^"]*" data-date="{DAY}">(.*?)</tr>', page, re.S).group(1)
    counts = re.search(r'data-network="x">(.*?)</span></span>', row, re.S).group(1)
    numbers = [int(n) for n in re.findall(r">(\d+) ", counts)]
    days = views.review_days(desk.get_engine())
    x = days[0].counts["x"]
    assert numbers == [x["pending"] + x["edited"], x["approved"], x["rejected"]]
    assert sum(x.values()) == len(views.load_day(desk.get_engine(), DAY, "x"))
