"""Event labels as clauses (data/config/drafting/event_clauses.yaml).

"Lo más visto del día" is a label: a heading ("Lo más visto del día: …") or an
apposition ("…, lo más visto del día"). Where a post needs a verb phrase - the
event as a sentence of its own, or after "y"/"que" - it is written as a clause:
"Fue lo más visto del día.", "… y marcó su máximo histórico de espectadores únicos".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audience_assets.paths import config_dir, read_client_yaml


class EventClausesError(ValueError):
    """event_clauses.yaml is missing or malformed."""


@dataclass(frozen=True, slots=True)
class EventClauses:
    rules: tuple[tuple[re.Pattern[str], str], ...]
    default: str

    def clause(self, label: str) -> str:
        """The event as a verb phrase in lower case: "fue lo más visto del día". A
        secondary event that is an event of its own gets its own verb ("Minuto de oro del
        día a las 20:56, también lo más visto del día en Aragón" -> "tuvo el minuto de oro
        del día a las 20:56 y fue también lo más visto del día en Aragón"); one that only
        widens the first ("…, también entre los jóvenes") stays as written."""
        text = label.strip().rstrip(".")
        lowered = text[:1].lower() + text[1:]
        lead, also, rest = lowered.partition(", también ")
        if also and self._matched(rest) is not None:
            verb, _, tail = self.clause(rest).partition(" ")
            return f"{self.clause(lead)} y {verb} también {tail}"
        found = self._matched(lowered)
        return found if found is not None else self.default.replace("\\0", lowered)

    def _matched(self, lowered: str) -> str | None:
        for pattern, template in self.rules:
            m = pattern.match(lowered)
            if m:
                return m.expand(template)
        return None


def parse_clauses(data: Any, path: Path) -> EventClauses:
    if not isinstance(data, dict) or data.get("version") != 1:
        raise EventClausesError(f"{path}: expected a mapping with `version: 1`")
    items = data.get("clauses")
    if not isinstance(items, list):
        raise EventClausesError(f"{path}: `clauses` must be a list of {{label, clause}}")
    rules = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("label"), str) \
                or not isinstance(item.get("clause"), str):
            raise EventClausesError(f"{path}: clauses[{i}] needs `label` and `clause` strings")
        try:
            pattern = re.compile(item["label"], re.IGNORECASE)
            pattern.sub(item["clause"], "") if pattern.groups == 0 else None
        except re.error as exc:
            raise EventClausesError(f"{path}: clauses[{i}]: {exc}") from None
        rules.append((pattern, item["clause"]))
    default = data.get("default", "fue \\0")
    if not isinstance(default, str) or "\\0" not in default:
        raise EventClausesError(f"{path}: `default` must be a string with \\0 (the label)")
    return EventClauses(tuple(rules), default)


@functools.cache
def _load(path: Path) -> EventClauses:
    return parse_clauses(read_client_yaml(path, EventClausesError, "event clauses file"), path)


def load_clauses(path: Path | None = None) -> EventClauses:
    return _load((path or config_dir() / "drafting" / "event_clauses.yaml").resolve())


def event_clause(label: str) -> str:
    return load_clauses().clause(label)
