"""Big trees built without the cyclic garbage collector walking them while they grow.

A 100,000-key profile or catalogue is a million young objects: with the collector on, building it runs
full collections that walk every one of them, again and again (a quarter of the parse). The trees hold no
cycles, so ``building()`` pauses the collector while one is made and then freezes everything alive (later
collections skip it). The builder must leave no cyclic garbage behind, or it is frozen with the rest:
tests/test_bulk.py checks the readers leave none.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def building() -> Iterator[None]:
    """The collector paused while the body builds a tree, then everything alive frozen out of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()
