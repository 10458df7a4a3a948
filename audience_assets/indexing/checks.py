"""The index's check: Solr holds what the SQL store holds, date by date."""

from __future__ import annotations

import dagster as dg

from audience_assets.indexing.index import Verification


def index_check_result(verification: Verification) -> dg.AssetCheckResult:
    """ERROR when any date's count differs or a sampled document differs from its record."""
    bad_dates = sorted({p.date for p in verification.problems})
    return dg.AssetCheckResult(
        check_name="index_matches_store",
        asset_key="solr_audience_index",
        passed=verification.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "dates_checked": len(verification.dates),
            "sql_records": sum(verification.sql.get(d, 0) for d in verification.dates),
            "solr_documents": sum(verification.solr.get(d, 0) for d in verification.dates),
            "documents_compared": verification.sampled,
            "dates_failing": ", ".join(bad_dates[:30]) or "none",
            "problems": dg.MetadataValue.md(
                "\n".join(f"- {p}" for p in verification.problems[:20]) or "none"
            ),
        },
    )
