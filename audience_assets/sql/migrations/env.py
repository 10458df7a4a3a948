"""Alembic environment: runs on the connection `audience_assets.sql.migrate` hands over."""

from alembic import context

from audience_assets.sql.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table, and is a plain
    # ALTER on PostgreSQL.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
