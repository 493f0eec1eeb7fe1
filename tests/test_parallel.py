"""Stage tasks in parallel processes: results in task order, a worker's error intact."""

from __future__ import annotations

import os

import pytest

from assessment import parallel
from assessment.errors import InputError, Problem


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _bad_file(name: str) -> None:
    raise InputError(Problem(name, 7, "employment", "12x", "not a number"))


def test_results_come_back_in_task_order_from_worker_processes():
    out = parallel.run_all(_square_and_pid, [(i,) for i in range(6)], jobs=2)
    assert [v for v, _ in out] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for _, pid in out}  # run by workers, not this process


def test_one_job_runs_in_this_process():
    out = parallel.run_all(_square_and_pid, [(3,)], jobs=1)
    assert out == [(9, os.getpid())]


def test_a_workers_input_error_names_file_row_and_column_in_the_parent():
    with pytest.raises(InputError) as info:
        parallel.run_all(_bad_file, [("qcew/2023/a/area/06019.csv",), ("other.csv",)], jobs=2)
    problem = info.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (7, "employment", "12x")
    # the first task's error, as a serial run would raise it
    assert "06019.csv, row 7, column 'employment'" in str(info.value)


def test_jobs_from_the_environment(monkeypatch):
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert parallel.default_jobs() == 1
