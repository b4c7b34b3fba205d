"""Letters read as the applicant does (London's time), and the bands are the council's own."""

import yaml

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


def _application() -> dict:
    return {"household": [{"name": "Sam Lee", "date_of_birth": "1990-05-01", "sex": "F", "relationship": "applicant"}],
            "band": "B", "effective_date": "2024-01-10",
            "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"}}
