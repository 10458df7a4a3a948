"""The desk's order for each demo day against the day's plan (table post_plan), side by
side for one day (default 2026-11-16).

For every date of the sample week: the records up to the date, the fact sheets as the
analysis stage selects them, the plan as the `post_plan` asset makes it (plan_day, stored
with replace_plan), template drafts of the plan's posts for X (no LLM), then
`views.load_day`. Prints, per date, whether the desk's order equals the plan's chosen
posts in rank order with ranks 1..n, and for the chosen date both columns.

    .venv/bin/python benchmarks/desk_order.py [--show 2026-11-16] [--network x]
"""

from __future__ import annotations

import argparse
import sys

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.plan import plan_day
from audience_assets.analysis.selection import select_fact_sheets
from audience_assets.analysis.store import plan_entries, replace_fact_sheets, replace_plan
from audience_assets.cli.select import golden_minutes, read_deliveries
from audience_assets.drafting.store import replace_drafts
from audience_assets.indexing.history import SqlHistory
from audience_assets.ingestion.store import replace_dates
from audience_assets.review import views
from audience_assets.sql.engine import make_engine
from audience_assets_tests.review.helpers import SAMPLES, template_drafts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", default="2026-11-16")
    parser.add_argument("--network", default="x")
    args = parser.parse_args()
    files = sorted(SAMPLES.iterdir())
    dates = sorted({p.name.split("_")[1][:10] for p in files})
    config = load_analysis_config()
    engine = make_engine("sqlite://")
    records, minutes = read_deliveries([str(p) for p in files])
    replace_dates(engine, sorted({r.broadcast_date for r in records}), records)
    all_equal = True
    for date in dates:
        day = [r for r in records if r.broadcast_date == date]
        sheets = select_fact_sheets(day, SqlHistory(engine), config,
                                    golden_minutes(day, minutes, config))
        replace_fact_sheets(engine, date, sheets)
        plan = plan_day(sheets, config, date)
        replace_plan(engine, date, plan)
        replace_drafts(engine, date, template_drafts(plan.for_network(args.network),
                                                     args.network))
        planned = [e for e in plan_entries(engine, date, args.network) if e.chosen]
        items = views.load_day(engine, date, args.network)
        equal = ([i.key.sheet_key for i in items] == [e.sheet_key for e in planned]
                 and [i.rank for i in items] == list(range(1, len(items) + 1))
                 and [e.rank for e in planned] == list(range(1, len(planned) + 1)))
        all_equal &= equal
        print(f"{date} {args.network}: {len(planned)} planned posts, desk lists "
              f"{len(items)}; same order, ranks 1..n: {'yes' if equal else 'NO'}")
        if date == args.show:
            titles = {s.key: s.title for s in plan.for_network(args.network)}
            print(f"\n  {'rank':>4}  {'post_plan (sheet, news value)':58s}  desk")
            for n in range(max(len(planned), len(items))):
                left = (f"#{planned[n].rank} {titles.get(planned[n].sheet_key, '?')[:40]} "
                        f"({planned[n].news_value:.2f})" if n < len(planned) else "")
                right = f"#{items[n].rank} {items[n].fact_sheet.get('title', '')[:40]}" \
                    if n < len(items) else ""
                print(f"  {n + 1:>4}  {left:58s}  {right}")
            print()
    return 0 if all_equal else 1


if __name__ == "__main__":
    sys.exit(main())
