"""The register counted by status, band and bedroom need (``lettings.register_counts``), kept as
applicants are written: after registration, changes of band and household, status changes and a
let, the counts equal a count of the applicants, and the performance report reads them, not the
applicants (both backends)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from casework_dev.testing import bearer, statements_sent
from lettings import register_counts
from lettings.models import RegisterCount

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, let, person

LEADER = bearer("leader-1", "team_leader")
MEDICAL = {"reason": "Medical priority awarded by the medical adviser.", "decision_date": dt.date.today().isoformat()}


def kept(lettings) -> dict:
    with lettings.db.transaction() as session:
        return {(c.status, c.band, c.bedroom_need): c.count for c in session.scalars(select(RegisterCount)) if c.count}


def counted(lettings) -> dict:
    with lettings.db.transaction() as session:
        register_counts.recount(session)
    return kept(lettings)


def changed(lettings, applicant: dict, body: dict) -> dict:
    url = f"/applicants/{applicant['id']}"
    tag = lettings.client.get(url, headers=OFFICER).headers["ETag"]
    r = lettings.client.patch(url, json=body, headers={**OFFICER, "If-Match": tag})
    assert r.status_code == 200, r.json
    return r.json


def test_the_counts_follow_every_use_case_that_writes_an_applicant(lettings):
    a = add_applicant(lettings, band="B")  # a couple's household, two children: need 2
    b = add_applicant(lettings, band="C", household=[person()])
    c = add_applicant(lettings, band="C", household=[person()])
    need_a, need_b = a["bedroom_need"], b["bedroom_need"]
    assert kept(lettings) == {("active", "B", need_a): 1, ("active", "C", need_b): 2}

    changed(lettings, a, {"band": "A", "band_change": MEDICAL})
    grown = changed(lettings, b, {"household": [person(), person("child", 9, "M"), person("child", 12, "F")]})
    assert grown["bedroom_need"] != need_b
    suspended = lettings.client.post(f"/applicants/{c['id']}/status", headers=OFFICER,
                                     json={"status": "suspended", "reason": "Officer's decision."})
    assert suspended.status_code == 200, suspended.json
    assert kept(lettings) == {("active", "A", need_a): 1, ("active", "C", grown["bedroom_need"]): 1,
                              ("suspended", "C", need_b): 1}

    let(lettings, closed_advert_with_bidders(lettings, a), a, dt.date.today().isoformat())  # housed
    cancelled = lettings.client.post(f"/applicants/{c['id']}/status", headers=OFFICER,
                                     json={"status": "cancelled", "reason": "Moved away."})
    assert cancelled.status_code == 200, cancelled.json
    found = kept(lettings)
    assert found == {("housed", "A", need_a): 1, ("active", "C", grown["bedroom_need"]): 1,
                     ("cancelled", "C", need_b): 1}
    assert found == counted(lettings)


def test_the_performance_report_reads_the_register_from_its_counts(lettings):
    """Counted on each request, the register read 66,000 index entries of a large council's 104,000
    applicants (12-50 ms: bench/NOTES.md, letx)."""
    add_applicant(lettings, band="A", household=[person()])
    add_applicant(lettings, band="A", household=[person()])
    with statements_sent(lettings.db.engine) as sent:
        figures = lettings.client.get("/reports/lettings-performance", headers=LEADER).json
    assert not [sql for sql, _ in sent if "FROM applicants" in sql]
    assert figures["register"]["rows"][0] == {"band": "A", "by_bedroom_need": {"1": 2}, "total": 2}


def test_a_change_to_an_applicant_not_loaded_moves_the_count_from_where_it_stood(lettings):
    """A value set without having been read (expired after a commit, say) still leaves the count it
    was in: the columns load their value before a change (``active_history``)."""
    import uuid

    from lettings.models import Applicant

    made = add_applicant(lettings, band="B", household=[person()])
    with lettings.db.transaction() as session:
        applicant = session.get(Applicant, uuid.UUID(made["id"]))
        session.expire(applicant, ["band", "status"])
        applicant.band, applicant.status = "D", "suspended"
    assert kept(lettings) == {("suspended", "D", made["bedroom_need"]): 1} == counted(lettings)
