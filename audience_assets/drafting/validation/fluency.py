"""The fluency gate (issue 21, item 3): Spanish an editor would not publish although
every datum is right.

- fluency.unlabelled: a figure of the fact sheet with no metric word in its clause
  ("… y un 11.9%.", "2.620.000, 1.206.000 y un 15.7% de cuota").
- fluency.repeated_metric: a metric's name written twice ("espectadores únicos" for
  the reach and again for the average; "La audiencia media de X … una audiencia media
  de …"); the event phrase, which may name a metric, is data and not counted.
- fluency.pleonasm: the client's list (words.yaml `pleonasms`, regular expressions on
  the folded text, `{n}` a figure): "promedió 794.000 de audiencia media".
- fluency.slot: a name where Spanish has no room for it: "entre" followed by one name
  or figure and no pair ("Los datos llegaron entre @x, a …"), a programme or channel
  alone after the last colon ("… de cuota: @basuraotesoro.").
- fluency.event_label: the event label as the subject of a result ("Lo más visto del
  día por jóvenes logró sumar …"; "fue" is fine: "Lo más visto del día fue X") or as a
  sentence without a verb ("… de cuota. Lo más visto del día.").
- fluency.main_verb (reach.py): the reach figure governed by no verb ("X, de @c a 105.000
  espectadores únicos, con …"), by two ("reunió 1.980.000 espectadores únicos vieron
  @c") or through a preposition it cannot take ("obtuvo en 4.997.000"); headings
  ("Datos de X: 2.620.000 espectadores únicos, …") and a nominal lead with its verb
  later ("Con 2.620.000 espectadores únicos, X fue …") are Spanish.
- fluency.verb (reach.py): the reach figure governed by a verb that is not one of an audience
  (words.yaml `reach_verbs`): "agregó a N espectadores únicos", "recibió N".
- fluency.construction: two constructions mixed: "su audiencia media fue de X y un Y%
  de cuota" (the copula's complement cannot take the share).
- fluency.article: an article before a programme whose name takes none ("El
  Pasapalabra", "El @laruletasuerte"; names.programme_name says which take one; news
  programmes keep "el": "el Telediario").
- style.promotional (invitations by form, beside tone.yaml's lists): a negative
  second-person command with its clitics ("no te la pierdas", "no os lo perdáis", "no
  te quedes sin …") and an imperative with an enclitic pronoun, recognised by
  morphology: an accented word ending in lo/la/los/las/le/les/te/nos/me whose stem,
  unaccented, is a third-person present that lexicon.present_of() knows as a verb
  (descúbrelo, míralo, revívela, únete); "película", "título" are not.
"""

from __future__ import annotations

import re

from . import data, reach
from .context import Post
from .lexicon import has_accent, present_of
from .model import Violation
from .text import fold, mask_spans

_SENTENCE_RE = re.compile(r"[^.!?\n]+")
_NEGATIVE_COMMAND_RE = re.compile(
    r"\bno (?:te|os)(?: (?:la|lo|las|los|le|les))? (\w+?(?:as|es|ais|eis))\b")
_ENCLITIC_RE = re.compile(r"\b(\w+?)(los|las|lo|la|les|le|te|nos|me|os)\b", re.IGNORECASE)
_METRICS = (("espectadores únicos", ("espectadores unicos",)),
            ("audiencia media", ("audiencia media",)),
            ("cuota", ("cuota",)))


def _unmasked_event_text(post: Post) -> str:
    """The post with data masked but the event kept: an event may name the metric a
    figure then gives ("Máximo de temporada de cuota: un 16.4%")."""
    return mask_spans(post.text, [*post.fact_spans, *(
        t.span for t in (*post.handles, *post.hashtags, *post.urls, *post.emojis))])


def _unlabelled(post: Post) -> list[Violation]:
    folded = fold(_unmasked_event_text(post))
    matches = list(data.NUMBER_RE.finditer(folded))
    labels = data.metric_labels(post)
    counts = {data.UV: post.facts.unique_viewers, data.AM: post.facts.avg_audience}
    found = []
    for i, m in enumerate(matches):
        value, _ = data.to_value(m.group("num"), m.group("mult"))
        if m.group("pct") and round(value, 1) == round(post.facts.share, 1):
            metric = data.SHARE
        else:
            metric = next((k for k, v in counts.items() if v == value), "")
        if not metric:
            continue  # not one of the sheet's figures (a time, "3.0")
        start, end = m.span()
        after, clause, before = data.figure_words(folded, matches, i)
        if data.label_in(after + " " + clause, labels, last=False) is not None:
            continue
        # Named earlier with no other figure between: "su cuota, del 7.4%", "Máximo
        # histórico de espectadores únicos para X, que reunió a 2.620.000".
        if data.label_in(before, labels, last=True) == metric:
            continue
        text = post.text[start:end]
        found.append(Violation(
            "fluency.unlabelled",
            f"«{text}» sin el nombre de su métrica al lado: escribe «{text} de cuota», "
            f"«{text} espectadores únicos» o «{text} de audiencia media».", (start, end)))
    return found


