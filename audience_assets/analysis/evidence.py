"""A fact sheet's evidence as Spanish lines a person reads (no Dagster).

The rules store what they compared as nested values (`FactSheet.evidence`, rule id ->
dict); the desk and the reports show it through `evidence_lines`, one line per fact:
"récord anterior: 2.410.000, 14/03/2025". A key this module does not know is still shown
(as "clave: valor"), so new evidence never disappears from the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

RULES = {
    "golden_minute": "Minuto de oro", "day_top": "Lo más visto del día",
    "prime_time_leader": "Líder del prime time", "target_leader": "Líder de su público",
    "top_newscast": "Informativo más visto", "channel_top": "Lo más visto de su cadena",
    "watchlist": "En seguimiento",
    "above_channel_day_average": "Sobre la media diaria de su cadena",
    "above_channel_month_average": "Sobre la media mensual de su cadena",
    "story": "Historia", "big_sports": "Gran evento deportivo",
    "historical_record_unique_viewers": "Récord histórico (espectadores únicos)",
    "historical_record_share": "Récord histórico (cuota)",
    "historical_record_avg_audience": "Récord histórico (audiencia media)",
    "season_best_unique_viewers": "Mejor dato de la temporada (espectadores únicos)",
    "season_best_share": "Mejor dato de la temporada (cuota)",
    "year_best_unique_viewers": "Mejor dato del año (espectadores únicos)",
}
METRICS = {"unique_viewers": "espectadores únicos", "avg_audience": "audiencia media",
           "share": "cuota"}
LABELS = {
    "broadcasts_compared": "emisiones comparadas", "rivals_compared": "rivales comparados",
    "prime_time": "franja de prime time", "channel_average_share": "cuota media de la cadena",
    "ratio": "veces la media", "min_ratio": "mínimo exigido (veces la media)",
    "broadcasts_averaged": "emisiones promediadas", "period": "periodo",
    "watchlist_title": "título seguido", "since": "desde",
    "first_broadcast_date": "primera emisión", "time": "hora", "minute": "minuto",
    "avg_audience": "audiencia media", "share": "cuota",
}
_SKIP = {"metric", "value", "runner_up", "tied_with", "previous_best", "previous_best_date",
         "previous_best_start"}


def _viewers(value: float) -> str:
    return f"{round(float(value)):,}".replace(",", ".")


def _share(value: float) -> str:
    return f"{float(value):.1f}".replace(".", ",") + " %"


def _figure(value: Any, metric: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _plain(value)
    return _share(value) if metric == "share" else _viewers(value)


def _date(value: Any) -> str:
    text = str(value)
    try:
        return dt.date.fromisoformat(text[:10]).strftime("%d/%m/%Y") + (
            f" {text[11:16]}" if len(text) >= 16 and text[10] == "T" else "")
    except ValueError:
        return text


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return _viewers(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{LABELS.get(str(k), str(k))}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    text = str(value)
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        return _date(text)
    return text


def _rival(rival: Mapping[str, Any], metric: str) -> str:
    when = _date(rival["start"])[-5:] if rival.get("start") else ""
    return (f"{rival.get('title', '?')} ({rival.get('channel', '?')}"
            f"{', ' + when if when else ''}): {_figure(rival.get('value'), metric)}")


def _rule_lines(rule: str, facts: Mapping[str, Any]) -> list[str]:
    metric = str(facts.get("metric", ""))
    name = RULES.get(rule, rule)
    if rule == "golden_minute" and "time" in facts:
        return [f"{name}: {facts['time']}, audiencia media "
                f"{_viewers(facts.get('avg_audience', 0))}, cuota "
                f"{_share(facts.get('share', 0.0))}"]
    lines = []
    if "value" in facts:
        lines.append(f"{name}: {METRICS.get(metric, metric or 'valor')} "
                     f"{_figure(facts['value'], metric)}")
    else:
        lines.append(name)
    if facts.get("previous_best") is not None:
        lines.append(f"récord anterior: {_figure(facts['previous_best'], metric)}"
                     + (f", {_date(facts['previous_best_date'])}"
                        if facts.get("previous_best_date") else ""))
    if isinstance(facts.get("runner_up"), Mapping):
        lines.append(f"segundo: {_rival(facts['runner_up'], metric)}")
    for tied in facts.get("tied_with") or []:
        if isinstance(tied, Mapping):
            lines.append(f"empatado con: {_rival(tied, metric)}")
    for key, value in facts.items():
        if key in _SKIP or value is None or value == "":
            continue
        label = LABELS.get(str(key), str(key))
        if key in ("avg_audience",):
            lines.append(f"{label}: {_viewers(value)}")
        elif key in ("share", "channel_average_share"):
            lines.append(f"{label}: {_share(value)}")
        else:
            lines.append(f"{label}: {_plain(value)}")
    return lines


def evidence_lines(evidence: Any) -> list[str]:
    """`FactSheet.evidence` (or its JSON-decoded copy) -> Spanish lines, rule by rule."""
    if not evidence:
        return []
    if not isinstance(evidence, Mapping):
        return [_plain(evidence)]
    lines: list[str] = []
    for rule, facts in evidence.items():
        if isinstance(facts, Mapping):
            lines.extend(_rule_lines(str(rule), facts))
        else:
            lines.append(f"{RULES.get(str(rule), str(rule))}: {_plain(facts)}")
    return lines
