"""review desk: sign-in failures, approval notices, session credential

Revision ID: 0090_review_signin
Revises: 0005_one_store
Create Date: 2026-12-02 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0090_review_signin'
down_revision: str | Sequence[str] | None = '0005_one_store'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('review_notices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('reviewer', sa.String(length=128), nullable=False),
    sa.Column('broadcast_date', sa.String(length=10), nullable=False),
    sa.Column('sheet_key', sa.String(length=1024), nullable=False),
    sa.Column('network', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.Column('seen_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_notices_reviewer'), ['reviewer'],
                              unique=False)
    op.create_table('review_signin_failures',
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=256), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('next_at', sa.Float(), nullable=False),
    sa.Column('last_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'subject')
    )
    with op.batch_alter_table('review_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential', sa.String(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('review_sessions', schema=None) as batch_op:
        batch_op.drop_column('credential')
    op.drop_table('review_signin_failures')
    with op.batch_alter_table('review_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_notices_reviewer'))
    op.drop_table('review_notices')
