"""Sign-up by e-signature: the sign-up pack sent for an accepted, checked offer through the
provider the settings choose (``lettings.esign``), and the provider's callback that starts the
tenancy when the tenant signs, or tells the officer when they decline.

Alongside in-person sign-up (``sign_up``), which stays as it is: a council may do either. Sending
is the worker's: the pack is written with a timer in the officer's transaction, and the timer
sends it, trying again with a growing delay while the provider cannot be reached; after the last
attempt it is ``failed`` (the team is told) until an officer sends it again. A callback starts the
tenancy once, however often it is delivered: the pack's row is locked and its answer recorded
with the tenancy in one transaction, and a repeat finds the answer there.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from prometheus_client import Counter
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, context, outbox, timers
from casework.context import Principal
from casework.db import utcnow
from casework.timers import Timer
from lettings import esign, events, letters
from lettings.domain.policy import LettingsPolicy
from lettings.domain.tenancy import default_tenancy_type
from lettings.letting import Invalid, NotAllowed, NotFound
from lettings.letting.sign_up import ready_to_sign, sign_up
from lettings.models import Offer, SignUpPack

log = logging.getLogger(__name__)

SEND = "sign_up_pack.send"
LIVE = ("sending", "sent")

PACKS_SENT = Counter("casework_sign_up_packs_total", "Sign-up pack sending attempts and callbacks, by outcome",
                     ["provider", "outcome"])


class Forged(Exception):
    """A callback whose signature is not the provider's: it changes nothing."""


def latest(session: Session, offer: Offer) -> SignUpPack | None:
    return session.scalar(select(SignUpPack).where(SignUpPack.offer_id == offer.id)
                          .order_by(SignUpPack.requested_at.desc()).limit(1))


def send_pack(session: Session, offer: Offer, *, tenancy_start: dt.date, tenancy_type: str | None,
              support_needs: list[str], override_reason: str | None, by: str, policy: LettingsPolicy,
              now: dt.datetime) -> SignUpPack:
    """Send the sign-up pack for signature: the offer must be ready to sign up on these terms (as in
    person: accepted, the home void, the checks passed or overridden), with no pack already out.
    The tenancy agreement is written now and kept as sent; the tenancy starts on these terms when
    the tenant signs. Sent by the worker (``deliver``)."""
    ready_to_sign(session, offer, tenancy_start=tenancy_start, override_reason=override_reason, by=by,
                  policy=policy, now=now)
    out = session.scalar(select(SignUpPack.id).where(SignUpPack.offer_id == offer.id, SignUpPack.status.in_(LIVE)))
    if out is not None:
        raise NotAllowed("A sign-up pack for this offer is already out for signature.")
    provider = esign.configured()
    if provider.needs_email and not offer.applicant.email:
        raise NotAllowed("The applicant has no e-mail address to send the sign-up pack to: record one, or sign up "
                         "in person.")
    tenancy_type = tenancy_type or default_tenancy_type(offer.applicant.existing_tenant, policy)
    values = letters.sign_up_values(offer, now, tenancy_start=tenancy_start, tenancy_type=tenancy_type)
    pack = SignUpPack(id=uuid.uuid4(), offer_id=offer.id, provider=provider.name, status="sending",
                      tenancy_start=tenancy_start, tenancy_type=tenancy_type, support_needs=sorted(set(support_needs)),
                      override_reason=override_reason, document=letters.render("sign_up", values), requested_by=by,
                      requested_at=now, attempts=0)
    session.add(pack)
    session.flush()
    audit.changed(session, "send_sign_up_pack", "offer", offer.id, None,
                  {"sign_up_pack_id": str(pack.id), "provider": pack.provider,
                   "tenancy_start": tenancy_start.isoformat(), "tenancy_type": tenancy_type},
                  reason=override_reason)
    _schedule(session, pack, now)
    return pack


def send_again(session: Session, offer: Offer, *, now: dt.datetime) -> SignUpPack:
    """Send a pack that could not be sent (every attempt failed) again, through the provider the
    settings choose now."""
    pack = latest(session, offer)
    if pack is None or pack.status != "failed":
        raise NotAllowed("Only a sign-up pack that could not be sent can be sent again.")
    if offer.status != "accepted":
        raise NotAllowed(f"This offer is {offer.status.replace('_', ' ')}: its sign-up pack cannot be sent again.")
    before = {"status": pack.status, "attempts": pack.attempts, "last_error": pack.last_error}
    pack.status, pack.attempts, pack.provider = "sending", 0, esign.configured().name
    audit.changed(session, "send_sign_up_pack_again", "offer", offer.id, before,
                  {"sign_up_pack_id": str(pack.id), "status": "sending"})
    _schedule(session, pack, now)
    return pack


def _schedule(session: Session, pack: SignUpPack, due_at: dt.datetime) -> None:
    timers.schedule(session, SEND, key=f"sign_up_pack:{pack.id}:{pack.attempts}", due_at=due_at,
                    payload={"sign_up_pack_id": str(pack.id)})


