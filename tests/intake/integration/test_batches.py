"""POST /referrals/batch: many households from a data feed such as LIFT, each made into a referral
as POST /referrals makes one, with a result per row; re-sent batches make nothing twice; the
batch seen in the triage queue, the highest risk first."""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import InvalidRequestError

from casework import privacy
from casework.audit import AuditEntry
from casework.context import Principal
from casework_dev.testing.pages import sign_in_as
from intake import batches
from intake.batch_schemas import MOST_HOUSEHOLDS
from intake.models import BatchReferral, Referral, ReferralBatch
from intake.privacy import RETENTION

from .conftest import REFERRAL

LIFT = {"system": "lift", "team": "Financial Inclusion", "referrer": {"name": "Priya Shah"}}
REASON = "Low income, at risk of arrears"


def household(**changes) -> dict:
    """The example referral as a batch row (no source of its own), fields replaced (None removes one)."""
    row = {k: v for k, v in copy.deepcopy(REFERRAL).items() if k != "source"}
    for name, value in changes.items():
        if value is None:
            row.pop(name, None)
        else:
            row[name] = value
    return row


#: A household to make (medium risk), one for the same tenancy as an open referral (made, and
#: linked as a possible duplicate, as POST /referrals links it), one with no name, and one high risk.
GOOD = household(tenancy_ref="T-0000001", person={"name": "Jo Bloggs"}, reasons=["other"], arrears_balance=None,
                 details=None)
SAME_TENANCY = household()
NO_NAME = household(tenancy_ref="T-0000002", person={"date_of_birth": "1990-01-01"})
HIGH = household(tenancy_ref="T-0000003", person={"name": "Sam Lee"},
                 reasons=["safeguarding_child", "rent_arrears", "domestic_abuse"])


def send(intake, headers, households, **extra):
    body = {"source": LIFT, "reason": REASON, "households": households}
    return intake.client.post("/referrals/batch", json=body, headers={**headers, **extra})


def count(intake, model) -> int:
    with intake.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_each_row_is_made_refused_or_linked_on_its_own(intake, refer, who):
    earlier = refer()  # an open referral for T-0042117, as SAME_TENANCY

    response = send(intake, who.referrer, [GOOD, SAME_TENANCY, NO_NAME, "not a household"])

    assert response.status_code == 201, response.json
    batch = response.json
    assert response.headers["Location"] == f"/referrals/batch/{batch['id']}"
    assert (batch["households"], batch["created"], batch["duplicates"], batch["refused"]) == (4, 2, 0, 2)
    assert (batch["source_system"], batch["reason"], batch["sent_by"]) == ("lift", REASON, "income-recovery-system")
    good, same, no_name, junk = batch["results"]
    assert good["outcome"] == "created" and good["referral"]["risk_level"] == "low"
    assert re.fullmatch(r"R-\d{6}", good["referral"]["reference"])
    assert no_name == {"row": 2, "outcome": "refused", "errors": {"person.name": ["Missing data for required field."]}}
    assert junk["outcome"] == "refused" and junk["row"] == 3
    # The same tenancy is flagged, never refused, exactly as POST /referrals does.
    with intake.db.transaction() as session:
        made = session.get(Referral, uuid.UUID(same["referral"]["id"]))
        assert [link["reference"] for link in made.possible_duplicate_of] == [earlier["reference"]]
        assert (made.source_system, made.source_team) == ("lift", "Financial Inclusion")
        link = session.get(BatchReferral, made.id)
        assert (str(link.batch_id), link.row) == (batch["id"], 1)
    # Each referral made publishes its own event; refused rows leave nothing behind.
    received = intake.events("intake.referral.received.v2")
    assert sorted(e.data["reference"] for e in received) == sorted(
        [earlier["reference"], good["referral"]["reference"], same["referral"]["reference"]])
    assert count(intake, Referral) == 3
    assert all("Jo Bloggs" not in e.to_json() for e in received)


def test_the_batch_is_recorded_and_audited_without_personal_data(intake, who):
    batch = send(intake, who.referrer, [GOOD, NO_NAME]).json

    read = intake.client.get(f"/referrals/batch/{batch['id']}", headers=who.intake_officer)
    assert read.status_code == 200
    assert read.json["results"] == batch["results"]
    assert "Jo Bloggs" not in read.get_data(as_text=True)
    with intake.db.transaction() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.record_id == batch["id"])).all()
        assert (entry.action, entry.actor) == ("receive_batch", "income-recovery-system")
        assert entry.after["created"] == 1 and entry.after["refused"] == 1
    # Another referring system does not see it.
    assert intake.client.get(f"/referrals/batch/{batch['id']}", headers=who.other_referrer).status_code == 404
    assert intake.client.get("/referrals/batch", headers=who.other_referrer).json == []
    assert [b["id"] for b in intake.client.get("/referrals/batch", headers=who.intake_officer).json] == [batch["id"]]



