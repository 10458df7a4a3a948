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
(data/config/drafting/examples.yaml), a different few per fact sheet (and again
after a failed attempt while none is valid), so the model does not copy one
sentence for every post.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeGuard

from audience_assets import settings
from audience_assets.drafting.validation.config import load_config
from audience_assets.drafting.writing import copying, templates
from audience_assets.drafting.writing.llm import LLMSettings, chat
from audience_assets.drafting.writing.prompts import Prompt, load_prompt, network_limit
from audience_assets.drafting.writing.writers import (
    Feedback,
    ModelWriter,
    WriterOutput,
    attempt_settings,
    clean_emojis,
    clean_hashtags,
    feedback_messages,
)
from audience_assets.paths import config_dir, read_client_yaml
from audience_assets.records import FactSheet

EXAMPLES_FILE = Path(
    settings.get("AUDIENCE_DRAFTING_EXAMPLES")
    or config_dir() / "drafting" / "examples.yaml"
)
# Two, not three: with the 0.5B model on 2 cores the third example was about 60 of the
# prompt's tokens the model evaluates anew for every sheet (0.55 of 2.3 s).
EXAMPLES_PER_PROMPT = 2
# The longest reply worth waiting for, in tokens per character of the network's limit:
# valid replies in the 50-sheet benchmarks used at most 0.30 (83 tokens for a post of
# 278 characters), and a run-on reply took all of num_predict (160 tokens, 5 s) to fail.
REPLY_TOKENS_PER_CHARACTER = 0.4
DEFAULT_HASHTAG = "#Audiencias"

# The model's own words: anything but what the code writes (digits, handles,
# hashtags, placeholders' braces) and what the house style never allows
# (quotes, brackets, exclamations, markdown). No backslash: inside a JSON string
# it starts an escape, and "\n" let the 0.5B model run on in new paragraphs
# ("No hay evento.\nNingún presentador.\n…") until num_predict cut it.
_NEVER = r'{}0-9@#\n"*!¡\[\]()<>\\'
FREE_CHAR = "[^" + _NEVER + "]"
# The few words between a metric's name and its figure ("su cuota, del {cuota}"),
# and what may follow the last placeholder: one clause, no full stop.
_CLAUSE_CHAR = "[^" + _NEVER + ".]"
_NEAR = _CLAUSE_CHAR + "{0,24}"
_TAIL = _CLAUSE_CHAR + "*"
# Each figure is named next to it, before or after, as every example does: an
# editor never publishes a bare "y un 11.9%." (the validator reads it as the share
# from its % sign, but a reader may not).
_FIGURES = (
    ("espectadores", "espectadores únicos", " espectadores únicos"),
    ("audiencia", "audiencia media", " de audiencia media"),
    ("cuota", "cuota", " de cuota"),
)


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

    def draw(self, sheet: FactSheet, number: int = 0, k: int = EXAMPLES_PER_PROMPT,
             shown: Mapping[Example, int] | None = None,
             prefer: Callable[[Example], bool] | None = None) -> list[Example]:
        """`k` different examples for this sheet's draw `number`: stable (a
        re-run shows the same ones) and spread (sheets and draws get different
        ones). With `shown` (how often each was shown already that day), the least
        shown come first: the 0.5B model follows one of the examples it is shown,
        so a day that rotates through the pool reads less alike. Examples `prefer`
        accepts come before the others (those the copy policy lets a post follow)."""
        pool = self.with_event if sheet.event else self.without_event
        seen = shown or {}
        order = sorted(pool, key=lambda e: (
            prefer is not None and not prefer(e), seen.get(e, 0), templates.stable_index(
                f"{sheet.key}|{number}|{e.text}", "examples", 1 << 30)))
        return order[:k]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(e.text for e in (*self.with_event, *self.without_event))


class ExampleSource(Protocol):
    """Where the writer's examples come from: examples.yaml (`ExamplePool`) or the pool
    learned from the desk (`pool.LearnedExamples`, which falls back on examples.yaml)."""

    @property
    def emojis(self) -> tuple[str, ...]: ...

    @property
    def texts(self) -> tuple[str, ...]:
        """Every example the writer could be shown: the copy rule refuses them all."""

    def draw(self, sheet: FactSheet, number: int = 0, k: int = EXAMPLES_PER_PROMPT,
             shown: Mapping[Example, int] | None = None,
             prefer: Callable[[Example], bool] | None = None) -> list[Example]: ...


def example_problems(text: str, has_event: bool) -> list[str]:
    """Why the writer could not have written `text` as an example's wording (empty if it
    could): every example - examples.yaml's, the learned pool's - passes what the
    writer's own output must pass, so no example teaches a digit, a handle or a slot."""
    problems = templates.placeholder_problems(text, has_event=has_event)
    problems += wording_problems(text)
    if not problems and not re.fullmatch(text_pattern(has_event), text):
        problems.append("el modelo no podría escribirlo: caracteres que no puede usar "
                        "(cifras, @, #, comillas, paréntesis, exclamaciones), varias frases "
                        "tras el último dato o una métrica sin su nombre al lado")
    return problems


