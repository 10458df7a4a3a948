"""The analysis stage's asset checks: the fact sheets are audited against their records
before they are published (blocking), and the records' targets and regions the
analysis configuration does not know are named (warning)."""

import json
from collections import Counter, defaultdict

import dagster as dg

from audience_assets.analysis.audits import duplicate_problems, evidence_problems, figure_problems
from audience_assets.analysis.config import AnalysisConfig
from audience_assets.partitions import daily_check_spec
from audience_assets.records import AudienceRecord, FactSheet

CHECK_FIGURES = "figures_equal_records"
CHECK_DUPLICATES = "no_duplicate_broadcast"
CHECK_EVIDENCE = "events_backed_by_evidence"
CHECK_KNOWN_NAMES = "targets_and_regions_known"
BLOCKING = (CHECK_FIGURES, CHECK_DUPLICATES, CHECK_EVIDENCE)


def fact_sheet_check_specs() -> list[dg.AssetCheckSpec]:
    """The checks of `relevant_broadcasts`, each result under its broadcast date."""
    return [
        daily_check_spec(CHECK_FIGURES, asset="relevant_broadcasts", blocking=True,
                         description="Every fact sheet's figures equal its record's exactly. "
                         "Audited before publishing."),
        daily_check_spec(CHECK_DUPLICATES, asset="relevant_broadcasts", blocking=True,
                         description="At most one fact sheet per broadcast, target, region. "
                         "Audited before publishing."),
        daily_check_spec(CHECK_EVIDENCE, asset="relevant_broadcasts", blocking=True,
                         description="Each rule and event is backed by the numbers compared. "
                         "Audited before publishing."),
        daily_check_spec(CHECK_KNOWN_NAMES, asset="relevant_broadcasts",
                         description="Warning naming the records' targets and regions the "
                         "analysis configuration does not know (left out, never silently)."),
    ]


def merged_checks(results_by_date: dict[str, list[dg.AssetCheckResult]]
                  ) -> list[dg.AssetCheckResult]:
    """One result per check for a range: passed when it passed on every date; its problems
    prefixed with their date."""
    by_name: dict[str, list[tuple[str, dg.AssetCheckResult]]] = defaultdict(list)
    for date, results in results_by_date.items():
        for result in results:
            by_name[result.check_name or ""].append((date, result))
    merged = []
    for name, dated in by_name.items():
        failing = [d for d, r in dated if not r.passed]
        merged.append(dg.AssetCheckResult(
            check_name=name, passed=not failing, severity=dated[0][1].severity,
            metadata={"dates": len(dated), "failing_dates": ", ".join(failing) or "none",
                      "first": json.dumps([f"{d}: {r.metadata.get('first', '')}" for d, r in dated
                                           if not r.passed][:5], ensure_ascii=False,
                                          default=str)}))
    return merged


def sheet_checks(sheets: list[FactSheet], records: list[AudienceRecord],
                 config: AnalysisConfig) -> list[dg.AssetCheckResult]:
    evidence = [f"{s.key}: {p}" for s in sheets for p in evidence_problems(s, config)]
    results = []
    for name, problems in ((CHECK_FIGURES, figure_problems(sheets, records)),
                           (CHECK_DUPLICATES, duplicate_problems(sheets)),
                           (CHECK_EVIDENCE, evidence)):
        results.append(dg.AssetCheckResult(
            check_name=name, passed=not problems,
            metadata={"problems": len(problems),
                      "first": json.dumps(problems[:5], ensure_ascii=False)}))
    results.append(known_names_result(records, config))
    return results


def known_names_result(records: list[AudienceRecord], config: AnalysisConfig
                       ) -> dg.AssetCheckResult:
    """WARN naming what the analysis leaves out, with how many records each name has."""
    pairs = Counter((r.target, r.region) for r in records)
    unknown = config.unknown_names(pairs)
    left_out = sum(n for (t, g), n in pairs.items()
                   if config.resolve_target(t) is None or config.resolve_region(g) is None)
    return dg.AssetCheckResult(
        check_name=CHECK_KNOWN_NAMES, passed=not unknown,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unknown": ", ".join(unknown) or "none",
            "records_left_out": left_out,
            "records": len(records),
            "hint": "add the name to targets/regions or aliases in the analysis config"
            if unknown else "every target and region is analysed",
        })
