"""Python's cycle collector paused around work that makes many objects but no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cycle collector for the block; reference counting still frees everything.

    Readers, the checks and a drawing's DOT make hundreds of thousands of containers (labels,
    boxes, lines, nodes; none in a cycle), and the collector's passes over them and the
    server's own objects cost 40% of reading 20,000 Argdown relations and 7 to 16 ms of a
    2,000-node cold render. The collector runs again after (turned on by the caller that
    found it on, when several such blocks run at once).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
