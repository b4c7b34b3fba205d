"""Lettings' share of the large council: the register, five years of voids and lets, and their audit.

At full size (``scale=1.0``): 100,000 applicants on the register with their households, bands
(the band given at registration, a later decision for one in five) and changes of circumstances;
20,000 homes, each voided and let over five years as the use cases would have done it: a void
(from the end of the last tenancy), an advert a few days on (one void in twenty offered directly
instead), bids from applicants of the right size mostly, bidding closed, up to two refusals (a
reason from the policy's list), withdrawals and expiries now and then, the offer accepted, the
pre-tenancy check, the sign-up and the tenancy, which may end (the home's next void starts that
day). The voids still open today stand at every stage (not advertised, advertised, shortlist,
offered, accepted, signed up to start later), and one of them has an advert with 2,000 bids,
bidding closed and nobody offered yet (the shortlist officers open). Letters for each offer,
refusal and withdrawal. Audit rows where the use cases write them (create, change, bid, publish,
close, make_offer, refuse, sign_up, end, …).

Retention: cancellations and answered offers older than a year before their period ended were
anonymised by the daily sweep as it ran (``anonymised_at`` set, names removed, an ``anonymise``
audit row); one year of closures is past its period and not yet swept (``closures``): what
``housekeeping`` sweeps. Run again over the same database, ``housekeeping`` writes another such
year first when nothing is due (so it changes the seeded database: more cancelled applicants).
"""

from __future__ import annotations

import datetime as dt
import http.client
import random
import time
import uuid
from decimal import Decimal
from itertools import count

from sqlalchemy import text

from lettings import register_counts
from lettings.letting import core_logs, lets, void_stages
from lettings.letting.statuses import SUSPENSION_ENDS, suspension_key

from .measure import Probe, latency_while
from .store import Bulk, database_url, engine

APPLICANTS = 100_000
HOMES = 20_000
YEARS = 5
SHORTLIST_BIDS = 2_000
#: Cancellations a year (about one application in twenty-five), and so the year of closures swept.
CLOSURES_A_YEAR = 4_000
OFFICER = "o-lettings-01"
BANDS = ("A", "B", "C", "D")
REFUSAL_CODES = ("size", "location", "condition", "accessibility", "safety", "cost", "personal", "other")
VOID_REASONS = ("tenant_moved_out", "transfer", "tenant_died", "eviction", "abandonment", "other")
STREETS = ("Fleming Way", "Saxon Gate", "Midsummer Boulevard", "Silbury Road", "Avebury Court", "Secklow Gate")
REMOVED = "[removed]"
LONDON_TODAY_SLACK = dt.timedelta(hours=2)


def _json(snapshot: dict | None) -> dict | None:
    """An audit snapshot as the kernel stores it (ids and dates as text)."""
    if snapshot is None:
        return None
    return {k: (str(v) if isinstance(v, uuid.UUID) else v.isoformat() if isinstance(v, dt.date) else
                _json(v) if isinstance(v, dict) else v) for k, v in snapshot.items()}


