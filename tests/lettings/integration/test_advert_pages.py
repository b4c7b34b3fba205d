"""The lettings pages for letting a home (/app/properties/{id}/advertise, /app/adverts/{id or
ADV-reference}, /app/offers/{id or O-reference} and its letters) through the Flask test client, on
both backends: what they show, what their forms do, their refusals (422 on the field, 409 with the
use case's reason), and what they audit."""

from __future__ import annotations

import datetime as dt
import re

from casework_dev.testing.pages import sign_in_as

from .conftest import (
    OFFICER,
    add_applicant,
    add_property,
    add_void,
    audits,
    bid,
    closed_advert_with_bidders,
    offer,
    open_advert,
    page_of,
    person,
    post,
    summary,
)


def test_only_lettings_officers_and_team_leaders_see_the_pages(lettings):
    prop = add_property(lettings)
    add_void(lettings, prop)
    advert = open_advert(lettings, prop)
    with lettings.app.test_client() as client:
        assert client.get(f"/app/adverts/{advert['reference']}").status_code in (302, 303)  # to the sign-in
        sign_in_as(client, "s-1", "sustainment_officer")
        assert client.get(f"/app/adverts/{advert['reference']}").status_code == 403
        assert client.get(f"/app/properties/{prop['id']}/advertise").status_code == 403
        sign_in_as(client, "tl-1", "team_leader")
        assert client.get(f"/app/adverts/{advert['reference']}").status_code == 200
        assert client.get(f"/app/adverts/{advert['id']}").status_code == 200
        assert client.get("/app/adverts/ADV-999999").status_code == 404


def test_advertising_a_void_from_its_form(lettings, browser):
    prop = add_property(lettings)
    add_void(lettings, prop)
    url = f"/app/properties/{prop['id']}/advertise"
    page = page_of(browser, url)
    assert "Advertise the home" in page and prop["reference"] in page

    # Every form carries its CSRF token: a post without one is refused.
    assert browser.post(url, data={"closes_on-day": "1"}).status_code == 400
    missing = post(browser, url, page, {}, status=422)
    assert "Enter the date bidding closes" in summary(missing.get_data(as_text=True))
    past = dt.date.today() - dt.timedelta(days=2)
    in_past = post(browser, url, page, {"closes_on": [str(past.day), str(past.month), str(past.year)]}, status=422)
    assert "Must be in the future." in in_past.get_data(as_text=True)

    closes = dt.date.today() + dt.timedelta(days=7)
    done = post(browser, url, page, {"closes_on": [str(closes.day), str(closes.month), str(closes.year)]})
    advert_page = page_of(browser, done.headers["Location"])
    assert "advertised as ADV-" in advert_page and "govuk-notification-banner--success" in advert_page
    adverts = lettings.client.get(f"/adverts?property_id={prop['id']}", headers=OFFICER).json
    assert len(adverts) == 1 and adverts[0]["status"] == "open"

    # A second advert while the first is open is the use case's refusal (409), in the summary.
    again = post(browser, url, page_of(browser, url), {
        "closes_on": [str(closes.day), str(closes.month), str(closes.year)]}, status=409)
    assert "being advertised already" in summary(again.get_data(as_text=True))


