"""Every SQL table of the project, declared once (SQLAlchemy Core).

The stages read and write these tables through their own store modules
(`ingestion/store.py`, `analysis/store.py`, `drafting/store.py`); the schema
itself changes only through migrations.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

audience_records = sa.Table(
    "audience_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("title", sa.String(512), nullable=False),
    sa.Column("description", sa.String(512), nullable=False, default=""),
    sa.Column("start", sa.String(19), nullable=False),
    sa.Column("end", sa.String(19), nullable=False),
    sa.Column("genre", sa.String(64), nullable=False, default=""),
    sa.Column("share", sa.Float, nullable=False),
    sa.Column("avg_audience", sa.BigInteger, nullable=False),
    sa.Column("unique_viewers", sa.BigInteger, nullable=False),
    sa.Column("target", sa.String(128), nullable=False),
    sa.Column("region", sa.String(128), nullable=False),
    sa.Column("extra", sa.Text, nullable=False, default="{}"),
    sa.Column("source_file", sa.String(512), nullable=False, default=""),
    sa.Column("source_sha256", sa.String(64), nullable=False, default=""),
    sa.Index("ix_audience_records_title_channel", "title", "channel"),
)


# Every accepted delivery, per broadcast date it covers. The archive keeps every
# version; the latest delivery per (date, kind, target, region) is the current one.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("broadcast_date", sa.String(10), primary_key=True),
    sa.Column("file_name", sa.String(512), nullable=False),
    sa.Column("archived_path", sa.String(1024), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("target", sa.String(128), nullable=False),
    sa.Column("region", sa.String(128), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
)


fact_sheets = sa.Table(
    "fact_sheets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("event", sa.String(512), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # FactSheet.to_dict() as JSON
)


# The minute-by-minute audience of the day's minute deliveries ("minutados"): one row
# per channel, minute, target and region. Written by asset `minute_audience`, read by
# the anomalies and the reports.
minute_audience = sa.Table(
    "minute_audience",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("minute", sa.String(19), nullable=False),  # ISO local datetime
    sa.Column("target", sa.String(128), nullable=False),
    sa.Column("region", sa.String(128), nullable=False),
    sa.Column("avg_audience", sa.BigInteger, nullable=False),
    sa.Column("share", sa.Float, nullable=False),
)

# Golden minutes, peaks and drops attached to their broadcasts, per target and region.
# `role`: the day's golden minute, a broadcast's golden minute, or an event (peak/drop).
audience_anomalies = sa.Table(
    "audience_anomalies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("target", sa.String(128), nullable=False),
    sa.Column("region", sa.String(128), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("title", sa.String(512), nullable=False),
    sa.Column("broadcast_start", sa.String(19), nullable=False),
    sa.Column("minute", sa.String(19), nullable=False),
    sa.Column("avg_audience", sa.BigInteger, nullable=False),
    sa.Column("share", sa.Float, nullable=False),
    sa.Column("baseline", sa.Float, nullable=False),
    sa.Column("relative", sa.Float, nullable=False),
    sa.Column("z", sa.Float, nullable=False),
    sa.Column("length_minutes", sa.Integer, nullable=False),
)

# One row per date whose plan was made (also a day without stories): its networks'
# budgets (JSON) and when. The plan's stories and picks are the two tables below.
day_plans = sa.Table(
    "day_plans",
    metadata,
    sa.Column("broadcast_date", sa.String(10), primary_key=True),
    sa.Column("budgets", sa.Text, nullable=False),
    sa.Column("stories", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# The day's stories (one per programme), ranked by news value: what the plan decided
# the day is about. `sheet` is the story's fact sheet as the writer gets it (display
# name, composed event, hashtags); `sheet_key` is its lead fact sheet's key.
plan_stories = sa.Table(
    "plan_stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("story_key", sa.String(1024), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("news_value", sa.Float, nullable=False),
    sa.Column("watchlist", sa.Boolean, nullable=False),
    sa.Column("lead_event", sa.String(512), nullable=False),
    sa.Column("secondary_events", sa.Text, nullable=False),  # JSON list
    sa.Column("merged_keys", sa.Text, nullable=False),  # JSON list of sheet keys
    sa.Column("sheet", sa.Text, nullable=False),  # FactSheet.to_dict() as JSON
)

# The day's plan per network: every story with whether it is posted there, its rank
# among the posted ones (1..n, contiguous; the desk's order) and why. Fact sheets the
# plan left out before making stories have network "" (every network).
post_plan = sa.Table(
    "post_plan",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("network", sa.String(16), nullable=False),
    sa.Column("rank", sa.Integer, nullable=True),
    sa.Column("story_key", sa.String(1024), nullable=False),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("news_value", sa.Float, nullable=False),
    sa.Column("chosen", sa.Boolean, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)


def _draft_columns() -> list[sa.Column[Any]]:
    """The columns of a draft, shared by the published table and its staging table."""
    return [
        sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
        sa.Column("sheet_key", sa.String(1024), nullable=False),
        sa.Column("network", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("writer", sa.String(16), nullable=False),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("prompt_name", sa.String(256), nullable=False),
        sa.Column("prompt_sha256", sa.String(64), nullable=False),
        sa.Column("valid", sa.Boolean, nullable=False),
        sa.Column("fell_back", sa.Boolean, nullable=False),
        sa.Column("attempt_count", sa.Integer, nullable=False),
        sa.Column("llm_seconds", sa.Float, nullable=False),
        sa.Column("eval_count", sa.Integer, nullable=False),
        sa.Column("violations", sa.Text, nullable=False),
        sa.Column("attempts", sa.Text, nullable=False),
        sa.Column("fact_sheet", sa.Text, nullable=False),
        # pending_review -> approved / rejected / published (set by the review step).
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    ]


# One row per draft, with its review status and the record of every attempt (JSON), so a
# reviewer sees what the model tried. Only drafts that passed the blocking check get here.
post_drafts = sa.Table(
    "post_drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *_draft_columns(),
)

# Write-audit-publish: a drafting run writes its drafts here under its run id, the strict
# validator audits what was stored, and only then are they moved to `post_drafts` in one
# transaction. A run whose check fails leaves its rows here (for inspection) and
# `post_drafts` as it was; the next run of the same date and network clears them.
post_drafts_staging = sa.Table(
    "post_drafts_staging",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    *_draft_columns(),
)

# Ranked image candidates per post (fact sheet and network) and date, best first; the
# programme's default pictures come last with `default` true. Files live under the
# output folder, named by content hash. The review desk reads this table.
image_candidates = sa.Table(
    "image_candidates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("network", sa.String(16), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.Text, nullable=False),  # JSON list of strings
    sa.Column("image_url", sa.String(2048), nullable=False),
    sa.Column("page_url", sa.String(2048), nullable=False),
    sa.Column("published", sa.String(10), nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("phash", sa.String(32), nullable=False),
    sa.Column("path", sa.String(1024), nullable=False),
    sa.Column("credit", sa.String(512), nullable=False),
    sa.Column("default", sa.Boolean, nullable=False),
    sa.Column("ranker", sa.String(128), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Review desk (audience_assets/review/state.py). One row per reviewed draft, keyed like the
# draft itself; `version` is the optimistic lock a save must name.
review_state = sa.Table(
    "review_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("network", sa.String(16), nullable=False),
    # in_review (edited, undecided), approved, rejected, or a machine status after a restore
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("final_text", sa.Text, nullable=False),
    sa.Column("chosen_image", sa.String(1024), nullable=False, default=""),  # candidate sha256
    sa.Column("reviewer", sa.String(128), nullable=False),
    sa.Column("override_reason", sa.Text, nullable=False, default=""),
    sa.Column("valid", sa.Boolean, nullable=False),
    sa.Column("violations", sa.Text, nullable=False, default="[]"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("decided_at", sa.Float, nullable=True),
    sa.UniqueConstraint("broadcast_date", "sheet_key", "network", name="uq_review_state_draft"),
)

# Append-only: every save, decision, restore, image choice and lost race (action
# "conflict", with the text that did not win), so nothing a reviewer typed is lost.
review_history = sa.Table(
    "review_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("network", sa.String(16), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("chosen_image", sa.String(1024), nullable=False, default=""),
    sa.Column("reviewer", sa.String(128), nullable=False),
    sa.Column("override_reason", sa.Text, nullable=False, default=""),
    sa.Column("valid", sa.Boolean, nullable=False),
    sa.Column("violations", sa.Text, nullable=False, default="[]"),
    sa.Column("version", sa.Integer, nullable=False),  # the version this entry produced
    sa.Column("at", sa.Float, nullable=False),
)

# Signed-in reviewers: only the token's SHA-256 is stored, so a copy of the table
# cannot be replayed; rows past expires_at are refused and purged.
review_sessions = sa.Table(
    "review_sessions",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("reviewer", sa.String(128), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)