class Council:
    """Everything built in memory before it is written (ids from the fixed seed)."""

    def __init__(self, scale: float, now: dt.datetime, seed: int = 30) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        self.start = self.today - dt.timedelta(days=round(365.25 * YEARS))
        self.scale = scale
        self.numbers = count(1)
        self.applicants: list[dict] = []
        self.members: list[dict] = []
        self.band_changes: list[dict] = []
        self.homes: list[dict] = []
        self.voids: list[dict] = []
        self.adverts: list[dict] = []
        self.bids: list[tuple] = []  # (id, advert_id, applicant_id, placed_at)
        self.offers: list[dict] = []
        self.checks: list[dict] = []
        self.letters: list[dict] = []
        self.tenancies: list[dict] = []
        self.timers: list[dict] = []
        self.audit: list[tuple] = []  # (at, actor, action, record_type, record_id, before, after, reason)

    # -- helpers ----------------------------------------------------------------------------------

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def ref(self, prefix: str) -> str:
        return f"{prefix}-{next(self.numbers):06d}"

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=dt.UTC)

    def log(self, at: dt.datetime, action: str, record_type: str, record_id, after: dict | None = None,
            before: dict | None = None, reason: str | None = None, actor: str = OFFICER) -> None:
        self.audit.append((at, actor, action, record_type, str(record_id), _json(before), _json(after), reason))

    # -- the register -----------------------------------------------------------------------------

    def register(self, n: int, *, registered_from: dt.date, days: int) -> list[dict]:
        """``n`` households registered over ``days`` from ``registered_from``: applicants, their
        members, the band given at registration (and a later decision for one in five), audited."""
        rng = self.rng
        made = []
        for _ in range(n):
            applied = registered_from + dt.timedelta(days=rng.randrange(days))
            created = self.at(applied, 9)
            adults = rng.choice((1, 1, 2))
            children = rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4))
            need = 1 + (children + 1) // 2 if children else 1
            band = rng.choices(BANDS, (5, 20, 40, 35))[0]
            aid = self.uid()
            lead_born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(365 * 58))
            number = len(self.applicants) + 1
            applicant = {
                "id": aid, "reference": self.ref("A"), "band": band, "effective_date": applied,
                "application_date": applied, "needs_wheelchair": rng.random() < 0.03,
                "needs_ground_floor": rng.random() < 0.1, "monthly_net_income": Decimal(rng.randrange(900, 3200)),
                "monthly_outgoings": Decimal(rng.randrange(300, 1500)), "support_needs": [],
                "reasonable_preference": rng.choice(([], [], ["homeless"], ["insanitary_or_overcrowded"],
                                                      ["medical_or_welfare"], ["hardship"])),
                "move_on_from": None, "existing_tenant": rng.random() < 0.2,
                "phone": f"07700 9{number % 100000:05d}", "email": f"household{number}@example.org",
                "status": "active", "status_reason": None, "suspended_until": None, "suspended_by_offer_id": None,
                "bedroom_need": need, "lead_name": f"Applicant {number}", "lead_date_of_birth": lead_born,
                "housing_ref": None, "created_at": created, "anonymised_at": None}
            self.applicants.append(applicant)
            made.append(applicant)
            people = [("applicant", applicant["lead_name"], lead_born, rng.choice("FM"))]
            if adults == 2:
                people.append(("partner", f"Partner {number}", lead_born + dt.timedelta(days=rng.randrange(-2000, 2000)),
                               rng.choice("FM")))
            for c in range(children):
                people.append(("child", f"Child {number}.{c + 1}",
                               self.today - dt.timedelta(days=rng.randrange(100, 365 * 17)), rng.choice("FM")))
            for position, (relationship, name, born, sex) in enumerate(people):
                self.members.append({"id": self.uid(), "applicant_id": aid, "position": position, "name": name,
                                     "date_of_birth": born, "sex": sex, "relationship": relationship})
            self.band_changes.append({"id": self.uid(), "applicant_id": aid, "band": band, "effective_date": applied,
                                      "reason": "Band given at registration", "decision_date": None,
                                      "changed_by": OFFICER, "changed_at": created})
            self.log(created, "create", "applicant", aid, {"reference": applicant["reference"], "band": band,
                                                            "bedroom_need": need})
            if rng.random() < 0.2:  # a medical award, say, or overcrowding found on review
                decided = applied + dt.timedelta(days=rng.randrange(30, 900))
                if decided < self.today:
                    moved = BANDS[max(0, BANDS.index(band) - 1)]
                    changed = self.at(decided, 14)
                    self.band_changes.append({"id": self.uid(), "applicant_id": aid, "band": moved,
                                              "effective_date": decided, "reason": "Medical priority awarded",
                                              "decision_date": decided, "changed_by": OFFICER, "changed_at": changed})
                    applicant["band"], applicant["effective_date"] = moved, decided
                    self.log(changed, "change", "applicant", aid, {"band": moved, "effective_date": decided},
                             {"band": band, "effective_date": applied}, reason="Medical priority awarded")
            if rng.random() < 0.25:  # a change of circumstances: contact details, income
                changed = self.at(applied + dt.timedelta(days=rng.randrange(10, 1500)), 11)
                if changed < self.now:
                    self.log(changed, "change", "applicant", aid, {"contact": {"phone": applicant["phone"]}},
                             {"contact": {"phone": None}})
        return made

    # -- homes, voids, adverts, offers, tenancies --------------------------------------------------

    def home(self, n: int) -> dict:
        rng = self.rng
        bedrooms = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        kind = "bedsit" if bedrooms == 1 and rng.random() < 0.1 else rng.choice(
            ("house", "flat", "flat", "maisonette", "bungalow"))
        home = {"id": self.uid(), "reference": self.ref("P"),
                "address": f"{n % 400 + 1} {STREETS[n % len(STREETS)]}, Milton Keynes MK{n % 19 + 1} {n % 9}AB",
                "uprn": f"{25_000_000 + n}", "property_type": kind, "bedrooms": bedrooms,
                "floor": 0 if kind in ("house", "bungalow") else rng.choice((0, 0, 1, 2, 3, 5)),
                "wheelchair_accessible": rng.random() < 0.05, "min_age": 55 if kind == "bungalow" else None,
                "sensitive_let": rng.random() < 0.01, "weekly_rent": Decimal(rng.randrange(8000, 16000)) / 100,
                "service_charge": Decimal(rng.choice(("0.00", "7.00", "12.50"))), "rent_type": None,
                "housing_ref": None, "created_at": dt.datetime(2015, 4, 1, 9, tzinfo=dt.UTC)}
        self.homes.append(home)
        self.log(home["created_at"], "create", "property", home["id"], {"reference": home["reference"],
                                                                      "bedrooms": bedrooms})
        return home

    def offer(self, home: dict, advert: dict | None, applicant: dict, status: str, made: dt.datetime) -> dict:
        rng = self.rng
        answered = made + dt.timedelta(days=rng.randrange(1, 3), hours=rng.randrange(8))
        offer = {"id": self.uid(), "reference": self.ref("O"), "advert_id": advert["id"] if advert else None,
                 "property_id": home["id"], "applicant_id": applicant["id"], "status": status, "made_at": made,
                 "made_by": OFFICER, "respond_by": made + dt.timedelta(days=5), "bypass_reason": None,
                 "direct_match_reason": None if advert else "Urgent medical need: a ground-floor home",
                 "answered_at": None if status == "pending" else answered,
                 "refusal_reason": "The household said the home is too far from school" if status == "refused" else None,
                 "refusal_reason_code": rng.choice(REFUSAL_CODES) if status == "refused" else None,
                 "refusal_reasonable": (rng.random() < 0.8) if status == "refused" else None,
                 "withdrawal_reason": "The home failed its gas safety check" if status == "withdrawn" else None,
                 "refusal_reviewed_at": None, "refusal_reviewed_by": None, "refusal_review_reason": None,
                 "refusal_reasonable_before_review": None, "anonymised_at": None}
        self.offers.append(offer)
        self.log(made, "make_offer", "offer", offer["id"], {"reference": offer["reference"], "status": "pending",
                                                            "applicant_id": applicant["id"]})
        self.letter(offer, "offer", made)
        if status != "pending" and answered <= self.now:
            action = {"accepted": "accept", "signed_up": "accept", "refused": "refuse", "withdrawn": "withdraw",
                      "expired": "expire"}[status]
            self.log(answered, action, "offer", offer["id"], {"status": "accepted" if status == "signed_up" else status},
                     {"status": "pending"}, reason=offer["refusal_reason"] or offer["withdrawal_reason"])
            if status in ("refused", "withdrawn"):
                self.letter(offer, "refusal" if status == "refused" else "withdrawal", answered)
        return offer

    def letter(self, offer: dict, kind: str, at: dt.datetime) -> None:
        lid = self.uid()
        self.letters.append({
            "id": lid, "offer_id": offer["id"], "kind": kind, "issued_at": at,
            "values": {"offer_reference": offer["reference"], "address": "the home offered", "respond_by":
                       offer["respond_by"].date().isoformat()},
            "text": f"<p>Dear applicant,</p><p>About offer {offer['reference']} ({kind}).</p>",
            "issued_on_first_read": False, "anonymised_at": None})
        self.log(at, "issue_letter", "letter", lid, {"offer_id": str(offer["id"]), "kind": kind})

    def tenancy(self, home: dict, offer: dict, applicant: dict, signed: dt.datetime, starts: dt.date) -> dict:
        rng = self.rng
        self.checks.append({"id": self.uid(), "offer_id": offer["id"], "result": "pass", "eligible": True,
                            "eligibility_reasons": [], "affordability_result": "pass",
                            "monthly_net_income": applicant["monthly_net_income"],
                            "monthly_outgoings": applicant["monthly_outgoings"],
                            "monthly_housing_cost": (home["weekly_rent"] * 52 / 12).quantize(Decimal("0.01")),
                            "residual_monthly": Decimal("420.00"), "referral_margin": Decimal("150.00"),
                            "checked_by": OFFICER, "checked_at": signed - dt.timedelta(hours=2)})
        self.log(signed - dt.timedelta(hours=2), "pre_tenancy_check", "offer", offer["id"],
                 {"result": "pass", "affordability": "pass", "eligible": True})
        tenancy = {"id": self.uid(), "reference": self.ref("T"), "offer_id": offer["id"], "property_id": home["id"],
                   "applicant_id": applicant["id"], "tenancy_start": starts,
                   "tenancy_type": "secure" if applicant["existing_tenant"] else "introductory",
                   "high_risk": rng.random() < 0.05, "high_risk_reasons": [], "support_needs": [],
                   "override_reason": None, "weekly_rent": home["weekly_rent"], "service_charge": home["service_charge"],
                   "signed_up_by": OFFICER, "created_at": signed, "end_date": None, "end_reason": None,
                   "housing_ref": None}
        self.tenancies.append(tenancy)
        self.log(signed, "sign_up", "tenancy", tenancy["id"], {"reference": tenancy["reference"],
                                                               "tenancy_start": starts})
        applicant["status"], applicant["status_reason"] = "housed", f"Signed up to {tenancy['reference']}"
        self.log(signed, "house", "applicant", applicant["id"], {"status": "housed"}, {"status": "active"},
                 reason=applicant["status_reason"])
        return tenancy

    def let_out(self, home: dict, void: dict, housed: list[dict], bidders: list[dict], by_need: dict) -> dt.date | None:
        """One void from its void date: advertised (or offered directly), bid for, offered until
        someone signs up; stopped where today falls. The tenancy's start (None while still void)."""
        rng, now = self.rng, self.now
        ready = void["void_date"] + dt.timedelta(days=rng.choice((2, 5, 10, 15, 20, 30, 45, 90)))
        void["ready_to_let_date"] = ready if ready <= self.today else None
        advert = None
        made = self.at(ready + dt.timedelta(days=9), 11)
        if rng.random() >= 0.05:
            published = self.at(ready, 9)
            if published > now:
                return None  # not advertised yet
            closes = published + dt.timedelta(days=7)
            advert = {"id": self.uid(), "reference": self.ref("ADV"), "property_id": home["id"], "void_id": void["id"],
                      "status": "open" if closes > now else "closed", "published_at": published,
                      "closes_at": closes, "closed_at": None if closes > now else closes}
            self.adverts.append(advert)
            self.log(published, "publish", "advert", advert["id"], {"reference": advert["reference"],
                                                                    "status": "open"})
            fits = by_need.get(min(home["bedrooms"], 4), bidders)
            many = rng.randrange(5, 56)
            chosen = {a["id"]: a for a in (rng.choice(fits) if rng.random() < 0.7 else rng.choice(bidders)
                                           for _ in range(many))}
            for applicant in chosen.values():
                placed = published + dt.timedelta(minutes=rng.randrange(7 * 24 * 60))
                if placed <= now:
                    self.bids.append((self.uid(), advert["id"], applicant["id"], placed))
                    self.log(placed, "bid", "advert", advert["id"], {"applicant_id": applicant["id"]})
            if advert["status"] == "open":
                return None
            self.log(closes, "close", "advert", advert["id"], {"status": "closed"}, {"status": "open"})
            made = closes + dt.timedelta(hours=rng.randrange(2, 48))
            offered = list(chosen.values())
        else:
            offered = [rng.choice(bidders) for _ in range(3)]
        for status in rng.choice(((), (), (), ("refused",), ("refused",), ("refused", "refused"),
                                  ("withdrawn",), ("expired",))):
            if made + dt.timedelta(days=3) > now:
                return None  # the shortlist: nobody (else) offered yet
            self.offer(home, advert, rng.choice(offered), status, made)
            made += dt.timedelta(days=rng.randrange(3, 8))
        if made > now or not housed:
            return None
        applicant = housed.pop()
        if advert:
            self.bids.append((self.uid(), advert["id"], applicant["id"], advert["published_at"] + dt.timedelta(hours=5)))
        accepted = made + dt.timedelta(days=rng.randrange(1, 3))
        signed = accepted + dt.timedelta(days=rng.randrange(2, 7))
        status = "pending" if accepted > now else "accepted" if signed > now else "signed_up"
        offer = self.offer(home, advert, applicant, status, made)
        if status != "signed_up":
            return None
        if advert:
            advert["status"] = "let"
        starts = signed.date() + dt.timedelta(days=rng.randrange(1, 15))
        self.tenancy(home, offer, applicant, signed, starts)
        return starts

    def lettings(self, housed: list[dict], bidders: list[dict]) -> None:
        """Five years of each home: voids from tenancies ending, each let again (``let_out``)."""
        rng = self.rng
        by_need: dict[int, list[dict]] = {}
        for a in bidders:
            by_need.setdefault(min(a["bedroom_need"], 4), []).append(a)
        homes = max(2, round(HOMES * self.scale))
        for n in range(homes):
            home = self.home(n)
            # The first void in the five years (a tenancy from before Casework ending); none for one in six.
            void_date = self.start + dt.timedelta(days=rng.randrange(round(365.25 * YEARS * 1.2)))
            reason = rng.choice(VOID_REASONS)
            ending = None
            while void_date <= self.today:
                void = {"id": self.uid(), "property_id": home["id"], "void_date": void_date, "reason": reason,
                        "ready_to_let_date": None, "let_date": None}
                self.voids.append(void)
                self.log(self.at(void_date, 8), "void", "property", home["id"],
                         {"void_date": void_date, "reason": reason})
                if ending is not None:
                    ending["end_date"], ending["end_reason"] = void_date, reason
                    self.log(self.at(void_date, 8), "end", "tenancy", ending["id"],
                             {"end_date": void_date, "end_reason": reason}, {"end_date": None})
                starts = self.let_out(home, void, housed, bidders, by_need)
                if starts is None:
                    break
                void["let_date"] = starts
                ending = self.tenancies[-1]
                void_date = starts + dt.timedelta(days=max(120, round(rng.expovariate(1 / (365 * 4)))))
                reason = rng.choice(VOID_REASONS)

    def shortlist_advert(self, bidders: list[dict]) -> dict:
        """A home standing empty, bidding closed on its advert yesterday with 2,000 bids (fewer at a
        small scale), nobody offered yet: the shortlist an officer opens."""
        home = self.home(len(self.homes))
        home["bedrooms"], home["floor"], home["property_type"] = 2, 1, "flat"
        void_date = self.today - dt.timedelta(days=20)
        void = {"id": self.uid(), "property_id": home["id"], "void_date": void_date, "reason": "transfer",
                "ready_to_let_date": void_date + dt.timedelta(days=3), "let_date": None}
        self.voids.append(void)
        published = self.now - dt.timedelta(days=8)
        advert = {"id": self.uid(), "reference": self.ref("ADV"), "property_id": home["id"], "void_id": void["id"],
                  "status": "closed", "published_at": published, "closes_at": published + dt.timedelta(days=7),
                  "closed_at": published + dt.timedelta(days=7)}
        self.adverts.append(advert)
        self.log(published, "publish", "advert", advert["id"], {"reference": advert["reference"]})
        for i, applicant in enumerate(self.rng.sample(bidders, min(SHORTLIST_BIDS, len(bidders)))):
            placed = published + dt.timedelta(seconds=i * 300 % (7 * 86400))
            self.bids.append((self.uid(), advert["id"], applicant["id"], placed))
            self.log(placed, "bid", "advert", advert["id"], {"applicant_id": applicant["id"]})
        self.log(advert["closes_at"], "close", "advert", advert["id"], {"status": "closed"}, {"status": "open"})
        return advert

    # -- status changes and retention --------------------------------------------------------------

    def cancel(self, applicant: dict, on: dt.datetime, *, swept: bool) -> None:
        """An application cancelled on ``on``; ``swept``: anonymised a year later by the daily sweep."""
        applicant["status"], applicant["status_reason"] = "cancelled", "No longer wishes to be rehoused"
        self.log(on, "cancel", "applicant", applicant["id"], {"status": "cancelled"}, {"status": "active"},
                 reason=REMOVED if swept else applicant["status_reason"])
        if swept:
            self.anonymise_applicant(applicant, on + dt.timedelta(days=366))

    def anonymise_applicant(self, applicant: dict, at: dt.datetime) -> None:
        applicant.update(lead_name=REMOVED, phone=None, email=None, status_reason=REMOVED, anonymised_at=at,
                         lead_date_of_birth=dt.date(applicant["lead_date_of_birth"].year, 1, 1))
        self.log(at, "anonymise", "applicant", applicant["id"], {"anonymised_at": at}, actor="system")

    def statuses(self, others: list[dict]) -> None:
        """Of those never housed: cancellations over the years (swept a year on, but the last two
        years'), suspensions now (each with its timer to lift it)."""
        rng = self.rng
        swept_before = self.now - dt.timedelta(days=round(365.25 * 2))
        for applicant in others:
            roll = rng.random()
            if roll < 0.12:
                on = max(applicant["created_at"] + dt.timedelta(days=30),
                         self.now - dt.timedelta(days=rng.randrange(1, round(365.25 * YEARS))))
                if on >= self.now:
                    continue
                if swept_before <= on < self.now - dt.timedelta(days=366):
                    on = self.now - dt.timedelta(days=rng.randrange(1, 366))  # the due year is ``closures``'
                self.cancel(applicant, on, swept=on < swept_before)
            elif roll < 0.14:
                until = self.today + dt.timedelta(days=rng.randrange(10, 300))
                applicant.update(status="suspended", status_reason="Two unreasonable refusals", suspended_until=until)
                self.log(self.now - dt.timedelta(days=365 - (until - self.today).days), "suspend", "applicant",
                         applicant["id"], {"status": "suspended"}, {"status": "active"}, reason=applicant["status_reason"])
                self.timers.append({"id": self.uid(), "kind": SUSPENSION_ENDS,
                                    "key": suspension_key(applicant["id"]),
                                    "due_at": dt.datetime.combine(until, dt.time(0, 5), tzinfo=dt.UTC),
                                    "payload": {"applicant_id": str(applicant["id"])}, "correlation_id": None,
                                    "fired_at": None, "cancelled_at": None, "attempts": 0, "last_error": None})

    def sweep_old_offers(self) -> None:
        """Answered offers past their period were anonymised by the daily sweep as it ran."""
        cutoff = self.now - dt.timedelta(days=round(365.25 * 2))
        for offer in self.offers:
            answered = offer["answered_at"] or offer["made_at"]
            if offer["status"] in ("refused", "withdrawn", "expired") and answered < cutoff:
                at = min(answered + dt.timedelta(days=round(365.25 * 2) + 1), self.now - dt.timedelta(hours=1))
                for name in ("refusal_reason", "withdrawal_reason", "direct_match_reason"):
                    if offer[name] is not None:
                        offer[name] = REMOVED
                offer["anonymised_at"] = at
                self.log(at, "anonymise", "offer", offer["id"], {"anonymised_at": at}, actor="system")
        swept = {o["id"]: o["anonymised_at"] for o in self.offers if o["anonymised_at"]}
        for letter in self.letters:
            if letter["offer_id"] in swept:
                letter.update(values=None, text=None, anonymised_at=swept[letter["offer_id"]])

    def closures(self, n: int) -> None:
        """A year of closures past their retention period and not yet swept: ``n`` applications
        cancelled one to two years ago, each with a refused offer (a direct match) answered two to
        three years ago, and its letters."""
        rng = self.rng
        homes = self.homes or [None]
        for applicant in self.register(n, registered_from=self.today - dt.timedelta(days=365 * 5), days=365 * 2):
            on = self.now - dt.timedelta(days=367 + rng.randrange(363), hours=rng.randrange(24))
            home = rng.choice(homes)
            if home is not None:
                made = on - dt.timedelta(days=400 + rng.randrange(300))
                self.offer(home, None, applicant, "refused", made)
            self.cancel(applicant, on, swept=False)

    # -- writing ---------------------------------------------------------------------------------

    def write(self, bulk: Bulk) -> None:
        for table, rows in (("applicants", self.applicants), ("household_members", self.members),
                            ("applicant_band_history", self.band_changes), ("properties", self.homes),
                            ("voids", self.voids), ("adverts", self.adverts), ("offers", self.offers),
                            ("pre_tenancy_checks", self.checks), ("letters", self.letters),
                            ("tenancies", self.tenancies), ("timers", self.timers)):
            if rows:
                bulk.write(table, rows)
        if self.bids:
            bulk.write("bids", ({"id": i, "advert_id": a, "applicant_id": p, "placed_at": t, "dropped_at": None,
                                 "dropped_reason": None} for i, a, p, t in self.bids))
        self.audit.sort(key=lambda row: row[0])
        bulk.write("audit_log", ({"at": at, "actor": actor, "actor_roles": ["system"] if actor == "system"
                                  else ["lettings_officer"], "action": action, "record_type": kind,
                                  "record_id": rid, "before": before, "after": after, "reason": reason,
                                  "correlation_id": None}
                                 for at, actor, action, kind, rid, before, after, reason in self.audit))


