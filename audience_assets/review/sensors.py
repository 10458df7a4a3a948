"""Approvals sensor: a change to a day's approved posts -> one post_exports run for it."""

import dagster as dg

from audience_assets.partitions import broadcast_days
from audience_assets.resources.database import DatabaseResource
from audience_assets.review.assets import post_exports
from audience_assets.review.views import approved_fingerprint, changed_dates

exports_job = dg.define_asset_job("post_exports_job", selection=[post_exports])


@dg.sensor(
    job=exports_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reads the review history past its cursor; for each date whose set of "
    "approved posts changed, requests post_exports keyed by that set's hash, so the same "
    "approvals never export twice and every change exports once.",
)
def approvals_sensor(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult | dg.SkipReason:
    try:
        after = int(context.cursor or 0)
    except ValueError:
        after = 0  # an unreadable cursor only re-reads history; run keys stop repeats
    engine = database.engine()
    changed = changed_dates(engine, after)
    if not changed:
        return dg.SkipReason(f"no review activity after history entry {after}")
    requests = []
    for date in sorted(changed):
        if not broadcast_days.has_partition_key(date):
            context.log.warning(f"review history names {date}, outside the partitions")
            continue
        count, digest, ever = approved_fingerprint(engine, date)
        if count == 0 and not ever:
            continue  # edits before any approval: nothing to export yet
        requests.append(dg.RunRequest(
            partition_key=date, run_key=f"post_exports:{date}:{digest}",
            tags={"audience/approved_posts": str(count)}))
    return dg.SensorResult(run_requests=requests, cursor=str(max(changed.values())))
