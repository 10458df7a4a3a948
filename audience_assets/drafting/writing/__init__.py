"""Writing post drafts: prompt rendering, the free / guided / template writers and
the attempt loop. Pure code: the LLM client is passed in (the official `ollama`
client in production, a named fake in unit tests)."""

from audience_assets.drafting.writing import variety
from audience_assets.drafting.writing.loop import AttemptRecord, Draft, draft_day, draft_post
from audience_assets.drafting.writing.modes import make_writer
from audience_assets.drafting.writing.writers import (
    FreeWriter,
    GuidedWriter,
    TemplateWriter,
    Writer,
    WriterOutput,
)

__all__ = [
    "AttemptRecord",
    "Draft",
    "FreeWriter",
    "GuidedWriter",
    "TemplateWriter",
    "Writer",
    "WriterOutput",
    "draft_day",
    "draft_post",
    "make_writer",
    "variety",
]
