"""The same function gives the same results, in order, on every executor (Dask: a real local cluster)."""

from __future__ import annotations

import os

import pytest

from lantoa.executors import DaskCluster, InProcess, ProcessPool, make_executor


def _worker_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


@pytest.mark.parametrize("kind", ["inprocess", "pool"])
def test_local_executors_keep_order(kind: str) -> None:
    executor = InProcess() if kind == "inprocess" else ProcessPool(2)
    try:
        results = list(executor.map(_worker_pid, range(100)))
    finally:
        executor.close()
    assert [square for square, _ in results] == [i * i for i in range(100)]
    pids = {pid for _, pid in results}
    assert (pids == {os.getpid()}) if kind == "inprocess" else (os.getpid() not in pids)


@pytest.mark.slow
def test_dask_local_cluster_runs_in_worker_processes_and_keeps_order() -> None:
    executor = make_executor(workers=2, dask_scheduler="local")
    assert isinstance(executor, DaskCluster)
    try:
        results = list(executor.map(_worker_pid, range(200)))
    finally:
        executor.close()
    assert [square for square, _ in results] == [i * i for i in range(200)]
    assert os.getpid() not in {pid for _, pid in results}


def test_executor_choice_follows_settings() -> None:
    assert isinstance(make_executor(1, ""), InProcess)
    pool = make_executor(3, "")
    try:
        assert isinstance(pool, ProcessPool)
    finally:
        pool.close()
