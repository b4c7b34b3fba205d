"""A withdrawn offer's sign-up pack is voided at the e-signature provider, so the tenant is no
longer asked to sign a tenancy that is not on offer.

The withdrawal does not wait for the provider: it marks the pack ``voiding`` and leaves a timer in
its own transaction; the worker voids the envelope, trying again with a growing delay while the
provider cannot be reached (``esign.Retries``, as sending does). After the last attempt the pack is
``not_voided`` (logged, with the last error on the pack's page): a tenant who signs it then still
starts no tenancy, and the team is told (``sign_up_packs``). A pack that never reached the
provider, or one the embedded provider holds, is ``voided`` at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import timers
from casework.db import utcnow
from casework.timers import Timer
from lettings import esign
from lettings.models import Offer, SignUpPack

log = logging.getLogger(__name__)

VOID = "sign_up_pack.void"
#: Packs that may be out at the provider: sent, being sent, or given up on after an attempt whose
#: answer may have been lost.
MAYBE_OUT = ("sending", "sent", "failed")
#: What the tenant is shown by the provider (the officer's reason stays with us: it may say more
#: than the tenant needs, and the withdrawal letter tells them).
REASON = "The council has withdrawn this offer of a tenancy ({reference}), so it is no longer to be signed."


def void_packs(session: Session, offer: Offer, *, now: dt.datetime) -> None:
    """The offer is being withdrawn: void each of its packs that may be out at the provider."""
    packs = session.scalars(select(SignUpPack).where(SignUpPack.offer_id == offer.id,
                                                     SignUpPack.status.in_(MAYBE_OUT)).with_for_update()).all()
    for pack in packs:
        if pack.provider == "embedded" or (pack.attempts == 0 and pack.envelope_id is None):
            pack.status = "voided"
            continue
        pack.status = "voiding"
        _schedule(session, pack, attempt=1, due_at=now)


def _schedule(session: Session, pack: SignUpPack, *, attempt: int, due_at: dt.datetime) -> None:
    timers.schedule(session, VOID, key=f"sign_up_pack_void:{pack.id}:{attempt}", due_at=due_at,
                    payload={"sign_up_pack_id": str(pack.id), "attempt": attempt})


def void(session: Session, timer: Timer) -> None:
    """Timer handler: void one pack's envelope (found by the pack's id when its send's answer was
    lost); on failure try again later, and after the last attempt leave it ``not_voided``."""
    pack = session.get(SignUpPack, uuid.UUID(timer.payload["sign_up_pack_id"]), with_for_update=True)
    if pack is None or pack.status != "voiding":
        return
    attempt = int(timer.payload["attempt"])
    offer = session.get(Offer, pack.offer_id)
    provider = esign.configured()
    try:
        envelope_id = pack.envelope_id or provider.find(str(pack.id), pack.requested_at.date())
        if envelope_id:
            provider.void(envelope_id, REASON.format(reference=offer.reference))
    except esign.ProviderUnavailable as exc:
        pack.last_error = str(exc)[:500]
        retries = esign.Retries.from_env()
        if attempt >= retries.max_attempts:
            pack.status = "not_voided"
            log.error("sign-up pack not voided", extra={"sign_up_pack_id": str(pack.id), "attempt": attempt})
            return
        log.warning("sign-up pack not voided yet", extra={"sign_up_pack_id": str(pack.id), "attempt": attempt})
        delay = retries.retry_seconds * 2 ** (attempt - 1)
        _schedule(session, pack, attempt=attempt + 1, due_at=utcnow() + dt.timedelta(seconds=delay))
        return
    pack.status, pack.envelope_id, pack.last_error = "voided", envelope_id, None
