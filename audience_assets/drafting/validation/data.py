"""Rules data.missing, data.mismatch, data.order: every figure and handle, exact, in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .context import NUMBER_BOUNDARY_RE, Post
from .figures import format_share, format_viewers
from .model import Span, Violation
from .text import find_phrases, fold

UV, AM, SHARE = "unique_viewers", "avg_audience", "share"
ORDER = (UV, AM, SHARE)
LABEL_ES = {UV: "espectadores únicos", AM: "audiencia media", SHARE: "cuota"}

NUMBER_RE = re.compile(
    r"(?<![\w.,])"
    r"(?P<num>\d{1,3}(?:[.\u00a0\u202f]\d{3})+(?![.,]?\d)|\d{1,3}(?:,\d{3}){2,}(?![.,]?\d)"
    r"|\d+(?:[.,]\d+)?)"
    r"(?P<mult>\s?(?:millones|millon|mill\.|mill|mil|m|k)(?!\w))?"
    r"(?P<pct>\s?%|\s?por\s?ciento)?"
)


@dataclass(frozen=True, slots=True)
class Figure:
    value: float
    span: Span
    percent: bool
    decimal: bool
    label: str | None


def to_value(num: str, mult: str | None) -> tuple[float, bool]:
    mult = (mult or "").strip().rstrip(".")
    if re.fullmatch(r"\d{1,3}(?:[.\u00a0\u202f]\d{3})+", num):
        value, decimal = float(re.sub(r"\D", "", num)), False
    elif re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", num):
        value, decimal = float(num.replace(",", "")), False
    else:
        decimal = "," in num or "." in num
        value = float(num.replace(",", "."))
    factor = {"millones": 1e6, "millon": 1e6, "mill": 1e6, "m": 1e6, "mil": 1e3, "k": 1e3}
    if mult in factor:
        value, decimal = round(value * factor[mult]), False
    return value, decimal


def metric_labels(post: Post) -> dict[str, list[str]]:
    words = post.config.words
    return {UV: words.unique_viewers_labels, AM: words.avg_audience_labels,
            SHARE: words.share_labels}


def label_in(segment: str, labels: dict[str, list[str]], *, last: bool) -> str | None:
    hits = []
    for metric, phrases in labels.items():
        for _phrase, (start, end) in find_phrases(segment, phrases):
            hits.append((start, -(end - start), metric) if not last else (end, end - start, metric))
    if not hits:
        return None
    return (max(hits) if last else min(hits))[2]


def figure_words(folded: str, matches: list[re.Match[str]], i: int
                 ) -> tuple[str, str, str]:
    """The words a figure owns in `folded` (the i-th of `matches`): after it up to the
    next clause boundary or figure, before it back to the previous clause boundary, and
    everything since the previous figure."""
    start, end = matches[i].span()
    nxt = matches[i + 1].start() if i + 1 < len(matches) else len(folded)
    after = folded[end:nxt]
    cut = NUMBER_BOUNDARY_RE.search(after)
    after = after[: cut.start()] if cut else after
    since_previous = folded[matches[i - 1].end() if i else 0:start]
    cuts = list(NUMBER_BOUNDARY_RE.finditer(since_previous))
    before = since_previous[cuts[-1].end():] if cuts else since_previous
    return after, before, since_previous


def figures(post: Post) -> list[Figure]:
    """Every number of the post, with the metric its words attach it to (if any)."""
    folded = fold(post.number_text)
    matches = [m for m in NUMBER_RE.finditer(folded)]
    labels = metric_labels(post)
    out = []
    for i, m in enumerate(matches):
        start, end = m.span()
        after, before, _ = figure_words(folded, matches, i)
        label = label_in(after, labels, last=False) or label_in(before, labels, last=True)
        value, decimal = to_value(m.group("num"), m.group("mult"))
        percent = bool(m.group("pct"))
        # The figure's span includes its multiplier and % sign.
        out.append(Figure(value, (start, end), percent, decimal, SHARE if percent else label))
    return out


def _same_count(value: float, expected: int, rounding: bool) -> bool:
    if value == expected:
        return True
    if not rounding or expected == 0:
        return False
    return abs(value - expected) / expected <= 0.05


def _same_share(value: float, expected: float, rounding: bool) -> bool:
    if round(value, 2) == round(expected, 1):
        return True
    return rounding and abs(value - expected) < 1.0


def check(post: Post) -> list[Violation]:
    facts, settings = post.facts, post.config.settings
    rounding = settings.allow_rounding
    expected = {UV: facts.unique_viewers, AM: facts.avg_audience, SHARE: facts.share}
    shown = {UV: format_viewers(facts.unique_viewers), AM: format_viewers(facts.avg_audience),
             SHARE: format_share(facts.share)}
    found: list[Violation] = []
    assigned: dict[str, Span] = {}
    values_seen: set[str] = set()

    def matches(metric: str, value: float) -> bool:
        if metric == SHARE:
            return _same_share(value, facts.share, rounding)
        return _same_count(value, int(expected[metric]), rounding)

    def assign(metric: str, span: Span) -> None:
        assigned.setdefault(metric, span)

    for fig in figures(post):
        text = post.text[fig.span[0]:fig.span[1]]
        if fig.label is not None:
            metric = fig.label
            if matches(metric, fig.value):
                values_seen.add(metric)
                assign(metric, fig.span)
                continue
            owner = next((m for m in ORDER if m != metric and matches(m, fig.value)), None)
            if owner is not None:
                values_seen.add(owner)
                found.append(Violation(
                    "data.mismatch",
                    f"«{text}» aparece como {LABEL_ES[metric]}, pero es el dato de "
                    f"{LABEL_ES[owner]}; {LABEL_ES[metric]}: {shown[metric]}.",
                    fig.span))
            else:
                found.append(Violation(
                    "data.mismatch",
                    f"«{text}» no coincide con el dato de {LABEL_ES[metric]} de la ficha "
                    f"({shown[metric]}); no se permite redondear.",
                    fig.span))
            assign(metric, fig.span)
            continue
        owner = next((m for m in ORDER if m not in assigned and matches(m, fig.value)), None)
        owner = owner or next((m for m in ORDER if matches(m, fig.value)), None)
        if owner is not None and (owner != SHARE or fig.decimal):
            values_seen.add(owner)
            assign(owner, fig.span)
        elif not fig.decimal and fig.value >= settings.min_unlabelled_figure:
            found.append(Violation(
                "data.mismatch",
                f"La cifra «{text}» no está en la ficha (espectadores únicos {shown[UV]}, "
                f"audiencia media {shown[AM]}, cuota {shown[SHARE]}).",
                fig.span))

    for metric in ORDER:
        if metric not in assigned and metric not in values_seen:
            found.append(Violation(
                "data.missing", f"Falta el dato de {LABEL_ES[metric]}: {shown[metric]}.", None))

    positions = [(assigned[m], m) for m in ORDER if m in assigned]
    for (span_a, m_a), (span_b, m_b) in pairwise(positions):
        if span_b[0] < span_a[0]:
            found.append(Violation(
                "data.order",
                f"Los datos deben ir en este orden: espectadores únicos, audiencia media, cuota; "
                f"{LABEL_ES[m_b]} aparece antes que {LABEL_ES[m_a]}.",
                span_b))
            break

    found.extend(_handles(post))
    return found


def _handles(post: Post) -> list[Violation]:
    found = []
    present = {h.text.lower() for h in post.handles}
    tags = {h.body.lower() for h in post.hashtags}
    for handle in post.facts.required_handles:
        if handle.lower() in present:
            continue
        where = "el programa" if handle in post.facts.title_handles else "la cadena"
        note = " (solo aparece como hashtag, que no menciona la cuenta)" \
            if handle[1:].lower() in tags else ""
        found.append(Violation("data.missing", f"Falta la cuenta de {where}: {handle}{note}.",
                               None))
    channel = post.facts.channel.strip()
    if channel and not post.facts.channel_handle:
        names = [channel, *post.config.names.handles.get(channel.lower(), [])]
        if not any(fold(n) in fold(post.text) for n in names):
            found.append(Violation("data.missing", f"Falta la cadena: {channel}.", None))
    return found
