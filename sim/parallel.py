"""Run independent tasks serially, on a local process pool, or on a Dask cluster.

Sweep points and Monte Carlo samples are independent tasks ``fn(context, task)``. The
``context`` (the scenario and settings, shared by every task) travels to each worker once;
the tasks carry only what differs (an index, the overrides, a seed). Results come back in
the order of ``tasks`` whatever the backend, and since each task's randomness comes from
its own seed (:func:`task_seeds`: the run seed spawned by task index), **the results never
depend on the number of workers or on the backend**.

Backends:

* ``workers=1``: a plain loop in this process (also used for tiny jobs);
* ``workers=N`` (default: all cores): :class:`concurrent.futures.ProcessPoolExecutor`
  with the ``spawn`` start method (safe with threads, same on every platform), tasks sent
  in chunks;
* ``scheduler="tcp://host:8786"`` (or a ``distributed.Client``/``LocalCluster``): a Dask
  distributed cluster, when the ``dask`` extra (``dask[distributed]``) is installed.

``fn`` and ``context`` must be picklable for the pool and Dask backends: ``fn`` a
module-level function, ``context`` plain data (not closures).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

import numpy as np

from sim.errors import InputError

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[int], None]
"""Called with the number of tasks done so far."""

_WORKER: dict[str, Any] = {}
CONNECT_TIMEOUT = "30s"
"""How long to try reaching a Dask scheduler given by address."""


def available_cores() -> int:
    """Cores this process may use (the CPU affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def check_workers(workers: int | None) -> int:
    """``None`` means all cores; otherwise a whole number >= 1."""
    if workers is None:
        return available_cores()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        msg = f"--workers: got {workers!r}; expected a whole number >= 1"
        raise InputError(msg)
    return workers


def task_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    """One independent :class:`numpy.random.SeedSequence` per task index.

    Task ``i`` always gets ``SeedSequence(seed).spawn(n)[i]`` (spawn key ``(i,)``), so a
    task's random stream depends only on the run seed and its index, never on which worker
    runs it or how the tasks are chunked.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        msg = f"--seed: got {seed!r}; expected a whole number >= 0"
        raise InputError(msg)
    return np.random.SeedSequence(int(seed)).spawn(n)


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported (the ``dask`` extra)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def run_tasks(
    fn: Callable[[C, T], R],
    context: C,
    tasks: Sequence[T],
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = None,
    min_parallel: int = 8,
) -> list[R]:
    """``[fn(context, t) for t in tasks]``, possibly in parallel; always in task order.

    Parameters
    ----------
    workers : processes of the local pool (``None``: all cores; 1: serial).
    scheduler : a Dask scheduler address, ``distributed.Client`` or ``LocalCluster``; when
        given, the work goes to that cluster and ``workers`` is ignored.
    progress : called with the number of finished tasks as they finish.
    min_parallel : below this many tasks the local pool is not worth starting.
    """
    tasks = list(tasks)
    if scheduler is not None:
        return _run_dask(fn, context, tasks, scheduler, progress)
    n_workers = min(check_workers(workers), max(1, len(tasks)))
    if n_workers == 1 or len(tasks) < min_parallel:
        return _run_serial(fn, context, tasks, progress)
    return _run_pool(fn, context, tasks, n_workers, progress)


def _run_serial(fn: Callable[[C, T], R], context: C, tasks: list[T],
                progress: Progress | None) -> list[R]:
    out = []
    for k, t in enumerate(tasks, start=1):
        out.append(fn(context, t))
        if progress is not None:
            progress(k)
    return out


def _chunks(tasks: list[T], n_workers: int) -> list[list[T]]:
    """About four chunks per worker (load balance) of at most 256 tasks (progress)."""
    size = max(1, min(256, math.ceil(len(tasks) / (4 * n_workers))))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _init_worker(fn: Callable[..., Any], context: Any) -> None:
    _WORKER["fn"] = fn
    _WORKER["context"] = context


def _run_chunk(chunk: list[Any]) -> list[Any]:
    fn, context = _WORKER["fn"], _WORKER["context"]
    return [fn(context, t) for t in chunk]


def _run_pool(fn: Callable[[C, T], R], context: C, tasks: list[T], n_workers: int,
              progress: Progress | None) -> list[R]:
    chunks = _chunks(tasks, n_workers)
    out: list[R] = []
    mp = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=mp, initializer=_init_worker,
                             initargs=(fn, context)) as pool:
        for part in pool.map(_run_chunk, chunks):
            out.extend(part)
            if progress is not None:
                progress(len(out))
    return out


def _run_chunk_with(fn: Callable[[Any, Any], Any], context: Any, chunk: list[Any]) -> list[Any]:
    return [fn(context, t) for t in chunk]


def _run_dask(fn: Callable[[C, T], R], context: C, tasks: list[T], scheduler: Any,
              progress: Progress | None) -> list[R]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        msg = ("--scheduler needs the dask extra; install it with "
               "pip install 'tradesim[dask]' (dask[distributed])")
        raise InputError(msg) from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT) if own else scheduler
    except OSError as exc:
        msg = f"--scheduler: cannot reach the Dask scheduler at {scheduler} ({exc})"
        raise InputError(msg) from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        chunks = _chunks(tasks, n_workers)
        shared = client.scatter(context, broadcast=True)
        futures = client.map(_run_chunk_with, [fn] * len(chunks), [shared] * len(chunks),
                             chunks, pure=False)
        order = {f.key: k for k, f in enumerate(futures)}
        parts: list[list[R] | None] = [None] * len(chunks)
        done = 0
        for future in as_completed(futures):
            part = future.result()
            parts[order[future.key]] = part
            done += len(part)
            if progress is not None:
                progress(done)
        return [r for part in parts for r in (part or [])]
    finally:
        if own:
            client.close()
