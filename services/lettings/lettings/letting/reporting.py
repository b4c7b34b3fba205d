"""What the lettings managers watch (DESIGN §10): the homes standing empty now and where each
stands (``live_voids``), and the team's performance over a period (``performance``). Reads only,
with no personal data: an applicant is named by reference. The pages (``lettings.web.voids``,
``lettings.web.performance``) and the API (``GET /reports/live-voids``, ``GET /reports/lettings-
performance``) call these same functions.

The rules, stated once:

* A live void is one not yet ended by a let that has started: no let date, or a let date (the
  signed tenancy's start) still to come.
* Days void so far: today − void date. Rent lost to date: the home's weekly rent today × days / 7,
  to the penny (``domain.tenancy.rent_loss``). For a void ended by a let: tenancy start − void date
  at the tenancy's weekly rent, as ``GET /reports/voids`` counts it.
* Live void ageing bands: 0–14, 15–28, 29–56, 57+ days.
* Where a live void stands (its stage, and the advert and offer it stands on): decided by
  ``domain.void_stage`` and kept on the void by the use cases that move it (``letting.void_stages``).
* Offers in the period are those made in it (by the London day); accepted counts offers accepted
  or signed up; the refusal rate is refused ÷ (accepted + refused): of the offers answered yes or
  no. Expired and withdrawn offers are counted apart and are in neither.
* Lets in the period: tenancies that started in it, by the applicant's band (their band now).
  Lets and the voids they ended are counted as they are made, by day and month (``letting.lets``'
  tallies): a period's whole months are summed from the months' counts, its part months from the days'.
* The register: applications active or suspended now, by band and bedroom need (kept as applicants
  are written: ``lettings.register_counts``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from casework.literal import day_of, text_of
from casework.reports import DateRange
from casework.workdays import LONDON
from lettings import register_counts
from lettings.domain.tenancy import rent_loss, void_days
from lettings.domain.void_stage import STAGES as STAGES  # the pages list them
from lettings.letting import lets
from lettings.models import Advert, Applicant, Offer, Property, Void

STAGE_NAMES = {"not_advertised": "Not advertised", "advertised": "Advertised", "shortlist": "Shortlist",
               "offered": "Offered", "accepted": "Accepted", "signed_up": "Signed up"}
#: Live void ageing: (label, first day, last day or None).
AGE_BANDS = (("0–14 days", 0, 14), ("15–28 days", 15, 28), ("29–56 days", 29, 56), ("57 days or more", 57, None))
PER_PAGE = 25
ZERO = Decimal("0")


# --- the pure rules --------------------------------------------------------------------------

def age_band(days: int) -> str:
    """The ageing band a void of ``days`` days falls in."""
    for label, first, last in AGE_BANDS:
        if days >= first and (last is None or days <= last):
            return label
    return AGE_BANDS[0][0]


def refusal_rate(accepted: int, refused: int) -> Decimal | None:
    """Refused ÷ (accepted + refused), to four places; None when no offer was answered."""
    answered = accepted + refused
    return (Decimal(refused) / answered).quantize(Decimal("0.0001")) if answered else None


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every month from ``first``'s to ``last``'s, as YYYY-MM (an empty month still has its row)."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def void_months(totals: dict[str, list], months: list[str]) -> list[dict[str, Any]]:
    """Void days and rent loss per let, by the month of the let: ``totals`` is, by month, [voids a
    let ended, their void days, their rent loss] (``month_totals`` makes it from each let's)."""
    rows = []
    for month in months:
        n, days, loss = totals.get(month, (0, 0, ZERO))
        rows.append({"month": month, "lets": n, "void_days": days, "rent_loss": loss,
                     "void_days_per_let": (Decimal(days) / n).quantize(Decimal("0.1")) if n else None,
                     "rent_loss_per_let": (loss / n).quantize(Decimal("0.01")) if n else None})
    return rows


def month_totals(each: list[tuple[dt.date, int, Decimal]]) -> dict[str, list]:
    """``void_months``' totals from each let's (tenancy start, void days, rent loss)."""
    totals: dict[str, list] = defaultdict(lambda: [0, 0, ZERO])
    for start, days, loss in each:
        month = totals[month_of(start)]
        month[0] += 1
        month[1] += days
        month[2] += loss
    return totals


# --- live voids --------------------------------------------------------------------------------

@dataclass
class LiveVoid:
    void_id: Any
    property_id: Any
    property_reference: str
    address: str
    bedrooms: int
    void_date: dt.date
    days: int
    weekly_rent: Decimal
    rent_lost: Decimal
    stage: str
    advert_reference: str | None = None
    advert_closes_at: dt.datetime | None = None
    offer_reference: str | None = None
    applicant_reference: str | None = None
    let_date: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class LiveVoids:
    voids: list[LiveVoid]
    total: int
    page: int
    pages: int
    per_page: int
    today: dt.date
    rent_lost: Decimal = ZERO
    filters: dict[str, Any] = field(default_factory=dict)


def _live(today: dt.date):
    """The condition that a void is live: no let date, or a let date still to come (the day
    written in the SQL: ``casework.literal``)."""
    return or_(Void.let_date.is_(None), Void.let_date > day_of(today))


def _void_lines(today: dt.date, where: list, offset: int, limit: int):
    """A page of live voids with their homes, the longest first (days void so far: a void dated
    after today has 0; then the home), with where each stands and the advert and offer it stands on
    (kept on the void by the use cases that move it: ``letting.void_stages``), as ``_live_void``
    reads them. The page is cut before its adverts and offers are read."""
    since = case((Void.void_date > day_of(today), day_of(today)), else_=Void.void_date).label("since")
    page = (select(Void.id, Void.property_id, Void.void_date, Void.let_date, Void.stage, Void.advert_id,
                   Void.offer_id, Property.reference, Property.address, Property.bedrooms, Property.weekly_rent, since)
            .join(Property, Property.id == Void.property_id).where(*where)
            .order_by(since, Property.reference).offset(offset).limit(limit).subquery())
    line = page.c
    # Each line's advert and offer looked up by key (a thousand lines: a few thousand index
    # probes), not joined: a join hashed every advert and offer ever made (bench/NOTES.md, stage).
    advert, offer = Advert.id == line.advert_id, Offer.id == line.offer_id
    return (select(line.id, line.property_id, line.reference, line.address, line.bedrooms, line.void_date,
                   line.weekly_rent, line.stage, select(Advert.reference).where(advert).scalar_subquery(),
                   select(Advert.closes_at).where(advert).scalar_subquery(),
                   select(Offer.reference).where(offer).scalar_subquery(),
                   select(Applicant.reference).join(Offer, Offer.applicant_id == Applicant.id).where(offer)
                   .scalar_subquery(), line.let_date)
            .order_by(line.since, line.reference))


def _live_void(today: dt.date, row: Any) -> LiveVoid:
    """A report line from a row of ``_void_lines`` (unpacked once: a CSV has a thousand)."""
    (void_id, property_id, reference, address, bedrooms, void_date, weekly_rent, stage, advert_reference,
     advert_closes_at, offer_reference, applicant_reference, let_date) = row
    days = void_days(void_date, today)
    return LiveVoid(
        void_id=void_id, property_id=property_id, property_reference=reference, address=address, bedrooms=bedrooms,
        void_date=void_date, days=days, weekly_rent=weekly_rent, rent_lost=rent_loss(weekly_rent, days), stage=stage,
        advert_reference=advert_reference, advert_closes_at=advert_closes_at, offer_reference=offer_reference,
        applicant_reference=applicant_reference, let_date=let_date)


def _pages(total: int, page: int, per_page: int) -> tuple[int, int]:
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def live_voids(session: Session, *, today: dt.date, stage: str | None = None, bedrooms: int | None = None,
               page: int = 1, per_page: int = PER_PAGE) -> LiveVoids:
    """Every live void (filtered by stage and bedrooms), the longest first, one page of them; with
    the rent lost to date over all that match. Where each stands is read as it was kept, not
    worked out again (a large council has a thousand homes empty at once)."""
    where = [_live(today), *([Void.stage == text_of(stage)] if stage is not None else []),
             *([Property.bedrooms == bedrooms] if bedrooms is not None else [])]
    shown = session.execute(_void_lines(today, where, 0, per_page)).all() if page <= 1 else None
    # A first page shorter than a page holds every match (the CSV's one page, a small council's):
    # it is its own count and rent lost, with no second read of them all (bench/NOTES.md, voids).
    whole = shown is not None and len(shown) < per_page
    every = None if whole else session.execute(select(Void.void_date, Property.weekly_rent)
                                               .join(Property, Property.id == Void.property_id)
                                               .where(*where)).all()
    total = len(shown) if every is None else len(every)
    page, pages = _pages(total, page, per_page)
    if shown is None:
        shown = session.execute(_void_lines(today, where, (page - 1) * per_page, per_page)).all()
    lines = [_live_void(today, void) for void in shown]
    # Every match shown: the lines' own rent lost, each worked out once.
    losses = ((line.rent_lost for line in lines) if every is None
              else (rent_loss(rent, void_days(void_date, today)) for void_date, rent in every))
    return LiveVoids(voids=lines, total=total, page=page, pages=pages, per_page=per_page, today=today,
                     rent_lost=sum(losses, ZERO), filters={"stage": stage, "bedrooms": bedrooms})


# --- performance over a period -------------------------------------------------------------------

def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months to today, from the first of the month eleven months back."""
    year, month = (today.year, today.month - 11) if today.month > 11 else (today.year - 1, today.month + 1)
    return dt.date(year, month, 1), today


#: Refusals recorded before the policy's code list (migration 0014) have no code.
NO_CODE = "no_code"


def refused_by_reason(codes: list[str | None], labels: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """Refusals counted by their code from the policy's list (``offers.refusal_reasons``), the most
    first; a code the policy no longer lists keeps its code as its label; none: ``no_code``."""
    named = dict(labels)
    counts = Counter(code or NO_CODE for code in codes)
    return [{"reason": code, "label": named.get(code, "Recorded before reason codes" if code == NO_CODE else code),
             "refused": n} for code, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def performance(session: Session, *, today: dt.date, date_from: dt.date | None, date_to: dt.date | None,
                bands: tuple[str, ...], refusal_reasons: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Every figure of the lettings performance page, for the period (the last twelve months
    when not given): see the module's docstring for each rule."""
    first, last = default_period(today)
    date_from, date_to = date_from or (first if date_to is None else dt.date(date_to.year, 1, 1)), date_to or last

    # Live void ageing: now, whatever the period.
    ageing = {label: {"band": label, "voids": 0, "rent_lost": ZERO} for label, _, _ in AGE_BANDS}
    # Only each void's date and its home's rent: where a void stands (its adverts and offers) is the
    # live voids page's, not the ageing's.
    for void_date, weekly_rent in session.execute(select(Void.void_date, Property.weekly_rent)
                                                  .join(Property, Property.id == Void.property_id)
                                                  .where(_live(today))).tuples():
        days = void_days(void_date, today)
        row = ageing[age_band(days)]
        row["voids"] += 1
        row["rent_lost"] += rent_loss(weekly_rent, days)

    # Void days and rent loss per let, by month of tenancy start, and lets by band: from the tallies
    # kept at sign-up (``lets``), the whole months of the period from the months' counts and the part
    # months at its ends from their days'. Lets made here only: a tenancy imported from the housing
    # system ended no void of ours.
    let_bands, totals = lets.kept_lets(session, DateRange(date_from, date_to)) if date_from <= date_to else (Counter(), {})
    months = void_months(totals, months_between(date_from, date_to))

    # Offers made in the period.
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=LONDON)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    # Columns only, grouped by the database: a large council makes tens of thousands of offers a year.
    answers = session.execute(select(Offer.status, Offer.refusal_reason_code, func.count())
                              .where(Offer.made_at >= start, Offer.made_at < end)
                              .group_by(Offer.status, Offer.refusal_reason_code)).tuples().all()
    outcomes: Counter[str] = Counter()
    for status, _, n in answers:
        outcomes[status] += n
    accepted = outcomes["accepted"] + outcomes["signed_up"]
    refused = outcomes["refused"]
    offer_figures = {"made": sum(outcomes.values()), "accepted": accepted, "refused": refused,
                     "expired": outcomes["expired"], "withdrawn": outcomes["withdrawn"],
                     "pending": outcomes["pending"], "refusal_rate": refusal_rate(accepted, refused),
                     "refused_by_reason": refused_by_reason(
                         [code for status, code, n in answers if status == "refused" for _ in range(n)],
                         refusal_reasons)}

    # Lets by band; the register by band and bedroom need.
    known = list(bands) + sorted(set(let_bands) - set(bands))
    register = register_counts.counted(session, ("active", "suspended"))
    needs = sorted({need for _, need in register})
    register_bands = list(bands) + sorted({b for b, _ in register} - set(bands))
    return {
        "date_from": date_from, "date_to": date_to, "today": today,
        "void_ageing": list(ageing.values()),
        "void_months": months,
        "offers": offer_figures,
        "lets_by_band": [{"band": b, "lets": let_bands[b]} for b in known],
        "register": {"bedroom_needs": needs,
                     "rows": [{"band": b, "by_bedroom_need": {str(n): register.get((b, n), 0) for n in needs},
                               "total": sum(register.get((b, n), 0) for n in needs)} for b in register_bands]},
    }


