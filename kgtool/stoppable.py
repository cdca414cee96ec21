"""Long work that Ctrl-C and a deadline can stop: run it in a worker thread, wait in the main one.

pyoxigraph releases the GIL while it evaluates a query or parses a file, but Python runs signal
handlers only in the main thread and only between bytecodes: a query evaluated on the main
thread ignores Ctrl-C until pyoxigraph returns, which for a cartesian product is never. So the
work runs in a daemon thread, and the main thread waits on a queue in short, interruptible
steps: Ctrl-C raises :class:`KeyboardInterrupt` there within a fraction of a second, and a
deadline raises :class:`~kgtool.errors.EngineError`.

Work stuck inside native code cannot be stopped from Python: the abandoned thread is asked to
stop (a pending exception, raised at its next bytecode) and is otherwise left to the end of the
process; :func:`abandoned` tells the CLI whether to end the process without waiting for it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

from kgtool.errors import EngineError

T = TypeVar("T")

#: How often the waiting thread wakes up (bounds the Ctrl-C latency).
POLL_SECONDS = 0.05
#: Items handed over at once (one queue operation per batch, not per row).
BATCH_SIZE = 512
#: A batch is handed over early when it has waited this long, so slow results still stream.
BATCH_SECONDS = 0.05
_QUEUED_BATCHES = 4
_JOIN_SECONDS = 0.2

_END = object()
_abandoned: set[threading.Thread] = set()


class DeadlineError(EngineError):
    """Work did not finish within its timeout."""


class Stopped(Exception):
    """Raised inside an abandoned worker thread to end it at its next bytecode."""


def abandoned() -> bool:
    """Whether a worker given up on (timeout, Ctrl-C) is still running native code."""
    _abandoned.difference_update({t for t in _abandoned if not t.is_alive()})
    return bool(_abandoned)


def _abandon(thread: threading.Thread) -> None:
    import ctypes  # here: every query imports this module, few abandon a worker

    if thread.is_alive() and thread.ident is not None:
        # Stops Python code (rdflib) at its next bytecode; native code when it returns.
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(Stopped)
        )
        _abandoned.add(thread)


def timeout_error(timeout: float, what: str) -> DeadlineError:
    """The one-line error for work that passed its deadline."""
    return DeadlineError(
        f"{what} did not finish within {timeout:g} s",
        hint="raise --timeout, add a LIMIT, or narrow the query",
    )


def stoppable_iter(
    produce: Callable[[], Iterable[T]], timeout: float | None = None, what: str = "the query"
) -> Generator[T, None, None]:
    """The items of ``produce()``, computed in a worker thread and read here as they come.

    :param timeout: seconds the caller may spend *waiting* for items (time spent by the caller
        between items, e.g. writing output, does not count); ``None``: no limit.
    :raises DeadlineError: when the deadline passes.
    :raises KeyboardInterrupt: on Ctrl-C, within :data:`POLL_SECONDS`.

    Any exception ``produce`` raises is raised here. Closing the iterator early (a row limit, a
    closed pipe) stops the worker after its current item.

    >>> list(stoppable_iter(lambda: range(3)))
    [0, 1, 2]
    """
    handover: queue.Queue[object] = queue.Queue(maxsize=_QUEUED_BATCHES)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            batch: list[T] = []
            started = time.monotonic()
            for item in produce():
                batch.append(item)
                if len(batch) >= BATCH_SIZE or time.monotonic() - started > BATCH_SECONDS:
                    if not put(batch):
                        return
                    batch, started = [], time.monotonic()
            if put(batch):
                put(_END)
        except Stopped:
            return
        except BaseException as error:  # handed to the waiting thread, raised there
            import traceback

            # Drop the frames' locals here: pyoxigraph's results must be freed on this thread.
            chained: BaseException | None = error
            while chained is not None:
                traceback.clear_frames(chained.__traceback__)
                chained = chained.__cause__ or chained.__context__
            put(error)

    worker = threading.Thread(target=work, name="kgtool-worker", daemon=True)
    worker.start()
    left = timeout
    finished = False
    try:
        while True:
            waited = time.monotonic()
            try:
                item = handover.get(
                    timeout=POLL_SECONDS if left is None else max(min(POLL_SECONDS, left), 0)
                )
            except queue.Empty:
                item = None
            if left is not None:
                left -= time.monotonic() - waited
            if item is None:
                if left is not None and left <= 0:
                    raise timeout_error(timeout or 0, what)
                continue
            if item is _END:
                finished = True
                return
            if isinstance(item, BaseException):
                finished = True
                raise item
            assert isinstance(item, list)
            yield from item
    finally:
        stop.set()
        if not finished:
            worker.join(_JOIN_SECONDS)  # a worker between items sees ``stop`` and returns
            _abandon(worker)


def stoppable_call(
    function: Callable[[], T], timeout: float | None = None, what: str = "the query"
) -> T:
    """``function()``, run where Ctrl-C and ``timeout`` can stop the wait (see :func:`stoppable_iter`).

    >>> stoppable_call(lambda: 6 * 7)
    42
    """
    (value,) = stoppable_iter(lambda: [function()], timeout, what)
    return value


__all__ = [
    "BATCH_SIZE",
    "DeadlineError",
    "POLL_SECONDS",
    "Stopped",
    "abandoned",
    "stoppable_call",
    "stoppable_iter",
    "timeout_error",
]
