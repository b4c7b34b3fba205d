"""Sending an agency referral to the agency, and the agency's answer through its secure link.

A referral is sent only with the tenant's consent, and only to a directory agency that takes
referrals by e-mail or webhook. What is sent is references and a link, never the tenant's details
or the officer's reason: the link (``/agency-links/{token}``) shows the agency what it needs, audited
as the agency's read, and takes its answer. The token is an HMAC of the referral's id keyed with
``CASEWORK_SUSTAINMENT_AGENCY_LINK_SECRET`` (default: the JWT secret), so nothing secret is stored.

Each sending is a row of the delivery log (``agency_deliveries``) sent by the worker's timers:
tried again with a doubling delay, parked (``failed``) after the policy's attempts, replayed by a
team leader, and counted in ``casework_sustainment_agency_deliveries_total``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import uuid
from email.message import EmailMessage

import requests
from prometheus_client import Counter
from sqlalchemy.orm import Session

from casework import audit, context, mail, public_http, signing, timers
from casework.context import Principal
from casework.db import utcnow
from casework.settings import Settings, service_env
from casework.timers import Timer
from sustainment import rules
from sustainment.cases import NotFound, agency_referrals
from sustainment.journal import on_timeline
from sustainment.models import AgencyDelivery, AgencyReferral, Case

log = logging.getLogger(__name__)

SEND = "agency_delivery"
DELIVERIES = Counter("casework_sustainment_agency_deliveries_total",
                     "Agency referrals sent to agencies, by channel and outcome", ["channel", "outcome"])


def _secret() -> bytes:
    settings = Settings.from_env("sustainment", default_port=8002)
    return service_env("sustainment", "AGENCY_LINK_SECRET", settings.jwt_secret).encode()


def link_token(referral_id: uuid.UUID) -> str:
    """The secret part of the agency's link to a referral."""
    mac = hmac.new(_secret(), f"agency-referral:{referral_id}".encode(), hashlib.sha256).hexdigest()
    return f"{referral_id}.{mac}"


def referral_for_token(session: Session, token: str, *, for_update: bool = False) -> AgencyReferral:
    """The referral a link's token is for; ``NotFound`` for a token that is not one of ours."""
    referral_id, _, mac = token.partition(".")
    try:
        key = uuid.UUID(referral_id)
    except ValueError:
        raise NotFound("There is no such referral.") from None
    if not hmac.compare_digest(link_token(key), token):
        raise NotFound("There is no such referral.")
    referral = session.get(AgencyReferral, key, with_for_update=for_update)
    if referral is None or referral.agency_id is None:
        raise NotFound("There is no such referral.")
    return referral


def _opened(session: Session, token: str, *, for_update: bool = False) -> tuple[AgencyReferral, Case]:
    referral = referral_for_token(session, token, for_update=for_update)
    case = session.get(Case, referral.case_id, with_for_update=for_update)
    if case is None or case.anonymised_at is not None or not referral.deliveries:
        raise NotFound("There is no such referral.")
    return referral, case


def _as_agency(referral: AgencyReferral) -> context.bound:
    return context.bound(principal=Principal(sub=f"agency:{referral.agency_id}", name=referral.agency))


def read_by_agency(session: Session, token: str) -> tuple[AgencyReferral, Case]:
    """The referral a link is for, with its case, read by the agency through its link (JSON or the
    page): audited as the agency's read. ``NotFound`` for a forged token, a referral never sent or
    an anonymised case."""
    referral, case = _opened(session, token)
    with _as_agency(referral):
        audit.read(session, "case", case.id)
    return referral, case


def answer_by_agency(session: Session, token: str, *, status: str, note: str | None, outcome: str | None,
                     now: dt.datetime) -> AgencyReferral:
    """The agency's answer through its link, recorded as the agency's (``record_response``)."""
    referral, case = _opened(session, token, for_update=True)
    with _as_agency(referral):
        return agency_referrals.record_response(session, case, referral, status=status, note=note, outcome=outcome,
                                                now=now, by="agency")


def link(referral: AgencyReferral) -> str:
    public_url = Settings.from_env("sustainment", default_port=8002).public_url.rstrip("/")
    return f"{public_url}/agency-links/{link_token(referral.id)}"


def send_to_agency(session: Session, case: Case, referral: AgencyReferral, *, by: str,
                   now: dt.datetime) -> AgencyDelivery:
    """Send the referral to its agency the way the directory says (e-mail or webhook); refused
    (409) without the tenant's consent, to an agency that takes no referrals this way, or once answered."""
    rules.check_transition(case.status, "work")
    agency = referral.directory_agency
    if agency is None:
        raise rules.IllegalTransition("This referral was made before the agency directory: contact the agency yourself.")
    problem = rules.sending_problem(consent_given=referral.consent_given, delivery=agency.delivery)
    if problem:
        raise rules.IllegalTransition(problem)
    if rules.agency_answered(referral.status):
        raise rules.IllegalTransition(f"The agency has already answered ({referral.status}).")
    address = agency.email if agency.delivery == "email" else agency.webhook_url
    delivery = AgencyDelivery(id=uuid.uuid4(), agency_referral_id=referral.id, channel=agency.delivery,
                              address=address or "", status="pending", attempts=0, sent_by=by, created_at=now)
    session.add(delivery)
    session.flush()
    _schedule(session, delivery, now)
    on_timeline(session, case, "agency_referral_sent",
                f"Sent to {referral.agency} by {'e-mail' if delivery.channel == 'email' else 'webhook'}", referral.id)
    audit.changed(session, "send_to_agency", "case", case.id, None,
                  {"agency_delivery": {"id": str(delivery.id), "agency_referral_id": str(referral.id),
                                       "channel": delivery.channel}})
    return delivery


