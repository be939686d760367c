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
            if gc.get_count()[0] >= SETTLE_FROM:
                settle()
            gc.enable()


SETTLE_FROM = 20_000  # young objects kept by a block (a read file's map), not a DOT part's


def settle() -> None:
    """Move every object the collector tracks to its oldest generation, young counts reset.

    Turned on again after a block that kept many objects, the collector would pass over all
    of them at the next allocation (after reading 20,000 Argdown relations: 120 to 160 ms,
    a sixth of the read). Moved to the oldest generation (gc.freeze then gc.unfreeze, two
    list splices), they wait for the next full collection instead, by when most are freed:
    a read map lives as long as its request. Only big blocks do it (SETTLE_FROM), so that
    the young objects of other requests are still collected young.
    """
    gc.freeze()
    gc.unfreeze()
