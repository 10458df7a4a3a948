"""Drafting stage (Dagster layer): post drafts and their blocking validity check."""
