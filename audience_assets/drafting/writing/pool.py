"""The writer learns from the desk (issue 21, item 5): posts the editors approved become
few-shot examples, retrieved per story by similarity.

- `load_pool_config`: data/config/drafting/pool.yaml (client-editable: enabled, frozen,
  max age, max examples, how many of a prompt's examples come from the pool, the file).
- `approved.delexicalise`: an approved post -> an example with placeholders, never a
  day's figures.
- `build_pool`: the desk's approvals (edited text preferred: the desk stores the text the
  editor approved) -> a `PoolFile` with each example's provenance and what was skipped.
- Where the pool lives: the desk's tables are its one source of truth (no copy of them
  in another table, so no migration). Unfrozen, each drafting run builds it from SQL in
  memory (nothing written). `python -m audience_assets.drafting.writing.pool` writes it
  as a generated, versioned YAML file beside pool.yaml (`pool_examples.yaml`, with each
  example's provenance and what was skipped and why): what a client reviews, edits
  (deletes an example), commits and freezes (`frozen: true`: the runs use exactly that
  file, whatever the desk does next); a fresh clone then drafts with the examples in git.
- `LearnedExamples`: the natural writer's example source. Per story the pool's examples
  ranked by similarity (programme, event kind, genre, channel, network), then the static
  examples.yaml draw for the remaining slots; deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audience_assets.analysis import names
from audience_assets.drafting.writing import templates
from audience_assets.drafting.writing.approved import Approval, delexicalise
from audience_assets.drafting.writing.natural import (
    EXAMPLES_PER_PROMPT,
    Example,
    ExamplePool,
    parse_example,
)
from audience_assets.paths import config_dir, read_client_yaml
from audience_assets.records import FactSheet

POOL_CONFIG_FILE = config_dir() / "drafting" / "pool.yaml"
POOL_VERSION = 1
# Similarity weights: the same programme says most about how an editor writes its post,
# then the kind of event (the rules that made it news), the genre, the channel, the network.
WEIGHTS = {"programme": 4.0, "event_kind": 3.0, "genre": 2.0, "channel": 1.0, "network": 1.0}
# A pool example already shown that day loses this much score per showing, so a day's
# stories do not all get the same two examples (the 0.5B model follows what it is shown).
SHOWN_PENALTY = 1.5


class PoolConfigError(ValueError):
    """pool.yaml or the pool file is missing, malformed or holds a bad example."""


@dataclass(frozen=True, slots=True)
class PoolConfig:
    enabled: bool
    frozen: bool
    max_age_days: int
    max_examples: int
    from_pool: int
    file: Path
    path: Path


def _int(data: Mapping[str, Any], key: str, path: Path, low: int, high: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise PoolConfigError(f"{path}: `{key}` must be a whole number from {low} to {high}, "
                              f"not {value!r}")
    return value


def _bool(data: Mapping[str, Any], key: str, path: Path) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise PoolConfigError(f"{path}: `{key}` must be true or false, not {value!r}")
    return value


def parse_pool_config(data: Any, path: Path) -> PoolConfig:
    if not isinstance(data, dict) or data.get("version") != POOL_VERSION:
        raise PoolConfigError(f"{path}: expected a mapping with `version: {POOL_VERSION}`")
    known = {"version", "enabled", "frozen", "max_age_days", "max_examples", "from_pool", "file"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise PoolConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; expected "
                              f"{', '.join(sorted(known))}")
    file = data.get("file")
    if not isinstance(file, str) or not file.strip() or Path(file).is_absolute() or ".." in file:
        raise PoolConfigError(f"{path}: `file` must be a file name relative to pool.yaml's "
                              f"folder, not {file!r}")
    return PoolConfig(
        enabled=_bool(data, "enabled", path), frozen=_bool(data, "frozen", path),
        max_age_days=_int(data, "max_age_days", path, 1, 3650),
        max_examples=_int(data, "max_examples", path, 1, 10000),
        from_pool=_int(data, "from_pool", path, 0, EXAMPLES_PER_PROMPT),
        file=path.parent / file, path=path)


def load_pool_config(path: Path | None = None) -> PoolConfig:
    path = path or POOL_CONFIG_FILE
    return parse_pool_config(read_client_yaml(path, PoolConfigError, "pool settings"), path)


# --- the pool ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Features:
    programme: str
    event_kind: tuple[str, ...]
    genre: str
    channel: str
    network: str

    @classmethod
    def of(cls, sheet: FactSheet, network: str) -> Features:
        return cls(programme=names.fold(sheet.source_title or sheet.title),
                   event_kind=tuple(sorted(sheet.rules)), genre=sheet.genre.upper(),
                   channel=sheet.channel.lower(), network=network)

    def to_dict(self) -> dict[str, Any]:
        return {"programme": self.programme, "event_kind": list(self.event_kind),
                "genre": self.genre, "channel": self.channel, "network": self.network}


def similarity(a: Features, b: Features) -> float:
    """0..11: weighted agreement (event kind by Jaccard overlap of the rules)."""
    kinds_a, kinds_b = set(a.event_kind), set(b.event_kind)
    union = kinds_a | kinds_b
    overlap = len(kinds_a & kinds_b) / len(union) if union else 1.0
    return (WEIGHTS["programme"] * (a.programme == b.programme and bool(a.programme))
            + WEIGHTS["event_kind"] * overlap
            + WEIGHTS["genre"] * (a.genre == b.genre and bool(a.genre))
            + WEIGHTS["channel"] * (a.channel == b.channel)
            + WEIGHTS["network"] * (a.network == b.network))


@dataclass(frozen=True, slots=True)
class LearnedExample:
    example: Example
    has_event: bool
    features: Features
    provenance: Mapping[str, Any]

    @property
    def broadcast_date(self) -> str:
        return str(self.provenance["broadcast_date"])

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.example.text, "emojis": list(self.example.emojis),
                "has_event": self.has_event, "features": self.features.to_dict(),
                "provenance": dict(self.provenance)}


@dataclass(frozen=True, slots=True)
class PoolFile:
    examples: tuple[LearnedExample, ...]
    skipped: tuple[Mapping[str, Any], ...] = ()
    generated_at: str = ""

    def to_yaml(self) -> str:
        head = ("# GENERATED from the review desk (approved posts, the editor's text) by\n"
                "# `python -m audience_assets.drafting.writing.pool`. Used only with `frozen: "
                "true`\n# in pool.yaml. Edit by deleting examples. Texts hold placeholders, "
                "never figures.\n")
        data = {"version": POOL_VERSION, "generated_at": self.generated_at,
                "examples": [e.to_dict() for e in self.examples],
                "skipped": [dict(s) for s in self.skipped]}
        return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_pool(approvals: Iterable[Approval], config: PoolConfig, emojis: Sequence[str],
               now: float) -> PoolFile:
    """The newest `max_examples` approvals that make examples (one per story and network:
    the desk keeps one decision per draft), with provenance; the others in `skipped`."""
    ordered = sorted(approvals, key=lambda a: (a.broadcast_date, a.approved_at, a.draft_id),
                     reverse=True)
    examples: list[LearnedExample] = []
    skipped: list[dict[str, Any]] = []
    seen_texts: set[str] = set()
    for a in ordered:
        where = {"draft_id": a.draft_id, "broadcast_date": a.broadcast_date,
                 "sheet_key": a.sheet_key, "network": a.network}
        if len(examples) >= config.max_examples:
            skipped.append({**where, "reason": f"max_examples ({config.max_examples})"})
            continue
        sheet = FactSheet.from_dict(dict(a.fact_sheet))
        made = delexicalise(a.final_text, sheet, emojis)
        if isinstance(made, str):
            skipped.append({**where, "reason": made})
            continue
        text, marks = made
        if text in seen_texts:
            skipped.append({**where, "reason": "same wording as a newer example"})
            continue
        seen_texts.add(text)
        examples.append(LearnedExample(
            Example(text, marks), bool(sheet.event), Features.of(sheet, a.network),
            {**where, "approved_by": a.approved_by, "approved_at": _iso(a.approved_at),
             "edited": a.edited}))
    return PoolFile(tuple(examples), tuple(skipped), _iso(now))


def write_pool_file(pool: PoolFile, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(pool.to_yaml(), encoding="utf-8")
    tmp.replace(path)


def _learned(item: Any, i: int, path: Path, emojis: Sequence[str]) -> LearnedExample:
    where = f"{path}: examples[{i}]"
    has_event = item.get("has_event") if isinstance(item, Mapping) else None
    if not isinstance(has_event, bool):
        raise PoolConfigError(f"{where}: expected a mapping whose `has_event` is true or "
                              "false")
    example = parse_example(item, where, has_event, emojis, PoolConfigError)
    feats, prov = item.get("features"), item.get("provenance")
    if not isinstance(feats, Mapping) or not isinstance(prov, Mapping):
        raise PoolConfigError(f"{where}: `features` and `provenance` must be mappings")
    needed = ("draft_id", "broadcast_date", "sheet_key", "network", "approved_by",
              "approved_at", "edited")
    missing = [k for k in needed if k not in prov]
    if missing:
        raise PoolConfigError(f"{where}: provenance lacks {', '.join(missing)}")
    try:
        dt.date.fromisoformat(str(prov["broadcast_date"]))
        features = Features(programme=str(feats["programme"]),
                            event_kind=tuple(str(k) for k in feats["event_kind"]),
                            genre=str(feats["genre"]), channel=str(feats["channel"]),
                            network=str(feats["network"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise PoolConfigError(f"{where}: bad features or broadcast_date ({exc})") from None
    return LearnedExample(example, has_event, features, dict(prov))


def load_pool_file(path: Path, emojis: Sequence[str] | None = None) -> PoolFile:
    """The generated pool, every example checked as examples.yaml's are."""
    if emojis is None:
        from audience_assets.drafting.writing.natural import load_examples
        emojis = load_examples().emojis
    data = read_client_yaml(path, PoolConfigError, "pool file")
    if not isinstance(data, dict) or data.get("version") != POOL_VERSION:
        raise PoolConfigError(f"{path}: expected a mapping with `version: {POOL_VERSION}`")
    items = data.get("examples")
    if not isinstance(items, list):
        raise PoolConfigError(f"{path}: `examples` must be a list")
    return PoolFile(tuple(_learned(item, i, path, emojis) for i, item in enumerate(items)),
                    tuple(data.get("skipped") or ()), str(data.get("generated_at") or ""))


