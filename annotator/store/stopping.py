"""A cancel that stops the statement running, not only the next one: an import's batch of thousands
of records is rolled back at once instead of written to its end (`importing.run`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.store.opening import Store

#: How many steps of SQLite's machine run between two looks at a cancel: a fraction of a millisecond.
STOP_EVERY = 1000


@contextlib.contextmanager
def stopped_by(store: Store, cancelled: Callable[[], bool] | None) -> Iterator[None]:
    """While it runs, the statement running on `store`'s connection when `cancelled()` turns true
    stops there: inside `Store.write` its transaction is rolled back and `StoppedError` raised.
    Once: the rollback and whatever else cleans up after it run to their end."""
    if cancelled is None:
        yield
        return
    store.conn.set_progress_handler(_Stopper(cancelled), STOP_EVERY)
    try:
        yield
    finally:
        store.conn.set_progress_handler(None, 0)


class _Stopper:
    """SQLite's progress handler for `stopped_by`: stops one statement, the first that runs on after
    the cancel, and none after it."""

    def __init__(self, cancelled: Callable[[], bool]):
        self.cancelled = cancelled
        self.fired = False

    def __call__(self) -> int:
        if self.fired or not self.cancelled():
            return 0
        self.fired = True
        return 1