def test_bids_close_and_the_shortlist_ranked_and_excluded_with_every_reason(lettings, browser):
    top, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="C")
    too_big = add_applicant(lettings, household=[person(), *[person("child", 5 + i, "MF"[i % 2]) for i in range(4)]])
    prop = add_property(lettings)
    add_void(lettings, prop)
    advert = open_advert(lettings, prop)
    url = f"/app/adverts/{advert['reference']}"
    page = page_of(browser, url)
    assert audits(lettings, advert["id"]) == 1  # the read is audited

    post(browser, f"{url}/bids", page, {"applicant": second["reference"]})
    post(browser, f"{url}/bids", page, {"applicant": top["reference"].lower()})
    unknown = post(browser, f"{url}/bids", page, {"applicant": "A-999999"}, status=422)
    assert "There is no applicant A-999999" in summary(unknown.get_data(as_text=True))
    ineligible = post(browser, f"{url}/bids", page, {"applicant": too_big["reference"]}, status=422)
    assert 'id="applicant-error"' in ineligible.get_data(as_text=True)
    twice = post(browser, f"{url}/bids", page, {"applicant": top["reference"]}, status=409)
    assert "already bid" in summary(twice.get_data(as_text=True))
    # The too-big household bids through the API as if it had (the API refuses it too): exclusions
    # come from what changed since bidding; here one bidder takes a live offer of another home.
    other = closed_advert_with_bidders(lettings, add_applicant(lettings, band="B"))
    elsewhere = lettings.client.get(f"/adverts/{other['id']}/shortlist", headers=OFFICER).json["ranked"][0]
    assert bid(lettings, advert, {"id": elsewhere["applicant_id"]}).status_code == 201
    assert offer(lettings, other).status_code == 201

    closed = post(browser, f"{url}/close", page, {})
    body = page_of(browser, closed.headers["Location"])
    assert "Bidding closed on" in body and "Shortlist" in body
    ranked = re.search(r'id="ranked".*?</table>', body, re.S).group(0)
    assert ranked.index(top["reference"]) < ranked.index(second["reference"])
    assert "10 January 2024" in ranked  # effective date, as GOV.UK writes it
    excluded = re.search(r'id="excluded".*?</table>', body, re.S).group(0)
    assert elsewhere["reference"] in excluded and "<li>" in excluded
    again = post(browser, f"{url}/close", page, {}, status=409)
    assert "already closed" in summary(again.get_data(as_text=True))


def test_offer_to_the_top_or_past_them_with_a_reason(lettings, browser):
    top, lower = add_applicant(lettings, band="A"), add_applicant(lettings, band="C")
    advert = closed_advert_with_bidders(lettings, lower, top)
    url = f"/app/adverts/{advert['reference']}"
    page = page_of(browser, url)
    assert f'value="{top["id"]}" checked' in page or re.search(rf'value="{top["id"]}"[^>]*checked', page)

    no_reason = post(browser, f"{url}/offers", page, {"applicant_id": lower["id"]}, status=422)
    assert "higher-ranked bidder" in summary(no_reason.get_data(as_text=True))
    assert 'id="bypass_reason-error"' in no_reason.get_data(as_text=True)
    made = post(browser, f"{url}/offers", page, {"applicant_id": lower["id"],
                                                 "bypass_reason": "Top bidder in hospital until June."})
    assert re.search(r"/app/offers/O-\d+$", made.headers["Location"])
    shortlist = page_of(browser, url)
    assert "Top bidder in hospital until June." in shortlist and "is pending" in shortlist
    assert '<a class="govuk-link" href="/app/properties/' in shortlist and "&lt;a" not in shortlist


