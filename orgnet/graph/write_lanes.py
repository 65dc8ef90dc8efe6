"""Run write transactions from several threads: lanes of tasks, progress and errors on the caller's thread.

A *task* writes one batch (one transaction) and returns how many rows it
wrote. A *lane* is a list of tasks that must run one after the other (a
label whose rows depend on earlier rows of the same label, or a contiguous
range of links sorted by start node). :func:`run_lanes` runs up to
``workers`` lanes at once, each on a thread of its own, and returns when
every lane has finished:

* ``progress`` is called on the calling thread only, once per finished task,
  with the rows it wrote (a callback need not be thread-safe);
* the first error raised by a task stops every lane before its next task,
  waits for the tasks already running (each is one transaction, written whole
  or not at all) and is then raised on the calling thread; later errors are
  dropped (logged at DEBUG);
* no thread outlives the call, also when the caller is interrupted
  (``KeyboardInterrupt`` while waiting).

With ``workers`` 1 the tasks run on the calling thread, lane after lane, in
order: exactly a plain loop.

Examples
--------
>>> done = []
>>> run_lanes([[lambda: 2, lambda: 3], [lambda: 4]], workers=2, progress=done.append)
>>> sorted(done)
[2, 3, 4]
>>> def fails() -> int:
...     raise ValueError("batch 7")
>>> run_lanes([[fails], [lambda: 1]], workers=2, progress=None)
Traceback (most recent call last):
...
ValueError: batch 7
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

__all__ = ["Task", "run_lanes"]

log = logging.getLogger("orgnet.neo4j")

Task = Callable[[], int]
"""Writes one batch in one transaction; returns the rows it wrote (for progress)."""


def run_lanes(lanes: Sequence[Sequence[Task]], *, workers: int, progress: Callable[[int], None] | None) -> None:
    """Run every lane's tasks in order, up to ``workers`` lanes at once; see the module docstring.

    Parameters
    ----------
    lanes : sequence of sequences of callables
        Each lane's tasks run one after the other; lanes run in parallel, in
        the order given as threads become free.
    workers : int
        Threads (so write sessions) at most; 1 runs everything on the calling
        thread.
    progress : callable, optional
        Called on the calling thread with each finished task's row count.

    Raises
    ------
    BaseException
        The first error a task raised, once no task runs any more.
    """
    lanes = [lane for lane in lanes if lane]
    if workers <= 1 or len(lanes) <= 1:
        for lane in lanes:
            for task in lane:
                written = task()
                if progress:
                    progress(written)
        return

    stop = threading.Event()
    events: queue.SimpleQueue[tuple[str, int | BaseException]] = queue.SimpleQueue()

    def run(lane: Sequence[Task]) -> None:
        try:
            for task in lane:
                if stop.is_set():
                    return
                events.put(("rows", task()))
        except BaseException as exc:  # handed to the calling thread, raised there
            stop.set()
            events.put(("error", exc))
        finally:
            events.put(("lane done", 0))

    first: BaseException | None = None
    with ThreadPoolExecutor(min(workers, len(lanes)), thread_name_prefix="orgnet-write") as pool:
        try:
            for lane in lanes:
                pool.submit(run, lane)
            running = len(lanes)
            while running:
                kind, value = events.get()
                if kind == "lane done":
                    running -= 1
                elif isinstance(value, BaseException):
                    if first is None:
                        first = value
                    else:
                        log.debug("a parallel write failed after the first failure: %s", type(value).__name__)
                elif progress and first is None:
                    try:
                        progress(value)
                    except BaseException as exc:
                        stop.set()
                        first = exc
        except BaseException:  # interrupted while waiting: let the running tasks end, then leave
            stop.set()
            raise
    if first is not None:
        raise first
