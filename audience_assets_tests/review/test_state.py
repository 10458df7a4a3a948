"""Review state: transitions, the append-only audit trail, optimistic locking, and the
pipeline's re-runs leaving reviewed posts alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from audience_assets.analysis.store import plan_entries, replace_plan
from audience_assets.drafting.store import load_drafts, replace_drafts, reviewed_keys
from audience_assets.review import decisions, state, views
from audience_assets.review.decisions import DraftKey
from audience_assets.sql.engine import make_engine
from audience_assets.sql.schema import (
    day_plans,
    fact_sheets,
    plan_stories,
    post_drafts,
    post_plan,
    review_history,
)
from audience_assets_tests.drafting.plans import plan_of

from .helpers import DAY, seed_day, template_drafts


@pytest.fixture(scope="module")
def seeded():
    engine = make_engine("sqlite://")
    sheets = seed_day(engine, limit=6)
    return engine, sheets


@pytest.fixture
def engine(seeded):
    # a fresh copy of the seeded store per test: each starts from untouched drafts
    source, _ = seeded
    copy = make_engine("sqlite://")
    with source.connect() as src, copy.begin() as dst:
        for table in (post_drafts, fact_sheets, day_plans, plan_stories, post_plan):
            rows = [dict(r._mapping) for r in src.execute(sa.select(table))]
            if rows:
                dst.execute(table.insert(), rows)
    return copy


def first(engine) -> views.ReviewItem:
    return views.load_day(engine, DAY, "x")[0]


def test_day_lists_drafts_in_the_stored_plans_order(engine, seeded):
    items = views.load_day(engine, DAY, "x")
    planned = [e.sheet_key for e in plan_entries(engine, DAY, "x") if e.chosen]
    assert [i.key.sheet_key for i in items] == planned == [s.key for s in seeded[1]]
    assert [i.rank for i in items] == list(range(1, len(items) + 1))
    assert all(i.status == "pending_review" and i.version == 0 for i in items)


def test_a_new_plan_reorders_the_day(engine, seeded):
    items = views.load_day(engine, DAY, "x")
    replace_plan(engine, DAY, plan_of(list(reversed(seeded[1])), date=DAY))
    reordered = views.load_day(engine, DAY, "x")
    assert [i.key for i in reordered] == [i.key for i in reversed(items)]
    assert [i.rank for i in reordered] == list(range(1, len(items) + 1))


def test_edit_then_approve_records_reviewer_text_and_history(engine):
    item = first(engine)
    edited = item.text.replace("#Audiencias", "#AudienciaTV")
    saved = state.save_text(engine, item.key, edited, 0, "ana")
    assert (saved["status"], saved["version"]) == (decisions.IN_REVIEW, 1)
    approved = state.approve(engine, item.key, edited, 1, "luis")
    assert (approved["status"], approved["version"], approved["reviewer"]) == (
        "approved", 2, "luis")
    after = first(engine)
    assert (after.text, after.status, after.reviewer) == (edited, "approved", "luis")
    assert after.decided_at is not None
    assert [(h["action"], h["reviewer"], h["version"]) for h in views.history(
        engine, item.key)] == [("edit", "ana", 1), ("approve", "luis", 2)]
    # the decision is mirrored where the pipeline looks
    assert {d["status"] for d in load_drafts(engine, DAY) if d["sheet_key"] == item.key.sheet_key
            } == {"approved"}


def test_invalid_text_needs_an_override_reason_which_is_recorded(engine):
    item = first(engine)
    broken = item.text + " ¡Impresionante!"
    with pytest.raises(decisions.OverrideRequired) as refused:
        state.approve(engine, item.key, broken, 0, "ana")
    assert {"style.exclamation"} <= {v["rule"] for v in refused.value.violations}
    assert views.history(engine, item.key) == []  # nothing changed
    done = state.approve(engine, item.key, broken, 0, "ana", "El cliente lo pidió así")
    assert done["valid"] is False and done["override_reason"] == "El cliente lo pidió así"
    assert views.history(engine, item.key)[-1]["override_reason"] == "El cliente lo pidió así"


def test_a_valid_approval_drops_a_stale_override_reason(engine):
    item = first(engine)
    done = state.approve(engine, item.key, item.text, 0, "ana", "no hace falta")
    assert done["valid"] and done["override_reason"] == ""


def test_stale_version_conflicts_shows_the_others_text_and_keeps_mine(engine):
    item = first(engine)
    theirs = item.text.replace("#Audiencias", "#Audiencia")
    mine = item.text.replace("#Audiencias", "#TVAudiencia")
    state.save_text(engine, item.key, theirs, 0, "ana")
    with pytest.raises(decisions.ReviewConflict) as conflict:
        state.save_text(engine, item.key, mine, 0, "luis")
    assert conflict.value.current["text"] == theirs
    assert conflict.value.current["reviewer"] == "ana"
    assert conflict.value.current["version"] == 1
    assert "ana" in str(conflict.value)
    entries = views.history(engine, item.key)
    assert [(e["action"], e["text"]) for e in entries] == [("edit", theirs), ("conflict", mine)]
    assert first(engine).text == theirs
    # retrying on top of the other's version wins
    assert state.save_text(engine, item.key, mine, 1, "luis")["version"] == 2


def test_reject_and_restore_round_trip(engine):
    item = first(engine)
    state.reject(engine, item.key, item.text + " x", 0, "ana")
    assert first(engine).status == "rejected"
    restored = state.restore(engine, item.key, 1, "ana")
    assert restored["text"] == item.generated_text and restored["status"] == "pending_review"
    again = first(engine)
    assert (again.text, again.status, again.version) == (item.generated_text,
                                                         "pending_review", 2)


def test_unknown_draft_is_a_clear_error(engine):
    with pytest.raises(decisions.ReviewError, match="ya no existe"):
        state.save_text(engine, DraftKey(DAY, "nope", "x"), "t", 0, "ana")


def test_history_is_append_only_in_order(engine):
    item = first(engine)
    for version in range(3):
        state.save_text(engine, item.key, f"{item.text} {version}", version, "ana")
    with engine.connect() as conn:
        ids = [r.id for r in conn.execute(sa.select(review_history.c.id).order_by(
            review_history.c.id))]
    assert ids == sorted(ids) and len(ids) == 3


def test_rerun_never_overwrites_reviewed_posts(engine, seeded):
    items = views.load_day(engine, DAY, "x")
    approved, edited, rejected, untouched = items[0], items[1], items[2], items[3]
    state.approve(engine, approved.key, approved.text, 0, "ana")
    state.save_text(engine, edited.key, edited.text + " 📊", 0, "ana")
    state.reject(engine, rejected.key, rejected.text, 0, "ana")
    assert reviewed_keys(engine, DAY) == {(i.key.sheet_key, "x")
                                          for i in (approved, edited, rejected)}
    # a re-run writes new drafts for every sheet; only the untouched one may change
    fresh = template_drafts(seeded[1], "x")
    written = replace_drafts(engine, DAY, fresh)
    assert written == len(items) - 3
    after = {i.key.sheet_key: i for i in views.load_day(engine, DAY, "x")}
    assert after[approved.key.sheet_key].status == "approved"
    assert after[edited.key.sheet_key].text == edited.text + " 📊"
    assert after[rejected.key.sheet_key].status == "rejected"
    assert after[untouched.key.sheet_key].status == "pending_review"


def test_approved_fingerprint_changes_only_with_the_approved_set(engine):
    item = first(engine)
    empty = views.approved_fingerprint(engine, DAY)
    assert empty[0] == 0 and empty[2] is False
    state.approve(engine, item.key, item.text, 0, "ana")
    one = views.approved_fingerprint(engine, DAY)
    assert one[0] == 1 and one[1] != empty[1] and one[2]
    other = views.load_day(engine, DAY, "x")[1]
    state.save_text(engine, other.key, other.text + " 📊", 0, "ana")
    assert views.approved_fingerprint(engine, DAY) == one


def test_drafts_outside_the_plan_come_after_it_saying_why_and_ranks_have_no_gap(
        engine, seeded):
    sheets = seeded[1]
    # the plan now posts sheets 2..5 on x (budget 4 of 6, sheet 0 not in it at all, sheet 1
    # dropped by the budget); the drafts of every sheet are still stored
    order = [sheets[3], sheets[2], sheets[5], sheets[4], sheets[1]]
    replace_plan(engine, DAY, plan_of(order, budgets={"x": 4}, date=DAY))
    items = views.load_day(engine, DAY, "x")
    keys = [i.key.sheet_key for i in items]
    assert keys[:4] == [s.key for s in order[:4]]
    assert [i.rank for i in items] == list(range(1, len(items) + 1))
    assert all(i.plan_note == "" and i.plan_rank is not None for i in items[:4])
    outside = {i.key.sheet_key: i.plan_note for i in items[4:]}
    assert outside[sheets[1].key].startswith("Fuera del plan: fuera del cupo de 4")
    assert outside[sheets[0].key] == views.NOT_IN_PLAN


def test_a_chosen_story_without_a_draft_leaves_no_gap(engine, seeded):
    sheets = seeded[1]
    with engine.begin() as conn:  # the draft of the plan's second post is missing
        conn.execute(post_drafts.delete().where(post_drafts.c.sheet_key == sheets[1].key))
    items = views.load_day(engine, DAY, "x")
    assert [i.rank for i in items] == list(range(1, len(sheets)))
    assert [i.plan_rank for i in items][:2] == [1, 3]