def test_an_offer_refused_with_a_reason_from_the_list_then_the_next_offered_checked_and_signed_up(lettings, browser):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    one = offer(lettings, advert).json
    url = f"/app/offers/{one['reference']}"
    page = page_of(browser, url)
    assert audits(lettings, one["id"]) == 1
    for code in ("location", "size", "other"):
        assert f'value="{code}"' in page  # the council's refusal reasons, as radios

    empty = post(browser, f"{url}/refuse", page, {}, status=422)
    problems = summary(empty.get_data(as_text=True))
    assert "Choose why the applicant refused" in problems and "Enter the applicant’s reason" in problems
    assert "Choose whether the refusal is reasonable" in problems
    not_listed = post(browser, f"{url}/refuse", page, {"reason_code": "too_far", "reason": "Far",
                                                       "reasonable": "yes"}, status=422)
    assert 'id="reason_code-error"' in not_listed.get_data(as_text=True)
    post(browser, f"{url}/refuse", page, {"reason_code": "location", "reason": "Too far from the school",
                                          "reasonable": "yes"})
    refused = page_of(browser, url)
    assert "The area or location does not suit the household: Too far from the school" in refused
    assert lettings.client.get(f"/offers/{one['id']}", headers=OFFICER).json["refusal_reason_code"] == "location"
    letter = page_of(browser, f"{url}/letters/refusal")
    assert one["reference"] in letter and "Refusal letter" in letter
    assert page_of(browser, f"{url}/letters/withdrawal", 404)
    accept_again = post(browser, f"{url}/accept", refused, {}, status=409)
    assert "refused: that is final" in summary(accept_again.get_data(as_text=True))

    next_offer = post(browser, f"/app/adverts/{advert['reference']}/offers", page_of(
        browser, f"/app/adverts/{advert['reference']}"), {"applicant_id": second["id"]})
    two = next_offer.headers["Location"]
    page = page_of(browser, two)
    assert second["reference"] in page and f'href="/app/applicants/{second["id"]}"' in page and "&lt;a" not in page
    post(browser, f"{two}/accept", page, {})
    accepted = page_of(browser, two)
    assert "Run the pre-tenancy checks" in accepted
    post(browser, f"{two}/checks", accepted, {})
    checked = page_of(browser, two)
    # 2,100 − 900 − (98 + 7) × 52 / 12 = 745.00 a month left
    assert "£745.00" in checked and "Residual income each month" in checked
    bad_date = post(browser, f"{two}/sign-up", checked, {"tenancy_start": ["40", "1", "2027"]}, status=422)
    assert 'id="tenancy_start-error"' in bad_date.get_data(as_text=True)
    today = dt.date.today()
    post(browser, f"{two}/sign-up", checked, {"tenancy_start": [str(today.day), str(today.month), str(today.year)]})
    signed = page_of(browser, two)
    assert "Signed up" in signed and re.search(r"T-\d+", signed)
    assert "Offer letter" in signed
    assert "Let" in page_of(browser, f"/app/adverts/{advert['reference']}")


def test_a_failed_check_needs_an_override_reason_to_sign_up(lettings, browser):
    poor = add_applicant(lettings, income={"monthly_net": "600.00", "monthly_outgoings": "500.00"})
    advert = closed_advert_with_bidders(lettings, poor)
    one = offer(lettings, advert).json
    url = f"/app/offers/{one['reference']}"
    post(browser, f"{url}/accept", page_of(browser, url), {})
    post(browser, f"{url}/checks", page_of(browser, url), {})
    page = page_of(browser, url)
    assert "−£" in page and "checks failed" in page
    today = dt.date.today()
    start = {"tenancy_start": [str(today.day), str(today.month), str(today.year)]}
    blocked = post(browser, f"{url}/sign-up", page, start, status=409)
    assert "override" in summary(blocked.get_data(as_text=True))
    post(browser, f"{url}/sign-up", page, {**start, "override_reason": "Housing benefit claim agreed."})
    assert "Housing benefit claim agreed." in page_of(browser, url)


def test_withdrawing_an_offer_and_advertising_again_when_nobody_is_left(lettings, browser):
    only = add_applicant(lettings)
    prop = add_property(lettings)
    advert = closed_advert_with_bidders(lettings, only, prop=prop)
    one = offer(lettings, advert).json
    url = f"/app/offers/{one['reference']}"
    page = page_of(browser, url)
    empty = post(browser, f"{url}/withdraw", page, {}, status=422)
    assert "Enter why the offer is withdrawn" in summary(empty.get_data(as_text=True))
    post(browser, f"{url}/withdraw", page, {"reason": "The home failed its gas safety check."})
    assert "Withdrawal letter" in page_of(browser, url)
    advert_page = page_of(browser, f"/app/adverts/{advert['reference']}")
    assert 'id="nobody-left"' in advert_page
    assert f"/app/properties/{prop['reference']}/advertise" in advert_page
    form = page_of(browser, f"/app/properties/{prop['reference']}/advertise")
    closes = dt.date.today() + dt.timedelta(days=7)
    again = post(browser, f"/app/properties/{prop['reference']}/advertise", form, {
        "closes_on": [str(closes.day), str(closes.month), str(closes.year)]})
    assert again.headers["Location"] != f"/app/adverts/{advert['reference']}"


