"""The three writers behind one interface.

- free: the model writes the whole post (the study's method).
- guided: the model returns JSON (Ollama structured outputs): a sentence with a
  placeholder for every datum and handle, plus hashtags and emojis; the code
  fills the exact values, so facts can never be miscopied.
- template: deterministic house-style sentences; no model at all.

A writer turns (fact sheet, network, attempt number, feedback on the previous
attempt) into a `WriterOutput`; judging it is the loop's job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import regex

from audience_assets.drafting.writing import templates
from audience_assets.drafting.writing.llm import ChatClient, LLMReply, LLMSettings, chat
from audience_assets.drafting.writing.prompts import (
    Prompt,
    fact_block,
    load_prompt,
    network_limit,
    placeholder_block,
)
from audience_assets.records import FactSheet

WRITER_NAMES = ("natural", "free", "guided", "template")

EMOJI_RE = regex.compile(r"\p{Extended_Pictographic}")


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the next attempt is told about the previous one."""

    previous: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WriterOutput:
    text: str
    reply: LLMReply | None = None
    raw: str = ""
    # Problems the writer found itself (unusable JSON, placeholders wrong): the
    # attempt failed before any validation.
    problems: tuple[str, ...] = ()
    # The model's wording with placeholders, where the writer has one.
    wording: str = ""


class Writer(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def prompt(self) -> Prompt | None: ...

    def write(
        self, sheet: FactSheet, *, network: str, attempt: int, feedback: Feedback | None
    ) -> WriterOutput: ...


def attempt_settings(settings: LLMSettings, attempt: int) -> LLMSettings:
    """A different seed per attempt, so that a retry is a new sample even when
    the messages are the same."""
    options = dict(settings.options)
    if "seed" in options:
        options["seed"] = int(options["seed"]) + attempt - 1
    return replace(settings, options=options)


def feedback_messages(prompt: Prompt, feedback: Feedback | None, *,
                       with_answer: bool = True) -> list[dict[str, str]]:
    """The previous answer (unless `with_answer` is off) and its problems, as turns."""
    if feedback is None:
        return []
    problems = "\n".join(f"- {p}" for p in feedback.problems)
    told = [{"role": "user", "content": prompt.render(problemas=problems)}]
    return [{"role": "assistant", "content": feedback.previous}, *told] if with_answer else told


@dataclass
class ModelWriter:
    """What the model-backed writers share: the client, its settings, the feedback prompt."""

    client: ChatClient
    settings: LLMSettings
    feedback_prompt: Prompt | None = field(
        default_factory=lambda: load_prompt("drafting/feedback.v1")
    )

    @property
    def model(self) -> str:
        return self.settings.model


@dataclass
class FreeWriter(ModelWriter):
    """The model writes the post. With `single_message` the whole prompt, data
    included ($datos), is one user message, as in the study; otherwise the
    prompt is the system message and the data block the user message."""

    prompt: Prompt | None = field(default_factory=lambda: load_prompt("drafting/free.v1"))
    single_message: bool = False
    name: str = "free"

    def messages(
        self, sheet: FactSheet, network: str, feedback: Feedback | None
    ) -> list[dict[str, str]]:
        assert self.prompt is not None
        limit = network_limit(network)
        if self.single_message:
            messages = [{"role": "user",
                         "content": self.prompt.render(red=limit, datos=fact_block(sheet))}]
        else:
            messages = [
                {"role": "system", "content": self.prompt.render(red=limit)},
                {"role": "user", "content": fact_block(sheet)},
            ]
        if self.feedback_prompt is not None:
            messages += feedback_messages(self.feedback_prompt, feedback)
        return messages

    def write(
        self, sheet: FactSheet, *, network: str, attempt: int, feedback: Feedback | None
    ) -> WriterOutput:
        reply = chat(self.client, attempt_settings(self.settings, attempt),
                     self.messages(sheet, network, feedback))
        return WriterOutput(text=reply.text.strip(), reply=reply, raw=reply.text)


# The sentence's grammar (Ollama turns a schema's `pattern` into a sampling
# grammar): every placeholder exactly once, each figure bound to its metric's
# name, in the client's order; the model chooses the verb phrase and the
# connectors. The free words exclude figures, braces, handles, hashtags,
# quotes, brackets, exclamations and markdown, so those cannot be written.
_VERB = r'[^{}0-9#@"\n()\[\]*!¡.:;¿?]{2,40}'
_CORE = (
    r"\{programa\}( en | de |, de )\{cadena\} " + _VERB
    + r" \{espectadores\} espectadores únicos, "
    + r"(con una audiencia media de \{audiencia\}|una audiencia media de \{audiencia\}"
    + r"|\{audiencia\} de audiencia media)"
    + r"( y | y con )(un \{cuota\} de cuota|una cuota del \{cuota\})"
)


def sentence_pattern(has_event: bool) -> str:
    """The event, when there is one, opens or closes the sentence."""
    if not has_event:
        return f"^{_CORE}\\.$"
    return f"^(\\{{evento\\}}: {_CORE}\\.|{_CORE}\\. \\{{evento\\}}\\.)$"


def guided_schema(has_event: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "frase": {"type": "string", "pattern": sentence_pattern(has_event)},
            "hashtags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {
                "type": "string", "pattern": "^#[A-Za-zÁÉÍÓÚÜÑáéíóúüñ0-9_]{2,40}$"}},
            "emojis": {"type": "array", "minItems": 2, "maxItems": 3,
                       "items": {"type": "string", "maxLength": 8}},
        },
        "required": ["frase", "hashtags", "emojis"],
    }