def test_the_list_of_batches_reads_no_row_results(intake, who):
    """A list shows each batch's counts: each row's result (some 34 kB a LIFT batch) is left unread,
    and reading it from a listed batch raises rather than loading it a batch at a time."""
    send(intake, who.referrer, [GOOD, HIGH])
    stmt = batches.newest_first(Principal(sub="intake-01", roles=frozenset({"intake_officer"})))

    assert "results" not in str(stmt)
    with intake.db.transaction() as session:
        [listed] = session.scalars(stmt).all()
        assert listed.households == 2
        with pytest.raises(InvalidRequestError):
            _ = listed.results

def test_a_batch_sent_again_makes_nothing_twice(intake, who):
    first = send(intake, who.referrer, [GOOD, HIGH, NO_NAME]).json

    again = send(intake, who.referrer, [GOOD, HIGH, NO_NAME, GOOD])

    assert again.status_code == 201
    results = again.json["results"]
    assert [r["outcome"] for r in results] == ["duplicate", "duplicate", "refused", "duplicate"]
    assert [r["duplicate_of"]["reference"] for r in results if r["outcome"] == "duplicate"] == [
        first["results"][0]["referral"]["reference"], first["results"][1]["referral"]["reference"],
        first["results"][0]["referral"]["reference"]]
    assert count(intake, Referral) == 2
    assert len(intake.events("intake.referral.received.v2")) == 2
    # Another source sending the same household is a new referral (linked as a possible duplicate).
    other = {"source": {**LIFT, "system": "benefits_data"}, "reason": REASON, "households": [GOOD]}
    made = intake.client.post("/referrals/batch", json=other, headers=who.referrer).json
    assert made["results"][0]["outcome"] == "created"


def test_a_batch_re_sent_with_its_idempotency_key_gets_the_first_answer(intake, who):
    key = {"Idempotency-Key": "lift-2026-12-08"}
    first = send(intake, who.referrer, [GOOD, HIGH], **key)

    again = send(intake, who.referrer, [GOOD, HIGH], **key)

    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert count(intake, ReferralBatch) == 1 and count(intake, Referral) == 2


def test_a_wrong_batch_is_refused_whole_naming_the_field(intake, who):
    too_many = send(intake, who.referrer, [GOOD] * (MOST_HOUSEHOLDS + 1))
    assert too_many.status_code == 422
    assert too_many.json["errors"] == {"households": ["Send from 1 to 500 households in one batch."]}
    no_reason = intake.client.post("/referrals/batch", json={"source": LIFT, "households": [GOOD]},
                                   headers=who.referrer)
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    assert count(intake, ReferralBatch) == 0 and count(intake, Referral) == 0


def test_the_batch_is_triaged_together_the_highest_risk_first(intake, refer, who):
    outside = refer(reasons=["safeguarding_child", "rent_arrears"])  # critical, but not in the batch
    batch = send(intake, who.referrer, [GOOD, NO_NAME, HIGH, SAME_TENANCY]).json
    good, _, high, same = batch["results"]

    listed = intake.client.get(f"/referrals?batch_id={batch['id']}&order=risk", headers=who.intake_officer).json
    assert [r["reference"] for r in listed] == [
        high["referral"]["reference"], same["referral"]["reference"], good["referral"]["reference"]]

    with intake.app.test_client() as browser:
        sign_in_as(browser, "officer-jo", "intake_officer", name="Jo")
        batches_page = browser.get("/app/referrals/batches").get_data(as_text=True)
        table = batches_page[batches_page.index('id="batches"'):]
        assert f'href="/app/referrals?batch_id={batch["id"]}"' in table
        assert "lift" in table and REASON in table
        numbers = re.findall(r'govuk-table__cell--numeric">\s*(\d+)', table)
        assert numbers == ["4", "3", "0", "1"]
        assert 'href="/app/referrals/batches"' in browser.get("/app/referrals").get_data(as_text=True)

        page = browser.get(f"/app/referrals?batch_id={batch['id']}").get_data(as_text=True)
        assert "Batch from lift" in page and "3 referrals made, 0 duplicates, 1 refused" in page
        queue = page[page.index('id="triage-queue"'):]
        assert re.findall(r">(R-\d{6})</a></th>", queue) == [
            high["referral"]["reference"], same["referral"]["reference"], good["referral"]["reference"]]
        assert f'>{outside["reference"]}</a></th>' not in queue  # linked only, as a possible duplicate
        assert browser.get("/app/referrals?batch_id=not-a-batch").status_code == 422
        assert browser.get("/app/referrals?batch_id=00000000-0000-0000-0000-000000000000").status_code == 404


def test_anonymising_a_batch_referral_forgets_its_row_digest_and_feed_reference(intake, who):
    made = send(intake, who.referrer, [GOOD]).json["results"][0]["referral"]
    with intake.db.transaction() as session:  # as casework import referrals keeps it
        session.get(BatchReferral, uuid.UUID(made["id"])).source_ref = "LIFT-2026-10041"
    intake.client.post(f"/referrals/{made['id']}/triage", headers=who.intake_officer,
                       json={"outcome": "reject", "reason": "Already supported."})

    with intake.db.transaction() as session:
        assert privacy.sweep(session, RETENTION, service="intake",
                             now=dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 3)) == {"referral": 1}
    with intake.db.transaction() as session:
        anonymised = session.get(BatchReferral, uuid.UUID(made["id"]))
        assert (anonymised.row_key, anonymised.source_ref) == (None, None)