# A metric named inside a mention of the record itself ("su máximo histórico de
# espectadores únicos", "su máximo de la temporada en cuota") refers to the event, not
# to a figure: not a repeat.
_EVENT_WORDS_RE = re.compile(r"\b(?:maximo|minimo|record|historic[oa]|temporada|mejor|peor)\b")


def _repeated(post: Post) -> list[Violation]:
    text = post.style_folded
    found = []
    for name, phrases in _METRICS:
        count = 0
        for phrase in phrases:
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", text):
                lead = " ".join(text[: m.start()].split()[-5:])
                count += not _EVENT_WORDS_RE.search(lead)
        if count > 1:
            found.append(Violation(
                "fluency.repeated_metric",
                f"«{name}» aparece {count} veces: nombra cada métrica una sola vez, junto a "
                "su cifra.", None))
    return found


def _pleonasms(post: Post) -> list[Violation]:
    text = re.sub(r"\d+(?:[.,]\d+)*(?:\s?%)?", "{n}", fold(post.text))
    found = []
    for pattern in post.config.fluency_patterns:
        m = pattern.search(text)
        if m:
            found.append(Violation(
                "fluency.pleonasm",
                f"«{m.group(0)}»: redundante (la métrica ya dice lo que el verbo repite).",
                None))
    return found


def _names(post: Post) -> list[str]:
    from audience_assets.analysis import names

    facts = post.facts
    out = {facts.title, facts.channel, *facts.title_handles}
    if facts.title:
        out.add(names.display_name(facts.title, facts.description, facts.genre))
    return [fold(n).strip(" .") for n in out if n and n.strip()]


def _slots(post: Post) -> list[Violation]:
    found = []
    text = post.text
    names_folded = _names(post)
    for m in re.finditer(r"\bentre\s+", text, re.IGNORECASE):
        clause = re.split(r"[,.;:\n]", text[m.end():], maxsplit=1)[0]
        head = clause.strip()
        if re.search(r"\s(?:y|e)\s", f" {clause} "):
            continue
        starts_with_name = head.startswith("@") or re.match(r"\d", head) is not None or any(
            fold(head).startswith(n) for n in names_folded if len(n) >= 3)
        if starts_with_name:
            found.append(Violation(
                "fluency.slot", f"«entre {head}»: «entre» pide dos términos (entre X y Y).",
                (m.start(), m.end() + len(clause))))
    event = post.facts.event.strip().rstrip(".")
    if event:
        # A label after a preposition it cannot follow: "… una cuota del 16.1% en líder
        # del prime time …" (seen from the natural writer on the sample week).
        for span in post.event_spans:
            before = text[: span[0]].rstrip()
            # Right after a figure or a metric: "se convirtió en lo más visto" and "la
            # lista de lo más visto" are Spanish.
            prep = re.search(r"(?:\d%?|\bcuota|\bmedia|\búnicos|\bunicos)\s+(en|a|por)$",
                             before, re.IGNORECASE)
            if prep:
                found.append(Violation(
                    "fluency.slot",
                    f"«{prep.group(1)} {text[span[0]:span[1]]}»: el evento no puede ir tras "
                    f"«{prep.group(1)}»; escríbelo como frase («… y fue …») o como título "
                    "(«Lo más visto del día: …»).", (prep.start(1), span[1])))
    body = text.split("\n", 1)[0]
    body = re.sub(r"[#@]?\w*[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F\u200d].*$", "", body)
    for m in reach.CLAUSE_SENTENCE_RE.finditer(body):
        # "… de cuota. @antena3com.": a name as a sentence of its own (blind panel of
        # 2026-12-03).
        if fold(m.group(0)).strip(" .") in names_folded:
            found.append(Violation(
                "fluency.slot",
                f"«{m.group(0).strip()}»: un nombre suelto como frase; nómbralo dentro de "
                "la frase («… en @cadena»).", m.span()))
    channel = post.facts.channel.strip()
    folded_body = fold(body)
    for name in names_folded if channel else ():
        if not name:
            continue
        # "@eldebatedegh, de @telecincoes reunió …": the inserted phrase opens with a
        # comma and never closes (fifth blind panel, 2026-12-03).
        opened = re.search(rf"(?:^|[.:]\s+){re.escape(name)},\s+(?:de|en)\s+"
                           rf"{re.escape(fold(channel))}\s+(\w+)", folded_body)
        # fold() keeps the length: the verb as written is at the same place in `body`.
        verb = body[opened.start(1):opened.end(1)] if opened else ""
        if verb and reach.finite(verb):
            found.append(Violation(
                "fluency.slot",
                f"«…, de {channel} {verb}»: el inciso abre con coma y no se cierra; "
                f"escribe «X, de {channel}, {verb} …».", None))
        # "Polònia emitió @tv3cat": the channel broadcasts the programme, not the reverse.
        if re.search(rf"{re.escape(name)}\s+emitio\s+{re.escape(fold(channel))}", folded_body):
            found.append(Violation(
                "fluency.slot",
                f"«… emitió {channel}»: la cadena emite el programa («{channel} emitió X»).",
                None))
    if ":" in body:
        tail = fold(body.rsplit(":", 1)[1]).strip(" .")
        if tail and any(tail == n for n in names_folded):
            found.append(Violation(
                "fluency.slot",
                f"«: {body.rsplit(':', 1)[1].strip(' .')}»: el nombre suelto tras los dos "
                "puntos finales no forma frase; nómbralo como sujeto.", None))
    return found


