"""Made data for the lettings reports, whose every figure is worked out by hand in its comments:
six live voids, three voids ended by lets in January–March 2025, offers and a register. Used by the
integration tests (both backends) and the Chromium test."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from lettings.letting import core_logs, lets, void_stages
from lettings.models import Advert, Applicant, Offer, Property, Tenancy, Void

UTC = dt.UTC
_numbers = itertools.count(1)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def made_data(session, today: dt.date) -> dict:
    """Six live voids, three voids ended by lets in January–March 2025, offers and a register."""

    def home(ref, bedrooms, rent):
        prop = Property(id=uuid.uuid4(), reference=ref, address=f"{ref} Fleming Way, Swindon", property_type="flat",
                        bedrooms=bedrooms, weekly_rent=Decimal(rent))
        session.add(prop)
        session.flush()
        return prop

    def applicant(band, need, status="active"):
        n = next(_numbers)
        person = Applicant(id=uuid.uuid4(), reference=f"A-9{n:05d}", band=band, effective_date=dt.date(2024, 1, 1),
                           application_date=dt.date(2024, 1, 1), bedroom_need=need, lead_name=f"Lead {n}",
                           lead_date_of_birth=dt.date(1980, 1, 1), status=status)
        session.add(person)
        session.flush()
        return person

    def void(prop, since, let=None):
        v = Void(id=uuid.uuid4(), property_id=prop.id, void_date=since, reason="transfer", let_date=let)
        session.add(v)
        session.flush()
        return v

    def advert(prop, v, status, closes):
        a = Advert(id=uuid.uuid4(), reference=f"AD-{next(_numbers):05d}", property_id=prop.id, void_id=v.id,
                   status=status, published_at=_at(v.void_date), closes_at=closes)
        session.add(a)
        session.flush()
        return a

    def offer(prop, who, status, made, advert=None, reason=None):
        o = Offer(id=uuid.uuid4(), reference=f"OF-{next(_numbers):05d}", property_id=prop.id, applicant_id=who.id,
                  advert_id=advert.id if advert else None, status=status, made_at=made, made_by="officer-1",
                  respond_by=made + dt.timedelta(days=3), refusal_reason_code=reason,
                  refusal_reason=f"In their words: {reason}" if reason else None,
                  refusal_reasonable=True if status == "refused" else None)
        session.add(o)
        session.flush()
        return o

    def let(prop, who, o, start, rent):
        session.add(Tenancy(id=uuid.uuid4(), reference=f"T-{next(_numbers):05d}", offer_id=o.id, property_id=prop.id,
                            applicant_id=who.id, tenancy_start=start, tenancy_type="introductory", high_risk=False,
                            weekly_rent=Decimal(rent), service_charge=Decimal("0"), signed_up_by="officer-1",
                            created_at=_at(start)))
        session.flush()

    day = dt.timedelta(days=1)
    # The register (active or suspended): A: need 1 (r1), need 3 (a2); B: need 2 (a1, r2). r3 is cancelled.
    a1, a2, a3 = applicant("B", 2), applicant("A", 3), applicant("C", 2, "housed")
    r1, r2, r3 = applicant("A", 1), applicant("B", 2, "suspended"), applicant("C", 1, "cancelled")
    # Live voids.                                     days  rent lost
    h1 = home("P-900001", 2, "70.00")               # 60    600.00  not advertised
    void(h1, today - 60 * day)
    h2 = home("P-900002", 1, "105.00")              # 20    300.00  advertised
    advert(h2, void(h2, today - 20 * day), "open", _at(today + 3 * day, 17))
    h3 = home("P-900003", 2, "84.00")               # 10    120.00  offered to a1
    offer(h3, a1, "pending", _at(today - 2 * day), advert(h3, void(h3, today - 10 * day), "closed", _at(today - 3 * day)))
    h4 = home("P-900004", 3, "140.00")              # 30    600.00  accepted by a2
    offer(h4, a2, "accepted", _at(today - 3 * day), advert(h4, void(h4, today - 30 * day), "closed", _at(today - 9 * day)))
    h5 = home("P-900005", 2, "91.00")               # 5      65.00  signed up, starts in a week
    o5 = offer(h5, a3, "signed_up", _at(today - 4 * day))
    void(h5, today - 5 * day, today + 7 * day)
    let(h5, a3, o5, today + 7 * day, "91.00")
    h6 = home("P-900006", 1, "49.00")               # 15    105.00  shortlist
    advert(h6, void(h6, today - 15 * day), "closed", _at(today - day))
    session.flush()
    # Voids ended by lets: January 2025 two (14 days at 70.00 = 140.00; 28 days at 35.00 = 140.00),
    # March one (7 days at 100.00 = 100.00); tenants in bands A, B, A.
    ended = [("P-900007", "70.00", dt.date(2025, 1, 1), dt.date(2025, 1, 15), "A"),
             ("P-900008", "35.00", dt.date(2024, 12, 25), dt.date(2025, 1, 22), "B"),
             ("P-900009", "100.00", dt.date(2025, 2, 28), dt.date(2025, 3, 7), "A")]
    for ref, rent, since, start, band in ended:
        prop = home(ref, 2, rent)
        void(prop, since, start)
        tenant = applicant(band, 2, "housed")
        session.flush()
        let(prop, tenant, offer(prop, tenant, "signed_up", _at(start - 5 * day)), start, rent)
    # Offers in January–March 2025: 3 signed up (above), refused 2 "location" and 1 "accessibility", 1 expired;
    # one refused in December 2024, outside the period.
    h7 = session.query(Property).filter_by(reference="P-900007").one()
    offer(h7, r1, "refused", _at(dt.date(2025, 1, 5)), reason="location")
    offer(h7, r2, "refused", _at(dt.date(2025, 1, 6)), reason="location")
    offer(h7, r3, "refused", _at(dt.date(2025, 2, 6)), reason="accessibility")
    offer(h7, r1, "expired", _at(dt.date(2025, 3, 6)))
    offer(h7, r2, "refused", _at(dt.date(2024, 12, 1)), reason="accessibility")
    session.flush()
    lets.recount(session)  # the performance report's tallies, as signing the lets up would have kept them
    void_stages.recount(session)  # where each void stands, as the use cases moving them would have kept it
    core_logs.rebuild(session)  # and each let's CORE log, as signing it up would have kept it
    return {"a1": a1.reference, "a2": a2.reference, "a3": a3.reference}
