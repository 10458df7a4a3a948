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

from audience_assets.review import auth, state
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
    item = state.load_day(settings.get_engine(), DAY, "x")[0]
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
    assert state.history(desk.get_engine(), state.DraftKey(**{
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
    item = state.load_day(desk.get_engine(), DAY, "x")[0]
    good = client.post("/api/check", json={**key, "text": item.generated_text},
                       headers={"X-CSRF-Token": csrf}).json()
    assert good["valid"] and good["length"] == state.measure(item.generated_text, "x")
    bad = client.post("/api/check", json={**key, "text": item.generated_text + " ¡Genial!"},
                      headers={"X-CSRF-Token": csrf}).json()
    assert not bad["valid"]
    assert "style.exclamation" in {v["rule"] for v in bad["violations"]}


def test_actions_override_and_conflict_over_http(desk):
    ana, ana_csrf = sign_in(desk, "ana")
    luis, luis_csrf = sign_in(desk, "luis")
    key = state.load_day(desk.get_engine(), DAY, "x")[1]
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


def test_repeated_failed_sign_ins_lock_the_name_for_a_while(desk):
    client = TestClient(create_app(desk))

    def attempt(password: str) -> int:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        return client.post("/login", data={"username": "luis", "password": password,
                                           "csrf": token}, follow_redirects=False).status_code

    assert [attempt("wrong password!") for _ in range(5)] == [401] * 5
    assert attempt(PASSWORD) == 429  # even the right password, until the window passes
