"""Optimistic locking on PostgreSQL (production): two reviewers' first saves of one post
race; exactly one wins, the other gets the conflict, both texts are in the history."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from audience_assets.review import decisions, state, views
from audience_assets.sql.engine import make_engine

from .helpers import DAY, seed_day

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def engine(postgres_url):
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS review_locking"))
        conn.execute(sa.text("CREATE DATABASE review_locking"))
    admin.dispose()
    engine = make_engine(postgres_url.rsplit("/", 1)[0] + "/review_locking")
    seed_day(engine, limit=3)
    yield engine
    engine.dispose()


def race(engine, key: decisions.DraftKey, texts: dict[str, str]) -> dict[str, str]:
    """Both reviewers save version 0 at the same moment; returns who won or saw what."""
    barrier = threading.Barrier(len(texts))
    outcomes: dict[str, str] = {}

    def save(who: str) -> None:
        barrier.wait()
        try:
            state.save_text(engine, key, texts[who], 0, who)
            outcomes[who] = "won"
        except decisions.ReviewConflict as exc:
            outcomes[who] = "conflict:" + exc.current["text"]

    threads = [threading.Thread(target=save, args=(who,)) for who in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_racing_first_saves_one_wins_one_conflicts_nothing_lost(engine):
    for item in views.load_day(engine, DAY, "x")[:3]:
        texts = {"ana": item.text + " 📊", "luis": item.text + " 📈"}
        outcomes = race(engine, item.key, texts)
        winner = next(w for w, o in outcomes.items() if o == "won")
        loser = next(w for w in texts if w != winner)
        assert outcomes[loser] == "conflict:" + texts[winner]
        history = views.history(engine, item.key)
        assert sorted((h["action"], h["text"]) for h in history) == sorted(
            [("edit", texts[winner]), ("conflict", texts[loser])])
        assert views.load_day(engine, DAY, "x")[item.rank - 1].version == 1
