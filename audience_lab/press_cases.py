"""The sample press site's content, labelled by construction: the shows and their channels,
and per labelled case (a show's broadcast on a date and its post) the articles and
pictures a press room really mixes (the broadcast's own picture, the channel's banner,
promos, older and related pictures, duplicates, small and stale ones); the foreign cases
whose pages show only other programmes; the demo week's articles; default pictures.

`CASES` and `FOREIGN_CASES` each name the picture a reviewer picks; the labels are frozen
in benchmarks/images_labels.json. sample_site.py draws, writes and serves them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

DEMO_DAYS = tuple((dt.date(2026, 11, 16) + dt.timedelta(days=i)).isoformat() for i in range(7))




@dataclass(frozen=True)
class Show:
    title: str            # as in the Kantar files
    display: str          # as people write it
    handle: str
    channel: str          # channel @handle
    channel_name: str
    hashtag: str = ""

    @property
    def slug(self) -> str:
        return self.handle.lstrip("@").lower()


SHOWS: tuple[Show, ...] = (
    Show("LA RULETA DE LA SUERTE", "La ruleta de la suerte", "@laruletasuerte", "@antena3com",
         "Antena 3", "#LaRuletaDeLaSuerte"),
    Show("LA NAVE DEL MISTERIO", "La nave del misterio", "@navedelmisterio", "@cuatro",
         "Cuatro", "#LaNaveDelMisterio"),
    Show("EL DEBATE DE GH", "El debate de GH", "@eldebatedegh", "@telecincoes", "Telecinco",
         "#DebateGH"),
    Show("BASURA O TESORO", "Basura o tesoro", "@basuraotesoro", "@aragontv", "Aragón TV",
         "#BasuraOTesoro"),
    Show("EL HORMIGUERO 3.0", "El Hormiguero", "@El_Hormiguero", "@antena3com", "Antena 3",
         "#ElHormiguero"),
    Show("EL INTERMEDIO", "El Intermedio", "@El_Intermedio", "@laSextaTV", "laSexta",
         "#ElIntermedio"),
    Show("PASAPALABRA", "Pasapalabra", "@Pasapalabra", "@antena3com", "Antena 3",
         "#Pasapalabra"),
    Show("LA PROMESA", "La Promesa", "@LaPromesaTVE", "@La1_tve", "La 1", "#LaPromesa"),
    Show("LA REVUELTA", "La Revuelta", "@La_Revuelta", "@La1_tve", "La 1", "#LaRevuelta"),
    Show("SABER Y GANAR", "Saber y ganar", "@saberyganar", "@La2_tve", "La 2", "#SaberYGanar"),
    Show("EL DESMARQUE CUATRO", "El Desmarque", "@eldesmarque", "@cuatro", "Cuatro",
         "#ElDesmarque"),
    Show("MADRID DIRECTO", "Madrid Directo", "@madriddirecto", "@telemadrid", "Telemadrid",
         "#MadridDirecto"),
)
EVENTS = ("Máximo histórico de espectadores únicos del programa", "Lo más visto del día",
          "Lo más visto del día por jóvenes", "")


@dataclass
class Picture:
    name: str              # file name under /img/
    role: str              # best, promo, older, banner, related, dup, small, stale, default
    published: str
    width: int
    height: int
    text: str = ""         # printed inside the picture
    alt: str = ""
    caption: str = ""
    credit: str = ""
    seed: int = 0


@dataclass
class Article:
    path: str
    title: str
    published: str
    pictures: list[Picture] = field(default_factory=list)
    description: str = ""


@dataclass
class Case:
    """One labelled fact sheet: a show's broadcast on `date`, its post and its pictures."""

    case_id: str
    show: Show
    date: str
    post: str
    articles: list[Article] = field(default_factory=list)
    # Set when no crawled picture shows the programme: the reviewer's pick is this
    # default picture of the programme (file name under /defaults/).
    default_best: str = ""

    @property
    def best(self) -> str:
        if self.default_best:
            return self.default_best
        return next(p.name for a in self.articles for p in a.pictures if p.role == "best")


def _day(date: str, delta: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=delta)).isoformat()


def post_text(show: Show, rng: random.Random, event: str) -> str:
    viewers = rng.randrange(300, 4800) * 1000
    average = viewers * rng.randrange(25, 55) // 100 // 1000 * 1000
    share = rng.randrange(50, 220) / 10
    fmt = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731
    text = (f"{show.handle} reunió {fmt(viewers)} espectadores únicos, {fmt(average)} de "
            f"audiencia media y un {share:.1f}% de cuota en {show.channel}.")
    if event:
        text += f" {event}."
    return text + f" 📺📈 {show.hashtag} #Audiencias"