def two_emojis_of(marks: Any, emojis: Collection[str]) -> TypeGuard[Sequence[str]]:
    """An example's `emojis`: two different ones of the allowed list."""
    return (isinstance(marks, list | tuple) and len(marks) == 2 and marks[0] != marks[1]
            and all(m in emojis for m in marks))


def parse_example(item: Any, where: str, has_event: bool, emojis: Collection[str],
                  error: type[ValueError]) -> Example:
    """One example as a client file holds it (examples.yaml, the learned pool's file):
    `text` the writer could have written and two of the allowed `emojis`; else `error`
    naming `where` in one line."""
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        raise error(f"{where}: expected a mapping with `text` and `emojis`")
    text = item["text"].strip()
    problems = example_problems(text, has_event)
    if problems:
        raise error(f"{where}: {text!r}: {'; '.join(problems)}")
    marks = item.get("emojis")
    if not two_emojis_of(marks, emojis):
        raise error(f"{where}: `emojis` must be two different emojis of examples.yaml's "
                    "`emojis` list")
    return Example(text, (marks[0], marks[1]))


def _examples(data: Mapping[str, Any], key: str, has_event: bool, emojis: set[str],
              path: Path) -> tuple[Example, ...]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ExamplesError(f"{path}: `{key}` must be a non-empty list of examples")
    return tuple(parse_example(item, f"{path}: {key}[{i}]", has_event, emojis, ExamplesError)
                 for i, item in enumerate(items))


def load_examples(path: Path | None = None) -> ExamplePool:
    path = path or EXAMPLES_FILE
    data = read_client_yaml(path, ExamplesError, "examples file")
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


_METRIC_WORDS = (("espectadores", r"espectadores?"), ("audiencia", r"audiencias?"),
                 ("cuota", r"cuotas?"))


def wording_problems(wording: str) -> list[str]:
    """What the grammar cannot forbid and the 0.5B model wrote, in Spanish (it is fed
    back): a metric named twice or away from its figure ("La audiencia media de
    {programa} fue de {espectadores} espectadores únicos", "una cuota de cuota"), and
    the word "evento" around {evento}, which is already a whole phrase ("El evento lo
    más visto del día")."""
    words = templates.PLACEHOLDER_RE.sub(" ", wording).lower()
    problems = []
    for name, word in _METRIC_WORDS:
        count = len(re.findall(rf"\b{word}\b", words))
        if count != 1:
            problems.append(f"nombra «{name}» una sola vez, junto a {{{name}}} "
                            f"(aparece {count} veces)")
    if re.search(r"\beventos?\b", words):
        problems.append("no escribas la palabra «evento»: {evento} ya es una frase completa")
    return problems


# "y un evento llamado {evento}": after the examples that carry the event as a clause
# ("… y {evento}, con …"), 2 of 96 attempts on a fresh 60-sheet run.
_EVENT_NOUN_RE = re.compile(
    r"\b(?:(?:el|un|del|al|en el)\s+)?evento\s*(?:(?:llamado|denominado)\s+)?:?\s*"
    r"(?=\{evento\})", re.IGNORECASE)


_UN_CUOTA_RE = re.compile(r"\b([Uu])n cuota\b")


def tidy_wording(wording: str) -> str:
    """Two slips of the 0.5B model that code can mend without choosing any words:
    "El evento {evento} con…" -> "{evento} con…" (the placeholder's name drew it into
    naming it, at any temperature, and {evento} is already a whole phrase such as "Lo
    más visto del día"; only right before the placeholder, "evento" anywhere else is
    fed back by `wording_problems`), and "un cuota" -> "una cuota" (after "un
    {cuota}" in the examples it wrote the word instead of the placeholder; 61 of 356
    failed attempts in the first 50-sheet benchmark)."""
    return _UN_CUOTA_RE.sub(r"\1na cuota", _EVENT_NOUN_RE.sub("", wording))


def _figure(name: str, label: str, suffix: str) -> str:
    mark = r"\{" + name + r"\}"
    return "(" + label + _NEAR + mark + "|" + mark + suffix + ")"


