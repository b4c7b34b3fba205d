"""The shortlist on both databases a lettings service runs on: PostgreSQL, and the SQLite file
of the embedded system (`make run`), where its PostgreSQL query once answered 503."""

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, offer, person


def test_the_shortlist_ranks_and_excludes_alike_on_both_databases(service):
    first, second = add_applicant(service, band="A"), add_applicant(service, band="B")
    grows, suspended, elsewhere = (add_applicant(service, band="A") for _ in range(3))
    other_home = closed_advert_with_bidders(service, elsewhere)
    advert = closed_advert_with_bidders(service, second, grows, suspended, elsewhere, first)
    # What changed since bidding: a live offer of another home, a household grown out of the
    # home, a suspension.
    assert offer(service, other_home).status_code == 201
    household = [person(), person("child", 14, "M"), person("child", 12, "F")]
    tag = service.client.get(f"/applicants/{grows['id']}", headers=OFFICER).headers["ETag"]
    assert service.client.put(f"/applicants/{grows['id']}/household", json={"household": household},
                              headers={**OFFICER, "If-Match": tag}).status_code == 200
    assert service.client.post(f"/applicants/{suspended['id']}/status", json={"status": "suspended",
                               "reason": "Awaiting proof of income."}, headers=OFFICER).status_code == 200

    r = service.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER)

    assert r.status_code == 200, r.json
    assert [(b["applicant_id"], b["reference"], b["position"]) for b in r.json["ranked"]] == [
        (first["id"], first["reference"], 1), (second["id"], second["reference"], 2)]
    assert sorted((e["applicant_id"], e["reference"], [reason["code"] for reason in e["reasons"]])
                  for e in r.json["excluded"]) == sorted([
        (grows["id"], grows["reference"], ["too_small"]),
        (suspended["id"], suspended["reference"], ["suspended"]),
        (elsewhere["id"], elsewhere["reference"], ["live_offer_elsewhere"])])
    made = offer(service, advert)
    assert made.status_code == 201, made.json
    assert made.json["applicant_id"] == first["id"]