def _pic_name(rng: random.Random) -> str:
    # CMS-like opaque names: the file name says nothing the ranker could cheat with.
    return f"{rng.getrandbits(40):010x}.jpg"


def make_case(index: int, show: Show, date: str) -> Case:
    """Pictures of one broadcast, with the roles a press room really mixes."""
    rng = random.Random(f"case-{index}")
    event = EVENTS[index % len(EVENTS)]
    case = Case(f"c{index:02d}", show, date, post_text(show, rng, event))
    name = show.display
    # The audience press release often comes the next morning.
    best_day = _day(date, 1 if index % 3 == 1 else 0)
    best_alt = "" if index % 4 == 2 else f"{name}, en el plató"   # some only say it in-picture
    best = Picture(_pic_name(rng), "best", best_day, 1200, 630,
                   text=name.upper() if index % 4 != 3 else "",
                   alt=best_alt,
                   caption=(f"{name} logró su mejor dato de audiencia" if event
                            else f"Imagen de {name} en {show.channel_name}"),
                   credit=show.channel_name, seed=rng.getrandbits(32))
    if not best.text and not best.alt:
        best.alt = name
    banner = Picture(_pic_name(rng), "banner", date, 1200, 630,
                     text=f"{show.channel_name.upper()} · SALA DE PRENSA",
                     alt=f"{show.channel_name} comunicación", seed=rng.getrandbits(32))
    related_show = SHOWS[(SHOWS.index(show) + 5) % len(SHOWS)]
    related = Picture(_pic_name(rng), "related", date, 1280, 720,
                      text=related_show.display.upper() if index % 2 else "",
                      alt=f"{related_show.display}, esta semana",
                      caption=f"También en {show.channel_name}: {related_show.display}",
                      seed=rng.getrandbits(32))
    promo = Picture(_pic_name(rng), "promo", _day(date, 1), 1200, 675,
                    text="PRÓXIMA ENTREGA" if index % 2 else "",
                    alt=f"Avance de la próxima entrega de {name}",
                    caption=f"Así será el próximo programa de {name}: invitados y sorpresas",
                    seed=rng.getrandbits(32))
    older = Picture(_pic_name(rng), "older", _day(date, -4), 1200, 630,
                    text=name.upper() if index % 3 == 0 else "",
                    alt=f"{name} en una entrega anterior",
                    caption=f"{name} celebró su aniversario con el equipo",
                    seed=rng.getrandbits(32))
    dup = Picture(_pic_name(rng), "dup", best.published, 800, 420, text=best.text,
                  alt=best.alt, seed=best.seed)
    small = Picture(_pic_name(rng), "small", date, 400, 300, text=name.upper(),
                    alt=f"{name} miniatura", seed=rng.getrandbits(32))
    tall = Picture(_pic_name(rng), "tall", date, 630, 1400, alt=f"{name} cartel vertical",
                   seed=rng.getrandbits(32))
    stale = Picture(_pic_name(rng), "stale", _day(date, -20), 1200, 630, text=name.upper(),
                    alt=f"{name}, temporada pasada", seed=rng.getrandbits(32))

    main_pictures = [banner, best, related, dup, small, tall]
    if index % 3 == 0:  # the lead picture is sometimes the right one
        main_pictures = [best, banner, related, dup, small, tall]
    slug = show.slug
    main_day = best.published
    case.articles = [
        Article(f"/prensa/{slug}/{main_day}-audiencia.html",
                f"Audiencias: {name} en {show.channel_name}", main_day, main_pictures,
                f"Los datos de audiencia de {name}"),
        Article(f"/prensa/{slug}/{_day(date, 1)}-avance.html",
                f"Avance de {name}", _day(date, 1), [promo], f"Lo que viene en {name}"),
        Article(f"/prensa/{slug}/{_day(date, -4)}-aniversario.html",
                f"{name} celebra su aniversario", _day(date, -4), [older]),
        Article(f"/prensa/{slug}/{_day(date, -20)}-temporada.html",
                f"{name}: la temporada pasada", _day(date, -20), [stale]),
    ]
    return case


def _cases() -> list[Case]:
    # Two broadcasts per show, each case 10 days from any other: date windows never overlap.
    start = dt.date(2026, 1, 12)
    cases = []
    for i in range(2 * len(SHOWS)):
        show = SHOWS[i % len(SHOWS)]
        cases.append(make_case(i, show, (start + dt.timedelta(days=10 * i)).isoformat()))
    return cases