def _counter(bulk: Bulk) -> int:
    """The reference counter's last number (every reference of every kind is numbered from it)."""
    if bulk.backend == "sqlite":
        return bulk.sql("SELECT coalesce(max(n), 0) FROM lettings_reference_seq")[0][0]
    return bulk.sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM lettings_reference_seq")[0][0]


def _move_counter(bulk: Bulk, last: int) -> None:
    if bulk.backend == "sqlite":
        bulk.sql("INSERT INTO lettings_reference_seq (n) VALUES (:n)", n=last)
    else:
        bulk.sql("SELECT setval('lettings_reference_seq', :n)", n=last)


def seed(bulk: Bulk, scale: float, now: dt.datetime) -> dict:
    council = Council(scale, now)
    n = max(50, round(APPLICANTS * scale))
    council.register(n, registered_from=council.start - dt.timedelta(days=365 * 2), days=365 * 7)
    people = list(council.applicants)
    council.rng.shuffle(people)
    housed = people[: round(n * 0.35)]
    bidders = people[round(n * 0.35):]
    council.lettings(housed, bidders)
    never_housed = [a for a in people if a["status"] == "active"]
    council.statuses(never_housed)
    council.sweep_old_offers()
    active = [a for a in bidders if a["status"] == "active"]
    advert = council.shortlist_advert(active)
    council.closures(max(5, round(CLOSURES_A_YEAR * scale)))
    council.write(bulk)
    with bulk.transaction() as session:  # the performance report's tallies, as signing up the lets kept them
        lets.recount(session)
        register_counts.recount(session)  # and the register's counts, as writing the applicants kept them
        void_stages.recount(session)  # and where each void stands, as the use cases moving them kept it
        core_logs.rebuild(session)  # and each let's CORE log, as signing it up kept it
    _move_counter(bulk, next(council.numbers))
    live = sum(1 for v in council.voids if v["let_date"] is None or v["let_date"] > council.today)
    return {"applicants": len(council.applicants), "household_members": len(council.members),
            "band_changes": len(council.band_changes), "homes": len(council.homes), "voids": len(council.voids),
            "live_voids": live, "adverts": len(council.adverts), "bids": len(council.bids),
            "offers": len(council.offers), "tenancies": len(council.tenancies),
            "tenancies_ended": sum(1 for t in council.tenancies if t["end_date"]), "letters": len(council.letters),
            "audit_rows": len(council.audit), "shortlist_advert": advert["reference"],
            "shortlist_bids": sum(1 for b in council.bids if b[1] == advert["id"])}


