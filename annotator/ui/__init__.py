"""The annotation window (PySide6). The only package that imports Qt."""

from __future__ import annotations

import ctypes
import sys


def _guard_none_refcount() -> None:
    """Work round PySide6 6.12 on CPython < 3.12 returning None without a reference.

    Every Qt call that returns None (any void method, any None result) takes one
    reference from None; after a few thousand calls CPython aborts with
    "none_dealloc: deallocating None". CPython 3.12 made None immortal (PEP 683),
    which hides the bug; here we give None a reference count no session can use up.
    """
    if sys.version_info >= (3, 12) or not hasattr(sys, "getrefcount"):
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < 1 << 40:
        refcount.value += 1 << 50


_guard_none_refcount()
