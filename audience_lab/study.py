"""The seed study's own prompting (Annex C), read at run time as the drafting baseline.

`../shared/STUDY-PROMPT.md` (beside the project, never copied into it) holds the
study's base prompt and the item format: a Python-dict-like string of the fact
sheet with the figures already formatted. The study sent the base prompt followed
by one item as a single user message, with no feedback between attempts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audience_assets.drafting.validation.figures import format_viewers
from audience_assets.drafting.writing.llm import ChatClient, LLMSettings, chat
from audience_assets.drafting.writing.prompts import Prompt
from audience_assets.drafting.writing.writers import Feedback, WriterOutput, attempt_settings
from audience_assets.records import FactSheet

DEFAULT_STUDY_PROMPT = Path(__file__).resolve().parents[1].parent / "shared" / "STUDY-PROMPT.md"


class StudyPromptError(ValueError):
    """The study prompt file is missing or has no base prompt block."""


def load_study_prompt(path: Path | None = None) -> Prompt:
    """The base prompt: the first ```text block after the "Base prompt" heading."""
    import hashlib

    path = path or DEFAULT_STUDY_PROMPT
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StudyPromptError(f"study prompt {path}: cannot read ({exc.strerror}); pass "
                               "--study-prompt PATH") from None
    match = re.search(r"##\s*Base prompt.*?```text\n(.*?)```", text, re.S)
    if not match:
        raise StudyPromptError(f"{path}: no ```text block under a 'Base prompt' heading")
    base = match.group(1).strip()
    return Prompt(name="study (Annex C)", path=path, text=base,
                  sha256=hashlib.sha256(base.encode()).hexdigest())


def study_item(sheet: FactSheet) -> str:
    """The fact sheet in the study's item format."""
    item = {
        "Título": sheet.title, "Descripción": sheet.description, "Cadena": sheet.channel,
        "Espectadores únicos": format_viewers(sheet.unique_viewers),
        "Audiencia media": format_viewers(sheet.avg_audience),
        "Cuota": f"{sheet.share:.1f}%", "Evento": sheet.event,
    }
    return '"' + repr(item) + '"'


@dataclass
class StudyWriter:
    """The study's method: base prompt + item in one user message, no feedback."""

    client: ChatClient
    settings: LLMSettings
    prompt: Prompt
    name: str = "study"

    @property
    def model(self) -> str:
        return self.settings.model

    def write(self, sheet: FactSheet, *, network: str, attempt: int,
              feedback: Feedback | None) -> WriterOutput:
        content = self.prompt.text + " " + study_item(sheet)
        reply = chat(self.client, attempt_settings(self.settings, attempt),
                     [{"role": "user", "content": content}])
        return WriterOutput(text=reply.text.strip(), reply=reply, raw=reply.text)