@functools.cache
def text_pattern(has_event: bool) -> str:
    """Every placeholder exactly once, the three figures in order and each named next
    to it, free words around them, and the post ending at the first full stop after
    the last placeholder.

    A regular expression cannot count, so the pattern spells out the orders. As one
    alternative per order (120 with an event) it made a grammar that took minutes
    per post on a CPU: every alternative starts with free words, so all of them
    stayed alive at every token. As a tree (after the free words, the next
    placeholder picks the branch) only the branch the text took stays alive, and a
    post costs what the free grammar did."""
    words = FREE_CHAR + "*"
    figures = [_figure(*f) for f in _FIGURES]

    @functools.cache
    def rest(programme: bool, channel: bool, event: bool, figure: int) -> str:
        # Plain groups: llama.cpp's schema-to-grammar crashes on "(?:" (Ollama 0.11.4).
        branches = []
        if programme:
            branches.append(r"\{programa\}" + rest(False, channel, event, figure))
        if channel:
            branches.append(r"\{cadena\}" + rest(programme, False, event, figure))
        if event:
            branches.append(r"\{evento\}" + rest(programme, channel, False, figure))
        if figure < len(figures):
            branches.append(figures[figure] + rest(programme, channel, event, figure + 1))
        if not branches:
            return ""
        return words + (branches[0] if len(branches) == 1 else "(" + "|".join(branches) + ")")

    # After the last placeholder, one clause at most: the 0.5B model otherwise went
    # on for sentences ("Estos datos confirman…") until num_predict cut it.
    return "^" + rest(True, True, has_event, 0) + _TAIL + r"\.$"


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
             "cuota: {cuota}"]
    # Not the event's words: shown them, the model writes them out instead of the
    # placeholder. No line at all without an event: told "evento: (ninguno)", the
    # 0.5B model wrote "No hay evento." into the post.
    if sheet.event:
        lines.append("evento: {evento}")
    # No genre line: the 0.5B model copied it into the post ("género entretenimiento.").
    lines.append("</datos>")
    return "\n".join(lines)


def fill_wording(text: str, sheet: FactSheet) -> str:
    """Fill the placeholders (`templates.fill`: a name or event starts a sentence with
    a capital, inside one in lower case, "de el" contracted) and start the post with a
    capital."""
    out = re.sub(r"\s{2,}", " ", templates.fill(text, sheet)).strip()
    return out[:1].upper() + out[1:] if out[:1].islower() else out


def post_hashtags(sheet: FactSheet) -> list[str]:
    """The story's hashtags (programme, channel) from the plan, else the programme's
    and the house one; always at least two."""
    tags = clean_hashtags(list(sheet.hashtags) or [templates.programme_hashtag(sheet)])
    if len(tags) < 2:
        tags = clean_hashtags([*tags, DEFAULT_HASHTAG])
    return tags


@dataclass(slots=True)
class _Progress:
    """A sheet's attempts: its current draw of examples, the attempts made on that
    draw, and whether the last reply was cut off mid-JSON (a failure the loop does
    not feed back)."""

    draw: int = 0
    used: int = 0
    cut_off: bool = False


