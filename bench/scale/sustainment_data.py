"""Sustainment's share of the large council: 200,000 tenancy-sustainment and onboarding cases over
five years, with what officers recorded on them, and the probes and housekeeping measured over it.

Each case is written as the use cases would have left it (``sustainment.cases``): opened from an
accepted referral (numbered R-…, received a few hours to days before) or, one in seven, for a
high-risk new tenant (onboarding, with the template plan and a settling-in visit); assigned to an
officer of one of eight teams (a few reassigned); first contact, contacts, home visits and welfare
checks (some no access), notes (one in ten safeguarding or health), plans agreed and revised
(goals and actions), risk changes, referrals to agencies of the directory (sent by e-mail or
webhook where the agency takes them, answered or not), then closed 14–120 days after opening with
an outcome, when that day has come. Each change has its line on the timeline and its audit entry
(without the narrative, as ``sustainment.audited`` keeps them), with a read; each closed
case its retention timer. Most cases are closed; the open ones (about 6,500, of which the newest
few not yet assigned) make a caseload of 20–40 for each of 200 officers, with visits and plan
reviews overdue and agencies to chase as a live caseload has.

One case a year old is written as ``bench/pages.py`` makes it through the API (the case page's
probe): a plan of 3 goals and 8 actions revised 4 times, 12 visits made and 2 booked, 10 contacts,
3 agency referrals, 40 notes of a few hundred characters, a risk review.

Not written: the outbox's events (relayed and gone by now) and the deadline timers of open cases.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import text

from scale.measure import Probe, http_round, latency_while
from scale.store import Bulk, database_url, engine

CASES = 200_000
YEARS = 5
TEAMS = ("north", "south", "east", "west", "central", "city", "rural", "onboarding")
OFFICERS_PER_TEAM = 25
AGENCIES = 120
ONBOARDING_SHARE = 0.15
CHUNK = 10_000
SEED = 30

FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Jamie", "Morgan", "Taylor", "Jordan", "Casey", "Robin", "Lee",
         "Ali", "Priya", "Mohammed", "Fatima", "Olu", "Grace", "Tomasz", "Agnieszka", "Sean", "Aisha", "Ewa", "Kai")
LAST = ("Smith", "Jones", "Patel", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson", "Nowak",
        "Okafor", "Ahmed", "Murphy", "Walsh", "Hussain", "Clarke", "Begum", "Wright", "Green", "Kowalski", "Ali")
STREETS = ("Station Road", "High Street", "Church Lane", "Fleming Way", "Queensway", "Saxon Gate", "Midsummer Boulevard",
           "Elder Gate", "Silbury Boulevard", "Avebury Boulevard", "Marlborough Street", "Grafton Gate")
REASONS = ("rent_arrears", "mental_health", "anti_social_behaviour", "hoarding", "domestic_abuse", "physical_health")
CATEGORIES = ("income_and_benefits", "rent_arrears", "anti_social_behaviour", "property_condition_and_hoarding",
              "health_and_wellbeing", "employment_and_training")
OUTCOMES = ("tenancy_sustained", "tenancy_sustained", "tenancy_sustained", "moved_on_planned", "evicted", "abandoned",
            "disengaged", "disengaged", "transferred", "deceased")
RISK_LEVELS = ("low", "medium", "high", "critical")
NOTE = ("Spoke with the tenant at the door. Rent account discussed; they agreed to ring the income team this week "
        "and bring the letters from the DWP to the next visit. ")
VISIT_NOTE = "Tenant in, flat tidier than last time; went through the rent statement and the UC journal together."
RISKS = ("low",) * 2 + ("medium",) * 4 + ("high",) * 3 + ("critical",)
VISIT_OUTCOMES = ("completed",) * 16 + ("no_access",) * 3 + ("cancelled",)
NOTE_CATEGORIES = ("general",) * 18 + ("safeguarding", "health")
KIND_WORDS = {"home_visit": "Home visit", "welfare_check": "Welfare check", "settling_in": "Settling-in visit"}


def officers(scale: float) -> list[str]:
    per_team = max(1, round(OFFICERS_PER_TEAM * scale))
    return [f"o-{team}-{n:02d}" for team in TEAMS for n in range(1, per_team + 1)]


def _agencies(rng: random.Random, now: dt.datetime) -> list[dict]:
    kinds = (("Citizens Advice", "Debt advice", False), ("MK Mind", "Mental health support", True),
             ("Adult Social Care", "Care needs assessment", True), ("StepChange", "Debt advice", False),
             ("Food bank", "Emergency food", False), ("Women's Aid", "Domestic abuse support", True),
             ("Jobcentre Plus", "Work coach", False), ("Age UK", "Later life support", False))
    found = []
    for n in range(AGENCIES):
        organisation, service_name, restricted = kinds[n % len(kinds)]
        delivery = rng.choice(("none", "email", "email", "webhook"))
        found.append({
            "id": uuid.UUID(int=rng.getrandbits(128), version=4), "oruk_service_id": f"svc-{n + 1:04d}",
            "oruk_organisation_id": f"org-{n % 40 + 1:03d}", "organisation_name": f"{organisation} ({n // 8 + 1})",
            "organisation_description": f"{organisation} serving the borough.", "organisation_url": None,
            "service_name": service_name, "service_description": f"{service_name} for tenants and residents.",
            "service_url": None, "email": f"referrals{n + 1}@agency.example.org" if delivery == "email" else None,
            "contact_name": "Referrals team", "contact_title": None, "contact_phone": "01908 000000",
            "eligibility": "Adults living in the borough.", "minimum_age": 18, "maximum_age": None,
            "chase_working_days": None, "delivery": delivery,
            "webhook_url": f"https://agency{n + 1}.example.org/referrals" if delivery == "webhook" else None,
            "webhook_secret": "s3cret-bench" if delivery == "webhook" else None, "restricted": restricted,
            "active": n % 30 != 29, "updated_at": now - dt.timedelta(days=400)})
    return found


class Writer:
    """One chunk of cases' rows, table by table, in the order foreign keys want them."""

    TABLES = ("cases", "assignments", "plans", "visits", "contacts", "case_notes", "risk_changes",
              "agency_referrals", "agency_deliveries", "timeline_entries", "audit_log", "timers")

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {t: [] for t in self.TABLES}

    def flush(self, bulk: Bulk) -> None:
        # Each case keeps its current plan's first deadline, as agreeing the plan sets it
        # (``Case.plan_due``, ``plan_review``); a case's rows are all in one chunk.
        from sustainment.models import first_due

        current: dict = {}
        for plan in self.rows["plans"]:
            if plan["version"] > current.get(plan["case_id"], {"version": 0})["version"]:
                current[plan["case_id"]] = plan
        for case in self.rows["cases"]:
            plan = current.get(case["id"])
            case["plan_due"] = first_due(plan["actions"], plan["review_date"]) if plan else None
            case["plan_review"] = plan["review_date"] if plan else None
        for table in self.TABLES:
            if self.rows[table]:
                bulk.write(table, self.rows[table])
        self.rows = {t: [] for t in self.TABLES}