# -- probes --------------------------------------------------------------------------------------

OFFICERS = ("lettings_officer",)


def _lookups(backend: str) -> dict:
    """Ids and references the probes ask about, read from the seeded database."""
    plain = engine(database_url("lettings", backend))
    with plain.connect() as conn:
        def one(sql: str):
            return conn.execute(text(sql)).first()

        found = {
            "shortlist": one("SELECT a.id, a.reference FROM adverts a JOIN bids b ON b.advert_id = a.id "
                             "GROUP BY a.id, a.reference ORDER BY count(*) DESC LIMIT 1"),
            "home": one("SELECT p.id, p.reference FROM properties p JOIN voids v ON v.property_id = p.id "
                        "GROUP BY p.id, p.reference ORDER BY count(*) DESC, p.reference LIMIT 1"),
            "applicant": one("SELECT a.id, a.reference FROM applicants a JOIN offers o ON o.applicant_id = a.id "
                             "WHERE a.status = 'housed' ORDER BY a.reference LIMIT 1"),
            "offer": one("SELECT id, reference FROM offers WHERE status = 'signed_up' ORDER BY reference LIMIT 1"),
            "tenancy": one("SELECT id, reference FROM tenancies ORDER BY reference LIMIT 1"),
            "last_year": one("SELECT max(tenancy_start) FROM tenancies"),
        }
    plain.dispose()
    # SQLite keeps ids as 32 hex digits: the paths want them as UUIDs, the plain SQL as stored.
    return {name: (row if name == "last_year" else (row[0], row[1], str(uuid.UUID(str(row[0])))))
            for name, row in found.items()}


