"""A referring system never sees, changes or learns of another referrer's referrals."""

from casework_dev.testing import bearer

from .test_rate_limit import REFERRAL

MINE = bearer("asc-partner", "referrer")
THEIRS = bearer("income-recovery-system", "referrer")


def test_another_referrers_referral_is_invisible_everywhere(harnesses):
    intake = harnesses("intake")
    made = intake.client.post("/referrals", json=REFERRAL, headers=THEIRS)
    assert made.status_code == 201
    rid = made.json["id"]
    own = intake.client.post("/referrals", json=REFERRAL, headers=MINE).json["id"]

    assert [r["id"] for r in intake.client.get("/referrals?page_size=100", headers=MINE).json] == [own]
    for query in ("status=received", "source_system=income_recovery", f"tenancy_ref={REFERRAL['tenancy_ref']}"):
        listed = intake.client.get(f"/referrals?{query}", headers=MINE)
        assert rid not in {r["id"] for r in listed.json or []}
    assert intake.client.get(f"/referrals/{rid}", headers=MINE).status_code == 404
    withdrawn = intake.client.post(f"/referrals/{rid}/withdraw", json={"reason": "not mine"}, headers=MINE)
    assert withdrawn.status_code == 404
    assert intake.client.get(f"/referrals/{rid}/audit", headers=MINE).status_code == 403
    assert intake.client.get(f"/referrals/{rid}", headers=THEIRS).json["status"] == "received"


def test_a_referrer_does_not_see_possible_duplicates_made_by_others(harnesses):
    intake = harnesses("intake")
    theirs = intake.client.post("/referrals", json=REFERRAL, headers=THEIRS).json["id"]
    mine = intake.client.post("/referrals", json=REFERRAL, headers=MINE).json
    assert theirs not in str(mine)
    assert theirs not in intake.client.get(f"/referrals/{mine['id']}", headers=MINE).get_data(as_text=True)