def figure_rows(figures: dict[str, Any], name: str) -> tuple[list[str], list[list[Any]]]:
    """One figure of ``performance`` as a table (header, rows): what its CSV holds."""
    if name == "void-ageing":
        return ["band", "voids", "rent_lost"], [[r["band"], r["voids"], r["rent_lost"]] for r in figures["void_ageing"]]
    if name == "void-months":
        keys = ["month", "lets", "void_days", "rent_loss", "void_days_per_let", "rent_loss_per_let"]
        return keys, [[r[k] if r[k] is not None else "" for k in keys] for r in figures["void_months"]]
    if name == "offers":
        o = figures["offers"]
        rows = [[k, o[k]] for k in ("made", "accepted", "refused", "expired", "withdrawn", "pending")]
        rows.append(["refusal_rate", "" if o["refusal_rate"] is None else o["refusal_rate"]])
        rows += [[f"refused: {r['reason']}", r["refused"]] for r in o["refused_by_reason"]]
        return ["measure", "value"], rows
    if name == "lets-by-band":
        return ["band", "lets"], [[r["band"], r["lets"]] for r in figures["lets_by_band"]]
    if name == "register":
        needs = figures["register"]["bedroom_needs"]
        return (["band"] + [f"{n} bedroom need" for n in needs] + ["total"],
                [[r["band"]] + [r["by_bedroom_need"][str(n)] for n in needs] + [r["total"]]
                 for r in figures["register"]["rows"]])
    raise KeyError(name)