def probes(backend: str) -> list[Probe]:
    found = _lookups(backend)
    advert_id, advert_ref, advert = found["shortlist"]
    home_id, home_ref, home = found["home"]
    applicant_id, applicant_ref, applicant = found["applicant"]
    offer_id, offer_ref, offer = found["offer"]
    _, tenancy_ref, _ = found["tenancy"]
    today = dt.date.today()
    year_ago = today - dt.timedelta(days=365)
    quarter = (today - dt.timedelta(days=91)).isoformat()
    page = " LIMIT 10"
    # flask-smorest's default page (10) with its count (X-Pagination), as the api reads them.
    probe = []

    def listed(name: str, path: str, table: str, where: str, order: str, params: dict | None = None) -> None:
        condition = f" WHERE {where}" if where else ""
        sql = (f"SELECT *, (SELECT count(*) FROM {table}{condition}) AS total FROM {table}{condition}"
               f" ORDER BY {order}{page}")
        probe.append(Probe(name, path, sql, params or {}, roles=OFFICERS))

    listed("homes", "/properties", "properties", "", "reference")
    listed("homes by type", "/properties?property_type=flat", "properties", "property_type = 'flat'", "reference")
    listed("homes by bedrooms", "/properties?bedrooms=3", "properties", "bedrooms = 3", "reference")
    listed("homes void now", "/properties?void=true", "properties",
           "EXISTS (SELECT 1 FROM voids v WHERE v.property_id = properties.id AND v.let_date IS NULL)", "reference")
    listed("homes not void", "/properties?void=false&bedrooms=2", "properties",
           "bedrooms = 2 AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.property_id = properties.id "
           "AND v.let_date IS NULL)", "reference")
    listed("home by reference", f"/properties?reference={home_ref}", "properties", "reference = :r", "reference",
           {"r": home_ref})
    listed("register", "/applicants", "applicants", "", "reference")
    listed("register by band", "/applicants?band=A", "applicants", "band = 'A'", "reference")
    listed("register by status", "/applicants?status=suspended", "applicants", "status = 'suspended'", "reference")
    listed("register by band, status and need", "/applicants?band=B&status=active&bedroom_need=3", "applicants",
           "band = 'B' AND status = 'active' AND bedroom_need = 3", "reference")
    listed("applicant by reference", f"/applicants?reference={applicant_ref}", "applicants", "reference = :r",
           "reference", {"r": applicant_ref})
    listed("adverts", "/adverts", "adverts", "", "published_at DESC, id")
    listed("adverts open", "/adverts?status=open", "adverts", "status = 'open'", "published_at DESC, id")
    listed("adverts closed", "/adverts?status=closed", "adverts", "status = 'closed'", "published_at DESC, id")
    listed("adverts of a home", f"/adverts?property_id={home}", "adverts", "property_id = :p",
           "published_at DESC, id", {"p": home_id})
    listed("advert by reference", f"/adverts?reference={advert_ref}", "adverts", "reference = :r",
           "published_at DESC, id", {"r": advert_ref})
    listed("offers", "/offers", "offers", "", "made_at DESC, id")
    listed("offers pending", "/offers?status=pending", "offers", "status = 'pending'", "made_at DESC, id")
    listed("offers refused", "/offers?status=refused", "offers", "status = 'refused'", "made_at DESC, id")
    listed("offers of a home", f"/offers?property_id={home}", "offers", "property_id = :p", "made_at DESC, id",
           {"p": home_id})
    listed("offers to an applicant", f"/offers?applicant_id={applicant}", "offers", "applicant_id = :a",
           "made_at DESC, id", {"a": applicant_id})
    listed("offer by reference", f"/offers?reference={offer_ref}", "offers", "reference = :r", "made_at DESC, id",
           {"r": offer_ref})
    listed("tenancies", "/tenancies", "tenancies", "", "tenancy_start DESC, reference DESC")
    listed("tenancies current", "/tenancies?current=true", "tenancies", "end_date IS NULL",
           "tenancy_start DESC, reference DESC")
    listed("tenancies ended", "/tenancies?current=false", "tenancies", "end_date IS NOT NULL",
           "tenancy_start DESC, reference DESC")
    listed("tenancies of a home", f"/tenancies?property_id={home}", "tenancies", "property_id = :p",
           "tenancy_start DESC, reference DESC", {"p": home_id})
    listed("tenancy by reference", f"/tenancies?reference={tenancy_ref}", "tenancies", "reference = :r",
           "tenancy_start DESC, reference DESC", {"r": tenancy_ref})

    # The shortlist's own query (``lettings.shortlisting``): the columns the rules read, each bid's
    # applicant looked up by key (LATERAL on PostgreSQL). Whole applicant rows by a plain join were
    # a hash join over the whole register (915 ms p95 at load 34 against the api's 584 ms).
    rule_columns = ("a.id, a.status, a.band, a.effective_date, a.application_date, a.bedroom_need, "
                    "a.lead_date_of_birth, a.needs_wheelchair, a.needs_ground_floor, a.reference")
    live_elsewhere = ("a.id IN (SELECT o.applicant_id FROM offers o WHERE o.status IN ('pending', 'accepted') "
                      "AND o.property_id != (SELECT property_id FROM adverts WHERE id = :advert))")
    shortlist_sql = (f"SELECT a.*, b.placed_at, b.dropped_reason, {live_elsewhere} FROM bids b "
                     f"JOIN LATERAL (SELECT {rule_columns} FROM applicants a WHERE a.id = b.applicant_id OFFSET 0) a "
                     "ON true WHERE b.advert_id = :advert")
    shortlist_sqlite = (f"SELECT {rule_columns}, b.placed_at, b.dropped_reason, {live_elsewhere} FROM bids b "
                        "JOIN applicants a ON a.id = b.applicant_id WHERE b.advert_id = :advert")
    live_sql = ("SELECT v.*, p.reference, p.address, p.bedrooms, p.weekly_rent FROM voids v "
                "JOIN properties p ON p.id = v.property_id WHERE v.let_date IS NULL OR v.let_date > :today")
    lets_sql = ("SELECT t.*, v.void_date FROM tenancies t JOIN voids v ON v.property_id = t.property_id "
                "AND v.let_date = t.tenancy_start WHERE t.offer_id IS NOT NULL AND t.tenancy_start >= :since")
    period = {"since": year_ago, "today": today}
    probe += [
        Probe("shortlist of an advert with 2,000 bids", f"/adverts/{advert}/shortlist", shortlist_sql,
              {"advert": advert_id}, roles=OFFICERS, sqlite_sql=shortlist_sqlite),
        Probe("offers of an advert", f"/adverts/{advert}/offers",
              "SELECT * FROM offers WHERE advert_id = :advert ORDER BY made_at", {"advert": advert_id}, roles=OFFICERS),
        Probe("a home with its history", f"/properties/{home}",
              "SELECT * FROM voids v LEFT JOIN adverts a ON a.void_id = v.id WHERE v.property_id = :p",
              {"p": home_id}, roles=OFFICERS),
        Probe("an applicant", f"/applicants/{applicant}", "SELECT * FROM applicants WHERE id = :a",
              {"a": applicant_id}, roles=OFFICERS),
        Probe("an applicant's band history", f"/applicants/{applicant}/band-history",
              "SELECT * FROM applicant_band_history WHERE applicant_id = :a ORDER BY changed_at", {"a": applicant_id},
              roles=OFFICERS),
        Probe("an offer", f"/offers/{offer}", "SELECT * FROM offers WHERE id = :o", {"o": offer_id},
              roles=OFFICERS),
        Probe("a tenancy", f"/tenancies/{tenancy_ref}", "SELECT * FROM tenancies WHERE reference = :r",
              {"r": tenancy_ref}, roles=OFFICERS),
        Probe("report: live voids", "/reports/live-voids", live_sql, {"today": today}, roles=OFFICERS),
        Probe("report: live voids by stage", "/reports/live-voids?stage=shortlist", live_sql, {"today": today},
              roles=OFFICERS),
        Probe("report: live voids by bedrooms", "/reports/live-voids?bedrooms=2", live_sql + " AND p.bedrooms = 2",
              {"today": today}, roles=OFFICERS),
        Probe("report: live voids as CSV", "/reports/live-voids.csv", live_sql, {"today": today}, roles=OFFICERS),
        Probe("report: void days and rent loss, a year", f"/reports/voids?from={year_ago}", lets_sql, period,
              roles=OFFICERS),
        Probe("report: offers per let, a quarter", f"/reports/offers?from={quarter}",
              "SELECT o.* FROM offers o JOIN tenancies t ON t.property_id = o.property_id "
              "WHERE t.offer_id IS NOT NULL AND t.tenancy_start >= :since AND o.made_at <= t.created_at",
              {"since": today - dt.timedelta(days=91)}, roles=OFFICERS),
        # The export reads the lets' CORE logs, kept at sign-up (``lettings.letting.core_logs``): the
        # year's logs in the file's order, as it reads them.
        Probe("report: CORE lettings export, a collection year", f"/exports/core-lettings.csv?year={_core_year(today)}",
              "SELECT collection_year, layout, line FROM core_logs WHERE tenancy_start >= :since "
              "AND tenancy_start <= :until ORDER BY tenancy_start, reference",
              {"since": dt.date(_core_year(today), 4, 1), "until": dt.date(_core_year(today) + 1, 3, 31)},
              roles=OFFICERS),
        Probe("report: lettings performance", "/reports/lettings-performance",
              "SELECT status, refusal_reason_code, count(*) FROM offers WHERE made_at >= :since "
              "GROUP BY status, refusal_reason_code", {"since": year_ago}, roles=OFFICERS),
        Probe("report: lettings performance, a figure as CSV", "/reports/lettings-performance/register.csv",
              "SELECT band, bedroom_need, count(*) FROM applicants WHERE status IN ('active', 'suspended') "
              "GROUP BY band, bedroom_need", roles=OFFICERS),
        Probe("page: live voids", "/app/voids", live_sql, {"today": today}, roles=OFFICERS, page=True),
        Probe("page: advert with 2,000 bids", f"/app/adverts/{advert_ref}", shortlist_sql, {"advert": advert_id},
              roles=OFFICERS, page=True, sqlite_sql=shortlist_sqlite),
        Probe("page: an applicant", f"/app/applicants/{applicant_ref}",
              "SELECT * FROM applicants a JOIN household_members m ON m.applicant_id = a.id WHERE a.id = :a",
              {"a": applicant_id}, roles=OFFICERS, page=True),
        Probe("page: the register", "/app/applicants?band=A&status=active",
              "SELECT * FROM applicants WHERE band = 'A' AND status = 'active' ORDER BY reference LIMIT 25",
              roles=OFFICERS, page=True),
        Probe("page: a home", f"/app/properties/{home_ref}",
              "SELECT * FROM voids v LEFT JOIN adverts a ON a.void_id = v.id WHERE v.property_id = :p",
              {"p": home_id}, roles=OFFICERS, page=True),
        Probe("page: an offer", f"/app/offers/{offer_ref}", "SELECT * FROM offers WHERE id = :o", {"o": offer_id},
              roles=OFFICERS, page=True),
        Probe("page: lettings performance", "/app/performance",
              "SELECT status, refusal_reason_code, count(*) FROM offers WHERE made_at >= :since "
              "GROUP BY status, refusal_reason_code", {"since": year_ago}, roles=OFFICERS, page=True),
    ]
    return probe


