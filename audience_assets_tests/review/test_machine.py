"""The decision state machine: the README's table is the code's, every pair of events
behaves as the table says, and the two bugs editors met (issue 20, 1a and 1b) stay fixed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from audience_assets.review import decisions, state, views
from audience_assets.review.exports import write_exports
from audience_assets.sql.engine import make_engine
from audience_assets.sql.schema import (
    day_plans,
    fact_sheets,
    image_candidates,
    plan_stories,
    post_drafts,
    post_plan,
)

from .helpers import DAY, seed_day

README = Path(decisions.__file__).with_name("README.md")
pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def seeded():
    engine = make_engine("sqlite://")
    seed_day(engine, limit=3)
    return engine


@pytest.fixture
def engine(seeded):
    copy = make_engine("sqlite://")
    with seeded.connect() as src, copy.begin() as dst:
        for table in (post_drafts, fact_sheets, day_plans, plan_stories, post_plan):
            rows = [dict(r._mapping) for r in src.execute(sa.select(table))]
            if rows:
                dst.execute(table.insert(), rows)
    item = views.load_day(copy, DAY, "x")[0]
    with copy.begin() as conn:  # two image candidates for the first post
        conn.execute(image_candidates.insert(), [dict(
            broadcast_date=DAY, sheet_key=item.key.sheet_key, network="x", rank=rank,
            score=1.0 / rank, reasons="[]", image_url=f"https://tv.example/{rank}.jpg",
            page_url="https://tv.example/", published=DAY, width=1200, height=675,
            sha256=f"{rank}" * 64, phash="0" * 16, path="", credit=f"Foto {rank}",
            default=rank == 1, ranker="test", created_at=0.0) for rank in (1, 2)])
    return copy


def first(engine) -> views.ReviewItem:
    return views.load_day(engine, DAY, "x")[0]


def readme_rows() -> list[tuple[str, str, str]]:
    rows = re.findall(r"^\| (\w+) \| (\w+) \| ([\w()]+) \|$", README.read_text(), re.M)
    return [r for r in rows if r != ("from", "event", "to")]


def readme_table() -> dict[tuple[str, str], str]:
    rows = readme_rows()
    return {(a, e): t for a, e, t in rows if t != "(refused)"}


def test_readme_transitions_table_is_the_codes():
    rows = readme_rows()
    # every pair is listed, once
    assert len(set(rows)) == len(rows) == len(decisions.DECISIONS) * len(decisions.EVENTS)
    assert readme_table() == decisions.TRANSITIONS


def _reach(engine, decision: str) -> int:
    """Put the first post in `decision` (by ana); returns its version."""
    item = first(engine)
    if decision == decisions.PENDING:
        return 0
    if decision == decisions.EDITED:
        return state.save_text(engine, item.key, item.text + " 📊", 0, "ana")["version"]
    if decision == decisions.APPROVED:
        return state.approve(engine, item.key, item.text, 0, "ana")["version"]
    return state.reject(engine, item.key, item.text, 0, "ana")["version"]


def _do(engine, event: str, version: int, who: str = "ana") -> dict:
    item = first(engine)
    key = item.key
    if event == "save_changed":
        return state.save_text(engine, key, item.text + " 🔥", version, who)
    if event == "save_unchanged":
        return state.save_text(engine, key, item.text, version, who)
    if event == "approve":
        return state.approve(engine, key, item.text, version, who)
    if event == "unapprove":
        return state.unapprove(engine, key, version, who)
    if event == "reject":
        return state.reject(engine, key, item.text, version, who, "no es noticia")
    if event == "restore":
        return state.restore(engine, key, version, who)
    return state.choose_image(engine, key, "2" * 64, version, who)


@pytest.mark.parametrize("decision", decisions.DECISIONS)
@pytest.mark.parametrize("event", decisions.EVENTS)
def test_each_event_moves_as_the_table_says_and_records_who_and_when(engine, decision, event):
    version = _reach(engine, decision)
    before = len(views.history(engine, first(engine).key))
    target = decisions.TRANSITIONS.get((decision, event))
    if target is None:
        with pytest.raises(decisions.ReviewError, match="No se puede"):
            _do(engine, event, version)
        assert first(engine).version == version
        return
    result = _do(engine, event, version)
    after = first(engine)
    assert decisions.decision_of(after.status) == target == result["decision"]
    entries = views.history(engine, after.key)
    if result.get("unchanged"):
        assert after.version == version and len(entries) == before
    else:
        assert after.version == version + 1 and len(entries) == before + 1
        assert entries[-1]["reviewer"] == "ana" and entries[-1]["at"] > 0
        assert entries[-1]["version"] == after.version


def test_bug_1a_saving_an_unchanged_approved_post_keeps_it_approved_and_exported(
        engine, tmp_path):
    item = first(engine)
    state.approve(engine, item.key, item.text, 0, "ana")
    result = state.save_text(engine, item.key, item.text, 1, "ana")  # Ctrl+S, no change
    assert result["unchanged"] and result["status"] == "approved"
    after = first(engine)
    assert (after.status, after.version) == ("approved", 1)
    assert [r["programa"] for r in write_exports(engine, DAY, tmp_path).rows] == [
        item.fact_sheet["title"]]


def test_bug_1b_a_stale_overwrite_never_silently_replaces_an_approval(engine):
    item = first(engine)
    state.approve(engine, item.key, item.text, 0, "ana")
    mine = item.text.replace("#Audiencias", "#TV")
    # luis's page was loaded before ana approved: his save is stale
    with pytest.raises(decisions.ReviewConflict) as stale:
        state.save_text(engine, item.key, mine, 0, "luis")
    message = str(stale.value)
    assert re.search(r"ana aprobó a las \d\d:\d\d", message), message
    shown = stale.value.to_dict()
    assert shown["conflict"]["status"] == "approved" and shown["approval"]["reviewer"] == "ana"
    assert ["-", "#Audiencias"] in shown["diff"] and ["+", "#TV"] in shown["diff"]
    # "keep mine" on the fresh version still needs the approval named
    with pytest.raises(decisions.ReviewConflict, match="aprobado por ana"):
        state.save_text(engine, item.key, mine, 1, "luis")
    assert first(engine).status == "approved"
    assert state.take_notices(engine, "ana") == []
    done = state.save_text(engine, item.key, mine, 1, "luis", overwrite_approval=1)
    assert (done["status"], done["decision"], done["reviewer"]) == ("in_review", "edited",
                                                                    "luis")
    # ana is told, once
    notices = state.take_notices(engine, "ana")
    assert len(notices) == 1 and "luis sustituyó tu aprobación" in notices[0]["message"]
    assert state.take_notices(engine, "ana") == []
    actions = [(h["action"], h["reviewer"]) for h in views.history(engine, item.key)]
    assert actions == [("approve", "ana"), ("conflict", "luis"), ("conflict", "luis"),
                       ("edit", "luis")]


def test_bug_1b_a_stale_image_pick_conflicts_and_reports_sqls_choice(engine):
    item = first(engine)
    state.choose_image(engine, item.key, "1" * 64, 0, "ana")
    with pytest.raises(decisions.ReviewConflict) as stale:
        state.choose_image(engine, item.key, "2" * 64, 0, "luis")
    assert stale.value.current["chosen_image"] == "1" * 64
    assert "ana cambió la imagen" in str(stale.value)
    assert first(engine).chosen_image == "1" * 64


def test_the_approver_changing_their_own_approval_needs_no_confirmation(engine):
    item = first(engine)
    state.approve(engine, item.key, item.text, 0, "ana")
    assert state.choose_image(engine, item.key, "2" * 64, 1, "ana")["status"] == "approved"


def test_another_reviewers_image_change_on_an_approval_needs_confirmation(engine):
    item = first(engine)
    state.approve(engine, item.key, item.text, 0, "ana")
    with pytest.raises(decisions.ReviewConflict):
        state.choose_image(engine, item.key, "2" * 64, 1, "luis")
    done = state.choose_image(engine, item.key, "2" * 64, 1, "luis", overwrite_approval=1)
    assert done["status"] == "approved" and done["chosen_image"] == "2" * 64


def test_unapprove_keeps_the_edit_and_the_image(engine):
    item = first(engine)
    edited = item.text + " 📺"
    state.choose_image(engine, item.key, "2" * 64, 0, "ana")
    state.approve(engine, item.key, edited, 1, "ana", "formato del cliente")
    result = state.unapprove(engine, item.key, 2, "luis")
    after = first(engine)
    assert (after.status, after.text, after.chosen_image) == ("in_review", edited, "2" * 64)
    assert result["reviewer"] == "luis"


def test_reject_keeps_its_reason(engine):
    item = first(engine)
    state.reject(engine, item.key, None, 0, "ana", "dato sin confirmar")
    after = first(engine)
    assert (after.status, after.override_reason, after.text) == (
        "rejected", "dato sin confirmar", item.text)


@pytest.mark.parametrize("text, message", [
    ("hola \ud800 mundo", "Unicode no válido"), ("hola\x00mundo", "U\\+0000"),
    ("a\x1bb", "carácter de control")])
def test_invalid_unicode_and_control_characters_are_refused_and_nothing_written(
        engine, text, message):
    item = first(engine)
    with pytest.raises(decisions.ReviewError, match=message):
        state.save_text(engine, item.key, text, 0, "ana")
    assert views.history(engine, item.key) == [] and first(engine).version == 0


def test_over_long_text_is_too_long(engine):
    with pytest.raises(decisions.TextTooLong):
        state.save_text(engine, first(engine).key, "a" * 5001, 0, "ana")


def test_text_diff_marks_words_only_in_each_text():
    assert decisions.text_diff("hola gran mundo", "hola mundo") == [
        ["=", "hola "], ["+", "gran "], ["=", "mundo"]]


def test_a_stale_action_that_no_longer_fits_is_a_conflict_naming_the_change(engine):
    item = first(engine)
    state.approve(engine, item.key, item.text, 0, "ana")
    state.unapprove(engine, item.key, 1, "ana")  # now edited: luis's page still says approved
    with pytest.raises(decisions.ReviewConflict, match="ana retiró la aprobación a las"):
        state.unapprove(engine, item.key, 1, "luis")
    assert views.history(engine, item.key)[-1]["action"] == "conflict"