def deliver(session: Session, timer: Timer) -> None:
    """Timer handler: send one pack to the provider; on failure try again later, and after the last
    attempt mark it ``failed`` and tell the team."""
    pack = session.get(SignUpPack, uuid.UUID(timer.payload["sign_up_pack_id"]), with_for_update=True)
    if pack is None or pack.status != "sending":
        return
    offer = session.get(Offer, pack.offer_id)
    provider = esign.configured()
    pack.attempts += 1
    try:
        envelope_id = provider.send(esign.Pack(key=str(pack.id), requested_on=pack.requested_at.date(),
                                               reference=offer.reference, signer_name=offer.applicant.lead_name,
                                               signer_email=offer.applicant.email, document_html=pack.document))
    except esign.ProviderUnavailable as exc:
        pack.last_error = str(exc)[:500]
        log.warning("sign-up pack not sent", extra={"sign_up_pack_id": str(pack.id), "attempt": pack.attempts})
        retries = esign.Retries.from_env()
        if pack.attempts >= retries.max_attempts:
            pack.status = "failed"
            PACKS_SENT.labels(provider.name, "failed").inc()
            outbox.emit(session, events.SIGN_UP_PACK_NOT_SIGNED, subject=str(offer.id),
                        data=events.sign_up_pack_not_signed(offer, pack, outcome="not_sent"))
            return
        PACKS_SENT.labels(provider.name, "retried").inc()
        delay = retries.retry_seconds * 2 ** (pack.attempts - 1)
        _schedule(session, pack, utcnow() + dt.timedelta(seconds=delay))
        return
    pack.status, pack.envelope_id, pack.provider = "sent", envelope_id, provider.name
    pack.sent_at, pack.last_error = utcnow(), None
    PACKS_SENT.labels(provider.name, "sent").inc()


def receive_callback(session: Session, headers: Mapping[str, str], body: bytes, *, policy: LettingsPolicy,
                     provider: esign.Provider | None = None, now: dt.datetime) -> str:
    """The provider's callback, whoever delivers it (its webhook, or the embedded provider when an
    officer records the signature): ``Forged`` unless signed by the provider; then the pack it names
    is signed (the tenancy starts, once) or declined (the team is told). Returns what happened:
    ``signed``, ``declined``, ``voided`` (a withdrawn offer's pack), ``already_recorded`` or
    ``ignored`` (an event that changes nothing)."""
    provider = provider or esign.configured()
    if not provider.verify(headers, body):
        PACKS_SENT.labels(provider.name, "forged").inc()
        raise Forged("The callback's signature is not the e-signature provider's.")
    callback = esign.parse_callback(body)
    if callback is None:
        raise Invalid("event", ["Not an e-signature provider's event message."], detail="The callback cannot be read.")
    pack = session.scalar(select(SignUpPack).where(SignUpPack.envelope_id == callback.envelope_id))
    if pack is None:
        raise NotFound("No sign-up pack was sent with that envelope id.")
    # The offer is locked first, then the pack, in the order a withdrawal locks them.
    offer = session.get(Offer, pack.offer_id, with_for_update=True)
    session.refresh(pack, with_for_update=True)
    if callback.outcome is None:
        return "ignored"
    if pack.status in ("signed", "declined", "voided"):
        return "already_recorded"
    if callback.event == "envelope-voided" and pack.status in ("voiding", "not_voided"):
        # The offer was withdrawn and the envelope voided (by the worker, or by hand at the
        # provider): nobody declined anything.
        pack.status, pack.answered_at, pack.provider_event = "voided", now, callback.event
        return "voided"
    pack.status, pack.answered_at, pack.provider_event = callback.outcome, now, callback.event
    PACKS_SENT.labels(provider.name, callback.outcome).inc()
    with context.bound(principal=Principal(sub=f"esign:{provider.name}", roles=frozenset({"service"}))):
        audit.changed(session, f"sign_up_pack_{callback.outcome}", "offer", offer.id, None,
                      {"sign_up_pack_id": str(pack.id), "provider_event": callback.event})
        if callback.outcome == "declined":
            outbox.emit(session, events.SIGN_UP_PACK_NOT_SIGNED, subject=str(offer.id),
                        data=events.sign_up_pack_not_signed(offer, pack, outcome="declined"))
            return "declined"
        _start_tenancy(session, offer, pack, policy=policy, now=now)
    return "signed"


def _start_tenancy(session: Session, offer: Offer, pack: SignUpPack, *, policy: LettingsPolicy,
                   now: dt.datetime) -> None:
    """The tenancy on the pack's terms. An offer signed up in person meanwhile keeps its tenancy; one
    withdrawn (or a home no longer void) starts none, and the team is told."""
    try:
        # Checked first (it writes nothing it should not keep): sign-up then cannot refuse.
        ready_to_sign(session, offer, tenancy_start=pack.tenancy_start, override_reason=pack.override_reason,
                      by=pack.requested_by, policy=policy, now=now)
    except (NotAllowed, Invalid) as exc:
        why = "; ".join(exc.messages) if isinstance(exc, Invalid) else str(exc)
        pack.note = f"Signed, but no tenancy was started: {why}"[:500]
        if offer.status != "signed_up":
            outbox.emit(session, events.SIGN_UP_PACK_NOT_SIGNED, subject=str(offer.id),
                        data=events.sign_up_pack_not_signed(offer, pack, outcome="signed_too_late"))
        return
    sign_up(session, offer, tenancy_start=pack.tenancy_start, tenancy_type=pack.tenancy_type,
            support_needs=pack.support_needs, override_reason=pack.override_reason, by=pack.requested_by,
            policy=policy, now=now)


def record_embedded(session: Session, offer: Offer, *, signed: bool, policy: LettingsPolicy, now: dt.datetime) -> str:
    """The embedded provider's signing: an officer confirms the tenant signed (or declined) the pack,
    and the embedded provider makes the callback a provider would send, received on the same
    verified path as any other (``receive_callback``)."""
    pack = latest(session, offer)
    provider = esign.configured()
    if pack is None or pack.status != "sent" or pack.provider != "embedded" or not isinstance(provider, esign.Embedded):
        raise NotAllowed("There is no sign-up pack waiting for a signature recorded here: the provider records it.")
    headers, body = provider.callback(pack.envelope_id, "envelope-completed" if signed else "envelope-declined")
    return receive_callback(session, headers, body, policy=policy, provider=provider, now=now)
