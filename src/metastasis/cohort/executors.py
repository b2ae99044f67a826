"""Executors that run chunk tasks: in-process (default), a local process pool, or Dask.

Each takes a function and a list of argument tuples and yields (index, result) as tasks
finish. Nothing here touches global multiprocessing settings: the pool gets its own context.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol


class Executor(Protocol):
    """Runs `fn(*args)` for each argument tuple; yields (task index, result) as they finish."""

    workers: int

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        """Run all tasks."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...


class SerialExecutor:
    """Runs tasks one after another in this process."""

    workers = 1

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        """Run all tasks in order."""
        for i, args in enumerate(tasks):
            yield i, fn(*args)

    def close(self) -> None:
        """Nothing to release."""


class PoolExecutor:
    """A local process pool (`spawn` start method by default, set per pool only)."""

    def __init__(self, workers: int, start_method: str = "spawn") -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context(start_method)
        )

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        """Submit all tasks; yield them as they complete."""
        futures = {self._pool.submit(fn, *args): i for i, args in enumerate(tasks)}
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        """Shut the pool down."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Tasks on a Dask distributed cluster: an existing scheduler, or a LocalCluster."""

    def __init__(self, client: Any, owns_cluster: bool = False) -> None:
        self.client = client
        self._owns = owns_cluster
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    @classmethod
    def connect(cls, address: str) -> DaskExecutor:
        """Connect to a running scheduler, e.g. 'tcp://host:8786'."""
        from distributed import Client

        return cls(Client(address))

    @classmethod
    def local(cls, workers: int, processes: bool = True, threads_per_worker: int = 1) -> DaskExecutor:
        """Start a LocalCluster with `workers` workers (closed by `close`)."""
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, processes=processes,
                               threads_per_worker=threads_per_worker, dashboard_address=None)
        return cls(Client(cluster), owns_cluster=True)

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        """Submit all tasks (shared first arguments scattered once); yield as completed."""
        from distributed import as_completed as dask_completed

        shared: dict[int, Any] = {}
        futures = {}
        for i, args in enumerate(tasks):
            head = args[0]
            if id(head) not in shared:
                shared[id(head)] = self.client.scatter(head, broadcast=True)
            fut = self.client.submit(fn, shared[id(head)], *args[1:], pure=False)
            futures[fut] = i
        try:
            for fut in dask_completed(list(futures)):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        """Close the client (and the cluster it started)."""
        cluster = self.client.cluster if self._owns else None
        self.client.close()
        if cluster is not None:
            cluster.close()
