"""Letters read as the applicant does (London's time), and the bands are the council's own."""

import uuid

import yaml
from sqlalchemy import delete, select

from casework import audit
from lettings.models import Letter

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, offer


def test_the_offer_letter_gives_the_answer_by_time_in_london(lettings):
    advert = closed_advert_with_bidders(lettings, add_applicant(lettings))
    made = offer(lettings, advert, respond_by="2027-07-02T16:00:00+00:00")  # 17:00 in London (BST)
    assert made.status_code == 201, made.json

    letter = lettings.client.get(f"/offers/{made.json['id']}/letters/offer", headers=OFFICER)

    assert letter.status_code == 200
    assert "2 July 2027 at 17:00" in letter.text and "at 16:00" not in letter.text


def test_an_applicant_is_banded_by_the_councils_own_scheme(lettings, tmp_path, monkeypatch):
    scheme = tmp_path / "council.yaml"
    scheme.write_text(yaml.safe_dump({"bands": ["1", "2", "3", "4"]}))  # Band 1 (highest) to Band 4
    monkeypatch.setenv("CASEWORK_LETTINGS_POLICY_FILE", str(scheme))

    first = add_applicant(lettings, band="1")
    assert first["band"] == "1"
    refused = lettings.client.post("/applicants", json={**_application(), "band": "A"}, headers=OFFICER)
    assert refused.status_code == 422 and "1, 2, 3, 4" in refused.json["errors"]["band"][0]


def test_a_scheme_may_name_its_bands_in_words_and_shortlists_follow_its_order(lettings, tmp_path, monkeypatch):
    scheme = tmp_path / "council.yaml"
    scheme.write_text(yaml.safe_dump({"bands": ["Emergency", "Gold", "Silver", "Bronze"]}))
    monkeypatch.setenv("CASEWORK_LETTINGS_POLICY_FILE", str(scheme))

    bronze = add_applicant(lettings, band="Bronze")
    emergency = add_applicant(lettings, band="Emergency")
    advert = closed_advert_with_bidders(lettings, bronze, emergency)
    shortlist = lettings.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER)

    assert (bronze["band"], emergency["band"]) == ("Bronze", "Emergency")
    assert shortlist.status_code == 200, shortlist.json
    assert [row["band"] for row in shortlist.json["ranked"]] == ["Emergency", "Bronze"]


def _application() -> dict:
    return {"household": [{"name": "Sam Lee", "date_of_birth": "1990-05-01", "sex": "F", "relationship": "applicant"}],
            "band": "B", "effective_date": "2024-01-10",
            "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"}}


def _refuse(lettings, made: dict, reasonable: bool = False):
    r = lettings.client.post(f"/offers/{made['id']}/refuse", json={"reason": "Wants a house", "reasonable": reasonable},
                             headers=OFFICER)
    assert r.status_code == 200, r.json
    return r


def _stored(lettings, offer_id: str) -> dict:
    with lettings.db.transaction() as session:
        return {letter.kind: letter for letter in session.scalars(
            select(Letter).where(Letter.offer_id == uuid.UUID(offer_id)))}


def test_letters_are_kept_as_issued_and_read_the_same_whatever_happens_after(lettings):
    applicant = add_applicant(lettings)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    assert set(_stored(lettings, made["id"])) == {"offer"}  # issued with the offer, in its transaction
    _refuse(lettings, made)
    _refuse(lettings, offer(lettings, closed_advert_with_bidders(lettings, applicant)).json)
    first = lettings.client.get(f"/offers/{made['id']}/letters/refusal", headers=OFFICER)
    assert first.status_code == 200
    assert "This is your first unreasonable refusal within twelve months. One more" in first.text
    assert "suspended" not in first.text

    # The second refusal suspended the applicant; a letter rendered afresh would now say so. It does not.
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["status"] == "suspended"
    again = lettings.client.get(f"/offers/{made['id']}/letters/refusal", headers=OFFICER)
    assert again.text == first.text
    stored = _stored(lettings, made["id"])
    assert stored["refusal"].text == first.text and stored["refusal"].values["unreasonable_in_window"] == 1
    assert not stored["refusal"].issued_on_first_read
    with lettings.db.transaction() as session:  # every read audited
        reads = [e for e in audit.trail(session, "letter", stored["refusal"].id) if e.action == "read"]
    assert len(reads) == 2


def test_the_refusal_letter_follows_the_councils_limit(lettings, tmp_path, monkeypatch):
    scheme = tmp_path / "council.yaml"
    scheme.write_text(yaml.safe_dump({"offers": {"unreasonable_refusal_limit": 1, "refusal_window_months": 6}}))
    monkeypatch.setenv("CASEWORK_LETTINGS_POLICY_FILE", str(scheme))
    made = offer(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings))).json
    _refuse(lettings, made)

    letter = lettings.client.get(f"/offers/{made['id']}/letters/refusal", headers=OFFICER).text
    assert "one unreasonable refusal within six months suspends an application" in letter
    assert "so your application has been suspended" in letter and "twelve" not in letter


def test_an_offer_from_before_letters_were_kept_gets_its_letter_when_first_read(lettings):
    made = offer(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings))).json
    lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Gas check failed"}, headers=OFFICER)
    with lettings.db.transaction() as session:  # as an offer made before migration 0011 stands
        session.execute(delete(Letter))

    first = lettings.client.get(f"/offers/{made['id']}/letters/withdrawal", headers=OFFICER)
    assert first.status_code == 200 and "Gas check failed" in first.text
    assert lettings.client.get(f"/offers/{made['id']}/letters/withdrawal", headers=OFFICER).text == first.text
    assert _stored(lettings, made["id"])["withdrawal"].issued_on_first_read
    missing = lettings.client.get(f"/offers/{made['id']}/letters/refusal", headers=OFFICER)
    assert missing.status_code == 404 and "withdrawn" in missing.json["detail"]


def test_a_refusal_from_before_letters_were_kept_is_told_from_the_refusals_up_to_it(lettings):
    applicant = add_applicant(lettings)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    _refuse(lettings, made)
    with lettings.db.transaction() as session:
        session.execute(delete(Letter))

    letter = lettings.client.get(f"/offers/{made['id']}/letters/refusal", headers=OFFICER)
    assert letter.status_code == 200
    assert "This is your first unreasonable refusal within twelve months. One more" in letter.text
    assert _stored(lettings, made["id"])["refusal"].issued_on_first_read
