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

Pure: no Dagster, no I/O beyond reading the lexicon once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from wordfreq import zipf_frequency

from audience_assets.paths import config_dir

ARTICLES = ("el", "la", "los", "las")
GENDER_OF_ARTICLE = {"el": "m", "los": "m", "la": "f", "las": "f"}
# Lower case inside a Spanish title (sentence case keeps every other word lower too;
# English title case keeps these).
SPANISH_FUNCTION_WORDS = frozenset(
    {"a", "al", "ante", "bajo", "con", "contra", "de", "del", "desde", "durante", "e",
     "el", "en", "entre", "hacia", "hasta", "la", "las", "lo", "los", "mediante", "o",
     "para", "por", "que", "se", "sin", "sobre", "tras", "u", "un", "una", "unas",
     "unos", "y"})
ENGLISH_MINOR_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "in",
                                 "nor", "of", "on", "or", "the", "to", "vs"})
# Interrogatives that carry an accent right after "¿" ("¿QUIEN QUIERE…" -> "¿Quién…").
_INTERROGATIVES = {"que": "qué", "quien": "quién", "quienes": "quiénes", "como": "cómo",
                   "donde": "dónde", "cuando": "cuándo", "cuanto": "cuánto", "cual": "cuál"}
_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"}
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


class NamesError(ValueError):
    """names.yaml is missing, malformed or has an entry that cannot be used."""


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


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    article: str
    gender: str
    handle: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    programmes: Mapping[str, Entry]  # key: folded delivered title or handle
    proper_nouns: Mapping[tuple[str, ...], str]  # folded words -> spelling
    acronyms: Mapping[str, str]  # folded -> spelling
    competitions: Mapping[str, tuple[str, str]]  # folded -> (spelling, article)
    sports: frozenset[str]  # folded sport words dropped before a fixture
    path: Path | None = None

    @property
    def longest_proper_noun(self) -> int:
        return max((len(k) for k in self.proper_nouns), default=1)


def fold(text: str) -> str:
    """Lookup key: no accents, case-folded, single spaces."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


# ---- the lexicon ------------------------------------------------------------------------


def _strings(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise NamesError(f"{path}: `{key}` must be a list of non-empty strings")
    return [i.strip() for i in items]


def _entry(key: str, raw: Any, path: Path) -> Entry:
    where = f"{path}: programmes.{key}"
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str) \
            or not raw["name"].strip():
        raise NamesError(f"{where}: expected a name (a string, or a mapping with `name`)")
    unknown = sorted(set(raw) - {"name", "article", "gender", "handle"})
    if unknown:
        raise NamesError(f"{where}: unknown keys {unknown} (name, article, gender, handle)")
    name = raw["name"].strip()
    first = name.split()[0].lower()
    article = str(raw.get("article", first if first in ARTICLES else "")).lower()
    if article not in ("", *ARTICLES):
        raise NamesError(f"{where}: article {article!r} must be one of el, la, los, las or ''")
    gender = str(raw.get("gender", GENDER_OF_ARTICLE.get(article, "")))
    if gender not in ("", "m", "f"):
        raise NamesError(f"{where}: gender {gender!r} must be m, f or ''")
    handle = str(raw.get("handle", "") or "")
    if handle and not re.fullmatch(r"@\w+", handle):
        raise NamesError(f"{where}: handle {handle!r} must look like @name")
    return Entry(name, article, gender, handle)


def parse_lexicon(data: Any, path: Path | None = None) -> Lexicon:
    where = path or Path("names.yaml")
    if not isinstance(data, Mapping) or data.get("version") != 1:
        raise NamesError(f"{where}: expected a mapping with `version: 1`")
    programmes = data.get("programmes") or {}
    if not isinstance(programmes, Mapping):
        raise NamesError(f"{where}: `programmes` must map delivered titles to names")
    entries = {fold(str(k)): _entry(str(k), v, where) for k, v in programmes.items()}
    competitions_raw = data.get("competitions") or {}
    if not isinstance(competitions_raw, Mapping):
        raise NamesError(f"{where}: `competitions` must map a competition to its article")
    competitions = {}
    for comp, value in competitions_raw.items():
        # `Copa del Rey: la`, or another spelling: `Liga EA Sports: {name: ..., article: ""}`
        spelled = str(comp)
        if isinstance(value, Mapping):
            spelled = str(value.get("name") or comp)
            value = value.get("article", "")
        article = str(value or "").lower()
        if article not in ("", *ARTICLES):
            raise NamesError(f"{where}: competitions.{comp}: article {article!r} must be one "
                             "of el, la, los, las or ''")
        competitions[fold(str(comp))] = (spelled, article)
    proper: dict[tuple[str, ...], str] = {}
    raw_proper = data.get("proper_nouns", [])
    if not isinstance(raw_proper, list):
        raise NamesError(f"{where}: `proper_nouns` must be a list")
    for item in raw_proper:
        # `España`, or a spelling for other written forms: `{La Sexta: laSexta}`
        pairs = item.items() if isinstance(item, Mapping) else [(item, item)]
        for written, spelled in pairs:
            if not isinstance(written, str) or not isinstance(spelled, str) \
                    or not written.strip() or not spelled.strip():
                raise NamesError(f"{where}: proper_nouns: {item!r} must be a name or "
                                 "`{written form: spelling}`")
            proper[tuple(fold(written).split())] = spelled.strip()
    return Lexicon(
        programmes=entries,
        proper_nouns=proper,
        acronyms={fold(a): a for a in _strings(data, "acronyms", where)},
        competitions=competitions,
        sports=frozenset(fold(s) for s in _strings(data, "sports", where)),
        path=path,
    )


def lexicon_path() -> Path:
    """`<config dir>/names.yaml` (the config dir: AUDIENCE_CONFIG_DIR)."""
    return config_dir() / "names.yaml"


@functools.cache
def _load(path: Path) -> Lexicon:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NamesError(f"names lexicon {path} not found (AUDIENCE_CONFIG_DIR/names.yaml)"
                         ) from None
    except yaml.YAMLError as exc:
        raise NamesError(f"{path}: not valid YAML: {exc}") from None
    return parse_lexicon(data, path)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The client's lexicon, read once per process and path."""
    return _load((path or lexicon_path()).resolve())