# -- a refusal reviewed -------------------------------------------------------------------------------


def refused_unreasonably(lettings, applicant: dict) -> dict:
    """An offer of a home of its own made to ``applicant``, refused and judged unreasonable (over the API)."""
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    r = lettings.client.post(f"/offers/{made['id']}/refuse", json={"reason": "Too far from work", "reasonable": False},
                             headers=OFFICER)
    assert r.status_code == 200, r.json
    return made


def test_a_refusal_reviewed_as_reasonable_on_the_offer_page_lifts_the_suspension_it_caused(lettings, browser):
    applicant = add_applicant(lettings)
    refused_unreasonably(lettings, applicant)
    second = refused_unreasonably(lettings, applicant)  # two within twelve months: suspended
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["status"] == "suspended"
    url = f"/app/offers/{second['reference']}"
    page = page_of(browser, url)
    assert 'id="review"' in page and "Review the refusal" in page

    assert browser.post(f"{url}/refusal-review", data={"reasonable": "yes", "reason": "x"}).status_code == 400
    empty = post(browser, f"{url}/refusal-review", page, {}, status=422)
    problems = summary(empty.get_data(as_text=True))
    assert "Choose whether the refusal was reasonable" in problems and "Enter why the review decided so" in problems
    assert 'id="reasonable-error"' in empty.get_data(as_text=True)

    done = post(browser, f"{url}/refusal-review", page, {"reasonable": "yes",
                                                         "reason": "The home was two bus rides from the school."})
    reviewed = page_of(browser, done.headers["Location"])
    assert f"the suspension of {applicant['reference']} is lifted" in reviewed
    details = re.search(r'id="review-details".*?</dl>', reviewed, re.S).group(0)
    assert "Reasonable: it no longer counts towards a suspension" in details
    assert "The home was two bus rides from the school." in details and "by officer-1" in details
    assert "Not reasonable" in details  # as judged at the refusal
    assert f'href="/app/offers/{second["reference"]}/letters/refusal"' in details
    assert "Review the refusal" not in reviewed, "a review is recorded once"
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["status"] == "active"
    review = lettings.client.get(f"/offers/{second['id']}", headers=OFFICER).json["refusal_review"]
    assert (review["reasonable"], review["reviewed_by"]) == (True, "officer-1")

    again = post(browser, f"{url}/refusal-review", page, {"reasonable": "no", "reason": "Changed my mind."},
                 status=409)
    assert "a review is final" in summary(again.get_data(as_text=True))


def test_a_refusal_reviewed_as_unreasonable_may_suspend_now_and_a_pending_offer_has_no_review(lettings, browser):
    applicant = add_applicant(lettings)
    refused_unreasonably(lettings, applicant)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    assert 'id="review"' not in page_of(browser, f"/app/offers/{made['reference']}")
    lettings.client.post(f"/offers/{made['id']}/refuse", json={"reason": "Wanted a garden", "reasonable": True},
                         headers=OFFICER)
    url = f"/app/offers/{made['reference']}"
    done = post(browser, f"{url}/refusal-review", page_of(browser, url),
                {"reasonable": "no", "reason": "A garden was never part of the assessed need."})
    assert f"{applicant['reference']} is suspended" in page_of(browser, done.headers["Location"])
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["status"] == "suspended"


# -- a home offered directly ---------------------------------------------------------------------------