def replay(session: Session, delivery: AgencyDelivery, *, now: dt.datetime) -> AgencyDelivery:
    """Try a parked delivery again from its first attempt."""
    if delivery.status != "failed":
        raise rules.IllegalTransition(f"Only a failed delivery can be replayed; this one is {delivery.status}.")
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.last_error = None
    _schedule(session, delivery, now)
    audit.changed(session, "replay", "agency_delivery", delivery.id, {"status": "failed"}, {"status": "pending"})
    return delivery


def _schedule(session: Session, delivery: AgencyDelivery, due: dt.datetime) -> None:
    timers.schedule_new(session, SEND, key=f"{SEND}:{delivery.id}:{delivery.attempts}:{due.timestamp()}", due_at=due,
                        payload={"delivery_id": str(delivery.id)})


# -- the worker's side ---------------------------------------------------------------------------


def message(referral: AgencyReferral, case: Case) -> dict:
    """What the agency is sent: references and the link, nothing about the tenant."""
    agency = referral.directory_agency
    assert agency is not None
    url = link(referral)
    return {"type": "casework.agency_referral", "agency_referral_id": str(referral.id),
            "case_reference": case.reference, "oruk_service_id": agency.oruk_service_id,
            "sent_at": referral.sent_at.isoformat(), "chase_by": referral.chase_by.isoformat(),
            "details_url": url, "respond_url": f"{url}/response"}


def _email(delivery: AgencyDelivery, body: dict) -> None:
    email = EmailMessage()
    email["To"] = delivery.address
    email["Subject"] = f"Referral from the council's tenancy sustainment team ({body['case_reference']})"
    email["Message-ID"] = f"<{delivery.id}.{delivery.attempts}@casework>"
    email.set_content(
        f"The council's tenancy sustainment team has referred a tenant to you (case {body['case_reference']}).\n\n"
        f"Read the referral and record your answer here:\n{body['details_url']}\n\n"
        f"Please answer by {body['chase_by']}. The link is for your service only: do not forward it.\n")
    mail.send(email)


def _webhook(delivery: AgencyDelivery, secret: str, body: dict) -> str | None:
    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Casework-Delivery-Id": str(delivery.id),
               "User-Agent": "casework-sustainment", **signing.signed_headers(secret, raw)}
    problem = public_http.url_problem(delivery.address, public_http.allowed_http_hosts())
    if problem:
        return problem
    try:
        response = public_http.post(delivery.address, data=raw, headers=headers, timeout=10, allow_redirects=False)
    except requests.RequestException as exc:
        return "The URL resolves to a private address." if public_http.refused_as_private(exc) else type(exc).__name__
    delivery.response_status = response.status_code
    return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"


def deliver(session: Session, timer: Timer, *, policy: rules.Policy) -> None:
    """Timer handler: make one attempt; record it; try again later, or park it after the last attempt."""
    delivery = session.get(AgencyDelivery, uuid.UUID(timer.payload["delivery_id"]), with_for_update=True)
    if delivery is None or delivery.status != "pending":
        return
    referral = session.get(AgencyReferral, delivery.agency_referral_id)
    case = session.get(Case, referral.case_id) if referral is not None else None
    agency = referral.directory_agency if referral is not None else None
    if referral is None or case is None or agency is None:
        delivery.status = "failed"
        delivery.last_error = "The referral or its agency is gone."
        return
    delivery.attempts += 1
    body = message(referral, case)
    if delivery.channel == "webhook":
        error = _webhook(delivery, agency.webhook_secret or "", body)
    else:
        try:
            _email(delivery, body)
            error = None
        except (OSError, smtplib.SMTPException) as exc:
            error = type(exc).__name__
    if error is None:
        delivery.status = "sent"
        delivery.delivered_at = utcnow()
        delivery.last_error = None
        DELIVERIES.labels(delivery.channel, "sent").inc()
        return
    delivery.last_error = error[:500]
    log.warning("agency delivery failed", extra={"delivery_id": str(delivery.id), "attempt": delivery.attempts})
    if delivery.attempts >= policy.agency_delivery_attempts:
        delivery.status = "failed"
        DELIVERIES.labels(delivery.channel, "parked").inc()
        on_timeline(session, case, "agency_referral_not_sent",
                    f"Not delivered to {referral.agency} after {delivery.attempts} attempts", referral.id)
        return
    DELIVERIES.labels(delivery.channel, "retried").inc()
    delay = policy.agency_delivery_retry_seconds * 2 ** (delivery.attempts - 1)
    _schedule(session, delivery, utcnow() + dt.timedelta(seconds=delay))
