"""Run independent stage tasks (sample builders, sources) in parallel processes.

Forked workers inherit the parent's imports, so a task starts at once; results come back in the
order of the tasks, and the first task that raises stops the stage with its own exception
(:class:`~assessment.errors.InputError` naming file, row and column, as when run in series).
With one core, or ``jobs=1``, the tasks run in this process one after another.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
JOBS_ENV = "ASSESSMENT_JOBS"  # e.g. 1 to run every stage's tasks in series (debugging)


def default_jobs() -> int:
    env = os.environ.get(JOBS_ENV)
    if env:
        return max(1, int(env))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def run_all(func: Callable[..., T], tasks: Sequence[tuple], jobs: int | None = None) -> list[T]:
    jobs = min(jobs or default_jobs(), len(tasks))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(*args) for args in tasks]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        futures = [pool.submit(func, *args) for args in tasks]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise
