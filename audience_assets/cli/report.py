"""`audience report --date D --profile P --out DIR`: one client's daily report, as the
`daily_report` asset makes it, from what the pipeline stored in SQL:
DIR/informe-P-D.xlsx, .html and .pdf (the profile's deliverables). Without --profile,
every profile in data/config/reports/, each in DIR/<profile>/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audience_assets import settings
from audience_assets.cli import UsageError, broadcast_date


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "report", help="write a client's daily report (XLSX, HTML, PDF per its profile)")
    parser.add_argument("--date", required=True, help="broadcast date YYYY-MM-DD")
    parser.add_argument("--out", required=True, help="folder to write the files into")
    parser.add_argument("--profile", default=None,
                        help="report profile (a file name in data/config/reports/ without "
                             ".yaml); default: every profile, each in OUT/<profile>/")
    parser.add_argument("--profiles-dir", default=None,
                        help="folder of report profiles (default data/config/reports/)")
    parser.add_argument("--db", default=None,
                        help="SQL store URL (default AUDIENCE_DB_URL or sqlite:///var/audience.db)")
    parser.add_argument("--config", default=None,
                        help="analysis configuration (default data/config/analysis.yaml)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from audience_assets.analysis.config import AnalysisConfigError, load_analysis_config
    from audience_assets.reports.daily import gather_report
    from audience_assets.reports.deliver import add_pdfs, write_documents
    from audience_assets.reports.names import display_names
    from audience_assets.reports.profiles import ProfileError, load_profiles
    from audience_assets.sql.engine import make_engine

    date = broadcast_date(args.date)
    url = args.db or settings.get("AUDIENCE_DB_URL")
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise UsageError(f"no SQL store at {url}: run the pipeline first (audience run)")
    try:
        config = load_analysis_config(args.config)
        profiles = load_profiles(args.profiles_dir)
    except (AnalysisConfigError, ProfileError) as exc:
        raise UsageError(str(exc)) from None
    if args.profile is not None and args.profile not in profiles:
        raise UsageError(f"no report profile {args.profile!r}; known: "
                         f"{', '.join(sorted(profiles))}")
    chosen = [profiles[args.profile]] if args.profile else list(profiles.values())
    engine = make_engine(url)
    out = Path(args.out)
    delivered = []
    for profile in chosen:
        report = gather_report(engine, date, profile, display_names(profile, config))
        if not report.records:
            raise UsageError(f"no records for {date} in {url}")
        folder = out if args.profile else out / profile.name
        delivered.append(write_documents(report, folder))
    add_pdfs(delivered, {p.name: "pdf" in p.deliverables for p in chosen})
    failed = 0
    for d in delivered:
        for path in d.files.values():
            print(path)
        for line in d.failures.values():
            print(f"audience report: {d.profile}: {line}", file=sys.stderr)
            failed = 1
    return failed