# --- retrieval -----------------------------------------------------------------------------

@dataclass
class LearnedExamples:
    """The natural writer's examples for one drafting day and network: up to `from_pool`
    from the learned pool (the most similar story first), the rest from examples.yaml."""

    static: ExamplePool
    examples: tuple[LearnedExample, ...]
    network: str = "x"
    from_pool: int = EXAMPLES_PER_PROMPT
    used: set[Example] = field(default_factory=set)

    @property
    def emojis(self) -> tuple[str, ...]:
        return self.static.emojis

    @property
    def path(self) -> Path:
        return self.static.path

    @property
    def texts(self) -> tuple[str, ...]:
        return (*self.static.texts, *(e.example.text for e in self.examples))

    @classmethod
    def for_day(cls, static: ExamplePool, pool: PoolFile, config: PoolConfig, date: str,
                network: str) -> LearnedExamples:
        """Only examples of dates before `date` and within `max_age_days` of it."""
        day = dt.date.fromisoformat(date)
        first = (day - dt.timedelta(days=config.max_age_days)).isoformat()
        kept = tuple(e for e in pool.examples if first <= e.broadcast_date < date)
        return cls(static, kept, network, config.from_pool)

    def ranked(self, sheet: FactSheet, number: int = 0,
               shown: Mapping[Example, int] | None = None) -> list[LearnedExample]:
        seen = shown or {}
        target = Features.of(sheet, self.network)
        candidates = [e for e in self.examples if e.has_event == bool(sheet.event)]
        return sorted(candidates, key=lambda e: (
            -(similarity(target, e.features) - SHOWN_PENALTY * seen.get(e.example, 0)),
            tuple(-ord(c) for c in e.broadcast_date),
            templates.stable_index(f"{sheet.key}|{number}|{e.example.text}", "pool", 1 << 30)))

    def draw(self, sheet: FactSheet, number: int = 0, k: int = EXAMPLES_PER_PROMPT,
             shown: Mapping[Example, int] | None = None,
             prefer: Callable[[Example], bool] | None = None) -> list[Example]:
        ranked = [e.example for e in self.ranked(sheet, number, shown)]
        if prefer is not None:  # stable: the most similar preferred story first
            ranked.sort(key=lambda e: not prefer(e))
        learned = ranked[:min(k, self.from_pool)]
        self.used.update(learned)
        rest = [e for e in self.static.draw(sheet, number, k, shown, prefer)
                if e not in learned]
        return learned + rest[:k - len(learned)]