class Council:
    """Makes each case with everything on it (see the module's text)."""

    def __init__(self, rng: random.Random, now: dt.datetime, staff: list[str], agencies: list[dict]) -> None:
        self.rng, self.now, self.staff, self.agencies = rng, now, staff, agencies
        self.leaders = [f"tl-{team}" for team in TEAMS]

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # -- one case ---------------------------------------------------------------------------------

    def case(self, out: Writer, number: int, opened: dt.datetime, *, closed_by: dt.datetime | None = None,
             heavy: bool = False, officer: str | None = None, tenancy: int | None = None) -> dict:
        """A case opened at ``opened``, worked until it closes (``closed_by`` when given, else 14–120
        days later if that has come). Its rows go to ``out``."""
        rng, now = self.rng, self.now
        onboarding = not heavy and rng.random() < ONBOARDING_SHARE
        case_id = self.uuid()
        risk = "high" if onboarding else rng.choice(RISKS)
        closes = closed_by or opened + dt.timedelta(days=rng.uniform(14, 120))
        if heavy:
            closes = now + dt.timedelta(days=30)
        closed = closes if closes < now else None
        officer = officer or rng.choice(self.staff)
        assigned = opened + dt.timedelta(hours=rng.uniform(1, 30))
        if closed is None and assigned > now:
            officer, assigned = None, None
        days_due = {"critical": 1, "high": 2, "medium": 5, "low": 10}[risk]
        first_due = opened + dt.timedelta(days=days_due * 7 / 5)
        contact_at = None
        if assigned is not None:
            contact_at = assigned + dt.timedelta(hours=rng.uniform(2, 24 * days_due * 1.6))
            contact_at = contact_at if contact_at < (closed or now) else None
        status = "closed" if closed else ("open" if officer is None else ("active" if contact_at else "allocated"))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        tenancy = tenancy if tenancy is not None else rng.randrange(1, 160_000)
        leader = f"tl-{officer.split('-')[1]}" if officer else self.leaders[0]
        row = {
            "id": case_id, "number": number, "case_type": "onboarding" if onboarding else "sustainment",
            "status": status, "risk_level": risk, "risk_score": rng.randrange(10, 70),
            "risk_factors": [{"code": r, "points": 15, "detail": ""} for r in rng.sample(REASONS, 2)],
            "reasons": [] if onboarding else rng.sample(REASONS, rng.choice((1, 1, 2, 3))),
            "priority": None if onboarding else rng.choice(("routine", "routine", "urgent")),
            "referral_id": None if onboarding else self.uuid(),
            "referral_reference": None if onboarding else f"R-{number * 5 + rng.randrange(5):06d}",
            "tenancy_id": self.uuid() if onboarding else None, "tenancy_ref": f"T-{tenancy:06d}",
            "tenancy_start": (opened - dt.timedelta(days=rng.randrange(3, 10))).date() if onboarding else None,
            "uprn": f"{25_000_000 + tenancy}", "tenant_name": f"{first} {last}",
            "tenant_date_of_birth": dt.date(1940, 1, 1) + dt.timedelta(days=(tenancy * 7919) % 25_000),
            "tenant_phone": f"07700 9{tenancy % 100_000:05d}",
            "tenant_email": f"{first.lower()}.{last.lower()}{tenancy}@example.com",
            "tenant_address": f"Flat {tenancy % 40 + 1}, {tenancy % 200 + 1} {STREETS[tenancy % len(STREETS)]}, "
                              f"Milton Keynes MK{tenancy % 19 + 1} {tenancy % 9 + 1}AA",
            "support_needs": rng.sample(("interpreter", "large_print", "hearing_loop", "wheelchair"), rng.choice((0, 0, 1))),
            "arrears_balance": Decimal(rng.randrange(0, 400_000)) / 100, "weekly_rent": Decimal(rng.randrange(8000, 16000)) / 100,
            "clutter_rating": rng.choice((None, None, None, 3, 5, 7)), "consent_given": True,
            "safeguarding_exemption": False, "officer_id": officer,
            "referred_at": None if onboarding else opened - dt.timedelta(hours=rng.uniform(4, 120)),
            "opened_at": opened, "first_contact_due": first_due, "first_contact_at": contact_at,
            "settling_in_due": opened + dt.timedelta(days=14) if onboarding else None,
            "support_ends": (opened + dt.timedelta(weeks=12)).date() if onboarding else None,
            "consecutive_no_access": 0, "closed_at": closed,
            "closure_outcome": rng.choice(OUTCOMES) if closed else None,
            "closure_summary": "Arrears cleared; tenant engaging with the agencies." if closed else None,
            "anonymised_at": None,
        }
        out.rows["cases"].append(row)
        events: list[tuple] = []  # (at, timeline kind, summary, actor, related, audit action, after, reason)

        def happened(at, kind, summary, actor, related=None, action=None, after=None, reason=None):
            events.append((at, kind, summary, actor, related, action, after, reason))

        source = f"tenancy T-{tenancy:06d}" if onboarding else f"referral {row['referral_reference']}"
        happened(opened, "case_opened", f"{row['case_type'].capitalize()} case opened from {source}", "system", None,
                 "create", {"reference": f"S-{number:06d}", "case_type": row["case_type"], "status": "open",
                            "risk_level": risk, "tenancy_ref": row["tenancy_ref"]})
        until = closed or now
        plan_version = 0
        if onboarding:
            plan_version = 1
            self._plan(out, case_id, 1, opened, "template", None, rng.randrange(3, 5))
            happened(opened, "plan_drafted", "Onboarding plan made from the template", "system", 1)
        if officer is not None:
            out.rows["assignments"].append({"id": self.uuid(), "case_id": case_id, "officer_id": officer,
                                            "previous_officer_id": None, "assigned_by": leader, "assigned_at": assigned})
            happened(assigned, "assigned", f"Assigned to {officer}", leader, None, "assign",
                     {"officer_id": officer, "status": "allocated"})
            if rng.random() < 0.08 and not heavy:
                again = assigned + (until - assigned) * rng.random()
                other = rng.choice(self.staff)
                out.rows["assignments"].append({"id": self.uuid(), "case_id": case_id, "officer_id": other,
                                                "previous_officer_id": officer, "assigned_by": leader,
                                                "assigned_at": again})
                happened(again, "assigned", f"Assigned to {other} (was {officer})", leader, None, "assign",
                         {"officer_id": other})
                row["officer_id"] = officer = other
        if contact_at is not None:
            worker = officer
            span = max((until - contact_at).total_seconds(), 3600)
            contacts = 10 if heavy else 1 + int(span // (86400 * 45))
            for i in range(contacts):
                at = contact_at + dt.timedelta(seconds=span * i / contacts)
                method = "phone" if i == 0 else rng.choice(("phone", "phone", "home_visit", "email", "letter", "text_message"))
                contact_id = self.uuid()
                out.rows["contacts"].append({"id": contact_id, "case_id": case_id, "method": method, "made_at": at,
                                             "notes": "Discussed the rent account and the next visit.",
                                             "recorded_by": worker})
                if i == 0:
                    happened(at, "first_contact", "First contact made", worker)
                happened(at, "contact", f"Contact by {method.replace('_', ' ')}", worker, contact_id, "record_contact",
                         {"contact": {"id": str(contact_id), "method": method, "made_at": at.isoformat()}})
            # the plan: agreed a week on, revised now and then
            agreed = contact_at + dt.timedelta(days=rng.uniform(2, 10))
            versions = 5 if heavy else (1 if rng.random() < 0.7 else 2)
            for v in range(versions):
                at = agreed + (until - agreed) * (v / versions) if not heavy else opened + dt.timedelta(days=20 + 60 * v)
                if at >= until:
                    break
                plan_version += 1
                review = (at + dt.timedelta(weeks=12)).date()
                self._plan(out, case_id, plan_version, at, "agreed", officer, 8 if heavy else rng.randrange(3, 6),
                           review=review, goals=3 if heavy else rng.randrange(1, 4))
                happened(at, "plan_agreed", f"Plan version {plan_version} agreed", officer, plan_version,
                         "agree_plan", {"plan": {"version": plan_version, "review_date": review.isoformat()}})
            # visits: one a month, the last maybe still to come
            visits = 14 if heavy else int(span // (86400 * 30)) + (1 if onboarding else 0)
            for i in range(visits):
                kind = "settling_in" if onboarding and i == 0 else rng.choice(("home_visit", "home_visit", "welfare_check"))
                at = (opened + dt.timedelta(days=rng.uniform(2, 12)) if kind == "settling_in"
                      else contact_at + dt.timedelta(seconds=span * (i + 0.5) / max(visits, 1)))
                if heavy:
                    at = opened + dt.timedelta(days=5 + 28 * i)
                booked = at - dt.timedelta(days=rng.uniform(2, 10))
                visit_id = self.uuid()
                recorded = at + dt.timedelta(hours=rng.uniform(1, 30)) if at < until else None
                if recorded is not None and recorded > until:
                    recorded = None if closed is None else closed
                outcome = rng.choice(VISIT_OUTCOMES) if recorded else "scheduled"
                if closed is not None and outcome == "scheduled":
                    outcome = "cancelled"
                out.rows["visits"].append({
                    "id": visit_id, "case_id": case_id, "kind": kind, "scheduled_for": at, "scheduled_by": officer,
                    "status": outcome, "notes": VISIT_NOTE if outcome == "completed" else None,
                    "risks_identified": ["damp"] if outcome == "completed" and rng.random() < 0.1 else [],
                    "recorded_at": recorded if outcome != "scheduled" else None,
                    "recorded_by": officer if outcome != "scheduled" else None})
                words = KIND_WORDS[kind]
                happened(min(booked, at), "visit_scheduled", f"{words} scheduled", officer, visit_id,
                         "schedule_visit", {"visit": {"id": str(visit_id), "kind": kind, "status": "scheduled"}})
                if outcome != "scheduled" and recorded is not None:
                    happened(recorded, "visit_recorded", f"{words}: {outcome.replace('_', ' ')}", officer, visit_id,
                             "record_visit", {"visit": {"id": str(visit_id), "status": outcome,
                                                        "risks_identified": out.rows["visits"][-1]["risks_identified"]}})
            # notes: one every three weeks or so
            notes = 40 if heavy else 1 + int(span // (86400 * 30))
            for i in range(notes):
                at = contact_at + dt.timedelta(seconds=span * (i + 0.3) / notes)
                note_id = self.uuid()
                category = rng.choice(NOTE_CATEGORIES)
                out.rows["case_notes"].append({"id": note_id, "case_id": case_id,
                                               "text": NOTE * (3 if heavy else rng.randrange(1, 3)),
                                               "category": category, "author": officer, "written_at": at})
                happened(at, "note", "Note added", officer, note_id, "add_note",
                         {"note": {"id": str(note_id), "category": category, "written_at": at.isoformat()}})
            # risk: reviewed on one case in five
            if heavy or rng.random() < 0.2:
                at = contact_at + (until - contact_at) * rng.random()
                to = rng.choice([r for r in RISK_LEVELS if r != risk])
                out.rows["risk_changes"].append({"id": self.uuid(), "case_id": case_id, "from_level": risk,
                                                 "to_level": to, "cause": "officer",
                                                 "reason": "Reviewed after the last visit.", "changed_by": officer,
                                                 "changed_at": at})
                happened(at, "risk_changed", f"Risk changed from {risk} to {to}", officer, None, "change_risk",
                         {"risk_level": to}, "Reviewed after the last visit.")
                row["risk_level"] = to
            # agencies: three cases in ten referred to one
            for _ in range(3 if heavy else (1 if rng.random() < 0.3 else 0)):
                self._agency_referral(out, case_id, officer, contact_at, until, closed, happened)
        if closed is not None:
            happened(closed, "closed", f"Closed: {row['closure_outcome'].replace('_', ' ')}", officer or "system",
                     None, "close", {"status": "closed", "closure_outcome": row["closure_outcome"]})
            out.rows["timers"].append({"id": self.uuid(), "kind": "anonymise", "key": f"anonymise:{case_id}",
                                       "due_at": _years_on(closed, 6), "payload": {"case_id": str(case_id)},
                                       "attempts": 0, "correlation_id": None, "fired_at": None,
                                       "cancelled_at": None, "last_error": None})
        # a read: the officer (or the team leader) opening the case
        happened(opened + (until - opened) * rng.random(), None, None, officer or leader, None, "read", None)
        events.sort(key=lambda e: e[0])
        for at, kind, summary, actor, related, action, after, reason in events:
            if kind is not None:
                out.rows["timeline_entries"].append({"case_id": case_id, "at": at, "kind": kind, "summary": summary,
                                                     "actor": actor, "related_id": None if related is None else str(related)})
            if action is not None:
                roles = ["system"] if actor == "system" else (["team_leader"] if actor.startswith("tl-")
                                                              else ["sustainment_officer"])
                out.rows["audit_log"].append({"at": at, "actor": actor, "actor_roles": roles, "action": action,
                                              "record_type": "case", "record_id": str(case_id), "before": None,
                                              "after": after, "reason": reason, "correlation_id": None})
        return row

    def _plan(self, out: Writer, case_id, version: int, at: dt.datetime, status: str, agreed_by, actions: int, *,
              review: dt.date | None = None, goals: int = 2) -> None:
        rng = self.rng
        out.rows["plans"].append({
            "id": self.uuid(), "case_id": case_id, "version": version, "status": status, "agreed_by": agreed_by,
            "goals": [{"id": str(self.uuid()), "title": f"Goal {g + 1}: keep the tenancy going",
                       "category": rng.choice(CATEGORIES), "status": "open"} for g in range(goals)],
            "actions": [{"id": str(self.uuid()), "title": f"Action {a + 1}: apply, ring, bring the letters",
                         "category": rng.choice(CATEGORIES), "owner": rng.choice(("officer", "tenant", "agency")),
                         "due_date": (at + dt.timedelta(days=14 * (a + 1))).date().isoformat(),
                         "status": rng.choice(("open", "open", "done"))} for a in range(actions)],
            "review_date": review or (at + dt.timedelta(weeks=6)).date(), "created_at": at})

    def _agency_referral(self, out: Writer, case_id, officer, since, until, closed, happened) -> None:
        rng = self.rng
        agency = rng.choice(self.agencies)
        sent = since + (until - since) * rng.random() * 0.8
        answered = sent + dt.timedelta(days=rng.uniform(1, 20))
        answered = answered if answered < until else None
        status = rng.choice(("accepted", "declined", "completed", "acknowledged")) if answered else "sent"
        referral_id = self.uuid()
        name = agency["organisation_name"] + ": " + agency["service_name"]
        out.rows["agency_referrals"].append({
            "id": referral_id, "case_id": case_id, "agency": name, "agency_id": agency["id"],
            "reason": "Tenant agreed to debt advice; arrears over eight weeks.", "consent_given": True,
            "safeguarding_reason": None, "status": status, "chase_by": (sent + dt.timedelta(days=14)).date(),
            "sent_at": sent, "sent_by": officer, "answered_at": answered,
            "response_note": "Appointment offered." if answered else None,
            "outcome": "Debt relief order applied for." if status == "completed" else None,
            "answered_by": ("agency" if agency["delivery"] != "none" else officer) if answered else None})
        happened(sent, "agency_referral", f"Referred to {name}", officer, referral_id, "refer_to_agency",
                 {"agency_referral": {"id": str(referral_id), "agency": name, "status": "sent"}})
        if agency["delivery"] != "none":
            delivered = sent + dt.timedelta(seconds=rng.uniform(1, 120))
            out.rows["agency_deliveries"].append({
                "id": self.uuid(), "agency_referral_id": referral_id, "channel": agency["delivery"],
                "address": agency["email"] or agency["webhook_url"], "status": "sent", "attempts": 1,
                "last_error": None, "response_status": 200 if agency["delivery"] == "webhook" else None,
                "sent_by": officer, "created_at": sent, "delivered_at": delivered})
            happened(delivered, "agency_referral_sent", f"Sent to {name} by {agency['delivery']}", officer,
                     referral_id, "send_to_agency", {"delivery": {"channel": agency["delivery"]}})
        if answered:
            happened(answered, "agency_response", f"{name}: {status}", officer, referral_id, "agency_response",
                     {"agency_referral": {"status": status}})


def _years_on(at: dt.datetime, years: int) -> dt.datetime:
    try:
        return at.replace(year=at.year + years)
    except ValueError:
        return at.replace(year=at.year + years, month=3, day=1)


def _openings(rng: random.Random, count: int, since: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
    """``count`` moments between ``since`` and ``until``, in order (cases are numbered as they open)."""
    span = (until - since).total_seconds()
    for n in range(count):
        yield since + dt.timedelta(seconds=span * (n + rng.random()) / count)


HEAVY_NUMBER_SHARE = 0.8  # the measured case's place in the numbering: a year before now


def seed(bulk: Bulk, scale: float, now: dt.datetime) -> dict:
    rng = random.Random(SEED)
    staff = officers(scale)
    agencies = _agencies(rng, now)
    bulk.write("agencies", agencies)
    council = Council(rng, now, staff, agencies)
    count = max(50, round(CASES * scale))
    since = now - dt.timedelta(days=365.25 * YEARS)
    heavy_at = now - dt.timedelta(days=366)
    out = Writer()
    heavy = None
    number = 0
    for number, opened in enumerate(_openings(rng, count, since, now), start=1):
        if heavy is None and opened >= heavy_at:
            heavy = council.case(out, number, heavy_at, heavy=True, officer=staff[0])
            continue
        council.case(out, number, opened)
        if number % CHUNK == 0:
            out.flush(bulk)
    out.flush(bulk)
    _count_on(bulk, number)
    _tallied(bulk)
    shape = {k: bulk.written.get(k, 0) for k in Writer.TABLES}
    opened = bulk.sql("SELECT status, count(*) FROM cases GROUP BY status")
    return {"cases": number, "by_status": {s: n for s, n in opened}, "officers": len(staff),
            "agencies": len(agencies), "measured_case": f"S-{heavy['number']:06d}" if heavy else None, "rows": shape}


def _count_on(bulk: Bulk, highest: int) -> None:
    """The case numbers' counter moved past the seeded cases (as ``NUMBERS`` would have counted)."""
    if bulk.backend == "postgresql":
        bulk.sql("SELECT setval('case_number_seq', :n)", n=highest)
    else:
        bulk.sql("INSERT OR IGNORE INTO case_number_seq (n) VALUES (:n)", n=highest)


# -- probes ---------------------------------------------------------------------------------------


def _moment(backend: str, at: dt.datetime):
    """A time as a plain query compares it with the column: aware on PostgreSQL, SQLite's stored text."""
    return at if backend == "postgresql" else at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _uuid_param(backend: str, value) -> str:
    return str(value) if backend == "postgresql" else uuid.UUID(str(value)).hex


def _looked_up(backend: str) -> dict:
    """Ids the probes ask about: the case a year old with many notes and visits (its plan's fifth
    version), its officer, a tenancy with several cases, an agency with many referrals."""
    plain = engine(database_url("sustainment", backend))
    try:
        with plain.connect() as conn:
            heavy = conn.execute(text(
                "SELECT c.id, c.number, c.officer_id, c.tenancy_ref, c.referral_id FROM cases c "
                "JOIN plans p ON p.case_id = c.id WHERE p.version = 5 ORDER BY c.number LIMIT 1")).one()
            tenancy = conn.execute(text(
                "SELECT tenancy_ref FROM cases GROUP BY tenancy_ref ORDER BY count(*) DESC, tenancy_ref LIMIT 1")).scalar()
            critical_officer = conn.execute(text(
                "SELECT officer_id FROM cases WHERE status <> 'closed' AND officer_id IS NOT NULL "
                "GROUP BY officer_id ORDER BY count(*) DESC, officer_id LIMIT 1")).scalar()
    finally:
        plain.dispose()
    case_id = uuid.UUID(str(heavy.id))
    return {"case_id": case_id, "reference": f"S-{heavy.number:06d}", "number": heavy.number,
            "officer": heavy.officer_id, "leader": f"tl-{heavy.officer_id.split('-')[1]}",
            "tenancy_ref": tenancy, "referral_id": heavy.referral_id, "busiest_officer": critical_officer}


CASE_COLUMNS = "*"
OFFICER = ("sustainment_officer",)
LEADER = ("team_leader",)


def probes(backend: str) -> list[Probe]:
    found = _looked_up(backend)
    now = dt.datetime.now(dt.UTC)
    case_id, ref, officer, leader = found["case_id"], found["reference"], found["officer"], found["leader"]
    cid = _uuid_param(backend, case_id)
    year_ago = (now - dt.timedelta(days=365)).date()
    page = "page_size=25"

    def cases(name: str, query: str, where: str, params: dict | None = None, **kw) -> Probe:
        return Probe(name, f"/cases?{query}&{page}" if query else f"/cases?{page}",
                     f"SELECT * FROM cases {where} ORDER BY number LIMIT 25", params or {}, sub=leader,
                     roles=LEADER, **kw)

    def on_case(name: str, path: str, table: str, order: str, **kw) -> Probe:
        return Probe(name, f"/cases/{case_id}/{path}", f"SELECT * FROM {table} WHERE case_id = :c ORDER BY {order}",
                     {"c": cid}, sub=officer, roles=OFFICER, **kw)

    open_with = ("SELECT c.*, v.id AS visit, p.version, a.id AS agency_referral FROM cases c "
                 "LEFT JOIN visits v ON v.case_id = c.id LEFT JOIN plans p ON p.case_id = c.id "
                 "LEFT JOIN agency_referrals a ON a.case_id = c.id WHERE c.status <> 'closed'")
    overdue_sql = (
        "SELECT id, 'first_contact' AS deadline, first_contact_due AS due FROM cases "
        "WHERE status <> 'closed' AND first_contact_at IS NULL AND first_contact_due < :now "
        "UNION ALL SELECT c.id, 'visit', v.scheduled_for FROM cases c JOIN visits v ON v.case_id = c.id "
        "WHERE c.status <> 'closed' AND v.status = 'scheduled' AND v.scheduled_for < :now "
        "UNION ALL SELECT c.id, 'plan_review', NULL FROM cases c JOIN plans p ON p.case_id = c.id "
        "WHERE c.status <> 'closed' AND p.review_date < :today AND p.version = "
        "(SELECT max(version) FROM plans l WHERE l.case_id = c.id) "
        "UNION ALL SELECT c.id, 'agency_chase', NULL FROM cases c JOIN agency_referrals a ON a.case_id = c.id "
        "WHERE c.status <> 'closed' AND a.status IN ('sent', 'acknowledged') AND a.chase_by < :today")
    today = now.date()
    day_params = {"now": _moment(backend, now), "today": today if backend == "postgresql" else today.isoformat()}
    performance_sql = (
        "SELECT count(*), count(first_contact_at), avg(CASE WHEN first_contact_at <= first_contact_due THEN 1 ELSE 0 END), "
        "count(closed_at) FROM cases WHERE opened_at >= :since")
    return [
        # -- the cases list, with each filter an officer, a manager or a partner system uses
        cases("cases, first page", "", ""),
        cases("cases by status (active)", "status=active", "WHERE status = 'active'"),
        cases("cases by status (closed)", "status=closed", "WHERE status = 'closed'"),
        cases("cases by officer", f"officer_id={officer}", "WHERE officer_id = :o", {"o": officer}),
        cases("cases by officer, open (active)", f"officer_id={officer}&status=active",
              "WHERE officer_id = :o AND status = 'active'", {"o": officer}),
        cases("cases by risk (critical)", "risk_level=critical", "WHERE risk_level = 'critical'"),
        cases("cases by risk and status (critical, active)", "risk_level=critical&status=active",
              "WHERE risk_level = 'critical' AND status = 'active'"),
        cases("cases by type (onboarding)", "case_type=onboarding", "WHERE case_type = 'onboarding'"),
        cases("cases by tenancy reference", f"tenancy_ref={found['tenancy_ref']}", "WHERE tenancy_ref = :t",
              {"t": found["tenancy_ref"]}),
        cases("cases by reference", f"reference={ref}", "WHERE number = :n", {"n": found["number"]}),
        cases("cases by referral (partner system)", f"referral_id={found['referral_id']}", "WHERE referral_id = :r",
              {"r": _uuid_param(backend, found["referral_id"])}),
        # -- one case
        Probe("a case a year old (JSON)", f"/cases/{case_id}", "SELECT * FROM cases WHERE id = :c", {"c": cid},
              sub=officer, roles=OFFICER),
        Probe("case page (a year old, many notes and visits)", f"/app/cases/{ref}",
              "SELECT * FROM cases WHERE id = :c", {"c": cid}, sub=officer, roles=OFFICER, page=True),
        Probe("case's plan page", f"/app/cases/{ref}/plan", "SELECT * FROM plans WHERE case_id = :c ORDER BY version",
              {"c": cid}, sub=officer, roles=OFFICER, page=True),
        on_case("case's visits", "visits", "visits", "scheduled_for"),
        on_case("case's notes", "notes", "case_notes", "written_at"),
        on_case("case's contacts", "contacts", "contacts", "made_at"),
        on_case("case's agency referrals", "agency-referrals", "agency_referrals", "sent_at"),
        on_case("case's plan versions", "plan/versions", "plans", "version"),
        on_case("case's deadlines", "deadlines", "visits", "scheduled_for"),
        Probe("case's audit trail", f"/cases/{case_id}/audit",
              "SELECT * FROM audit_log WHERE record_type = 'case' AND record_id = :r ORDER BY at DESC, id DESC LIMIT 20", {"r": str(case_id)},
              sub=leader, roles=LEADER),
        # -- caseloads: the officer's, another's for a team leader, the team's
        Probe("my caseload", "/caseload", open_with + " AND c.officer_id = :o", {"o": officer}, sub=officer,
              roles=OFFICER),
        Probe("an officer's caseload (team leader)", f"/caseload?officer_id={found['busiest_officer']}",
              open_with + " AND c.officer_id = :o", {"o": found["busiest_officer"]}, sub=leader, roles=LEADER),
        Probe("the team's caseload", "/caseload/team", open_with, sub=leader, roles=LEADER),
        Probe("caseload page (officer)", "/app/cases", open_with + " AND c.officer_id = :o", {"o": officer},
              sub=officer, roles=OFFICER, page=True),
        Probe("team's cases page (team leader)", "/app/cases", open_with, sub=leader, roles=LEADER, page=True),
        # -- agencies
        Probe("agency directory", "/agencies", "SELECT * FROM agencies WHERE active ORDER BY organisation_name, "
              "service_name", sub=officer, roles=OFFICER),
        Probe("deliveries to agencies", "/agency-deliveries",
              "SELECT * FROM agency_deliveries ORDER BY created_at DESC LIMIT 500", sub=leader, roles=LEADER),
        Probe("failed deliveries to agencies", "/agency-deliveries?status=failed",
              "SELECT * FROM agency_deliveries WHERE status = 'failed' ORDER BY created_at DESC LIMIT 500",
              sub=leader, roles=LEADER),
        # -- reports
        Probe("report: caseload by officer and risk", "/reports/caseload",
              "SELECT officer_id, risk_level, count(*) FROM cases WHERE status <> 'closed' GROUP BY 1, 2",
              sub=leader, roles=LEADER),
        Probe("report: overdue (visits, reviews, first contact, chases)", "/reports/overdue", overdue_sql,
              day_params, sub=leader, roles=LEADER),
        Probe("report: overdue, onboarding", "/reports/overdue?case_type=onboarding", overdue_sql, day_params,
              sub=leader, roles=LEADER),
        Probe("report: outcomes, five years", "/reports/outcomes",
              "SELECT case_type, closure_outcome, opened_at, closed_at FROM cases WHERE status = 'closed'",
              sub=leader, roles=LEADER),
        Probe("report: outcomes, last year", f"/reports/outcomes?closed_from={year_ago}&closed_to={today}",
              "SELECT case_type, closure_outcome, opened_at, closed_at FROM cases WHERE status = 'closed' "
              "AND closed_at >= :since", {"since": _moment(backend, now - dt.timedelta(days=365))},
              sub=leader, roles=LEADER),
        Probe("report: performance (JSON)", "/reports/performance", performance_sql,
              {"since": _moment(backend, now - dt.timedelta(days=365))}, sub=leader, roles=LEADER),
        Probe("performance page", "/app/performance", performance_sql,
              {"since": _moment(backend, now - dt.timedelta(days=365))}, sub=leader, roles=LEADER, page=True),
        Probe("legal holds", "/legal-holds", "SELECT * FROM legal_holds ORDER BY placed_at", sub=leader,
              roles=LEADER),
    ]


# -- housekeeping ---------------------------------------------------------------------------------

CHILD_TABLES = ("assignments", "plans", "visits", "contacts", "case_notes", "risk_changes", "timeline_entries")


def _past_retention(backend: str, now: dt.datetime) -> tuple[int, int]:
    """A year of closures past the retention period: as many cases as closed in the last year,
    opened six to seven years ago and closed 14–120 days later, with what was recorded on them
    and their audit entries (no timers: the sweep is the safety net for cases their own timer
    missed). The last run's, anonymised by its sweep, are deleted first (their audit entries
    stay: the log is append-only). Returns (cases written, the highest number)."""
    from sustainment.policy import current as policy

    url = database_url("sustainment", backend)
    bulk = Bulk("sustainment", backend)
    cutoff = now - dt.timedelta(days=365.25 * policy().retention_years_after_closure)
    old = "SELECT id FROM cases WHERE closed_at < :cutoff AND anonymised_at IS NOT NULL"
    referrals = f"SELECT id FROM agency_referrals WHERE case_id IN ({old})"
    bulk.sql(f"DELETE FROM agency_deliveries WHERE agency_referral_id IN ({referrals})", cutoff=_moment(backend, cutoff))
    for table in (*CHILD_TABLES, "agency_referrals"):
        bulk.sql(f"DELETE FROM {table} WHERE case_id IN ({old})", cutoff=_moment(backend, cutoff))
    bulk.sql("DELETE FROM cases WHERE closed_at < :cutoff AND anonymised_at IS NOT NULL", cutoff=_moment(backend, cutoff))
    plain = engine(url)
    with plain.connect() as conn:
        a_year = conn.execute(text("SELECT count(*) FROM cases WHERE closed_at >= :since"),
                              {"since": _moment(backend, now - dt.timedelta(days=365))}).scalar()
        highest = conn.execute(text("SELECT max(number) FROM cases")).scalar()
        agency_rows = conn.execute(text("SELECT id, organisation_name, service_name, delivery, email, webhook_url "
                                        "FROM agencies")).mappings().all()
    plain.dispose()
    rng = random.Random(f"{SEED}-{now.isoformat()}")  # new ids each run: the last run's audit entries stay
    agencies = [{**a, "id": uuid.UUID(str(a["id"]))} for a in agency_rows]
    council = Council(rng, now, officers(max(a_year / (CASES / YEARS), 0.0)), agencies)
    out = Writer()
    since = cutoff - dt.timedelta(days=365 + 120)
    for n, opened in enumerate(_openings(rng, a_year, since, cutoff - dt.timedelta(days=120)), start=1):
        council.case(out, highest + n, opened, closed_by=opened + dt.timedelta(days=rng.uniform(14, 120)))
        if n % CHUNK == 0:
            out.rows["timers"] = []  # no retention timers: the sweep is what is timed
            out.flush(bulk)
    out.rows["timers"] = []
    out.flush(bulk)
    _count_on(bulk, highest + a_year)
    _tallied(bulk)
    return a_year, highest + a_year


def _tallied(bulk: Bulk) -> None:
    """The closures counted by day and month (the outcomes report's tallies) and the cases by the day they
    opened (the performance figures'), as the use cases would have."""
    from sustainment.cases import outcomes

    with bulk.transaction() as session:
        outcomes.recount(session)


def _sweep_until_done(backend: str) -> dict:
    """The retention sweep run as its timer runs it (``casework.timers.Sweeper`` firing the
    ``retention_sweep`` timer), again and again as if a day had passed each time, until no case
    is due. Returns how many it anonymised, in how many runs."""
    from casework import privacy, timers
    from casework.db import Database, utcnow
    from sustainment.service import SERVICE

    db = Database(database_url("sustainment", backend))
    sweeper = timers.Sweeper(db, SERVICE.timers, service="sustainment")
    runs = anonymised = 0
    try:
        while True:
            with db.transaction() as session:
                if not _still_due(session, utcnow()):
                    break
                timers.schedule(session, privacy.RETENTION_SWEEP, key=privacy.RETENTION_SWEEP, due_at=utcnow())
            before = _anonymised(db)
            sweeper.fire_due(limit=1)  # the sweep moves its own timer a day on: not counted as fired
            runs += 1
            anonymised += _anonymised(db) - before
    finally:
        db.dispose()
    return {"runs": runs, "anonymised": anonymised}


def _anonymised(db) -> int:
    from sqlalchemy import func, select

    from sustainment.models import Case

    with db.transaction() as session:
        return session.scalar(select(func.count()).where(Case.anonymised_at.is_not(None)))


def _still_due(session, now: dt.datetime) -> int:
    """Closed cases past the retention period, not anonymised and not held (counted, not loaded)."""
    from sqlalchemy import func, select

    from casework.privacy import held, years_before
    from sustainment.models import Case
    from sustainment.policy import current as policy

    return session.scalar(select(func.count()).where(
        Case.status == "closed", Case.anonymised_at.is_(None),
        Case.closed_at < years_before(now, policy().retention_years_after_closure),
        Case.id.not_in([uuid.UUID(i) for i in held(session, "case")])))


def _subject_access(port: int, tenancy_ref: str) -> dict:
    import http.client
    import json
    import time

    from casework_dev.testing import token

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", f"/subjects/export?tenancy_ref={tenancy_ref}",
                 headers={"Authorization": f"Bearer {token('tl-north', 'team_leader')}"})
    answer = conn.getresponse()
    body = answer.read()
    took = round(time.perf_counter() - started, 3)
    conn.close()
    records = json.loads(body).get("records", []) if answer.status == 200 else []
    return {"status": answer.status, "took_s": took, "records": len(records), "bytes": len(body),
            "audit_entries": sum(len(r["audit"]) for r in records)}


def housekeeping(port: int, backend: str) -> dict:
    """A year of closures past retention swept until none is due, timed with the api's p99 before
    and during; then a subject-access export for the person with the most cases. Changes the
    seeded database: the old cases it adds are anonymised (and deleted at the next run)."""
    import time

    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    written, _ = _past_retention(backend, now)
    seeded_s = round(time.perf_counter() - started, 1)
    found = _looked_up(backend)
    probe = Probe("cases by officer, open (active)",
                  f"/cases?officer_id={found['officer']}&status=active&page_size=25", None,
                  sub=found["leader"], roles=LEADER)
    case_page = Probe("case JSON", f"/cases/{found['case_id']}", None, sub=found["officer"], roles=OFFICER)
    for warm in (probe, case_page):
        http_round(port, warm, 2.0, clients=1)
    sweep = latency_while(port, probe, lambda: _sweep_until_done(backend))
    export = latency_while(port, case_page, lambda: _subject_access(port, found["tenancy_ref"]), before_s=2.0)
    return {"past_retention_cases": written, "seeded_in_s": seeded_s, "retention_sweep": sweep,
            "subject_access": {"tenancy_ref": found["tenancy_ref"], **export}}