def make_foreign_case(index: int, show: Show, date: str) -> Case:
    """A broadcast whose press page, around the date, shows only OTHER programmes (the
    channel's night, a promo of another show, the channel's banner): no crawled picture
    shows this programme, so the reviewer's pick is its first default picture."""
    rng = random.Random(f"foreign-{index}")
    event = EVENTS[index % len(EVENTS)]
    case = Case(f"n{index:02d}", show, date, post_text(show, rng, event),
                default_best=default_pictures(show)[0].name)
    others = [s for s in SHOWS if s.channel == show.channel and s != show]
    others += [s for s in SHOWS if s not in others and s != show]
    first, second = others[0], others[1]
    night = [
        Picture(_pic_name(rng), "foreign", date, 1200, 630,
                text=first.display.upper() if index % 2 else "",
                alt=f"{first.display}, en el plató",
                caption=f"{first.display} lideró la noche en {show.channel_name}",
                credit=show.channel_name, seed=rng.getrandbits(32)),
        Picture(_pic_name(rng), "banner", date, 1200, 630,
                text=f"{show.channel_name.upper()} · SALA DE PRENSA",
                alt=f"{show.channel_name} comunicación", seed=rng.getrandbits(32)),
        Picture(_pic_name(rng), "foreign", date, 1280, 720,
                text=second.display.upper() if index % 3 == 0 else "",
                alt=f"{second.display}, esta semana",
                caption=f"{second.display} vuelve esta semana", seed=rng.getrandbits(32)),
    ]
    promo = Picture(_pic_name(rng), "foreign", _day(date, 1), 1200, 675,
                    text="ESTA NOCHE" if index % 2 == 0 else "",
                    alt=f"Avance de {first.display}",
                    caption=f"Así será el próximo programa de {first.display}",
                    seed=rng.getrandbits(32))
    slug = show.slug
    case.articles = [
        Article(f"/prensa/{slug}/{date}-noche.html",
                f"La noche en {show.channel_name}: {first.display} y {second.display}", date,
                night, f"Lo que emitió {show.channel_name}"),
        Article(f"/prensa/{slug}/{_day(date, 1)}-avance-{first.slug}.html",
                f"Avance de {first.display}", _day(date, 1), [promo],
                f"Lo que viene en {first.display}"),
    ]
    return case


def _foreign_cases() -> list[Case]:
    # Before the 24 cases' dates, 10 days apart, one show each (8 shows, 4 channels' mix).
    start = dt.date(2025, 9, 1)
    picks = [SHOWS[i] for i in (0, 1, 4, 7, 8, 2, 5, 11)]
    return [make_foreign_case(i, show, (start + dt.timedelta(days=10 * i)).isoformat())
            for i, show in enumerate(picks)]


CASES: tuple[Case, ...] = tuple(_cases())


def demo_articles(show: Show) -> list[Article]:
    """One article a day of the demo week per show: its picture and the channel's banner."""
    out = []
    for day in DEMO_DAYS:
        rng = random.Random(f"demo-{show.slug}-{day}")
        out.append(Article(
            f"/prensa/{show.slug}/{day}-demo.html", f"{show.display}: la noche del {day}", day,
            [Picture(_pic_name(rng), "best", day, 1200, 630, text=show.display.upper(),
                     alt=f"{show.display}, en el plató", caption=f"{show.display} en directo",
                     credit=show.channel_name, seed=rng.getrandbits(32)),
             Picture(_pic_name(rng), "banner", day, 1200, 630,
                     text=f"{show.channel_name.upper()} · PRENSA", alt=show.channel_name,
                     seed=rng.getrandbits(32))]))
    return out


def default_pictures(show: Show) -> list[Picture]:
    rng = random.Random(f"default-{show.slug}")
    return [Picture(f"{show.slug}-{n}.jpg", "default", "", 1200, 630,
                    text=f"{show.display.upper()} {n}", seed=rng.getrandbits(32))
            for n in (1, 2, 3)]


# Labelled like CASES (benchmarks/images_labels.json), frozen before the ranker's rule
# "a top pick needs evidence it shows the programme" was written.
FOREIGN_CASES: tuple[Case, ...] = tuple(_foreign_cases())


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


def grid_defaults() -> dict[str, list[Picture]]:
    """Three default pictures for every other programme of the sample week's grid, so that
    every post of the demo has at least its defaults."""
    from audience_assets.samples import GRID, SPORTS_NIGHT

    known = {s.title for s in SHOWS}
    out = {}
    for slot in (*GRID, SPORTS_NIGHT):
        if slot.title in known or slot.title in out:
            continue
        rng = random.Random(f"default-{slot.title}")
        out[slot.title] = [Picture(f"{_slug(slot.title)}-{n}.jpg", "default", "", 1200, 630,
                                   text=f"{slot.title} {n}", seed=rng.getrandbits(32))
                           for n in (1, 2, 3)]
    return out
