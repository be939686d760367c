"""Python's cycle collector paused around work that makes many objects but no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(keeps: bool = False) -> Iterator[None]:
    """Pause the cycle collector for the block; reference counting still frees everything.

    Readers, the checks and a drawing's DOT make hundreds of thousands of containers (labels,
    boxes, lines, nodes; none in a cycle), and the collector's passes over them and the
    server's own objects cost 40% of reading 20,000 Argdown relations and 7 to 16 ms of a
    2,000-node cold render. The collector runs again after (turned on by the caller that
    found it on, when several such blocks run at once). `keeps`: the block keeps much of
    what it makes (a map read from a file), which then goes to the oldest generation
    (see settle) when there is a lot of it.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if keeps and gc.get_count()[0] >= SETTLE_FROM:
                settle()
            gc.enable()


SETTLE_FROM = 20_000  # young objects: a file of about 2,000 relations read


def settle() -> None:
    """Move every object the collector tracks to its oldest generation, young counts reset.

    Turned on again after a block that kept many objects, the collector would pass over all
    of them at the next allocation (after reading 20,000 Argdown relations: 120 to 160 ms,
    a sixth of the read). Moved to the oldest generation (gc.freeze then gc.unfreeze, two
    list splices), they wait for the next full collection instead, by when most are freed:
    a read map lives as long as its request. Only reading a file does it, and only a big
    one (SETTLE_FROM): the young objects of other requests are still collected young.
    """
    gc.freeze()
    gc.unfreeze()
