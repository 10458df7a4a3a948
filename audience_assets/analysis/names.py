"""Programme names as an editor writes them in a post.

The deliveries spell titles in capitals and without accents ("AQUI LA TIERRA"),
paste fixtures in ("Final Supercopa de España @realmadrid vs @fcbarcelona_es") and
put the match of a sports broadcast in its description. A post needs the name as
a sentence of Spanish carries it: "Aquí la Tierra", "la final de la Supercopa de
España entre @realmadrid y @fcbarcelona_es", "el Real Madrid-FC Barcelona de la
Supercopa de España", with its article and gender so the writer can build around
it ("del", "al").

Where the name comes from, first match wins:
1. the client's lexicon (data/config/names.yaml: display name, article, gender,
   handle, per delivered title or handle), validated on load;
2. a name configured in analysis.yaml (`programmes.<title>.name`);
3. the normaliser: fixtures to "el X-Y" / "la final de ... entre X y Y"; titles in
   capitals to sentence case (function words lower case; proper nouns, channels and
   acronyms from the lexicon; accents restored where Spanish usage, per wordfreq,
   knows the accented spelling far more often; English titles in English title
   case); titles a person already wrote (lower-case letters) and handles as they are.

The lexicon is read and validated by name_lexicon.py, capitals recased by casing.py.
Pure: no Dagster, no I/O beyond reading the lexicon once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from audience_assets.analysis.casing import in_capitals, recase
from audience_assets.analysis.name_lexicon import (
    ARTICLES,
    GENDER_OF_ARTICLE,
    Lexicon,
    fold,
    load_lexicon,
)

# Stages of a competition that an editor writes before the fixture: "la final de …
# entre X y Y". Longest first.
STAGES = (("dieciseisavos de final", "los"), ("octavos de final", "los"),
          ("cuartos de final", "los"), ("semifinales", "las"), ("semifinal", "la"),
          ("final", "la"))
# Programmes about a fixture: "la previa del Real Madrid-FC Barcelona".
AROUND_FIXTURE = (("previa", "la"), ("post partido", "el"), ("postpartido", "el"),
                  ("resumen", "el"))
_VS_RE = re.compile(r"\s+(?:vs\.?|v\.?|contra)\s+|\s+[-–—]\s+", re.IGNORECASE)
_TIGHT_DASH_RE = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_SEGMENT_RE = re.compile(r"\s*:\s+|\.\s+")
_HANDLE_RE = re.compile(r"@\w+")


@dataclass(frozen=True, slots=True)
class Name:
    """A programme's name as a post writes it mid-sentence (`display`; the writer
    capitalises it at a sentence start), its article ("" for a bare name such as
    "Pasapalabra"; "la" for "la final de…" and for "La promesa"), gender ("m", "f",
    or "" when unknown), handle (if configured) and kind: "lexicon", "fixture",
    "normalised", "as_written"."""

    display: str
    article: str = ""
    gender: str = ""
    handle: str = ""
    kind: str = "normalised"


# ---- fixtures ------------------------------------------------------------------------------


def _and(first: str, second: str) -> str:
    """"X y Y", "España e Italia" ("e" before an /i/ sound that is not a diphthong)."""
    f = fold(second.lstrip("@"))
    conj = "e" if (f.startswith("i") or f.startswith("hi")) and not f.startswith(
        ("hia", "hie", "hio", "hiu")) else "y"
    return f"{first} {conj} {second}"


def _with_article(text: str, article: str) -> str:
    return f"{article} {text}" if article else text


def contract(text: str) -> str:
    """"de el" -> "del", "a el" -> "al" (lower-case "el" only: "de El hormiguero" is a
    title's own article and stays)."""
    return re.sub(r"\b([Aa]) el\b", r"\1l", re.sub(r"\b([Dd])e el\b", r"\1el", text))


def _de(text: str) -> str:
    return contract(f"de {text}")


def _casing(text: str, lexicon: Lexicon) -> str:
    return recase(text, lexicon, title_case=True) if in_capitals(text) else text


def _competition(text: str, lexicon: Lexicon) -> tuple[str, str]:
    """(spelling, article) of a competition: from the lexicon ("LaLiga EA Sports", ""),
    else title case with "la" for a feminine-looking first word ("la Eurocopa")."""
    key = fold(text)
    if key in lexicon.competitions:
        return lexicon.competitions[key]
    spelled = _casing(text, lexicon)
    first = fold(spelled.split()[0]) if spelled.split() else ""
    return spelled, ("la" if first.endswith("a") else "el")


def _split_fixture(segment: str) -> tuple[str, str, str] | None:
    """(words before the first team, first team, second team) of "… X vs Y"."""
    parts = _VS_RE.split(segment, maxsplit=1)
    if len(parts) != 2:
        tight = _TIGHT_DASH_RE.split(segment, maxsplit=1)
        if len(tight) != 2:
            return None
        parts = tight
    left, right = parts[0].strip(), parts[1].strip()
    if not left or not right:
        return None
    handles = _HANDLE_RE.findall(left)
    if handles and left.endswith(handles[-1]):
        return left[: -len(handles[-1])].strip(), handles[-1], right
    return "", left, right


def _stage(text: str) -> tuple[str, str, str] | None:
    """(stage, its article, the rest) when `text` starts with a stage: "FINAL COPA DEL
    REY" -> ("final", "la", "COPA DEL REY")."""
    folded = fold(text)
    for stage, article in (*STAGES, *AROUND_FIXTURE):
        if folded == stage or folded.startswith(stage + " "):
            return stage, article, text[len(stage):].strip(" .:")
    return None


def fixture_name(title: str, description: str, genre: str, lexicon: Lexicon) -> Name | None:
    """The name of a sports broadcast of one match, or None if it is not one.

    "X vs Y" always reads as a match; "X - Y" and "X-Y" only in a sports broadcast
    (genre DEPORTES or a sport before them), where the match may also be the
    description of a competition's title."""
    segments = [s for s in _SEGMENT_RE.split(title.strip()) if s.strip()]
    sporty = fold(genre) == "deportes" or any(fold(s) in lexicon.sports for s in segments)
    fixture = None
    rest: list[str] = []
    for at, segment in enumerate(segments):
        split = _split_fixture(segment)
        if split is None:
            continue
        has_vs = re.search(r"\s(?:vs\.?|v\.?)\s", segment, re.IGNORECASE) is not None
        both_handles = bool(_HANDLE_RE.fullmatch(split[1]) and _HANDLE_RE.search(split[2]))
        if has_vs or both_handles or sporty:
            fixture, rest = split, [*segments[:at], *([split[0]] if split[0] else [])]
            break
    if fixture is None and description and sporty:
        split = _split_fixture(description.strip())
        if split is not None and not split[0]:
            fixture, rest = split, segments
    if fixture is None:
        return None
    _, first, second = fixture
    first, second = _casing(first, lexicon), _casing(second, lexicon)
    stage: tuple[str, str] | None = None
    competition: tuple[str, str] | None = None
    for segment in rest:
        if fold(segment) in lexicon.sports:
            continue
        found = _stage(segment)
        if found is not None:
            stage = (found[0], found[1])
            segment = found[2]
        if segment:
            competition = _competition(segment, lexicon)
    handles = first.startswith("@") or second.startswith("@")
    comp = ""
    if competition is not None:
        comp = _de(_with_article(competition[0], competition[1]))
    if stage is not None and stage[0] in dict(STAGES):
        words = [stage[1], stage[0]] + ([comp] if comp else []) + ["entre", _and(first, second)]
        return Name(" ".join(words), stage[1], GENDER_OF_ARTICLE[stage[1]], kind="fixture")
    match = (f"el partido {comp + ' ' if comp else ''}entre {_and(first, second)}" if handles
             else f"el {first}-{second}" + (f" {comp}" if comp else ""))
    if stage is not None:  # the previa / resumen of the match
        return Name(f"{stage[1]} {stage[0]} {_de(match)}", stage[1],
                    GENDER_OF_ARTICLE[stage[1]], kind="fixture")
    return Name(match, "el", "m", kind="fixture")


# ---- the name ------------------------------------------------------------------------------


def _article_of(display: str) -> tuple[str, str]:
    first = display.split()[0].lower() if display.split() else ""
    return (first, GENDER_OF_ARTICLE[first]) if first in ARTICLES else ("", "")


def is_display_name(title: str) -> bool:
    """Already written by this module for a post: a fixture's name starts with a lower-
    case article ("la final de …", "el Real Madrid-…"); normalising again is a no-op."""
    return title.split(" ", 1)[0] in ARTICLES


def programme_name(title: str, description: str = "", genre: str = "", *,
                   configured_name: str = "", lexicon: Lexicon | None = None,
                   keep_words: Iterable[str] = ()) -> Name:
    """The programme's name as a post writes it (see the module docstring for the order)."""
    lex = lexicon if lexicon is not None else load_lexicon()
    if keep_words:
        lex = _with_keep_words(lex, tuple(keep_words))
    entry = lex.programmes.get(fold(title))
    if entry is not None:
        return Name(entry.name, entry.article, entry.gender, entry.handle, kind="lexicon")
    if is_display_name(title):
        article, gender = _article_of(title)
        return Name(title, article, gender, kind="as_written")
    fixture = fixture_name(title, description, genre, lex)
    if fixture is not None:
        return fixture
    if configured_name:
        article, gender = _article_of(configured_name)
        return Name(configured_name, article, gender, kind="lexicon")
    if _HANDLE_RE.fullmatch(title.strip()) or not in_capitals(title):
        article, gender = _article_of(title)
        return Name(title.strip(), article, gender, kind="as_written")
    display = recase(title.strip(), lex)
    article, gender = _article_of(display)
    return Name(display, article, gender, kind="normalised")


_KEEP_CACHE: dict[tuple[int, tuple[str, ...]], tuple[Lexicon, Lexicon]] = {}


def _with_keep_words(lexicon: Lexicon, keep_words: tuple[str, ...]) -> Lexicon:
    """The lexicon plus analysis.yaml's `plan.keep_words` (spellings kept as written)."""
    key = (id(lexicon), keep_words)
    if key not in _KEEP_CACHE or _KEEP_CACHE[key][0] is not lexicon:
        proper = dict(lexicon.proper_nouns)
        for word in keep_words:
            proper.setdefault(tuple(fold(word).split()), word)
        _KEEP_CACHE[key] = (lexicon, Lexicon(lexicon.programmes, proper, lexicon.acronyms,
                                             lexicon.competitions, lexicon.sports,
                                             lexicon.path))
    return _KEEP_CACHE[key][1]


@functools.lru_cache(maxsize=4096)
def display_name(title: str, description: str = "", genre: str = "") -> str:
    """`programme_name(...).display` with the client's lexicon, cached per process: the
    validator and the writers' fill ask for it on every post, and finding the config
    dir (settings read from the environment) costs more than the name itself."""
    return programme_name(title, description, genre).display
