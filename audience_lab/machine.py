"""What the benchmarks print beside a timing on a shared host: the load average, and CPU
seconds (of this process tree, of a server such as Ollama or Solr), which a busy host
inflates far less than wall seconds."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def load_average() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def own_cpu_s() -> float:
    """CPU seconds of this process and its finished descendants (subprocesses, runs)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def process_tree_cpu_s(pid: int) -> float:
    """CPU seconds of `pid` and its live descendants (a server and its workers); 0 when
    it is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick + sum(
        process_tree_cpu_s(c) for c in children)
