"""What counts as copying an example or a recent post (issue 21, item 4).

An editor calls a post a copy when it reuses another post's own wording: the words its
writer chose. Not the data, and not the labels every post must carry: each post names
its three figures with the client's metric labels ("{espectadores} espectadores únicos",
"una audiencia media de {audiencia}", "un {cuota} de cuota") and its event with the
configured label or clause, so two honest posts share those runs. The first version of
the rule (six consecutive words, data breaking a run) rejected 30 attempts of the
held-out benchmark for runs such as "espectadores únicos y una audiencia media de",
the labels themselves, and could not see the copy the issue reported: the Supercopa post
that both bundled models wrote word for word from an example has no run of six plain
words between its placeholders.

So before two texts are compared, each becomes a sequence of tokens:

- data (placeholders, figures, handles) is one slot token `§`; hashtags and emojis go
  (the code adds them); punctuation goes;
- a figure together with its metric label, in the forms the natural writer's grammar
  and the validator accept, is one token per metric (`⟨e⟩`, `⟨a⟩`, `⟨c⟩`): "un {cuota}
  de cuota de pantalla" and "una cuota del {cuota}" are both `⟨c⟩`;
- every other word is the writer's own, lower case.

A candidate copies a source when (1) its whole token sequence is the source's (the same
post with other data: the Supercopa case), or (2) they share a run of COPY_TOKENS
consecutive tokens of which at least OWN_WORDS are the writer's own words, CONTENT_WORDS
of them not mere glue (slots and metric tokens keep a run going but do not make it a
copy on their own: "{espectadores} espectadores únicos y una audiencia media de
{audiencia}" is `⟨e⟩ y ⟨a⟩`, one own word).

`raw_shared_run` keeps the first rule's measure (six plain words, anything else breaks
a run): the benchmark reports both, what the text shares and what the rule decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from audience_assets.paths import config_dir, read_client_yaml

# Consecutive tokens a shared run needs, how many of them must be the writer's own
# words (not slots or metric labels) and how many of those content words (not
# FUNCTION_WORDS) for the run to be a copy. Without the last condition "en {cadena},
# que firmó una audiencia media de", one verb among glue, counted as a copy in two
# corpus posts; "… y un {cuota} de cuota, {programa} cerró su emisión" still does.
COPY_TOKENS = 6
OWN_WORDS = 4
CONTENT_WORDS = 2
# Articles, prepositions, conjunctions and the like: the glue any sentence has.
FUNCTION_WORDS = frozenset((
    "a", "al", "ante", "con", "como", "de", "del", "desde", "e", "el", "en", "entre", "hasta",
    "la", "las", "lo", "los", "ni", "o", "para", "pero", "por", "que", "se", "sin", "sobre",
    "su", "sus", "tras", "u", "un", "una", "unas", "unos", "y"))
# The raw measure: consecutive plain words between data and punctuation.
RAW_WORDS = 6

SLOT = "§"
_EMOJI_OR_HASHTAG_RE = re.compile(r"#\w+|[^\w\s{}@%.,;:¿?¡!()\-'\"«»/]")
_DATA_RE = re.compile(r"\{[^}]*\}|@\w+|\d[\d.,]*\s*%?")
_WORD_RE = re.compile(r"[§\w]+")
_RAW_BREAK_RE = re.compile(r"\{[^}]*\}|[@#]\w+|\d[\d.,%]*|[^\w\s]")

# The metric labels around a figure slot, longest forms first (tokens joined by one
# space, after lower-casing; `§` is the figure). Each becomes one token.
_ART = r"(?:(?:una|la|su|con una|con su) )?"
_METRICS: tuple[tuple[str, str], ...] = (
    ("⟨e⟩", r"§ espectadores únicos"),
    ("⟨e⟩", r"espectadores únicos (?:fueron |de )?§"),
    ("⟨a⟩", r"§ de audiencia media"),
    ("⟨a⟩", _ART + r"audiencia media (?:fue )?(?:de )?§"),
    ("⟨c⟩", r"(?:(?:un|el|del) )?§ de cuota(?: de pantalla)?"),
    ("⟨c⟩", _ART + r"cuota(?: de pantalla)? (?:fue )?(?:del?|fue del) ?§"),
)
_METRIC_RES = tuple((token, re.compile(rf"(?<![\w§]){pattern}(?![\w§])"))
                    for token, pattern in _METRICS)
_METRIC_TOKENS = frozenset(token for token, _ in _METRICS)


def tokens(text: str) -> list[str]:
    """The text as the copy rule compares it: `§` for data, one token per figure with
    its metric label, the writer's own words lower case, no punctuation."""
    out = _EMOJI_OR_HASHTAG_RE.sub(" ", text)
    out = _DATA_RE.sub(f" {SLOT} ", out)
    line = " ".join(_WORD_RE.findall(out.lower()))
    for token, pattern in _METRIC_RES:
        line = pattern.sub(token, line)
    return line.split()


