"""Baseline: the schema of the release before migrations (commit 3a4251f).

That release created its four tables lazily, in three places, so a database it left may
hold any of them: each table (and its indexes) is created only when absent, which makes
this revision the same whether it meets an empty database or one of that release.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_baseline"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _absent(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _absent("audience_records"):
        op.create_table(
            "audience_records",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("broadcast_date", sa.String(10), nullable=False),
            sa.Column("channel", sa.String(64), nullable=False),
            sa.Column("title", sa.String(512), nullable=False),
            sa.Column("description", sa.String(512), nullable=False),
            sa.Column("start", sa.String(19), nullable=False),
            sa.Column("end", sa.String(19), nullable=False),
            sa.Column("genre", sa.String(64), nullable=False),
            sa.Column("share", sa.Float, nullable=False),
            sa.Column("avg_audience", sa.BigInteger, nullable=False),
            sa.Column("unique_viewers", sa.BigInteger, nullable=False),
            sa.Column("target", sa.String(128), nullable=False),
            sa.Column("region", sa.String(128), nullable=False),
            sa.Column("extra", sa.Text, nullable=False),
            sa.Column("source_file", sa.String(512), nullable=False),
            sa.Column("source_sha256", sa.String(64), nullable=False),
        )
        op.create_index("ix_audience_records_broadcast_date", "audience_records",
                        ["broadcast_date"])
        op.create_index("ix_audience_records_title_channel", "audience_records",
                        ["title", "channel"])
    if _absent("deliveries"):
        op.create_table(
            "deliveries",
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
    if _absent("fact_sheets"):
        op.create_table(
            "fact_sheets",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("broadcast_date", sa.String(10), nullable=False),
            sa.Column("sheet_key", sa.String(1024), nullable=False),
            sa.Column("priority", sa.Integer, nullable=False),
            sa.Column("event", sa.String(512), nullable=False),
            sa.Column("data", sa.Text, nullable=False),
        )
        op.create_index("ix_fact_sheets_broadcast_date", "fact_sheets", ["broadcast_date"])
    if _absent("post_drafts"):
        op.create_table(
            "post_drafts",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            *_draft_columns(),
        )
        op.create_index("ix_post_drafts_broadcast_date", "post_drafts", ["broadcast_date"])


def _draft_columns() -> list[sa.Column]:
    return [
        sa.Column("broadcast_date", sa.String(10), nullable=False),
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
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    ]


def downgrade() -> None:
    for table in ("post_drafts", "fact_sheets", "deliveries", "audience_records"):
        op.drop_table(table)
