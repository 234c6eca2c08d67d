"""Pause the cyclic garbage collector while a reading builds its million small objects.

Parse trees and inventories are millions of small objects; the collections their allocation
triggers cost more than the parse or the decoding itself. :func:`gc_paused` turns the collector
off for a block; on the way out the survivors (the inventory: about a million objects at
20,000 tables) go straight to the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``),
instead of being scanned by the young-generation collection that the next allocation would
trigger -- half a second at that size, for objects that hold no reference cycles. Nothing is
kept from collection: the oldest generation is scanned as usual by full collections. Blocks
nest: only the outermost turns the collector back on.

>>> import gc
>>> with gc_paused():
...     gc.isenabled()
False
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within the block the cyclic collector is off (see the module docstring)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