def _event_label(post: Post) -> list[Violation]:
    event = post.facts.event.strip().rstrip(".")
    if not event:
        return []
    label = fold(event)
    base = fold(event.split(",")[0])
    found = []
    for m in _SENTENCE_RE.finditer(post.text):
        sentence = m.group(0).strip()
        folded = fold(sentence)
        for phrase in dict.fromkeys((label, base)):
            if not folded.startswith(phrase):
                continue
            rest = sentence[len(phrase):].strip()
            words = re.findall(r"[^\W\d_]+", rest)
            if not rest or (not words and not re.search(r"[@\d]", rest)):
                found.append(Violation(
                    "fluency.event_label",
                    f"«{sentence}»: el evento suelto como frase sin verbo; intégralo («… y "
                    "fue lo más visto del día», «Lo más visto del día: …»).", None))
            elif words and reach.is_preterite(words[0]) and fold(words[0]) not in reach.LINKING:
                found.append(Violation(
                    "fluency.event_label",
                    f"«{sentence[:len(phrase) + len(words[0]) + 1].strip()}»: el evento no "
                    "puede ser el sujeto de la cifra; escribe «Lo más visto del día: X "
                    f"{words[0]}…» o «X {words[0]}… y fue lo más visto del día».", None))
            break
    return found


def _imperatives(post: Post) -> list[Violation]:
    found = []
    for m in _NEGATIVE_COMMAND_RE.finditer(post.style_folded):
        found.append(Violation(
            "style.promotional",
            f"«{post.text[m.start():m.end()]}»: invitación a ver el programa (orden en "
            "segunda persona); el texto debe ser neutro e informativo.", m.span()))
    style = post.style_text
    for m in _ENCLITIC_RE.finditer(style):
        word, stem = m.group(0), m.group(1)
        if not has_accent(stem) or len(stem) < 2:
            continue
        plain = fold(stem)
        if present_of(plain) is None:
            continue
        found.append(Violation(
            "style.promotional",
            f"«{word}»: invitación a ver el programa (imperativo con pronombre); el texto "
            "debe ser neutro e informativo.", m.span()))
    return found


# "su audiencia media fue de X y un Y% de cuota": the copula's "de X" cannot take the
# share as a second complement ("… fue de X y su cuota, del Y%" is the Spanish).
_MIXED_COPULA_RE = re.compile(r"\b(?:fue|era) de \{n\} y (?:un|una)\b")


# "Datos de X, en @c sumó …": a nominal heading ("Datos de X en @c: N …") that goes on
# as a sentence with a verb (blind panel of 2026-12-03).
_HEADING_RE = re.compile(r"^\s*(?:los\s+)?(?:datos|resultado|cifras)\s+de\b[^:]*$")


