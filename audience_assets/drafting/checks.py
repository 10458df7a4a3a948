"""The blocking asset check of the drafts: every draft published for review passes the
strict validator, or the partition fails with the violations as a table.

The drafting asset attaches it:

    @dg.asset(check_specs=[drafts_validity_check_spec()], ...)
    def post_drafts(context):
        drafts = ...
        yield dg.MaterializeResult(...)
        yield drafts_validity_check_result(drafts)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import dagster as dg

from audience_assets.drafting.validation import ValidationResult, validate

CHECK_NAME = "drafts_pass_strict_validator"
CHECK_DESCRIPTION = (
    "Every draft published for review passes the strict post validator (data, event, style, "
    "hashtags, emojis, length, banned words). Blocking: a failure stops downstream assets."
)
_EXCERPT = 60


@dataclass(frozen=True, slots=True)
class CheckedDraft:
    key: str
    network: str
    text: str
    result: ValidationResult


def drafts_validity_check_spec(asset: Any = "post_drafts") -> dg.AssetCheckSpec:
    """The spec to put in the drafting asset's `check_specs`."""
    return dg.AssetCheckSpec(name=CHECK_NAME, asset=asset, blocking=True,
                             description=CHECK_DESCRIPTION)


def _unpack(draft: Any, index: int) -> tuple[str, str, Any, str]:
    """(key, text, fact sheet, network) of a tuple, a mapping or a Draft-like object."""
    if isinstance(draft, tuple | list):
        text, sheet, *rest = draft
        network = rest[0] if rest else "x"
        return str(index), str(text), sheet, str(network)
    if isinstance(draft, dict):
        return (str(draft.get("sheet_key") or draft.get("id") or index), str(draft["text"]),
                draft["fact_sheet"], str(draft.get("network") or "x"))
    return (str(getattr(draft, "sheet_key", "") or index), str(draft.text), draft.fact_sheet,
            str(getattr(draft, "network", "x") or "x"))


def check_drafts(drafts: Iterable[Any]) -> list[CheckedDraft]:
    checked = []
    for index, draft in enumerate(drafts):
        key, text, sheet, network = _unpack(draft, index)
        checked.append(CheckedDraft(key, network, text, validate(text, sheet, network)))
    return checked


def drafts_validity_check_result(
    drafts: Iterable[Any], *, asset_key: Any = None, check_name: str = CHECK_NAME
) -> dg.AssetCheckResult:
    """Validate the drafts published for review and report them as one check result.

    `drafts`: (text, fact sheet, network) tuples, dicts with text/fact_sheet/network
    (and sheet_key), or Draft objects. Fails with severity ERROR when any is invalid.
    """
    checked = check_drafts(drafts)
    invalid = [c for c in checked if not c.result.valid]
    rows = []
    for c in invalid:
        for v in c.result.violations:
            excerpt = c.text[v.span[0]:v.span[1]] if v.span else ""
            rows.append({"draft": c.key, "network": c.network, "rule": v.rule,
                         "message": v.message, "excerpt": excerpt[:_EXCERPT]})
    rule_counts: dict[str, int] = {}
    for row in rows:
        rule_counts[row["rule"]] = rule_counts.get(row["rule"], 0) + 1
    schema = dg.TableSchema(columns=[
        dg.TableColumn("draft", "string"), dg.TableColumn("network", "string"),
        dg.TableColumn("rule", "string"), dg.TableColumn("message", "string"),
        dg.TableColumn("excerpt", "string"),
    ])
    metadata: dict[str, Any] = {
        "drafts_checked": dg.MetadataValue.int(len(checked)),
        "invalid_drafts": dg.MetadataValue.int(len(invalid)),
        "violations": dg.MetadataValue.table(
            records=[dg.TableRecord(row) for row in rows], schema=schema),
        "violations_by_rule": dg.MetadataValue.json(dict(sorted(rule_counts.items()))),
    }
    kwargs: dict[str, Any] = {"check_name": check_name}
    if asset_key is not None:
        kwargs["asset_key"] = asset_key
    return dg.AssetCheckResult(
        passed=not invalid,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(f"{len(invalid)} of {len(checked)} drafts break the client's rules"
                     if invalid else f"all {len(checked)} drafts pass the strict validator"),
        metadata=metadata,
        **kwargs,
    )
