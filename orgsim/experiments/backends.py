"""Where runs execute: in this process, in a process pool, or on a Dask cluster.

Each backend yields outputs as runs finish, keeping only a bounded number of
runs in flight so memory does not grow with the size of the sweep. Results do
not depend on the backend: every run carries its own seed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Literal

from orgsim.experiments.tasks import Output, Task, execute

Backend = Literal["serial", "processes", "dask"]
IN_FLIGHT_PER_WORKER = 2
PARENT_CHECK_SECONDS = 0.5


def serial(tasks: Iterable[Any], fn: Callable[[Any], Any] = execute) -> Iterator[Any]:
    for task in tasks:
        yield fn(task)


def _pool_context() -> Any:
    """Fork where the platform has it: Mesa 3.3 switches the default start method to spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def worker_start(parent: int) -> None:
    """In a worker: leave Ctrl-C to the parent, and end as soon as the parent is gone.

    Ctrl-C at a terminal reaches the whole process group. A worker that took it would
    print a `KeyboardInterrupt` traceback when it came between two runs; the parent alone
    handles it, and stops its pool (`processes`). A parent killed outright (SIGKILL, the
    out-of-memory killer) cannot stop its pool, and the workers would otherwise wait for
    work forever. Its children are then re-parented, so a changed parent id means it died.
    """
    ignore_ctrl_c()

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C back from this thread while it starts workers, which inherit the hold.

    A forked worker runs Python's Ctrl-C handler until its initializer calls `ignore_ctrl_c`:
    held, Ctrl-C waits for that, and is then dropped in the worker and taken here on leaving.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def ignore_ctrl_c() -> None:
    """In a forked worker (made under `ctrl_c_held`): ignore Ctrl-C from now on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _preload(context: Any, fn: Callable[[Any], Any]) -> None:
    """Import the engine here, once, before a pool of runs forks, rather than in every worker.

    Forked workers inherit the parent's modules; Mesa and the engine take over a second
    to import, which each worker would otherwise spend on its first run.
    """
    if fn is execute and context.get_start_method() == "fork":
        import orgsim.engine.run  # noqa: F401
        import orgsim.metrics.core  # noqa: F401


def processes(tasks: Iterable[Any], workers: int, fn: Callable[[Any], Any] = execute) -> Iterator[Any]:
    context = _pool_context()
    _preload(context, fn)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker_start,
                               initargs=(os.getpid(),))
    try:
        yield from _bounded(tasks, lambda t: _submit(pool, fn, t), workers)
    except BaseException:  # Ctrl-C, or the caller stopped early or failed: runs under way are lost
        _stop(pool)
        raise
    pool.shutdown()


def _submit(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], task: Any) -> Future[Any]:
    with ctrl_c_held():  # the first submit forks the workers
        return pool.submit(fn, task)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now, runs under way or not: they ignore Ctrl-C, so it is the parent's to do.

    (Python 3.14's `terminate_workers` does this; 3.11 keeps the processes in `_processes`.)
    """
    for process in list((pool._processes or {}).values()):
        process.terminate()
    pool.shutdown(cancel_futures=True)  # which sees them end, fails what was pending and joins them


def _bounded(tasks: Iterable[Task], submit: Any, workers: int) -> Iterator[Output]:
    pending: set[Future[Output]] = set()
    queue = iter(tasks)
    limit = max(1, workers * IN_FLIGHT_PER_WORKER)
    while True:
        for task in queue:
            pending.add(submit(task))
            if len(pending) >= limit:
                break
        if not pending:
            return
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in sorted(finished, key=id):
            yield fut.result()


def dask(tasks: Iterable[Any], workers: int, scheduler: str | None,
         fn: Callable[[Any], Any] = execute) -> Iterator[Any]:
    """On a Dask cluster: `scheduler` is its address, or None for a LocalCluster here."""
    from distributed import Client, as_completed

    cluster = None if scheduler else local_cluster(workers)
    client = Client(scheduler or cluster)
    try:
        limit = max(1, workers * IN_FLIGHT_PER_WORKER)
        queue = iter(tasks)
        futures = as_completed([client.submit(fn, t, pure=False) for t in _take(queue, limit)])
        for fut in futures:
            yield fut.result()
            fut.release()
            for task in _take(queue, 1):
                futures.add(client.submit(fn, task, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def local_cluster(workers: int) -> Any:
    """A Dask cluster here: `workers` processes of one thread each, which leave Ctrl-C to this one.

    Its processes are started from the cluster's own thread, which begins while Ctrl-C is held
    here and keeps the hold: they inherit it for good, so Ctrl-C reaches this process alone, and
    closing the cluster (as every caller does on the way out) ends them, after giving a run
    under way 4 seconds.
    """
    from multiprocessing import resource_tracker

    from distributed import LocalCluster

    resource_tracker.ensure_running()  # now: started from the cluster's thread, it would lift the hold
    with ctrl_c_held():
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=":0")


def _take(queue: Iterator[Task], n: int) -> list[Task]:
    out = []
    for task in queue:
        out.append(task)
        if len(out) >= n:
            break
    return out


def outputs(tasks: Iterable[Any], backend: Backend, workers: int,
            scheduler: str | None = None, fn: Callable[[Any], Any] = execute) -> Iterator[Any]:
    """`fn(task)` for every task, as they finish (any work item and function, not only runs)."""
    if backend == "serial" or (backend == "processes" and workers <= 1):
        return serial(tasks, fn)
    if backend == "processes":
        return processes(tasks, workers, fn)
    return dask(tasks, workers, scheduler, fn)