def _core_year(today: dt.date) -> int:
    """The last whole CORE collection year (1 April to 31 March) whose layout the service holds."""
    return 2025 if today >= dt.date(2026, 4, 1) else 2024


# -- housekeeping ----------------------------------------------------------------------------------


def _due(backend: str, now: dt.datetime) -> int:
    from casework.db import Database
    from lettings.privacy import RETENTION

    db = Database(database_url("lettings", backend))
    try:
        with db.transaction() as session:
            return sum(len(list(rule.due(session, now))) for rule in RETENTION)
    finally:
        db.engine.dispose()


def _closures(backend: str, now: dt.datetime) -> int:
    """Another year of closures past their period (a rerun over a swept database), numbered on."""
    bulk = Bulk("lettings", backend)
    homes = bulk.sql("SELECT count(*) FROM properties")[0][0]
    council = Council(homes / HOMES, now, seed=int(now.timestamp()))
    council.numbers = count(_counter(bulk) + 1)
    council.homes = [{"id": uuid.UUID(str(row[0])), "reference": row[1]}
                     for row in bulk.sql("SELECT id, reference FROM properties ORDER BY reference LIMIT 500")]
    council.closures(max(5, round(CLOSURES_A_YEAR * council.scale)))
    council.homes = []
    council.write(bulk)
    with bulk.transaction() as session:  # the performance report's tallies, as signing up the lets kept them
        lets.recount(session)
        register_counts.recount(session)  # and the register's counts, as writing the applicants kept them
    _move_counter(bulk, next(council.numbers))
    return len(council.applicants)


