"""Intake's durable timers, each kind with its handler: the retention sweep."""

from casework.privacy import RETENTION_SWEEP, retention_sweep
from intake.privacy import RETENTION

TIMERS = {RETENTION_SWEEP: retention_sweep(RETENTION, service="intake")}
