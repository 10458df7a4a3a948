"""Runs launched the way the UI and the daemon launch them: created from the code
location's snapshot (so the UI lists them under their job, partition and code location,
on the landing timeline too) and executed by the instance's run launcher in a worker
process; each waited for before the next starts.

`execute_in_process` would record runs without a code-location origin, which the UI
lists nowhere but the raw runs table."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg
from dagster._core.remote_representation.external import RemoteJob
from dagster._core.remote_representation.handle import JobHandle
from dagster._core.workspace.context import BaseWorkspaceRequestContext, WorkspaceProcessContext
from dagster._core.workspace.load_target import ModuleTarget

# The names scripts/dagster-dev's workspace.yaml gives (one location per module).
LOCATION = "audience_assets"
MODULE = "audience_assets.definitions"
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
            dg.DagsterRunStatus.CANCELED}


@dataclass(frozen=True)
class Finished:
    run_id: str
    job: str
    status: dg.DagsterRunStatus
    failures: tuple[tuple[str, str], ...]  # (step, message)
    steps: int

    @property
    def success(self) -> bool:
        return self.status == dg.DagsterRunStatus.SUCCESS


@contextmanager
def daily_location(instance: dg.DagsterInstance) -> Iterator[BaseWorkspaceRequestContext]:
    """The daily code location, served by a code server the way `dagster dev` serves it."""
    target = ModuleTarget(module_name=MODULE, attribute=None,
                          working_directory=os.getcwd(), location_name=LOCATION)
    with WorkspaceProcessContext(instance, target, read_only=False) as process:
        request = process.create_request_context()
        error = request.get_code_location_error(LOCATION)
        if error is not None:
            raise RuntimeError(f"code location {LOCATION} failed to load: {error.message}")
        yield request


def _remote_job(workspace: BaseWorkspaceRequestContext, job_name: str) -> RemoteJob:
    location = workspace.get_code_location(LOCATION)
    [repository] = location.get_repositories().values()
    return repository.get_full_job(job_name)


def launch(instance: dg.DagsterInstance, workspace: BaseWorkspaceRequestContext,
           job_name: str, tags: Mapping[str, str]) -> str:
    """Creates the run from the location's snapshot and hands it to the run launcher
    (not the queue: the caller runs one run at a time, in order)."""
    location = workspace.get_code_location(LOCATION)
    remote_job = _remote_job(workspace, job_name)
    plan = location.get_execution_plan(remote_job, {}, step_keys_to_execute=None,
                                       known_state=None, instance=instance)
    handle: JobHandle = remote_job.handle
    repository = location.get_repository(handle.repository_name)
    run = instance.create_run(
        job_name=job_name, run_id=None, run_config={}, resolved_op_selection=None,
        step_keys_to_execute=plan.execution_plan_snapshot.step_keys_to_execute,
        op_selection=None, status=None, root_run_id=None, parent_run_id=None,
        tags={**remote_job.tags, **tags}, job_snapshot=remote_job.job_snapshot,
        execution_plan_snapshot=plan.execution_plan_snapshot,
        parent_job_snapshot=remote_job.parent_job_snapshot,
        remote_job_origin=remote_job.get_remote_origin(),
        job_code_origin=remote_job.get_python_origin(),
        asset_selection=None, asset_check_selection=None,
        asset_graph=repository.asset_graph,
    )
    instance.launch_run(run.run_id, workspace)
    return run.run_id


def wait(instance: dg.DagsterInstance, run_id: str, poll_s: float = 0.5,
         timeout_s: float = 6 * 3600) -> Finished:
    deadline = time.monotonic() + timeout_s
    while True:
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status in FINISHED:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} still {run.status if run else 'missing'} "
                               f"after {timeout_s:.0f} s")
        time.sleep(poll_s)
    records = instance.get_records_for_run(run_id).records
    failures = tuple((r.event_log_entry.step_key or "", r.event_log_entry.dagster_event.message
                      or "") for r in records
                     if r.event_log_entry.dagster_event is not None
                     and r.event_log_entry.dagster_event.event_type_value == "STEP_FAILURE")
    steps = sum(1 for r in records if r.event_log_entry.dagster_event is not None
                and r.event_log_entry.dagster_event.event_type_value == "STEP_SUCCESS")
    return Finished(run_id, run.job_name, run.status, failures, steps)
