"""The default writer: the model writes the wording, the code writes the facts.

The model returns JSON (Ollama structured outputs): the post's text, in its own
words, with a placeholder for every figure, handle and event, and two emojis
from the client's list. The schema's `pattern` becomes a sampling grammar that
enforces only what must hold: every placeholder exactly once, the three figures
in the client's order, no digits, handles, hashtags, braces, quotes, brackets or
exclamations of the model's own. Verbs, connectors, clause order and where the
event goes are the model's choice. The code fills the exact values and adds the
hashtags, so a figure or a handle can never be wrong.

The model never sees the fact sheet's title or description (they are data from
the deliveries and may hold anything, instructions included): it sees the
placeholders.

Few-shot examples come from a client-editable pool
(data/config/drafting/examples.yaml), a different few per fact sheet and attempt,
so the model does not copy one sentence for every post.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audience_assets.drafting.writing import templates
from audience_assets.drafting.writing.llm import chat
from audience_assets.drafting.writing.prompts import Prompt, load_prompt, network_limit
from audience_assets.drafting.writing.writers import (
    Feedback,
    WriterOutput,
    _attempt_settings,
    _feedback_messages,
    _ModelWriter,
    clean_emojis,
    clean_hashtags,
)
from audience_assets.paths import config_dir
from audience_assets.records import FactSheet

EXAMPLES_FILE = Path(
    os.environ.get("AUDIENCE_DRAFTING_EXAMPLES")
    or config_dir() / "drafting" / "examples.yaml"
)
EXAMPLES_PER_PROMPT = 3
DEFAULT_HASHTAG = "#Audiencias"

# The model's own words: anything but what the code writes (digits, handles,
# hashtags, placeholders' braces) and what the house style never allows
# (quotes, brackets, exclamations, markdown, line breaks).
FREE_CHAR = r'[^{}0-9@#\n"*!¡\[\]()<>]'
FREE_WORDS = FREE_CHAR + "*"
_FIGURES = ("espectadores", "audiencia", "cuota")


class ExamplesError(ValueError):
    """examples.yaml is missing, malformed, or has an example that breaks the rules."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    emojis: tuple[str, ...]

    def as_json(self) -> str:
        return json.dumps({"texto": self.text, "emojis": list(self.emojis)}, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class ExamplePool:
    with_event: tuple[Example, ...]
    without_event: tuple[Example, ...]
    emojis: tuple[str, ...]
    path: Path

    def draw(self, sheet: FactSheet, attempt: int, k: int = EXAMPLES_PER_PROMPT
             ) -> list[Example]:
        """`k` different examples for this sheet and attempt: stable (a re-run shows
        the same ones) and spread (sheets and attempts get different ones)."""
        pool = list(self.with_event if sheet.event else self.without_event)
        chosen: list[Example] = []
        salt = 0
        while len(chosen) < min(k, len(pool)):
            index = templates.stable_index(f"{sheet.key}|{attempt}|{salt}", "examples", len(pool))
            if pool[index] not in chosen:
                chosen.append(pool[index])
            salt += 1
        return chosen


def _examples(data: Mapping[str, Any], key: str, has_event: bool, emojis: set[str],
              path: Path) -> tuple[Example, ...]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ExamplesError(f"{path}: `{key}` must be a non-empty list of examples")
    out = []
    for i, item in enumerate(items):
        where = f"{path}: {key}[{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            raise ExamplesError(f"{where}: expected a mapping with `text` and `emojis`")
        text = item["text"].strip()
        problems = templates.placeholder_problems(text, has_event=has_event)
        if not re.fullmatch(FREE_WORDS + r"(?:\{\w+\}" + FREE_WORDS + r")*", text):
            problems.append("contiene caracteres que el modelo no puede escribir")
        if problems:
            raise ExamplesError(f"{where}: {text!r}: {'; '.join(problems)}")
        marks = item.get("emojis")
        if (not isinstance(marks, list) or len(marks) != 2 or marks[0] == marks[1]
                or not all(m in emojis for m in marks)):
            raise ExamplesError(f"{where}: `emojis` must be two different emojis of the "
                                "`emojis` list")
        out.append(Example(text, tuple(marks)))
    return tuple(out)


def load_examples(path: Path | None = None) -> ExamplePool:
    path = path or EXAMPLES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExamplesError(f"examples file {path} not found") from None
    except yaml.YAMLError as exc:
        raise ExamplesError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ExamplesError(f"{path}: expected a mapping with `version: 1`")
    emojis = data.get("emojis")
    if not isinstance(emojis, list) or len(emojis) < 2 or not all(
            isinstance(e, str) and clean_emojis([e]) == [e] for e in emojis):
        raise ExamplesError(f"{path}: `emojis` must list at least two emojis")
    allowed = set(emojis)
    return ExamplePool(
        with_event=_examples(data, "with_event", True, allowed, path),
        without_event=_examples(data, "without_event", False, allowed, path),
        emojis=tuple(emojis), path=path)


def text_pattern(has_event: bool) -> str:
    """The three figures, and the event if any, exactly once and the figures in order,
    free words around them, in which {programa} and {cadena} may go anywhere.

    A regular expression cannot count: spelling out every order of the six
    placeholders (120) made a grammar that took minutes per post on a CPU. So the
    grammar fixes the figures and the event (in any of the four gaps between the
    figures), and the code checks that each name appears once
    (`placeholder_problems`, fed back to the model like any violation)."""
    # Plain groups: llama.cpp's schema-to-grammar crashes on "(?:" (Ollama 0.11.4).
    words = "(" + FREE_CHAR + r"|\{programa\}|\{cadena\})*"

    def sequence(event_gap: int | None) -> str:
        gaps = [words + (r"\{evento\}" + words if i == event_gap else "") for i in range(4)]
        return gaps[0] + "".join(r"\{" + f + r"\}" + gaps[i + 1]
                                 for i, f in enumerate(_FIGURES)) + r"\."

    if not has_event:
        return "^" + sequence(None) + "$"
    return "^(" + "|".join(sequence(gap) for gap in range(4)) + ")$"


def natural_schema(has_event: bool, emojis: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "texto": {"type": "string", "pattern": text_pattern(has_event)},
            "emojis": {"type": "array", "minItems": 2, "maxItems": 2,
                       "items": {"type": "string", "enum": list(emojis)}},
        },
        "required": ["texto", "emojis"],
    }


