"""The lets made here and the voids they ended, paired by the database (the reports' one way).

``domain.tenancy.voids_and_lets`` states the rule: a tenancy ends the void of its home whose let
date is its start; voids and tenancies of the same home and day pair in the order they happened.
Here that rule is a join: each void numbered among its home's voids let that day (by void date),
each tenancy among its home's tenancies starting that day (by when it was signed up), and the two
joined on home, day and number. A large council lets thousands of homes a year: reading every
void and tenancy of those homes to pair them in Python took most of a second a report.

The performance report's lets are also counted as they are made, by month of tenancy start, in
``monthly_tallies`` (``casework.tallies``): by the applicant's band (``lets_by_band``), and the
voids they ended with their days and rent lost in pence (``voids_let``). Sign-up counts them in its
transaction (:func:`count_let`), a band changed after housing moves its lets (:func:`count_rebanding`),
and nothing else changes a let's start, its rent, or the void it ended. The report sums its period
from them: whole months from the months' counts, part months from the days' (the kernel keeps both).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from casework import tallies
from casework.literal import day_of
from casework.reports import DateRange, month_of
from lettings.domain.tenancy import rent_loss, void_days
from lettings.models import TALLIES, Applicant, HouseholdMember, Offer, Property, Tenancy, Void

ZERO = Decimal("0")

#: The tallies' figures, by month of tenancy start: lets made here by the applicant's band (key: the
#: band); the voids those lets ended (key ``lets``), their void days (``void_days``) and the rent lost
#: in pence (``rent_lost_pence``), each a sum.
LETS_BY_BAND, VOIDS_LET = "lets_by_band", "voids_let"
LETS, VOID_DAYS, RENT_LOST_PENCE = ("lets",), ("void_days",), ("rent_lost_pence",)


def lets_started(date_from: dt.date | None, date_to: dt.date | None) -> list[Any]:
    """The conditions on ``Tenancy`` of the lets made here (from an offer, not imported) that
    started in the period (either end open when None). The days are written in the SQL
    (``casework.literal``): planned for any period once psycopg had prepared it, a year of
    lets was guessed at 126 and the pairing below ran as a nested loop, 75-90 s a report."""
    return [Tenancy.offer_id.is_not(None), *([Tenancy.tenancy_start >= day_of(date_from)] if date_from else []),
            *([Tenancy.tenancy_start <= day_of(date_to)] if date_to else [])]


def lets_and_their_voids(date_from: dt.date | None, date_to: dt.date | None) -> Select:
    """The lets made here that started in the period, each with the void it ended (its columns
    None when there is none), in no order: a report orders what it shows.

    The pairs are numbered within a home and a day, so only the voids let and the tenancies
    started on the period's days take part: a year of a large council's lets is some 7,000 of each,
    not every void and tenancy those homes ever had (five years' worth, numbered and joined)."""
    lets = lets_started(date_from, date_to)
    let_then = [*([Void.let_date >= day_of(date_from)] if date_from else []),
                *([Void.let_date <= day_of(date_to)] if date_to else [])]
    voids = (select(Void.id, Void.property_id, Void.void_date, Void.let_date, Void.reason,
                    func.row_number().over(partition_by=(Void.property_id, Void.let_date),
                                           order_by=(Void.void_date, Void.id)).label("n"))
             .where(Void.let_date.is_not(None), *let_then).subquery())
    # The lets numbered with their columns, then joined to the voids once: joined back to the
    # tenancies by id, the planner guessed one row for that join and re-read the numbered lets once
    # per let (a nested loop: 74,000 comparisons for half a month's 272 lets, 97 ms).
    numbered = (select(Tenancy.id, Tenancy.reference, Tenancy.property_id, Tenancy.tenancy_start,
                       Tenancy.weekly_rent, Tenancy.applicant_id,
                       func.row_number().over(partition_by=(Tenancy.property_id, Tenancy.tenancy_start),
                                              order_by=(Tenancy.created_at, Tenancy.id)).label("n"))
                .where(*lets).subquery())
    return (select(numbered.c.id, numbered.c.reference, numbered.c.property_id, numbered.c.tenancy_start,
                   numbered.c.weekly_rent, numbered.c.applicant_id, voids.c.id.label("void_id"), voids.c.void_date,
                   voids.c.reason)
            .select_from(numbered)
            .outerjoin(voids, and_(voids.c.property_id == numbered.c.property_id,
                                   voids.c.let_date == numbered.c.tenancy_start, voids.c.n == numbered.c.n)))


#: ``GET /reports/voids``: lines a page unless asked otherwise (a large council lets ~7,000 homes a year).
VOIDS_PER_PAGE = 100


def void_report(session: Session, date_from: dt.date | None, date_to: dt.date | None, *, page: int = 1,
                per_page: int = VOIDS_PER_PAGE) -> dict[str, Any]:
    """Each void ended by a let of the period: its days (tenancy start − void date) and the rent
    lost (the let's weekly rent / 7 × days), by tenancy start, one page of them; the count, totals
    and averages over the whole period.

    The count and totals are the period's days' tallies (``voids_let``, kept at sign-up: the let's
    void days and its rent lost to the penny, as a line shows them), and the days' counts of lets
    say which days hold the page's lines: only those days' lets are paired with their voids. A
    year of a large council's lets is ~7,000: pairing all of them to total them and again to show
    100 was most of the report (bench/NOTES.md, letx)."""
    lets_on: list[tuple[dt.date, int]] = []  # (day, voids let that day), by day
    total = {LETS: 0, VOID_DAYS: 0, RENT_LOST_PENCE: 0}
    days = TALLIES.days.c
    for day, key, n in session.execute(
            select(days.day, days.key, days.count)
            .where(days.figure == VOIDS_LET, *([days.day >= date_from.isoformat()] if date_from else []),
                   *([days.day <= date_to.isoformat()] if date_to else [])).order_by(days.day)):
        total[(key,)] += n
        if (key,) == LETS and n:
            lets_on.append((dt.date.fromisoformat(day), n))
    count, total_days, total_loss = total[LETS], total[VOID_DAYS], Decimal(total[RENT_LOST_PENCE]).scaleb(-2)
    pages = max(1, -(-count // per_page))
    page = min(page, pages)
    lines = []
    shown = _days_of_page(lets_on, (page - 1) * per_page, per_page)
    if shown is not None:
        first, last, skip = shown
        pairs = lets_and_their_voids(first, last).subquery()
        for let in session.execute(select(pairs, Property.reference.label("property_reference"))
                                   .join(Property, Property.id == pairs.c.property_id)
                                   .where(pairs.c.void_id.is_not(None))
                                   .order_by(pairs.c.tenancy_start, pairs.c.reference).offset(skip).limit(per_page)):
            days_void = void_days(let.void_date, let.tenancy_start)
            lines.append({"void_id": let.void_id, "property_id": let.property_id,
                          "property_reference": let.property_reference, "void_date": let.void_date,
                          "reason": let.reason, "let_date": let.tenancy_start, "tenancy_ref": let.reference,
                          "tenancy_id": let.id, "void_days": days_void,
                          "rent_loss": rent_loss(let.weekly_rent, days_void)})
    return {"date_from": date_from, "date_to": date_to, "lets": count, "page": page, "pages": pages,
            "per_page": per_page, "total_void_days": total_days, "total_rent_loss": total_loss,
            "average_void_days": Decimal(total_days) / count if count else None,
            "average_rent_loss": total_loss / count if count else None, "voids": lines}


def _days_of_page(lets_on: list[tuple[dt.date, int]], skip: int, per_page: int) -> tuple[dt.date, dt.date, int] | None:
    """The first and last day holding lines ``skip`` to ``skip + per_page`` of lets counted by day
    (``lets_on``: (day, n), by day), and how many of the first day's lines come before the page;
    None when the page holds none."""
    first, before, seen = None, 0, 0
    for day, n in lets_on:
        if first is None and seen + n > skip:
            first, before = day, seen
        seen += n
        if first is not None and seen >= skip + per_page:
            return first, day, skip - before
    return (first, lets_on[-1][0], skip - before) if first is not None else None


def lets_for_core(session: Session, date_from: dt.date | None, date_to: dt.date | None) -> list[SimpleNamespace]:
    """The lets made here that started in the period, by start, for their CORE logs built afresh from
    the data (``core_logs.afresh`` and ``rebuild``; sign-up keeps each let's own), shaped as ``core.lettings_log`` reads a
    tenancy (its ``property``, its ``applicant`` with the ``household``, its ``offer``'s advert),
    with the ``void_date`` of the void each ended (None when none), read as columns in two queries.
    A collection year of a large council is some 6,000 lets: read as ORM objects with their homes,
    applicants, households and offers (40,000 objects) the export took half a minute; each row's
    columns are unpacked once, not read by name (bench/NOTES.md, stage)."""
    paired = lets_and_their_voids(date_from, date_to).subquery()
    rows = session.execute(
        select(paired.c.id, paired.c.reference, paired.c.tenancy_start, Tenancy.tenancy_type, paired.c.weekly_rent,
               Tenancy.service_charge, paired.c.applicant_id, Offer.advert_id, paired.c.void_date,
               Property.reference, Property.uprn, Property.property_type, Property.wheelchair_accessible,
               Property.bedrooms, Property.rent_type, Applicant.application_date, Applicant.reasonable_preference)
        .select_from(paired).join(Tenancy, Tenancy.id == paired.c.id)
        .join(Property, Property.id == paired.c.property_id).join(Applicant, Applicant.id == paired.c.applicant_id)
        .join(Offer, Offer.id == Tenancy.offer_id)
        .order_by(paired.c.tenancy_start, paired.c.reference)).all()
    households: dict[Any, list[Any]] = defaultdict(list)  # each member a row: what core reads of it, by name
    for member in session.execute(
            select(HouseholdMember.applicant_id, HouseholdMember.position, HouseholdMember.relationship,
                   HouseholdMember.date_of_birth, HouseholdMember.sex)
            .where(HouseholdMember.applicant_id.in_(select(Tenancy.applicant_id).where(*lets_started(date_from,
                                                                                                      date_to))))):
        households[member.applicant_id].append(member)
    return [SimpleNamespace(
        id=id_, reference=reference, tenancy_start=start, tenancy_type=tenancy_type, weekly_rent=rent,
        service_charge=charge, void_date=void_date, offer=SimpleNamespace(advert_id=advert_id),
        property=SimpleNamespace(reference=home, uprn=uprn, property_type=home_type, wheelchair_accessible=wheelchair,
                                 bedrooms=bedrooms, rent_type=rent_type),
        applicant=SimpleNamespace(household=households[applicant_id], application_date=applied,
                                  reasonable_preference=preference))
        for (id_, reference, start, tenancy_type, rent, charge, applicant_id, advert_id, void_date, home, uprn,
             home_type, wheelchair, bedrooms, rent_type, applied, preference) in rows]


# --- the performance report's tallies ------------------------------------------------------------

def _pence(amount: Decimal) -> int:
    return int(amount * 100)


def _let_counts(start: dt.date, band: str, void_date: dt.date | None, weekly_rent: Decimal,
                by: int = 1) -> list[tuple[str, dt.date, tallies.Key, int]]:
    """A let's counts, on the day its tenancy starts: by band, and the void it ended (when it ended one)."""
    counts = [(LETS_BY_BAND, start, (band,), by)]
    if void_date is not None:
        days = void_days(void_date, start)
        counts += [(VOIDS_LET, start, LETS, by), (VOIDS_LET, start, VOID_DAYS, days * by),
                   (VOIDS_LET, start, RENT_LOST_PENCE, _pence(rent_loss(weekly_rent, days)) * by)]
    return counts


def count_let(session: Session, tenancy: Tenancy, void: Void, band: str) -> None:
    """Count a let just signed up, and the void it ended, in the tallies (sign-up's transaction)."""
    tallies.add(session, TALLIES, _let_counts(tenancy.tenancy_start, band, void.void_date, tenancy.weekly_rent))


def count_rebanding(session: Session, applicant_id: Any, was: str, now: str) -> None:
    """An applicant's band changed: their lets (if housed here) move to the new band, as the report
    counts lets by the band now."""
    if was == now:
        return
    starts = session.scalars(select(Tenancy.tenancy_start).where(Tenancy.applicant_id == applicant_id,
                                                                 Tenancy.offer_id.is_not(None))).all()
    tallies.add(session, TALLIES, [(LETS_BY_BAND, start, (band,), by)
                                   for start in starts for band, by in ((was, -1), (now, 1))])


def counted_lets(session: Session, date_from: dt.date, date_to: dt.date) -> tuple[Counter, dict[str, list]]:
    """The lets made here that started ``date_from`` to ``date_to``, counted from the rows (the
    days written in): by band, and per month of start [voids ended, void days, rent lost]."""
    bands = Counter({band: n for band, n in session.execute(
        select(Applicant.band, func.count()).join(Tenancy, Tenancy.applicant_id == Applicant.id)
        .where(*lets_started(date_from, date_to)).group_by(Applicant.band))})
    paired = lets_and_their_voids(date_from, date_to).subquery()
    by_month: dict[str, list] = defaultdict(lambda: [0, 0, ZERO])
    for start, void_date, rent in session.execute(select(paired.c.tenancy_start, paired.c.void_date,
                                                         paired.c.weekly_rent).where(paired.c.void_id.is_not(None))):
        days = void_days(void_date, start)
        month = by_month[month_of(start)]
        month[0] += 1
        month[1] += days
        month[2] += rent_loss(rent, days)
    return bands, by_month


def kept_lets(session: Session, span: DateRange) -> tuple[Counter, dict[str, list]]:
    """The same from the tallies, for the days of ``span``: its whole months from the months'
    counts, its part months from their days' (two statements, whatever the period)."""
    bands: Counter = Counter()
    for _, (band,), n in tallies.counted(session, TALLIES, LETS_BY_BAND, span):
        bands[band] += n
    by_month: dict[str, list] = defaultdict(lambda: [0, 0, 0])
    for month, key, n in tallies.counted(session, TALLIES, VOIDS_LET, span):
        by_month[month][(LETS, VOID_DAYS, RENT_LOST_PENCE).index(key)] += n
    return bands, {month: [lets, days, Decimal(pence).scaleb(-2)]
                   for month, (lets, days, pence) in by_month.items() if lets}


def recount(session: Session) -> None:
    """Count every let made here from scratch into the tallies (the seeders; a repair; the tests)."""
    paired = lets_and_their_voids(None, None).subquery()
    rows = session.execute(select(paired.c.tenancy_start, Applicant.band, paired.c.void_date, paired.c.weekly_rent)
                           .join(Applicant, Applicant.id == paired.c.applicant_id)).all()
    counts = [count for row in rows for count in _let_counts(*row)]
    for figure in (LETS_BY_BAND, VOIDS_LET):
        tallies.rebuild(session, TALLIES, figure, ((d, k, n) for f, d, k, n in counts if f == figure))
