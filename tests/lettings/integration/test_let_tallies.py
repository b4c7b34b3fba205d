"""The performance report's lets, kept in monthly tallies by sign-up (``lettings.letting.lets``):
the report over any period gives what counting its lets from the rows gives, across month
boundaries, and the use cases move the tallies in their own transaction, on both backends."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework import tallies
from casework.workdays import london_today
from casework_dev.testing import bearer
from lettings.letting import applicant_changes, lets, reporting
from lettings.letting.sign_up import sign_up
from lettings.models import TALLIES, Applicant, Offer
from lettings.policy import load

from .conftest import add_applicant, closed_advert_with_bidders, let, offer

LEADER = bearer("leader-1", "team_leader")
BANDS = ("A", "B", "C", "D")


def kept(session) -> dict:
    return {(figure, month, key): n for figure in (lets.LETS_BY_BAND, lets.VOIDS_LET)
            for month, key, n in tallies.counted(session, TALLIES, figure)}


def from_the_rows(session, date_from: dt.date, date_to: dt.date) -> tuple[list, list]:
    """Lets by band and void months counted from the lets alone, over the whole period (as the
    report counted them before the tallies)."""
    bands, by_month = lets.counted_lets(session, date_from, date_to)
    return ([{"band": b, "lets": bands[b]} for b in list(BANDS) + sorted(set(bands) - set(BANDS))],
            reporting.void_months(by_month, reporting.months_between(date_from, date_to)))


def first_of(day: dt.date, back: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(year, month + 1, 1)


@pytest.fixture
def lets_made(lettings):
    """Five lets through the API, starting either side of the last two months' boundaries, after voids
    of different lengths (some starting in the month before), for applicants in bands A and B."""
    today = london_today()
    this_month, last_month = first_of(today, 0), first_of(today, 1)
    starts = [last_month - dt.timedelta(days=1), last_month, last_month + dt.timedelta(days=9),
              this_month - dt.timedelta(days=1), this_month]
    for n, start in enumerate(starts):
        applicant = add_applicant(lettings, band="A" if n % 2 else "B")
        advert = closed_advert_with_bidders(lettings, applicant,
                                            void_date=(start - dt.timedelta(days=3 + 11 * n)).isoformat())
        let(lettings, advert, applicant, start.isoformat())
    return starts


def test_sign_up_keeps_the_tallies_as_a_count_from_scratch(lettings, lets_made):
    with lettings.db.transaction() as session:
        counted = kept(session)
        lets.recount(session)
        assert kept(session) == counted
    months = {m for _, m, _ in counted}
    assert len(months) == 3 and counted[(lets.VOIDS_LET, min(months), lets.LETS)] == 1


@pytest.mark.parametrize("back, ahead", [(0, 0), (12, 1), (3, -17), (-3, -20)])
def test_the_report_from_tallies_and_part_months_equals_the_count_from_the_rows(lettings, lets_made, back, ahead):
    """Periods of whole months, of part months at both ends, and of one part month (the days chosen
    around the lets' starts: a boundary each side)."""
    starts = lets_made
    date_from = (first_of(starts[0], 0) if back >= 0 else starts[2]) - dt.timedelta(days=max(back, 0))
    date_to = starts[-1] + dt.timedelta(days=ahead) if ahead >= 0 else starts[2] - dt.timedelta(days=ahead + 20)
    figures = lettings.client.get("/reports/lettings-performance", headers=LEADER, query_string={
        "from": date_from.isoformat(), "to": date_to.isoformat()}).json
    with lettings.db.transaction() as session:
        by_band, months = from_the_rows(session, date_from, date_to)
    assert figures["lets_by_band"] == by_band
    assert [(m["month"], m["lets"], m["void_days"], Decimal(m["rent_loss"]), m["void_days_per_let"],
             m["rent_loss_per_let"]) for m in figures["void_months"]] == [
        (m["month"], m["lets"], m["void_days"], m["rent_loss"], m["void_days_per_let"] and str(m["void_days_per_let"]),
         m["rent_loss_per_let"] and str(m["rent_loss_per_let"])) for m in months]
    assert sum(m["lets"] for m in months) >= 1


def test_a_sign_up_and_a_band_change_move_the_tallies_in_their_own_transaction(lettings):
    applicant = add_applicant(lettings, band="C")
    advert = closed_advert_with_bidders(lettings, applicant, void_date=(london_today() - dt.timedelta(days=20)).isoformat())
    made = offer(lettings, advert).json
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=bearer("officer-1", "lettings_officer")).status_code == 200
    start = london_today()
    month = f"{start:%Y-%m}"

    class Undone(Exception):
        pass

    with pytest.raises(Undone), lettings.app.app_context(), lettings.db.transaction() as session:
        found = session.get(Offer, uuid.UUID(made["id"]))
        sign_up(session, found, tenancy_start=start, tenancy_type=None, support_needs=[], override_reason="test",
                by="officer-1", policy=load(), now=dt.datetime.now(dt.UTC))
        counted = kept(session)
        assert counted[(lets.LETS_BY_BAND, month, ("C",))] == 1
        assert counted[(lets.VOIDS_LET, month, lets.VOID_DAYS)] == 20
        raise Undone  # rolled back: the let and its counts with it
    with lettings.db.transaction() as session:
        assert kept(session) == {}

    assert lettings.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": start.isoformat()},
                                headers=bearer("officer-1", "lettings_officer")).status_code == 201
    with pytest.raises(Undone), lettings.db.transaction() as session:
        housed = session.scalar(select(Applicant).where(Applicant.id == uuid.UUID(applicant["id"])))
        applicant_changes.change_applicant(session, housed, changes={"band": "A", "band_change": {
            "reason": "Medical priority.", "decision_date": start}}, by="officer-1", now=dt.datetime.now(dt.UTC))
        session.flush()
        counted = kept(session)
        assert counted.get((lets.LETS_BY_BAND, month, ("C",))) is None  # counted nought: left out
        assert counted[(lets.LETS_BY_BAND, month, ("A",))] == 1
        lets.recount(session)
        assert kept(session) == counted
        raise Undone
    with lettings.db.transaction() as session:
        assert kept(session)[(lets.LETS_BY_BAND, month, ("C",))] == 1


def test_the_offers_made_in_a_period_are_counted_from_an_index_alone(lettings):
    """A year of a large council's offers (10,935) read from the table took 1,067 pages; from
    ``ix_offers_made_at_answer`` (made_at, status, refusal_reason_code) 66 (bench/NOTES.md)."""
    from sqlalchemy import text

    query = ("SELECT status, refusal_reason_code, count(*) FROM offers WHERE made_at >= '2026-01-01' "
             "AND made_at < '2026-12-08' GROUP BY status, refusal_reason_code")
    with lettings.db.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
            plan = " ".join(row[0] for row in session.execute(text("EXPLAIN " + query)))
            assert "Index Only Scan using ix_offers_made_at_answer" in plan, plan
        else:
            plan = " ".join(row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + query)))
            assert "COVERING INDEX ix_offers_made_at_answer" in plan, plan
