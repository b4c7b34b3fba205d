"""`casework run` (`make run`) as a person uses it: Ctrl-C stops it cleanly, and what it
recorded is there after a restart. (Journeys 1–3 run on it too: the ``sqlite`` backend of the
e2e ``system`` fixture.)"""

from casework.testing import EmbeddedSystem

from .conftest import REFERRAL, People


def test_ctrl_c_stops_casework_run_cleanly_and_a_restart_keeps_the_records(tmp_path):
    first = EmbeddedSystem(tmp_path).start()
    try:
        made = People(first.urls(), first.jwt_secret).partner.post("intake", "/referrals", REFERRAL)
        assert made.status_code == 201, made.text
    finally:
        code = first.stop()
    assert code == 0, first.logs(60)
    assert {p.name for p in first.data_dir.iterdir()} >= {f"{name}.db" for name in first.ports}

    with EmbeddedSystem(tmp_path) as again:
        again.start()
        read = People(again.urls(), again.jwt_secret).intake_officer.get("intake", f"/referrals/{made.json()['id']}")
        assert read.status_code == 200, read.text
        assert read.json()["reference"] == made.json()["reference"]
        assert again.stop() == 0, again.logs(60)