def is_own(token: str) -> bool:
    return token != SLOT and token not in _METRIC_TOKENS


def _is_copy_run(gram: Sequence[str], own: int, content: int) -> bool:
    words = [t for t in gram if is_own(t)]
    return len(words) >= own and sum(w not in FUNCTION_WORDS for w in words) >= content


def _grams(seq: Sequence[str], n: int) -> Iterable[tuple[str, ...]]:
    return (tuple(seq[i:i + n]) for i in range(len(seq) - n + 1))


def copied_wording(text: str, sources: Sequence[str], n: int = COPY_TOKENS,
                   own: int = OWN_WORDS, content: int = CONTENT_WORDS,
                   whole: bool = True) -> str | None:
    """The copied wording `text` takes from one of `sources` (as tokens, for the
    feedback), or None: the whole post (unless not `whole`), or a run of `n` tokens
    with `own` own words, `content` of them content words."""
    mine = tokens(text)
    if not mine:
        return None
    theirs = [tokens(source) for source in sources]
    for seq in theirs:
        if whole and seq == mine and sum(map(is_own, mine)) >= 2:
            return " ".join(mine)
    grams = {g for seq in theirs for g in _grams(seq, n) if _is_copy_run(g, own, content)}
    for gram in _grams(mine, n):
        if gram in grams:
            return " ".join(gram)
    return None


class CopyingError(ValueError):
    """copying.yaml is missing or malformed."""


MODES = ("whole_and_phrases", "phrases", "off")


def copying_file() -> Path:
    return config_dir() / "drafting" / "copying.yaml"


@dataclass(frozen=True, slots=True)
class CopyPolicy:
    """What the natural writer may not copy, per source (data/config/drafting/copying.yaml)."""

    examples: str = "whole_and_phrases"
    recent_posts: str = "whole_and_phrases"

    def copied(self, text: str, examples: Sequence[str], recent: Sequence[str]
               ) -> str | None:
        for mode, sources in ((self.examples, examples), (self.recent_posts, recent)):
            if mode != "off" and sources:
                found = copied_wording(text, sources, whole=mode == "whole_and_phrases")
                if found:
                    return found
        return None

    def may_follow(self, example: str) -> bool:
        """Whether a post may follow `example`'s wording with its own data. Under
        `phrases`, not when the example has a phrase of its own ("… y un {cuota} de
        cuota, {programa} cerró su emisión en {cadena}"): every post that follows it is
        refused, and on the sample day 4 of 12 failed model calls were such posts."""
        return _may_follow(self, example)


@functools.lru_cache(maxsize=1024)
def _may_follow(policy: CopyPolicy, example: str) -> bool:
    return policy.copied(example, [example], ()) is None


@functools.cache
def load_policy(path: Path | None = None) -> CopyPolicy:
    path = path or copying_file()
    data = read_client_yaml(path, CopyingError, "copying file")
    if not isinstance(data, dict) or data.get("version") != 1:
        raise CopyingError(f"{path}: expected a mapping with `version: 1`")
    unknown = set(data) - {"version", "examples", "recent_posts"}
    if unknown:
        raise CopyingError(f"{path}: unknown keys {', '.join(sorted(unknown))}")
    values = {k: data.get(k, "whole_and_phrases") for k in ("examples", "recent_posts")}
    for key, value in values.items():
        if value not in MODES:
            raise CopyingError(f"{path}: `{key}` is {value!r}; expected one of "
                               f"{', '.join(MODES)}")
    return CopyPolicy(**values)


_READABLE = {SLOT: "…", "⟨e⟩": "{espectadores} espectadores únicos",
             "⟨a⟩": "{audiencia} de audiencia media", "⟨c⟩": "{cuota} de cuota"}


def readable(copied: str) -> str:
    """A copied token run as words the writer can be told ("reunió en … a
    {espectadores} espectadores únicos")."""
    return " ".join(_READABLE.get(t, t) for t in copied.split())


def raw_runs(text: str) -> list[list[str]]:
    """The text's runs of plain words, lower case, between data and punctuation."""
    return [run.lower().split() for run in _RAW_BREAK_RE.split(text) if run.split()]


def raw_shared_run(text: str, sources: Sequence[str], n: int = RAW_WORDS) -> str | None:
    """The first run of `n` consecutive plain words `text` shares with one of `sources`
    (the issue's measure, reported beside the rule's decision)."""
    grams = {tuple(run[i:i + n]) for source in sources for run in raw_runs(source)
             for i in range(len(run) - n + 1)}
    for run in raw_runs(text):
        for i in range(len(run) - n + 1):
            if tuple(run[i:i + n]) in grams:
                return " ".join(run[i:i + n])
    return None
