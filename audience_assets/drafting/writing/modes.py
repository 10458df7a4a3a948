"""The writer a drafting mode names: `make_writer("natural", client, settings)`.

Its own module because it knows every writer: writers.py holds the simple ones and
natural.py builds on them, so a factory in writers.py would import natural.py back."""

from __future__ import annotations

from audience_assets.drafting.writing.llm import ChatClient, LLMSettings
from audience_assets.drafting.writing.natural import NaturalWriter
from audience_assets.drafting.writing.writers import (
    WRITER_NAMES,
    FreeWriter,
    GuidedWriter,
    TemplateWriter,
    Writer,
)


def make_writer(mode: str, client: ChatClient | None, settings: LLMSettings | None) -> Writer:
    if mode == "template":
        return TemplateWriter()
    if client is None or settings is None:
        raise ValueError(f"the {mode} writer needs an LLM client and settings")
    if mode == "free":
        return FreeWriter(client, settings)
    if mode == "guided":
        return GuidedWriter(client, settings)
    if mode == "natural":
        return NaturalWriter(client, settings)
    raise ValueError(f"unknown writer {mode!r}; expected one of {', '.join(WRITER_NAMES)}")
