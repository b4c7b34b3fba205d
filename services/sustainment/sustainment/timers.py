"""Sustainment's durable timers, each kind with its handler: the case deadlines
(``deadlines``), referrals sent to agencies, a closed case's anonymisation, and the retention sweep."""

from casework.privacy import RETENTION_SWEEP, retention_sweep
from sustainment import deadlines
from sustainment.cases import agency_sending
from sustainment.policy import current as policy
from sustainment.privacy import RETENTION, on_anonymise_due


def on_agency_delivery_due(session, timer) -> None:
    agency_sending.deliver(session, timer, policy=policy())


TIMERS = {**deadlines.TIMERS, "anonymise": on_anonymise_due, agency_sending.SEND: on_agency_delivery_due,
          RETENTION_SWEEP: retention_sweep(RETENTION, service="sustainment")}
