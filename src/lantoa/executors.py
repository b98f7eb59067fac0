"""Executors: the same stage functions run in-process, in a local process pool, or on Dask.

Every executor maps a picklable function over an iterable in order, with a bounded window of
work in flight, so a million-page ingest never holds more than ``window`` pages in memory.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from lantoa.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to every item; results come back in input order."""
        ...

    def close(self) -> None: ...


class InProcess:
    """Run in the calling process: simplest to debug, no pickling."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)

    def close(self) -> None:
        pass


def _run_batch(fn: Callable[[Any], Any], batch: list[Any]) -> list[Any]:
    return [fn(item) for item in batch]


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _WindowedExecutor:
    """Submit batches while at most ``window`` are in flight; yield results in order."""

    batch_size = 8
    window = 4

    def _submit(self, fn: Callable[[Any], Any], batch: list[Any]) -> Any:
        raise NotImplementedError

    @staticmethod
    def _result(future: Any) -> list[Any]:
        return list(future.result())

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Any] = deque()
        for batch in _batches(items, self.batch_size):
            pending.append(self._submit(fn, batch))
            if len(pending) >= self.window:
                yield from self._result(pending.popleft())
        while pending:
            yield from self._result(pending.popleft())


class ProcessPool(_WindowedExecutor):
    """A local pool of worker processes (extraction and analysis are CPU-bound)."""

    def __init__(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(workers)
        self.window = workers * 4

    def _submit(self, fn: Callable[[Any], Any], batch: list[Any]) -> Future[list[Any]]:
        return self.pool.submit(_run_batch, fn, batch)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class DaskCluster(_WindowedExecutor):
    """A Dask distributed cluster: an existing scheduler's address, or a local cluster of N workers."""

    def __init__(self, address: str | None = None, workers: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a dependency of lantoa
            raise ConfigError(
                "the Dask executor needs the `distributed` package (pip install dask[distributed])"
            ) from exc
        self._cluster = None
        if address:
            self.client = Client(address, timeout="10s")
        else:
            self._cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = Client(self._cluster)
        nworkers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.window = nworkers * 4
        log.info("dask executor ready", extra={"workers": nworkers, "scheduler": address or "local"})

    def _submit(self, fn: Callable[[Any], Any], batch: list[Any]) -> Any:
        return self.client.submit(_run_batch, fn, batch, pure=False)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(workers: int = 1, dask_scheduler: str = "") -> Executor:
    """Choose the executor from the settings: Dask if a scheduler is named, else a pool or in-process.

    ``dask_scheduler`` is a scheduler address (``tcp://host:8786``) or ``local`` for a local cluster
    of ``workers`` processes.
    """
    if dask_scheduler:
        if dask_scheduler == "local":
            return DaskCluster(None, workers=max(workers, 1))
        return DaskCluster(dask_scheduler)
    if workers > 1:
        return ProcessPool(workers)
    return InProcess()
