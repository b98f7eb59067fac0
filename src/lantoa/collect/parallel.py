"""Crawl several sources at once while saving stays serial, in the calling thread.

Fetching is I/O-bound and each host has its own politeness clock, so sources are crawled by
threads (one source per thread at a time); saving goes through one thread because the store
takes one writer. A worker hands a batch over and waits for the saver's acknowledgement
before its generator resumes, so a frontier entry is marked done only after its page was
saved: a kill at any moment loses nothing.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lantoa.records import Failure, FetchedPage, Source

log = logging.getLogger(__name__)

Batch = list[FetchedPage | Failure]


@dataclass
class _Message:
    source: Source
    batch: Batch | None
    """None: the source is finished (``error`` says why if it stopped early)."""
    ack: threading.Event | None = None
    error: BaseException | None = None


def run_parallel(
    sources: Iterable[Source],
    batches: Callable[[Source], Iterator[Batch]],
    save: Callable[[Source, Batch], None],
    *,
    threads: int = 4,
    on_done: Callable[[Source, BaseException | None], None] | None = None,
) -> None:
    """Crawl ``sources`` with ``threads`` workers; ``save`` runs in this thread, batch by batch."""
    todo = list(sources)
    if not todo:
        return
    inbox: queue.Queue[_Message] = queue.Queue()
    stopping = threading.Event()

    def worker(source: Source) -> None:
        if stopping.is_set():
            inbox.put(_Message(source, None))
            return
        try:
            for batch in batches(source):
                ack = threading.Event()
                inbox.put(_Message(source, batch, ack))
                while not ack.wait(0.2):
                    if stopping.is_set():
                        return  # the batch was not saved: its frontier entries stay pending
                if stopping.is_set():
                    return
        except Exception as exc:
            inbox.put(_Message(source, None, error=exc))
            return
        inbox.put(_Message(source, None))

    pool = ThreadPoolExecutor(max(1, threads), thread_name_prefix="lantoa-crawl")
    try:
        for source in todo:
            pool.submit(worker, source)
        remaining = len(todo)
        while remaining:
            message = inbox.get()
            if message.batch is None:
                remaining -= 1
                if message.error is not None:
                    log.error("crawl of %s stopped: %s", message.source.name, message.error)
                if on_done is not None:
                    on_done(message.source, message.error)
                continue
            try:
                save(message.source, message.batch)
            finally:
                if message.ack is not None:
                    message.ack.set()
    finally:
        stopping.set()
        pool.shutdown(wait=True, cancel_futures=True)
