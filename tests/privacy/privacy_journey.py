"""The first journey through the four in-process services, and who takes part in it."""

from __future__ import annotations

from types import SimpleNamespace

from casework_dev.testing import bearer

PEOPLE = SimpleNamespace(
    referrer=bearer("income-recovery-system", "referrer"),
    intake_officer=bearer("iris-intake", "intake_officer"),
    sustainment_officer=bearer("sam-sustain", "sustainment_officer"),
    team_leader=bearer("tara-leader", "team_leader"),
    admin=bearer("ada-admin", "admin"),
)


NAME, DATE_OF_BIRTH, TENANCY_REF = "Zephyrine Quillfeather-Ombwa", "1980-05-17", "T-0099017"

REFERRAL = {
    "source": {"system": "income_recovery", "team": "Income Recovery (North)",
               "referrer": {"name": "Sam Patel", "email": "sam.patel@council.example", "phone": "01908 000000"}},
    "person": {"name": NAME, "date_of_birth": DATE_OF_BIRTH, "phone": "07700 900123",
               "email": "z.quillfeather@example.com", "address": "Flat 4, 12 Station Road, MK9 1AA"},
    "tenancy_ref": TENANCY_REF,
    "uprn": "25001234",
    "reasons": ["rent_arrears", "mental_health"],
    "details": f"{NAME} (born 17 May 1980) has stopped engaging with the income team.",
    "arrears_balance": "1300.00",
    "weekly_rent": "130.00",
    "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


def register_directory(system, *, email_preference: str = "off") -> None:
    """The officers and teams in notifications' directory (the team leader manages both teams)."""
    client = system.notifications.client
    for sub, teams, roles in (("iris-intake", ["intake"], ["intake_officer"]),
                              ("sam-sustain", ["sustainment"], ["sustainment_officer"]),
                              ("tara-leader", ["sustainment", "intake"], ["team_leader"])):
        r = client.post("/officers", headers=PEOPLE.admin, json={
            "id": sub, "name": sub.replace("-", " ").title(), "email": f"{sub}@council.example.gov.uk",
            "teams": teams, "roles": roles, "email_preference": email_preference})
        assert r.status_code == 201, r.json
    for slug in ("intake", "sustainment", "lettings"):
        r = client.post("/teams", headers=PEOPLE.admin,
                        json={"slug": slug, "name": slug.title(), "manager_id": "tara-leader"})
        assert r.status_code == 201, r.json


def referral_to_assigned_case(system, referral: dict = REFERRAL) -> dict:
    """The first journey: referred, accepted, a case opened and assigned; returns the ids."""
    from casework_dev.testing import wait_until

    referral = system.intake.client.post("/referrals", json=referral, headers=PEOPLE.referrer)
    assert referral.status_code == 201, referral.json
    referral_id = referral.json["id"]
    r = system.intake.client.post(f"/referrals/{referral_id}/triage", headers=PEOPLE.intake_officer,
                                  json={"outcome": "accept", "reason": "Meets the criteria."})
    assert r.status_code == 200, r.json

    def opened():
        found = system.sustainment.client.get(f"/cases?referral_id={referral_id}", headers=PEOPLE.team_leader).json
        return found[0] if found else None

    case = wait_until(opened, timeout=30, message="sustainment to open the case")
    r = system.sustainment.client.post(f"/cases/{case['id']}/assignment", headers=PEOPLE.team_leader,
                                       json={"officer_id": "sam-sustain"})
    assert r.status_code == 200, r.json

    def first_contact_task():
        return [t for t in system.notifications.client.get(
            f"/tasks?subject_id={case['id']}", headers=PEOPLE.admin).json if t["rule"] == "first_contact"]

    wait_until(first_contact_task, timeout=30, message="the first-contact task")
    return {"referral_id": referral_id, "case_id": case["id"]}