FIGURES = ("void-ageing", "void-months", "offers", "lets-by-band", "register")


LIVE_VOID_COLUMNS = ["property_reference", "address", "bedrooms", "void_date", "days", "weekly_rent", "rent_lost",
                     "stage", "advert_reference", "advert_closes_at", "offer_reference", "applicant_reference",
                     "let_date"]


def live_void_rows(found: LiveVoids) -> tuple[list[str], list[Any]]:
    """The live voids as a table: a line's cells read at once (a thousand lines in the CSV); a
    cell with no value (None) is written empty by ``as_csv``."""
    cells = attrgetter(*LIVE_VOID_COLUMNS)
    return list(LIVE_VOID_COLUMNS), [cells(v) for v in found.voids]


def as_csv(header: list[str], rows: list[Any]) -> str:
    """A table as CSV text (the header first); None is written as an empty cell (``csv.writer``
    writes it so)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def live_voids_csv(session: Session, *, today: dt.date, stage: str | None = None,
                   bedrooms: int | None = None) -> str:
    """Every live void that matches (no pages), as CSV."""
    return as_csv(*live_void_rows(live_voids(session, today=today, stage=stage, bedrooms=bedrooms,
                                             per_page=1_000_000)))


def performance_csv(session: Session, figure: str, *, today: dt.date, date_from: dt.date | None,
                    date_to: dt.date | None, bands: tuple[str, ...],
                    refusal_reasons: tuple[tuple[str, str], ...] = ()) -> str:
    """One figure of ``performance`` as CSV (``FIGURES`` names them; KeyError for another)."""
    if figure not in FIGURES:
        raise KeyError(figure)
    return as_csv(*figure_rows(performance(session, today=today, date_from=date_from, date_to=date_to,
                                           bands=bands, refusal_reasons=refusal_reasons), figure))
