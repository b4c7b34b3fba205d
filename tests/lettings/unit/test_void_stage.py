"""Where a void stands (``domain.void_stage.standing``): which advert and which offer of its home
it stands on, worked out by hand."""

import datetime as dt
from types import SimpleNamespace as Row

from lettings.domain.void_stage import standing

UTC = dt.UTC
VOID_DATE = dt.date(2026, 6, 1)  # British Summer Time: the void began at 2026-05-31 23:00 UTC


def advert(id, status, day):
    return Row(id=id, status=status, published_at=dt.datetime(2026, 6, day, 9, tzinfo=UTC))


def offer(id, status, at, advert_id=None):
    return Row(id=id, status=status, made_at=at, advert_id=advert_id)


def test_a_void_stands_on_its_latest_advert():
    found = standing(VOID_DATE, None, [advert("a2", "open", 20), advert("a1", "closed", 2)], [])
    assert (found.stage, found.advert.id, found.offer) == ("advertised", "a2", None)


def test_a_void_stands_on_the_latest_offer_made_since_it_began_on_its_advert_or_direct():
    began = dt.datetime(2026, 5, 31, 23, tzinfo=UTC)
    adverts = [advert("a1", "closed", 2), advert("a2", "closed", 20)]
    offers = [offer("before", "pending", began - dt.timedelta(seconds=1)),  # made before the void began
              offer("old advert", "accepted", began + dt.timedelta(days=9), "a1"),  # on an advert since replaced
              offer("direct", "pending", began)]
    found = standing(VOID_DATE, None, adverts, offers)
    assert (found.stage, found.advert.id, found.offer.id) == ("offered", "a2", "direct")
    later = offers + [offer("on a2", "accepted", began + dt.timedelta(days=25), "a2")]
    assert standing(VOID_DATE, None, adverts, later).offer.id == "on a2"


def test_a_void_with_no_standing_offer_stands_on_its_advert_alone():
    offers = [offer("refused", "refused", dt.datetime(2026, 6, 5, tzinfo=UTC)),
              offer("before", "pending", dt.datetime(2026, 5, 31, 22, 59, tzinfo=UTC))]
    found = standing(VOID_DATE, None, [advert("a1", "closed", 2)], offers)
    assert (found.stage, found.offer) == ("shortlist", None)
    assert standing(VOID_DATE, None, [], offers) == ("not_advertised", None, None)


def test_a_void_with_a_let_date_is_signed_up_whatever_else():
    assert standing(VOID_DATE, dt.date(2026, 7, 1), [], []).stage == "signed_up"