@dataclass
class NaturalWriter(ModelWriter):
    prompt: Prompt | None = field(default_factory=lambda: load_prompt("drafting/natural.v2"))
    pool: ExampleSource = field(default_factory=load_examples)
    examples_per_prompt: int = EXAMPLES_PER_PROMPT
    # Attempts that share one draw of examples while they succeed: the candidates of
    # a sheet then send the same prompt and Ollama reuses its evaluation (about 2 of
    # the 4.5 s of a candidate with the 0.5B model on 2 cores); the seed, new per
    # attempt, makes them differ. At most this many attempts per draw: it matters only
    # when the loop asks for more than one candidate (DraftingConfig.candidates).
    attempts_per_draw: int = 3
    # The first attempt of each draw is the model's most likely wording at the
    # configured temperature (0 by default); the other candidates of the draw are
    # samples at least this warm, or at temperature 0 they would all be the same text.
    candidate_temperature: float = 0.8
    # Told what was wrong, never shown its own answer (see `messages`).
    feedback_prompt: Prompt | None = field(
        default_factory=lambda: load_prompt("drafting/natural_retry.v1"))
    name: str = "natural"
    # Posts of the last days (post_drafts, set by the asset): a candidate that copies
    # one of them or an example of the pool (`copying.copied_wording`) is rejected
    # and a new draw opens.
    recent_posts: Sequence[str] = ()
    # What may not be copied from each source; None: data/config/drafting/copying.yaml.
    copy_policy: copying.CopyPolicy | None = None
    # The examples shown so far (a writer drafts one day) and each draw, so the
    # candidates of a draw get the very same prompt.
    _shown: Counter[Example] = field(default_factory=Counter, init=False, repr=False)
    _draws: dict[tuple[str, int], list[Example]] = field(default_factory=dict, init=False,
                                                         repr=False)
    # Per sheet being drafted: where its attempts are.
    _progress: dict[str, _Progress] = field(default_factory=dict, init=False, repr=False)

    def examples(self, sheet: FactSheet, draw: int) -> list[Example]:
        key = (sheet.key, draw)
        if key not in self._draws:
            self._draws[key] = self.pool.draw(sheet, draw, self.examples_per_prompt,
                                              shown=self._shown, prefer=self.may_follow)
            self._shown.update(self._draws[key])
        return self._draws[key]

    @property
    def policy(self) -> copying.CopyPolicy:
        """What may not be copied: `copy_policy`, else copying.yaml's."""
        return self.copy_policy or copying.load_policy()

    def may_follow(self, example: Example) -> bool:
        """Shown first: examples whose wording a post may follow under the copy policy
        (under `phrases`, not one with a phrase of its own: shown, the 0.5B model
        repeated the phrase and the attempt was lost; examples.yaml keeps 1 of 25)."""
        return self.policy.may_follow(example.text)

    def next_draw(self, sheet: FactSheet, attempt: int, feedback: Feedback | None
                  ) -> tuple[int, bool]:
        """(the draw of examples for this attempt, whether it opens that draw). A failed
        attempt the loop corrects (it passes feedback) opens a new draw: in the 50-sheet
        benchmarks an attempt given the violations of the one before it on the same
        prompt was valid 0 times in 89 (the 0.5B model repeated or patched its broken
        text), while a fresh draw was valid in about half. Once the sheet has a valid
        candidate the loop passes no feedback, and the draw stays."""
        if attempt == 1:
            self._progress[sheet.key] = _Progress()
        now = self._progress[sheet.key]
        if now.used and (feedback is not None or now.cut_off
                         or now.used >= self.attempts_per_draw):
            now.draw, now.used = now.draw + 1, 0
        now.used, now.cut_off = now.used + 1, False
        return now.draw, now.used == 1

    def attempt_settings(self, attempt: int, opens_draw: bool) -> LLMSettings:
        settings = attempt_settings(self.settings, attempt)
        if opens_draw:
            return settings
        warm = max(float(settings.options.get("temperature", 0.0)), self.candidate_temperature)
        return replace(settings, options={**settings.options, "temperature": warm})

    def reply_settings(self, network: str, attempt: int, opens_draw: bool) -> LLMSettings:
        """The attempt's settings, its reply no longer than the network can publish."""
        settings = self.attempt_settings(attempt, opens_draw)
        limit = getattr(load_config().settings.limits, network)
        cap = max(1, round(limit * REPLY_TOKENS_PER_CHARACTER))
        if int(settings.options.get("num_predict", cap)) <= cap:
            return settings
        return replace(settings, options={**settings.options, "num_predict": cap})

    def messages(self, sheet: FactSheet, network: str, draw: int,
                 feedback: Feedback | None) -> list[dict[str, str]]:
        assert self.prompt is not None
        examples = self.examples(sheet, draw)
        system = self.prompt.render(red=network_limit(network),
                                    ejemplos="\n".join(e.as_json() for e in examples))
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": wording_block(sheet)}]
        if self.feedback_prompt is not None:
            # The problems only, not the broken answer: shown it, the 0.5B model
            # corrected one word at a time or wrote it again unchanged.
            messages += feedback_messages(self.feedback_prompt, feedback, with_answer=False)
        return messages

    def write(self, sheet: FactSheet, *, network: str, attempt: int,
              feedback: Feedback | None) -> WriterOutput:
        draw, opens = self.next_draw(sheet, attempt, feedback)
        # The messages first: an unknown network is named there (PromptError), before
        # the settings look up its limit.
        messages = self.messages(sheet, network, draw, feedback)
        reply = chat(self.client, self.reply_settings(network, attempt, opens), messages,
                     format=natural_schema(bool(sheet.event), self.pool.emojis))
        try:
            data = json.loads(reply.text)
            if not isinstance(data, Mapping):
                raise ValueError("not an object")
            wording = tidy_wording(str(data["texto"]).strip())
            emojis = clean_emojis(list(data.get("emojis") or []))
        except (ValueError, KeyError, TypeError) as exc:
            self._progress[sheet.key].cut_off = True
            return WriterOutput(text="", reply=reply, raw=reply.text,
                                problems=(f"la respuesta no es el JSON pedido ({exc})",))
        problems = templates.placeholder_problems(wording, has_event=bool(sheet.event))
        problems += wording_problems(wording)
        # Every example of the pool, not only the ones shown: the goal is no post
        # that is an example with other data, whoever suggested it.
        copied = self.policy.copied(wording, list(self.pool.texts), self.recent_posts)
        if copied:
            problems.append(f"no copies frases de los ejemplos ni de posts recientes: "
                            f"«{copying.readable(copied)}»; escríbelo con tus palabras")
        text = templates.assemble(fill_wording(wording, sheet), emojis, post_hashtags(sheet))
        return WriterOutput(text=text, reply=reply, raw=reply.text, problems=tuple(problems),
                            wording=wording)