def test_a_home_nobody_is_left_for_is_offered_directly_from_its_page(lettings, browser):
    only, urgent = add_applicant(lettings), add_applicant(lettings, band="A")
    too_big = add_applicant(lettings, household=[person(), *[person("child", 5 + i, "MF"[i % 2]) for i in range(4)]])
    prop = add_property(lettings)
    advert = closed_advert_with_bidders(lettings, only, prop=prop)
    refused = offer(lettings, advert).json
    lettings.client.post(f"/offers/{refused['id']}/refuse", json={"reason": "No", "reasonable": True}, headers=OFFICER)
    form_url = f"/app/properties/{prop['reference']}/offer-directly"
    nobody_left = page_of(browser, f"/app/adverts/{advert['reference']}")
    assert "Advertise the home again" in nobody_left and f'href="{form_url}"' in nobody_left
    home = page_of(browser, f"/app/properties/{prop['reference']}")  # where the "advertise or match" task leads
    assert "Advertise this home again" in home and f'href="/app/properties/{prop["id"]}/offer-directly"' in home

    form = page_of(browser, form_url)
    assert "Offer the home directly" in form and prop["address"] in form
    assert browser.post(form_url, data={"applicant": urgent["reference"], "direct_match_reason": "x"}).status_code \
        == 400
    empty = summary(post(browser, form_url, form, {}, status=422).get_data(as_text=True))
    assert "Enter the applicant’s reference" in empty and "Enter why the home is offered directly" in empty
    reason = {"direct_match_reason": "Urgent move agreed by the panel (MARAC)."}
    unknown = post(browser, form_url, form, {"applicant": "A-999999", **reason}, status=422)
    assert "There is no applicant A-999999" in summary(unknown.get_data(as_text=True))
    assert 'id="applicant-error"' in unknown.get_data(as_text=True)
    ineligible = post(browser, form_url, form, {"applicant": too_big["reference"], **reason}, status=422)
    assert "The household needs more bedrooms than the home has." in summary(ineligible.get_data(as_text=True))

    made = post(browser, form_url, form, {"applicant": urgent["reference"].lower(), **reason})
    assert re.search(r"/app/offers/O-\d+$", made.headers["Location"])
    offer_page = page_of(browser, made.headers["Location"])
    assert f"made to {urgent['reference']} directly" in offer_page
    assert "Why matched directly" in offer_page and "Urgent move agreed by the panel (MARAC)." in offer_page
    direct = lettings.client.get(f"/offers?property_id={prop['id']}&status=pending", headers=OFFICER).json
    assert [(o["applicant_id"], o["advert_id"]) for o in direct] == [(urgent["id"], None)]
    assert 'id="offer-directly"' not in page_of(browser, f"/app/properties/{prop['reference']}")
    twice = post(browser, form_url, form, {"applicant": only["reference"], **reason}, status=409)
    assert "already has a live offer" in summary(twice.get_data(as_text=True))


def test_a_long_shortlist_is_shown_a_page_at_a_time_from_the_top(lettings, browser):
    # 52 bidders, band A first: the page shows the first 50 ranked, and the offer form offers
    # those; page 2 the last two, whose radios are the ones to pass over the top to.
    bidders = [add_applicant(lettings, band="A" if n < 2 else "C") for n in range(52)]
    advert = closed_advert_with_bidders(lettings, *bidders)
    url = f"/app/adverts/{advert['reference']}"
    first = page_of(browser, url)
    ranked = re.search(r'id="ranked".*?</table>', first, re.S).group(0)
    assert "1 to 50 of 52" in ranked and ranked.count('class="govuk-table__row"') == 51  # the header's too
    assert bidders[0]["reference"] in ranked and first.count('class="govuk-radios__input"') == 50
    assert f'href="{url}?page=2&amp;excluded=1#ranked"' in first  # the next page, GOV.UK's pagination
    second = page_of(browser, f"{url}?page=2")
    ranked = re.search(r'id="ranked".*?</table>', second, re.S).group(0)
    assert "51 to 52 of 52" in ranked and ranked.count('class="govuk-table__row"') == 3
    assert second.count('class="govuk-radios__input"') == 2
    assert page_of(browser, f"{url}?page=99").count('class="govuk-radios__input"') == 2  # past the end: the last
    assert page_of(browser, f"{url}?page=x").count('class="govuk-radios__input"') == 50
