"""Where runs execute: in this process, in a process pool, or on a Dask cluster.

Each backend yields outputs as runs finish, keeping only a bounded number of
runs in flight so memory does not grow with the size of the sweep. Results do
not depend on the backend: every run carries its own seed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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


def _exit_with(parent: int) -> None:
    """In a worker: end this process as soon as `parent` is gone.

    A parent killed outright (SIGKILL, the out-of-memory killer) cannot stop its pool, and the
    workers would otherwise wait for work forever. Its children are then re-parented, so a
    changed parent id means it died.
    """
    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _preload(context: Any, fn: Callable[[Any], Any]) -> None:
    """Import the engine here, once, before a pool of runs forks, rather than in every worker.

    Forked workers inherit the parent's modules; Mesa and the engine take over a second
    to import, which each worker would otherwise spend on its first run.
    """
    if fn is execute and context.get_start_method() == "fork":
        import orgsim.engine.run  # noqa: F401
        import orgsim.metrics.core  # noqa: F401


def processes(tasks: Iterable[Any], workers: int, fn: Callable[[Any], Any] = execute) -> Iterator[Any]:
    _preload(_pool_context(), fn)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_exit_with,
                             initargs=(os.getpid(),)) as pool:
        yield from _bounded(tasks, lambda t: pool.submit(fn, t), workers)


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
    from distributed import Client, LocalCluster, as_completed

    cluster = None if scheduler else LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
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