def wording_block(sheet: FactSheet) -> str:
    """What the model is told about the sheet: placeholders only. Never the title or
    the description."""
    lines = ["<datos>", "programa: {programa}", "cadena: {cadena}",
             "espectadores únicos: {espectadores}", "audiencia media: {audiencia}",
             "cuota: {cuota}",
             # Not the event's words: shown them, the model writes them out
             # instead of the placeholder.
             "evento: {evento}" if sheet.event else "evento: (ninguno)"]
    # No genre line: the 0.5B model copied it into the post ("género entretenimiento.").
    lines.append("</datos>")
    return "\n".join(lines)


def fill_wording(text: str, sheet: FactSheet) -> str:
    """Fill the placeholders; the event phrase starts in lower case inside a sentence
    ("…, lo más visto del día.") and the post starts with a capital."""
    values = templates.placeholder_values(sheet)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        filled = values.get(name, match.group(0))
        if name == "evento" and filled:
            before = text[: match.start()].rstrip()
            if before and not before.endswith((".", "?")):
                filled = filled[:1].lower() + filled[1:]
        return filled

    out = templates.PLACEHOLDER_RE.sub(value, text).strip()
    return out[:1].upper() + out[1:] if out[:1].islower() else out


def post_hashtags(sheet: FactSheet) -> list[str]:
    """The story's hashtags (programme, channel) from the plan, else the programme's
    and the house one; always at least two."""
    tags = clean_hashtags(list(sheet.hashtags) or [templates.programme_hashtag(sheet)])
    if len(tags) < 2:
        tags = clean_hashtags([*tags, DEFAULT_HASHTAG])
    return tags


@dataclass
class NaturalWriter(_ModelWriter):
    prompt: Prompt | None = field(default_factory=lambda: load_prompt("drafting/natural.v1"))
    pool: ExamplePool = field(default_factory=load_examples)
    examples_per_prompt: int = EXAMPLES_PER_PROMPT
    name: str = "natural"

    def messages(self, sheet: FactSheet, network: str, attempt: int,
                 feedback: Feedback | None) -> list[dict[str, str]]:
        assert self.prompt is not None
        examples = self.pool.draw(sheet, attempt, self.examples_per_prompt)
        system = self.prompt.render(red=network_limit(network),
                                    ejemplos="\n".join(e.as_json() for e in examples))
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": wording_block(sheet)}]
        if self.feedback_prompt is not None:
            messages += _feedback_messages(self.feedback_prompt, feedback)
        return messages

    def write(self, sheet: FactSheet, *, network: str, attempt: int,
              feedback: Feedback | None) -> WriterOutput:
        reply = chat(self.client, _attempt_settings(self.settings, attempt),
                     self.messages(sheet, network, attempt, feedback),
                     format=natural_schema(bool(sheet.event), self.pool.emojis))
        try:
            data = json.loads(reply.text)
            if not isinstance(data, Mapping):
                raise ValueError("not an object")
            wording = str(data["texto"]).strip()
            emojis = clean_emojis(list(data.get("emojis") or []))
        except (ValueError, KeyError, TypeError) as exc:
            return WriterOutput(text="", reply=reply, raw=reply.text,
                                problems=(f"la respuesta no es el JSON pedido ({exc})",))
        problems = templates.placeholder_problems(wording, has_event=bool(sheet.event))
        text = templates.assemble(fill_wording(wording, sheet), emojis, post_hashtags(sheet))
        return WriterOutput(text=text, reply=reply, raw=reply.text, problems=tuple(problems),
                            wording=wording)
