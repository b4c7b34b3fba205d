"""Python's garbage collector as a long-running service process wants it.

Called once a process has loaded what it keeps (an api worker its app, a worker its service).
"""

import gc
import os

#: Allocations between young-generation collections (Python's default is 700). Every young
#: collection walks all the container objects made since the last: a request that builds many
#: (a 2,000-bid shortlist makes some 20,000 tuples, dicts, dates and ids) paid for dozens of
#: them, and their survivors were walked again in the older generations: a third of the
#: shortlist's Python time in process. Cycles of garbage wait a little longer to be freed.
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Collect once, move everything alive now out of the collector's sight, and collect the
    young generation less often (``CASEWORK_GC_YOUNG`` overrides the threshold).

    What is alive once the app is loaded (modules, the app, its schemas: ~150,000 objects)
    never becomes garbage, yet a full collection walked all of it; one landed in a request
    every few requests that allocate much (a 2,000-bid shortlist: 30-280 ms each, the whole
    p95). Objects made later are collected as before.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(int(os.environ.get("CASEWORK_GC_YOUNG", YOUNG_THRESHOLD)), middle, old)