EMPTY_LEXICON = Lexicon({}, {}, {}, {}, frozenset())


# ---- words ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def _zipf(word: str, lang: str) -> float:
    return float(zipf_frequency(word, lang))


@functools.lru_cache(maxsize=16384)
def restore_accent(word: str) -> str:
    """'aqui' -> 'aquí', 'conexion' -> 'conexión': the accented spelling when Spanish
    usage knows it clearly more often (0.5 Zipf, about 3x); 'como', 'paso', 'el'
    stay (their unaccented spelling is the commoner word)."""
    if word != fold(word) or not word.isalpha():
        return word
    plain = _zipf(word, "es")
    variants = [word[:i] + _ACCENTED[ch] + word[i + 1:]
                for i, ch in enumerate(word) if ch in _ACCENTED]
    best = max(variants, key=lambda v: _zipf(v, "es"), default=word)
    return best if _zipf(best, "es") >= plain + 0.5 else word


def _is_english(words: list[str]) -> bool:
    english = spanish = 0
    for word in words:
        es, en = _zipf(word, "es"), _zipf(restore_accent(word), "es")
        en_score = _zipf(word, "en")
        if en_score >= max(es, en) + 1.0:
            english += 1
        elif max(es, en) > 0:
            spanish += 1
    return english > spanish


def in_capitals(text: str) -> bool:
    """Most of the title's words are written in capitals ("AVANCE INFORMATIVO La1")."""
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
    upper = sum(1 for w in words if w.isupper())
    return bool(words) and upper * 2 > len(words)


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def _core(token: str) -> tuple[str, str, str]:
    """(leading punctuation, the word, trailing punctuation) of a token."""
    m = re.fullmatch(r"([^\w@]*)(.*?)([^\w]*)", token)
    assert m is not None
    return m.group(1), m.group(2), m.group(3)


def recase(text: str, lexicon: Lexicon, *, title_case: bool = False,
           first_capital: bool = True) -> str:
    """A text written in capitals, as an editor writes it.

    Sentence case (a programme, a series, a film: "La ruleta de la suerte"), or with
    `title_case` every word capitalised but function words (team and competition
    names: "Atlético de Madrid", "Copa del Rey"). Proper nouns and acronyms from the
    lexicon keep their spelling, words with digits stay as written (La1, 3.0, 21:00),
    accents come back where usage says so, a word after ':' or '¿' or '.' starts
    with a capital. A title in English gets English title case."""
    tokens = text.split()
    cores = [_core(t) for t in tokens]
    plain = [fold(c[1]) for c in cores]
    english = _is_english([p for p in plain if p.isalpha()])
    out: list[str] = []
    capital_next = first_capital
    i = 0
    longest = lexicon.longest_proper_noun
    while i < len(tokens):
        lead, word, trail = cores[i]
        matched = False
        for n in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(plain[i:i + n])
            # A proper noun spans tokens only when no punctuation splits them.
            if key in lexicon.proper_nouns and all(
                    not cores[j][2] and not cores[j + 1][0] for j in range(i, i + n - 1)):
                spelled = lexicon.proper_nouns[key]
                out.append(cores[i][0] + spelled + cores[i + n - 1][2])
                capital_next = cores[i + n - 1][2].endswith((":", "."))
                i += n
                matched = True
                break
        if matched:
            continue
        folded = plain[i]
        if word.startswith("@") or any(c.isdigit() for c in word) or not word:
            new = word
        elif folded in lexicon.acronyms:
            new = lexicon.acronyms[folded]
        elif lead.endswith("¿") and folded in _INTERROGATIVES:
            new = _INTERROGATIVES[folded]
        else:
            new = restore_accent(word.lower()) if word == word.upper() else word.lower()
            minor = (ENGLISH_MINOR_WORDS if english else SPANISH_FUNCTION_WORDS)
            if (english or title_case) and fold(new) not in minor:
                new = _capitalise(new)
        if capital_next or (lead.endswith("¿") and not out):
            new = _capitalise(new)
        out.append(lead + new + trail)
        capital_next = trail.endswith((":", ".", "?")) or (lead.endswith("¿") and False)
        i += 1
    return " ".join(out)


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
