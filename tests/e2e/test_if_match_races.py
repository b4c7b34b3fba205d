"""Two updates sent with one ETag to the real servers (gunicorn, two workers of four threads each,
on PostgreSQL): exactly one wins, the other is 412, and the record is the winner's."""

import datetime as dt

import pytest

from casework_dev.system import Client, System
from casework_dev.testing import at_once
from lettings.service import SERVICE as LETTINGS
from notifications.service import SERVICE as NOTIFICATIONS


@pytest.fixture(scope="module")
def apis(postgres_url, broker_url, tmp_path_factory):
    """The lettings and notifications apis alone (an update needs no worker)."""
    with System.for_tests(postgres_url, broker_url, services=[LETTINGS, NOTIFICATIONS], api_workers=2,
                          log_dir=tmp_path_factory.mktemp("race-logs")) as system:
        system.migrate()
        for name in ("lettings-api", "notifications-api"):
            system.start_process(name, timeout=90)
        yield system


def caller(apis: System, sub: str, role: str) -> Client:
    return Client(apis.urls(), sub, role, secret=apis.jwt_secret)


def member(relationship: str, age: int, sex: str = "F") -> dict:
    born = dt.date.today().replace(month=1, day=1) - dt.timedelta(days=365 * age)
    return {"name": f"{relationship.title()} {age}", "date_of_birth": born.isoformat(), "sex": sex,
            "relationship": relationship}


def put_at_once(apis: System, service: str, record: str, url: str, role: str, bodies: list[dict]) -> list:
    """Read ``record``'s ETag, then PUT each body to ``url`` with it, each from a connection of its
    own, together."""
    etag = caller(apis, "reader", role).get(service, record).headers["ETag"]
    clients = [caller(apis, f"officer-{n}", role) for n in range(len(bodies))]
    return at_once(*(_put(client, service, url, body, etag) for client, body in zip(clients, bodies, strict=True)))


def _put(client: Client, service: str, url: str, body: dict, etag: str):
    return lambda: client.put(service, url, body, headers={"If-Match": etag})


def test_two_household_changes_with_one_etag_have_one_winner_under_gunicorn(apis):
    officer = caller(apis, "lettings-officer", "lettings_officer")
    couple = [member("applicant", 35), member("partner", 36, "M")]
    with_teenagers = [member("applicant", 35), member("child", 14, "M"), member("child", 12)]
    for _ in range(10):
        created = officer.post("lettings", "/applicants", {
            "household": [member("applicant", 35), member("child", 6, "M"), member("child", 4)], "band": "B",
            "effective_date": "2024-01-10"})
        assert created.status_code == 201, created.text
        url = f"/applicants/{created.json()['id']}"

        answers = put_at_once(apis, "lettings", url, f"{url}/household", "lettings_officer",
                              [{"household": couple}, {"household": with_teenagers}])

        assert sorted(r.status_code for r in answers) == [200, 412]
        (won,) = [r.json() for r in answers if r.status_code == 200]
        final = officer.get("lettings", url).json()
        assert final["household"] == won["household"] and final["bedroom_need"] == won["bedroom_need"]
        assert [m["relationship"] for m in final["household"]].count("applicant") == 1
        assert final["bedroom_need"] == (1 if len(final["household"]) == 2 else 3)


def test_two_changes_to_an_officer_with_one_etag_have_one_winner_under_gunicorn(apis):
    admin = caller(apis, "admin", "admin")
    for n in range(10):
        officer = {"name": "N Officer", "email": f"n{n}@council.test", "teams": ["lettings"],
                   "roles": ["lettings_officer"]}
        assert admin.post("notifications", "/officers", {"id": f"o-{n}", **officer}).status_code == 201

        answers = put_at_once(apis, "notifications", f"/officers/o-{n}", f"/officers/o-{n}", "admin",
                              [{**officer, "roles": ["intake_officer"]}, {**officer, "active": False}])

        assert sorted(r.status_code for r in answers) == [200, 412]
        (won,) = [r.json() for r in answers if r.status_code == 200]
        assert admin.get("notifications", f"/officers/o-{n}").json() == won