def _sweep(backend: str) -> dict:
    """The retention sweep as its timer runs it (``casework.privacy.retention.RUNS``: a run's
    batch in one transaction, the pause it asks for between runs), until nothing is due."""
    from casework import context
    from casework.db import Database
    from casework.privacy.retention import RUNS, sweep
    from lettings.privacy import RETENTION

    batch, pause = RUNS[backend]
    db = Database(database_url("lettings", backend))
    totals: dict[str, int] = {}
    batches, longest = 0, 0.0
    try:
        with context.bound(service="lettings"):
            while True:
                started = time.perf_counter()
                with db.transaction() as session:
                    counts = sweep(session, RETENTION, service="lettings", batch=batch)
                longest = max(longest, time.perf_counter() - started)
                batches += 1
                for kind, n in counts.items():
                    totals[kind] = totals.get(kind, 0) + n
                if not any(counts.values()):
                    break
                if any(n >= batch for n in counts.values()):
                    time.sleep(pause.total_seconds())
    finally:
        db.engine.dispose()
    return {"anonymised": totals, "transactions": batches, "longest_transaction_s": round(longest, 2)}


def _export(port: int, tenancy_ref: str) -> dict:
    from casework_dev.testing import token

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", f"/subjects/export?tenancy_ref={tenancy_ref}",
                     headers={"Authorization": f"Bearer {token('bench-leader', 'team_leader')}"})
        answer = conn.getresponse()
        body = answer.read()
    finally:
        conn.close()
    if answer.status != 200:
        raise RuntimeError(f"the subject-access export answered {answer.status}: {body[:300]!r}")
    return {"status": answer.status, "bytes": len(body), "records": body.count(b'"record_type"')}


def housekeeping(port: int, backend: str) -> dict:
    now = dt.datetime.now(dt.UTC)
    topped_up = 0
    if _due(backend, now) == 0:
        topped_up = _closures(backend, now)
    due = _due(backend, now)
    load = Probe("register by band, status and need", "/applicants?band=B&status=active&bedroom_need=3", None,
                 roles=OFFICERS)
    swept = latency_while(port, load, lambda: _sweep(backend))
    plain = engine(database_url("lettings", backend))
    with plain.connect() as conn:
        # The person with the longest history: housed, offers refused before, letters, a tenancy.
        tenancy_ref = conn.execute(text(
            "SELECT t.reference FROM tenancies t JOIN offers o ON o.applicant_id = t.applicant_id "
            "GROUP BY t.reference ORDER BY count(*) DESC, t.reference LIMIT 1")).scalar()
    plain.dispose()
    started = time.perf_counter()
    exported = _export(port, tenancy_ref)
    return {"due_before_sweep": due, "closures_written_first": topped_up, "retention_sweep": swept,
            "subject_access_export": {"tenancy_ref": tenancy_ref, "took_s": round(time.perf_counter() - started, 2),
                                      **exported}}