def _heading_with_verb(post: Post) -> list[Violation]:
    text = post.text.split("\n", 1)[0]
    sentence = reach.CLAUSE_SENTENCE_RE.match(text)
    if sentence is None:
        return []
    head = sentence.group(0).split(":", 1)[0]
    if ":" in sentence.group(0) or not _HEADING_RE.match(fold(head)):
        return []
    verb = next((w for w in reach.WORD_RE.finditer(head) if reach.finite(w.group(0))), None)
    if verb is None:
        return []
    return [Violation(
        "fluency.construction",
        f"«{head[:verb.end()].strip()}»: un título («Datos de X») no lleva verbo; escribe "
        "«Datos de X en @cadena: N espectadores únicos, …» o «X sumó N …».", verb.span())]


def _bare_share(post: Post) -> list[Violation]:
    """"Sumó 12.0% de cuota": a verb takes the share with its article ("un 12.0% de
    cuota", "una cuota del 12.0%"; blind panel of 2026-12-03). After "y" in a list ("…,
    M de audiencia media y 14.8% de cuota") editors leave it out; that stays."""
    folded = fold(post.text)
    for m in data.NUMBER_RE.finditer(folded):
        if not m.group("pct") or round(data.to_value(m.group("num"), m.group("mult"))[0], 1) \
                != round(post.facts.share, 1):
            continue
        words = reach.WORD_RE.findall(post.text[:m.start()])
        if words and reach.is_preterite(words[-1]):
            return [Violation(
                "fluency.construction",
                f"«{words[-1]} {post.text[m.start():m.end()]}»: la cuota lleva artículo («un "
                f"{post.text[m.start():m.end()]} de cuota», «una cuota del …»).",
                m.span())]
    return []


# Fifth blind panel (2026-12-03): "…, en una audiencia media de 2.091.000" (the average
# is no place), "una cuota de 17.0%" (the share takes "del").
_WRONG_PREPOSITION_RE = re.compile(
    r"\ben (?:una|la|su) audiencia media\b|\bcuota(?: de pantalla)? de \{n\}%")


def _prepositions(post: Post) -> list[Violation]:
    text = re.sub(r"\d+(?:[.,]\d+)*(?=\s?%)", "{n}", fold(post.text))
    m = _WRONG_PREPOSITION_RE.search(text)
    if m is None:
        return []
    return [Violation(
        "fluency.construction",
        f"«{m.group(0).replace('{n}', 'N')}»: escribe «con una audiencia media de …» y «una "
        "cuota del N%» («un N% de cuota»).", None)]


def _construction(post: Post) -> list[Violation]:
    found = [*_heading_with_verb(post), *_bare_share(post), *_prepositions(post)]
    text = re.sub(r"\d+(?:[.,]\d+)*(?:\s?%)?", "{n}", fold(post.text))
    m = _MIXED_COPULA_RE.search(text)
    if not m:
        return found
    return [*found, Violation(
        "fluency.construction",
        "«… fue de N y un …»: dos construcciones mezcladas; escribe «su audiencia media fue "
        "de N y su cuota, del S%» o «con N de audiencia media y un S% de cuota».", None)]


_ARTICLE_BEFORE_RE = re.compile(r"\b(?:el|la|los|las)\s+$", re.IGNORECASE)
# News programmes are "el Telediario", "el Telenoticias 2": the article of the genre.
_NEWS_RE = re.compile(r"informac|informativ|noticia|telediario|telenot")


def _article(post: Post) -> list[Violation]:
    """An article before a programme whose name takes none ("El Pasapalabra", "El
    @laruletasuerte"): the names lexicon or normaliser says which names have one."""
    from audience_assets.analysis import names

    facts = post.facts
    if not facts.title:
        return []
    name = names.programme_name(facts.title, facts.description, facts.genre)
    if name.article or _NEWS_RE.search(fold(f"{facts.genre} {facts.title} {name.display}")):
        return []
    body = post.text.split("\n", 1)[0]
    for written in dict.fromkeys((name.display, facts.title, *facts.title_handles)):
        for m in re.finditer(re.escape(written), body) if written else ():
            article = _ARTICLE_BEFORE_RE.search(body[: m.start()])
            if article:
                return [Violation(
                    "fluency.article",
                    f"«{body[article.start():m.end()]}»: «{written}» se escribe sin artículo "
                    f"(«{written} reunió …», «el programa {written}»).",
                    (article.start(), m.end()))]
    return []


def check(post: Post) -> list[Violation]:
    return [*_unlabelled(post), *_repeated(post), *_pleonasms(post), *_slots(post),
            *_event_label(post), *reach.main_verb(post), *reach.verb(post), *_article(post),
            *_construction(post), *_imperatives(post)]
