"""Sustainment's durable timers, each kind with its handler: the case deadlines
(``deadlines``), a closed case's anonymisation, and the retention sweep."""

from casework.privacy import RETENTION_SWEEP, retention_sweep
from sustainment import deadlines
from sustainment.privacy import RETENTION, on_anonymise_due

TIMERS = {**deadlines.TIMERS, "anonymise": on_anonymise_due,
          RETENTION_SWEEP: retention_sweep(RETENTION, service="sustainment")}
