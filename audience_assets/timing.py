"""Where a day's time goes, in the Dagster UI: every materialisation of a timed asset
carries `step_seconds` (wall) and `step_cpu_seconds` (this process's CPU) as float
metadata, so the asset's page lists and plots them per partition, and a slow day reads
apart from a loaded machine (wall far above CPU: the host was busy or the step waited on
a server such as Ollama, whose own time the drafts' metadata reports).

A step that materialises several assets (the reports' multi_asset) times each one from
the previous one, so the figures add up to the step."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import dagster as dg

WALL_KEY = "step_seconds"
CPU_KEY = "step_cpu_seconds"

F = TypeVar("F", bound=Callable[..., Any])


class _Stopwatch:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stamp(self, result: Any) -> Any:
        """`result` with the seconds since the last stamp added, when it is a
        MaterializeResult (check results and anything else pass unchanged)."""
        if not isinstance(result, dg.MaterializeResult):
            return result
        wall, cpu = time.perf_counter(), time.process_time()
        seconds = {WALL_KEY: dg.MetadataValue.float(round(wall - self.wall, 3)),
                   CPU_KEY: dg.MetadataValue.float(round(cpu - self.cpu, 3))}
        self.wall, self.cpu = wall, cpu
        return result._replace(metadata={**(result.metadata or {}), **seconds})


def timed(fn: F) -> F:
    """Put under `@dg.asset` / `@dg.multi_asset`: the body's MaterializeResults get the
    step's seconds. The signature Dagster reads (context, config, resources) is the
    body's own."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            watch = _Stopwatch()
            for result in fn(*args, **kwargs):
                yield watch.stamp(result)
        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def function(*args: Any, **kwargs: Any) -> Any:
        watch = _Stopwatch()
        return watch.stamp(fn(*args, **kwargs))
    return function  # type: ignore[return-value]
