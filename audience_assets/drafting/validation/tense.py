"""Rule style.tense from morphology: a finite present or a compound past for a result.

A word is a present-tense verb when lexicon.present_of() derives it from a known
infinitive (marca -> marcar, sigue -> seguir, se alza -> alzar) and its neighbours
make it a verb rather than a noun: it follows the subject (a masked title or handle,
or a determiner and noun), a clitic ('se'), or a conjunction ('y queda'). After a
determiner or preposition it is a noun ('la marca', 'de audiencia media'). Verbless
labels ("Lo más visto del día") have no finite verb, and the fact sheet's strings
(titles, handles, hashtags) are masked, so "¡Ha llegado el TERROR!" is data.
The client's list `present_tense` still adds forms morphology leaves out (es, son).
"""

from __future__ import annotations

import re

from .context import Post
from .lexicon import present_of
from .model import Span, Violation
from .text import MASK, find_phrases, fold

_PARTICIPLE = r"\w+(?:ado|ada|ados|adas|ido|ida|idos|idas|to|cho|so)"
_WORD_RE = re.compile(r"[^\W\d_]+")
_DETERMINERS = frozenset([
    "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "su", "sus", "mi", "tu",
    "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "aquel", "aquella",
    "cada", "otro", "otra", "otros", "otras", "todo", "toda", "todos", "todas", "mucho",
    "mucha", "poco", "poca", "de", "del", "al", "a", "en", "con", "por", "para", "sin",
    "sobre", "entre", "tras", "hasta", "desde", "hacia", "según", "muy", "más", "tan",
    "menos", "cuya", "cuyo", "nuestra", "nuestro",
])
_CLITICS = frozenset({"se", "le", "les"})
_LINKS = frozenset([
    "que", "y", "e", "ni", "también", "ya", "aún", "todavía", "no", "solo", "sólo", "hoy",
])


def check(post: Post) -> list[Violation]:
    found: list[Violation] = []
    words = post.config.words
    aux = "|".join(re.escape(fold(a)) for a in words.compound_auxiliaries)
    compound = re.compile(rf"(?<!\w)(?:{aux})\s+(?:(?:se|lo|la|le|les|los|las)\s+)?"
                          rf"{_PARTICIPLE}(?!\w)")
    for m in compound.finditer(post.claim_text):
        found.append(Violation(
            "style.tense",
            f"«{post.text[m.start():m.end()]}»: pretérito perfecto compuesto; use el pasado "
            "simple (consiguió, logró, reunió).", m.span()))
    spans: list[Span] = [v.span for v in found if v.span]
    nominal = _nominal_words(post)
    for span, infinitive in _finite_presents(post.claim_raw, nominal):
        if not _overlaps(span, spans):
            spans.append(span)
            found.append(Violation(
                "style.tense",
                f"«{post.text[span[0]:span[1]]}»: presente de «{infinitive}» para un resultado; "
                "use el pasado simple (consiguió, logró, reunió).", span))
    for _, span in find_phrases(post.claim_text, words.present_tense):
        if not _overlaps(span, spans):
            spans.append(span)
            found.append(Violation(
                "style.tense",
                f"«{post.text[span[0]:span[1]]}»: presente para un resultado; use el pasado "
                "simple.", span))
    return found


def _nominal_words(post: Post) -> frozenset[str]:
    """Words of the metric labels ('audiencia media', 'cuota'): nouns in a post."""
    words = post.config.words
    labels = [*words.unique_viewers_labels, *words.avg_audience_labels, *words.share_labels]
    return frozenset(fold(w) for label in labels for w in label.split())


def _finite_presents(text: str, nominal: frozenset[str]) -> list[tuple[Span, str]]:
    tokens = list(_WORD_RE.finditer(text))
    found = []
    for i, m in enumerate(tokens):
        word = m.group(0)
        lower = word.lower()
        if fold(lower) in nominal or (word[0].isupper() and i > 0 and not _starts_clause(
                text, tokens[i - 1].end(), m.start())):
            continue  # a capitalised word inside a sentence is a name
        if lower in _DETERMINERS or lower in _LINKS:
            continue  # 'para', 'sobre', 'entre' are prepositions, not parar, sobrar, entrar
        infinitive = present_of(lower)
        if infinitive is None:
            continue
        if _is_verb_position(text, tokens, i):
            found.append((m.span(), infinitive))
    return found


def _starts_clause(text: str, prev_end: int, start: int) -> bool:
    return bool(re.search(r"[.:!?\n]", text[prev_end:start]))


def _is_verb_position(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    start = tokens[i].start()
    prev_end = tokens[i - 1].end() if i else 0
    gap = text[prev_end:start]
    if MASK in gap:
        # Right after the title or a handle ("@antena3com marca", "… de @La1_tve cuenta")
        # unless a sentence ends in between.
        tail = gap[gap.rfind(MASK) + 1:]
        return bool(re.fullmatch(r"[\s,]*", tail)) and not _subordinate(tokens, i)
    if i == 0 or re.search(r"[.:;!?()\n]", gap):
        return False  # a sentence opener or a label ('Cuota: ...') is not read as a verb
    prev = tokens[i - 1].group(0).lower()
    if prev in _CLITICS or prev in _LINKS:
        return not _subordinate(tokens, i)
    if prev in _DETERMINERS or "," in gap:
        return False
    # "El concurso marca": a determiner and a noun opening the clause make a subject
    # ("batió su propia marca" does not).
    opens = i == 2 or (i > 2 and bool(re.search(
        r"[.:;!?\n" + MASK + "]", text[tokens[i - 3].end():tokens[i - 2].start()])))
    return opens and tokens[i - 2].group(0).lower() in _DETERMINERS - {
        "de", "del", "al", "a", "en", "con", "por", "para", "sin", "sobre", "entre", "tras",
        "hasta", "desde", "hacia", "según", "muy", "más", "tan", "menos"} and not re.search(
        r"[,;:]", text[tokens[i - 2].end():start])


def _subordinate(tokens: list[re.Match[str]], i: int) -> bool:
    """A present inside "desde que se mide", "cuando se emite" is not the post's result."""
    before = " ".join(t.group(0).lower() for t in tokens[max(0, i - 3):i])
    return bool(re.search(r"\b(?:desde que|cuando|mientras|si|donde)\b", before))


def _overlaps(span: Span, spans: list[Span]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)
