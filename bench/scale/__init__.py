"""A large council's data, and the apis, pages, reports and housekeeping measured over it.

Five years of a large council: 1,000,000 referrals, 200,000 sustainment cases with their plans,
visits and notes, 100,000 applicants on the register, 20,000 homes with five years of voids and
lets, 2,000,000 tasks. Each service's data is built by its own module here (``intake_data``,
``sustainment_data``, ``lettings_data``, ``notifications_data``) through ``store.Bulk``: the rows
the use cases would have written, in bulk (``COPY`` on PostgreSQL, batched inserts through the
service's own table definitions on SQLite; each table's plain indexes made after its load), into a
database per service and backend that is kept between runs, so it is seeded once and measured many
times. A fixed random seed: the same rows for the same scale and ``now`` (but for when the legal
holds were placed, from the clock).

Measuring (``measure``): each service's api under gunicorn (its own ``gunicorn.conf.py``) over its
large database; every list endpoint with its filters, every report, the pages, each beside the
same query in plain SQL on the same database, alternating in the same run. Targets: p95 under
100 ms for an endpoint, 150 ms for a page.

    .venv/bin/python bench/at_scale.py seed [--backend postgresql|sqlite|both] [--scale 1.0] [service…]
    .venv/bin/python bench/at_scale.py measure [--backend …] [--seconds 2] [--only NAME] [service…]
    .venv/bin/python bench/at_scale.py explain SERVICE NAME [--backend …]
"""

from bisect import bisect
from itertools import accumulate


def summed(weights) -> list:
    """``weights`` summed as ``random.choices`` sums them (for ``draw``)."""
    return list(accumulate(weights))


def draw(rng, population, cum_weights: list):
    """``rng.choices(population, weights)[0]``, given ``cum_weights = summed(weights)``: the same
    draw (one ``rng.random()``, as ``choices`` makes it) without summing the weights each time."""
    return population[bisect(cum_weights, rng.random() * (cum_weights[-1] + 0.0), 0, len(population) - 1)]
