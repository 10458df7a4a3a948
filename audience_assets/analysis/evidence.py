"""A fact sheet's evidence as Spanish sentences (no Dagster): what each rule compared,
in the words a reader of a report or the desk expects, one sentence per rule.

    evidence_lines(evidence) -> list[str]

`programme` and `channel` (optional) turn the raw titles and channel codes the evidence
carries into display names; without them the names are written as delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

METRIC_NAMES = {"unique_viewers": "espectadores únicos", "avg_audience": "audiencia media",
                "share": "cuota"}
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")
RULE_LEADS = {
    "day_top": "Lo más visto del día",
    "prime_time_leader": "Líder del prime time",
    "top_newscast": "Informativo más visto",
    "target_leader": "Líder de su público",
    "channel_top": "Lo más visto de su cadena",
    "big_sports": "Gran evento deportivo",
}


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{int(value):,}".replace(",", ".")


def figure(metric: str, value: Any) -> str:
    """A figure with its unit: '1.566.000 espectadores únicos', '12,0 % de cuota'."""
    if metric == "share":
        return f"{float(value):.1f} % de cuota".replace(".", ",")
    if metric == "avg_audience":
        return f"{_number(value)} de audiencia media"
    return f"{_number(value)} {METRIC_NAMES.get(metric, metric)}"


def day_words(date: str) -> str:
    """'2026-11-16' -> '16 de noviembre de 2026' (the date as the reader says it)."""
    try:
        d = dt.date.fromisoformat(date[:10])
    except ValueError:
        return date
    return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"


def evidence_lines(evidence: Mapping[str, Any], *,
                   programme: Callable[[str], str] = str,
                   channel: Callable[[str], str] = str) -> list[str]:
    """One Spanish sentence per rule in the evidence, in the evidence's order."""
    lines = []
    for rule, ev in evidence.items():
        if not isinstance(ev, Mapping):
            continue
        lines.append(_line(rule, ev, programme, channel))
    return [line for line in lines if line]


def _rival(ev: Mapping[str, Any], metric: str, programme: Callable[[str], str],
           channel: Callable[[str], str]) -> str:
    runner = ev.get("runner_up")
    if not isinstance(runner, Mapping):
        return ""
    return (f"; le sigue {programme(str(runner.get('title', '')))} "
            f"({channel(str(runner.get('channel', '')))}) con "
            f"{figure(metric, runner.get('value', 0))}")


def _line(rule: str, ev: Mapping[str, Any], programme: Callable[[str], str],
          channel: Callable[[str], str]) -> str:
    metric = str(ev.get("metric", ""))
    if rule == "golden_minute":
        return (f"Minuto de oro a las {ev.get('time', '')}: "
                f"{figure('avg_audience', ev.get('avg_audience', 0))} y "
                f"{figure('share', ev.get('share', 0))}.")
    if rule == "watchlist":
        return "Programa que el cliente sigue siempre."
    if rule.startswith(("historical_record_", "season_best_", "year_best_")):
        kind = ("Récord histórico" if rule.startswith("historical") else
                "Mejor dato de la temporada" if rule.startswith("season") else
                "Mejor dato del año")
        since = f" desde el {day_words(str(ev['since']))}" if ev.get("since") else ""
        first = (f" (emitido desde el {day_words(str(ev['first_broadcast_date']))})"
                 if ev.get("first_broadcast_date") else "")
        return (f"{kind} en {METRIC_NAMES.get(metric, metric)}{since}: "
                f"{figure(metric, ev.get('value', 0))}; el anterior, "
                f"{figure(metric, ev.get('previous_best', 0))} el "
                f"{day_words(str(ev.get('previous_best_date', '')))}{first}.")
    if rule.startswith("above_channel_"):
        period = (f"del periodo {' a '.join(day_words(p) for p in str(ev['period']).split('..'))}"
                  if ev.get("period") else
                  f"de sus {ev.get('broadcasts_averaged', 0)} emisiones del día")
        ratio = float(ev.get("ratio", 0))
        return (f"{figure('share', ev.get('value', 0))}: {_decimal(ratio)} veces la cuota "
                f"media de la cadena ({_decimal(float(ev.get('channel_average_share', 0)))} %)"
                f" {period}.")
    lead = RULE_LEADS.get(rule, rule.replace("_", " ").capitalize())
    compared = ev.get("broadcasts_compared", ev.get("rivals_compared"))
    among = f" entre {compared} emisiones comparadas" if compared else ""
    tied = ev.get("tied_with") or []
    tie = (f"; empata con {', '.join(programme(str(t.get('title', ''))) for t in tied)}"
           if tied else "")
    window = f" ({ev['prime_time']})" if ev.get("prime_time") else ""
    value = figure(metric, ev.get("value", 0)) if metric else ""
    return (f"{lead}{window}{among}: {value}{tie}"
            f"{_rival(ev, metric, programme, channel)}.")


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