def clean_hashtags(items: Sequence[Any]) -> list[str]:
    """'#la ruleta' -> '#laruleta'; duplicates (any case) dropped."""
    seen: set[str] = set()
    tags = []
    for item in items:
        body = regex.sub(r"[^\p{L}\p{N}_]", "", str(item))
        if body and body.lower() not in seen:
            seen.add(body.lower())
            tags.append("#" + body)
    return tags


def clean_emojis(items: Sequence[Any]) -> list[str]:
    """Keep the items that are emojis (a whole grapheme), without repeats."""
    out: list[str] = []
    for item in items:
        for grapheme in regex.findall(r"\X", str(item).strip()):
            if EMOJI_RE.search(grapheme) and grapheme not in out:
                out.append(grapheme)
    return out


@dataclass
class GuidedWriter(ModelWriter):
    prompt: Prompt | None = field(default_factory=lambda: load_prompt("drafting/guided.v1"))
    name: str = "guided"

    def messages(
        self, sheet: FactSheet, network: str, feedback: Feedback | None
    ) -> list[dict[str, str]]:
        assert self.prompt is not None
        system = self.prompt.render(red=network_limit(network))
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": placeholder_block(sheet)}]
        if self.feedback_prompt is not None:
            messages += feedback_messages(self.feedback_prompt, feedback)
        return messages

    def write(
        self, sheet: FactSheet, *, network: str, attempt: int, feedback: Feedback | None
    ) -> WriterOutput:
        reply = chat(self.client, attempt_settings(self.settings, attempt),
                     self.messages(sheet, network, feedback),
                     format=guided_schema(bool(sheet.event)))
        try:
            data = json.loads(reply.text)
            if not isinstance(data, Mapping):
                raise ValueError("not an object")
            sentence = str(data["frase"]).strip()
            # The programme's hashtag is an exact value, like the handles: the code
            # writes it; the model adds one or two about the content.
            hashtags = clean_hashtags([templates.programme_hashtag(sheet),
                                       *list(data.get("hashtags") or [])])
            emojis = clean_emojis(list(data.get("emojis") or []))
        except (ValueError, KeyError, TypeError) as exc:
            return WriterOutput(text="", reply=reply, raw=reply.text,
                                problems=(f"la respuesta no es el JSON pedido ({exc})",))
        problems = templates.placeholder_problems(sentence, has_event=bool(sheet.event))
        text = templates.assemble(templates.fill(sentence, sheet), emojis, hashtags)
        return WriterOutput(text=text, reply=reply, raw=reply.text, problems=tuple(problems))


@dataclass
class TemplateWriter:
    """Deterministic and always valid: the fallback of the other two."""

    config: templates.TemplateConfig = field(default_factory=templates.load_templates)
    name: str = "template"
    model: str = ""
    prompt: Prompt | None = None

    def write(
        self, sheet: FactSheet, *, network: str, attempt: int = 1,
        feedback: Feedback | None = None,
    ) -> WriterOutput:
        variants = self.config.with_event if sheet.event else self.config.without_event
        sentence = variants[templates.stable_index(sheet.key, "phrasing", len(variants))]
        # The plan's hashtags (programme, channel) when the story has them.
        hashtags = clean_hashtags(list(sheet.hashtags) if len(sheet.hashtags) >= 2 else
                                  [templates.programme_hashtag(sheet), *self.config.hashtags])
        text = templates.assemble(templates.fill(sentence, sheet),
                                  self.config.emojis_for(sheet), hashtags)
        return WriterOutput(text=text, raw=sentence)