def approvals(rows: Iterable[Mapping[str, Any]]) -> list[Approval]:
    """`store.desk_approvals` rows as `Approval`s."""
    return [Approval(**dict(row)) for row in rows]


def refresh_pool(rows: Iterable[Mapping[str, Any]], config: PoolConfig,
                 emojis: Sequence[str], now: float) -> tuple[PoolFile, bool]:
    """The pool a drafting run uses: `frozen`, the versioned file as it stands; else
    rebuilt from the desk's approvals (`rows`, store.desk_approvals) in memory: no run
    writes the client's config folder. (pool, whether it came from the desk)"""
    if config.frozen:
        if not config.file.exists():
            raise PoolConfigError(f"{config.path}: `frozen: true` but the pool file "
                                  f"{config.file} does not exist")
        return load_pool_file(config.file, emojis), False
    return build_pool(approvals(rows), config, emojis, now), True


def main(argv: Sequence[str] | None = None) -> int:
    """Write the pool built from the desk to pool.yaml's `file` (review it, commit it,
    then set `frozen: true` to draft with exactly that file):

        python -m audience_assets.drafting.writing.pool [--db URL] [--out FILE]
    """
    import argparse
    import sys
    import time

    from audience_assets import settings
    from audience_assets.drafting.store import desk_approvals
    from audience_assets.drafting.writing.natural import load_examples
    from audience_assets.sql.engine import make_engine

    parser = argparse.ArgumentParser(description="Write the writer's example pool from "
                                     "the review desk to pool.yaml's `file`.")
    parser.add_argument("--db", default=settings.get("AUDIENCE_DB_URL"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        config = load_pool_config()
        pool = build_pool(approvals(desk_approvals(make_engine(args.db))), config,
                          load_examples().emojis, time.time())
    except PoolConfigError as exc:
        print(f"pool: {exc}", file=sys.stderr)
        return 2
    out = args.out or config.file
    write_pool_file(pool, out)
    print(f"pool: {len(pool.examples)} examples "
          f"({sum(1 for e in pool.examples if e.provenance['edited'])} edited), "
          f"{len(pool.skipped)} skipped -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
