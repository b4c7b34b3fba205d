"""Intake's share of the large council: five years of referrals, and what the use cases wrote beside them.

1,000,000 referrals (at ``scale`` 1.0) received over five years, numbered R-000001 on in the order
they came: from partner and front-line systems over the API (each its own client id), officers on
the pages (phoned-in and raised by housing, income and ASB officers), and LIFT's proactive batches
(a batch a week, about 200 households each, five in a hundred referrals). Each referral is scored
by intake's own risk rules and given its triage deadline by its own working-day rule; one for a
tenancy referred within 90 days while the last was still open is linked as a possible duplicate.
Most are triaged (accepted, rejected, signposted) within a working day or two, a few withdrawn;
about 2,000 wait in the triage queue now, the oldest overdue.

Beside them, the rows the use cases write: the audit trail (``create`` with the referral's
snapshot, the triager's ``read`` and ``read_restricted``, ``triage``/``withdraw`` with the fields
changed, ``receive_batch``), the batches with each row's result and their ``batch_referrals``
(row digest, the feed's reference for imported ones), and legal holds on a few referrals.

Retention: referrals closed longer ago than their period plus a year were anonymised by the sweep
as it would have (names and narratives removed, audit snapshots redacted, an ``anonymise`` entry);
the last year of closures past their period was not (a year's backlog, what ``housekeeping``
sweeps). The reference counter is moved on past the last reference.

Not written: the outbox (its events are sent; the relay reads only the unsent) and the timers
(the worker schedules the sweep when it starts).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import random
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import text

from casework.privacy import REMOVED
from casework.privacy.redaction import _redacted
from intake import performance
from intake import policy as intake_policy
from intake.domain import risk, triage
from intake.privacy import AUDIT_KEYS
from intake.sensitivity import restricted_fields

from . import draw, summed
from .measure import Probe, latency_while
from .store import Bulk, database_url, engine

REFERRALS = 1_000_000
YEARS = 5
#: Referrals waiting for triage now (at scale 1.0), about.
WAITING = 2_000
#: Households a LIFT batch refers, and a batch a week.
PER_BATCH = 200
BATCH_EVERY = dt.timedelta(days=7)
TENANCIES = 250_000
CHUNK = 50_000
SEED = 30

#: Partner and front-line systems over the API: source system, client id (the token's sub), team, weight.
SYSTEMS = (
    ("income_recovery", "income-recovery-system", "Income Recovery (North)", 25),
    ("northgate", "northgate-housing", "Tenancy Management", 15),
    ("housing_options", "housing-options-system", "Housing Options", 12),
    ("adult_social_care", "mosaic-asc", "Adult Social Care", 10),
    ("police", "police-vpu", "Vulnerability Unit", 8),
)
#: Officers on the pages (source ``casework_web``): intake officers entering phoned-in referrals,
#: front-line officers raising their own.
WEB = "casework_web"
INTAKE_OFFICERS = [f"intake-{n:02d}" for n in range(1, 41)]
LEADERS = [f"leader-{n}" for n in range(1, 5)]
FRONT_LINE = [(f"{role.split('_')[0]}-{n:03d}", role) for role in ("housing_officer", "income_officer", "asb_officer")
              for n in range(1, 71)]
LIFT = ("lift", "lift-feed", "Financial Inclusion")
LIFT_REASON = "Low income, at risk of arrears"
LIFT_EXEMPTION = "Proactive contact under the council's LIFT data-sharing agreement."

REASON_WEIGHTS = {
    "rent_arrears": 40, "anti_social_behaviour": 12, "hoarding": 5, "mental_health": 20, "physical_health": 10,
    "substance_misuse": 6, "domestic_abuse": 6, "safeguarding_adult": 4, "safeguarding_child": 3,
    "financial_hardship": 15, "disability": 6, "high_risk_new_tenant": 5, "notice_seeking_possession": 5, "other": 3,
}
FIRST = ("Alex", "Sam", "Jo", "Priya", "Mohammed", "Olivia", "Amelia", "Noah", "Oliver", "Isla", "Ava", "Leo",
         "Grace", "Jack", "Freya", "Harry", "Zara", "Ewan", "Chloe", "Ruth", "Kofi", "Aisha", "Tomasz", "Ana")
LAST = ("Morgan", "Patel", "Smith", "Jones", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
        "Thomas", "Roberts", "Nowak", "Okafor", "Hughes", "Walker", "Green", "Hall", "Wood", "Clarke", "Ahmed")
STREETS = ("Station Road", "High Street", "Church Lane", "Mill Way", "Park Avenue", "Queensway", "Elder Gate")
SIGNPOSTS = ("Citizens Advice Milton Keynes", "MK Food Bank", "Step Change", "Mind MK", "Age UK", "Adult Social Care")
REJECTIONS = ("Tenant already has an open sustainment case.", "Not a council tenant.",
              "Needs met by the income team.", "Duplicate of an earlier referral.")
OPEN = ("received", "accepted")
#: The draws' weights summed once (``scale.draw``).
REASON_CODES, REASON_SUMS = tuple(REASON_WEIGHTS), summed(REASON_WEIGHTS.values())
SYSTEM_SUMS = summed(s[3] for s in SYSTEMS)
OUTCOMES, OUTCOME_SUMS = ("accept", "reject", "signpost"), summed((59, 16, 25))


@functools.cache
def _person(index: int) -> dict:
    """The person of tenancy ``index`` (the same person every time the tenancy is referred)."""
    rng = random.Random(index * 7919 + 1)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {"name": f"{first} {last}", "dob": dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 62)),
            "phone": f"07700 9{index % 100000:05d}", "email": f"{first.lower()}.{last.lower()}{index}@example.com",
            "address": f"Flat {index % 40 + 1}, {index % 300 + 1} {rng.choice(STREETS)}, MK{index % 19 + 1} {index % 9}AA"}


def tenancy_ref(index: int) -> str:
    return f"T-{index:07d}"


def _arrivals(rng: random.Random, count: int, start: dt.datetime, now: dt.datetime) -> Iterator[tuple[dt.datetime, int | None]]:
    """When each referral came, in order: (received_at, the batch's number or None). Batches of
    ``PER_BATCH`` households a week from LIFT; the rest spread evenly over the years."""
    span = (now - start).total_seconds()
    batches = [start + BATCH_EVERY * (n + 1) + dt.timedelta(hours=9, minutes=rng.randrange(60))
               for n in range(int((now - start) / BATCH_EVERY))]
    batches = [b for b in batches if b < now - dt.timedelta(hours=6)]
    per_batch = max(1, min(PER_BATCH, count // 20 // max(1, len(batches))))
    single = count - per_batch * len(batches)
    times = ((start + dt.timedelta(seconds=span * (i + rng.random()) / single), None) for i in range(single))
    lifts = ((at, n) for n, at in enumerate(batches) for _ in range(per_batch))
    yield from heapq.merge(times, lifts, key=lambda pair: pair[0])


def _reasons(rng: random.Random, lift: bool) -> list[str]:
    if lift:
        return ["rent_arrears", "financial_hardship"] if rng.random() < 0.4 else ["rent_arrears"]
    chosen: list[str] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        code = draw(rng, REASON_CODES, REASON_SUMS)
        if code not in chosen:
            chosen.append(code)
    return chosen


def _triage_delay(rng: random.Random, scale_waiting: float) -> dt.timedelta:
    """How long triage took: most within a working day, a backlog's worth longer."""
    pick = rng.random()
    if pick < 0.6:
        hours = rng.uniform(1, 44)
    elif pick < 0.9:
        hours = rng.uniform(48, 180)
    else:
        hours = rng.uniform(180, 620)
    return dt.timedelta(hours=hours * scale_waiting)


class Council:
    """The referrals made one after another, with the state the next one needs (the last
    referral of each tenancy, for the duplicate rule)."""

    def __init__(self, scale: float, now: dt.datetime, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.count = max(200, int(REFERRALS * scale))
        self.start = now - dt.timedelta(days=365 * YEARS)
        self.tenancies = max(50, int(TENANCIES * scale))
        self.policy = intake_policy.load()
        self.years = {"accepted": 2, "rejected": 2, "signposted": 2, "withdrawn": 1}
        self.last_of: dict[str, tuple] = {}
        self.batches: dict[int, dict] = {}
        self.batch_rows: list[dict] = []
        self.deadlines: dict[tuple, dt.datetime] = {}
        self.assessed: dict[tuple, tuple] = {}
        # Delays stretched so that about WAITING (at full size) wait now: 550 a day come in.
        self.stretch = 1.0
        self.waiting = self.swept = self.due = 0
        #: Whether the last referral made is in the sweep's backlog.
        self.last_due = False

    def triage_due(self, received: dt.datetime, level: str) -> dt.datetime:
        key = (received.date(), received.hour, level)  # London close of business: the hour is enough
        if key not in self.deadlines:
            self.deadlines[key] = triage.triage_due(received, level, self.policy)
        return self.deadlines[key]

    def assess(self, reasons: tuple[str, ...], arrears: Decimal | None, weekly: Decimal | None,
               clutter: int | None) -> tuple[str, int, list[dict]]:
        """Intake's own risk rules (``risk.assess``), each answer kept: the same inputs come again."""
        key = (reasons, arrears, weekly, clutter)
        if key not in self.assessed:
            found = risk.assess(reasons, arrears_balance=arrears, weekly_rent=weekly, clutter_rating=clutter,
                                policy=self.policy.risk)
            self.assessed[key] = (found.level, found.score,
                                  [{"code": f.code, "points": f.points, "detail": f.detail} for f in found.factors])
        return self.assessed[key]

    def referrals(self) -> Iterator[tuple[dict, list[dict]]]:
        """Each referral's row, with its audit rows, oldest first."""
        for number, (received, batch) in enumerate(_arrivals(self.rng, self.count, self.start, self.now), start=1):
            yield self._referral(number, received, batch)

    def _source(self, batch: int | None) -> tuple[str, str, str | None, str | None, list[str], str]:
        """(source system, entered by, referrer client, team, the enterer's roles, referrer's name)."""
        rng = self.rng
        if batch is not None:
            return LIFT[0], LIFT[1], LIFT[1], LIFT[2], ["referrer"], "Priya Shah"
        pick = rng.random()
        if pick < 0.70:
            system, client, team, _ = draw(rng, SYSTEMS, SYSTEM_SUMS)
            return system, client, client, team, ["referrer"], f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if pick < 0.85:
            officer = rng.choice(INTAKE_OFFICERS)
            return WEB, officer, None, "Intake (phoned in)", ["intake_officer"], f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        officer, role = rng.choice(FRONT_LINE)
        return WEB, officer, None, role.replace("_", " ").capitalize(), [role], officer

    def _referral(self, number: int, received: dt.datetime, batch: int | None) -> tuple[dict, list[dict]]:
        rng = self.rng
        system, entered_by, client, team, roles, referrer = self._source(batch)
        has_tenancy = batch is not None or rng.random() < 0.85
        index = int(self.tenancies * rng.random() ** 1.3) if has_tenancy else self.tenancies + number
        person = _person(index)
        reasons = _reasons(rng, batch is not None)
        weekly = Decimal(rng.randrange(8000, 18000)) / 100
        arrears = (weekly * Decimal(rng.randrange(0, 1400)) / 100).quantize(Decimal("0.01")) \
            if "rent_arrears" in reasons else None
        clutter = rng.randrange(1, 10) if "hoarding" in reasons else None
        assessed = self.assess(tuple(reasons), arrears, weekly if arrears is not None else None, clutter)
        consent = batch is None and rng.random() < 0.85
        ref = f"R-{number:06d}"
        rid = uuid.UUID(int=rng.getrandbits(128), version=4)
        row = {
            "id": rid, "reference": ref, "status": triage.RECEIVED, "received_at": received,
            "source_system": system, "source_team": team, "referrer_name": referrer,
            "referrer_email": f"{referrer.split()[0].lower()}@partner.example" if rng.random() < 0.8 else None,
            "referrer_phone": "01908 000000" if rng.random() < 0.5 else None,
            "referrer_client": client, "entered_by": entered_by,
            "person_name": person["name"], "person_date_of_birth": person["dob"] if rng.random() < 0.9 else None,
            "person_phone": person["phone"] if rng.random() < 0.7 else None,
            "person_email": person["email"] if rng.random() < 0.4 else None,
            "person_address": person["address"], "tenancy_ref": tenancy_ref(index) if has_tenancy else None,
            "uprn": f"{25000000 + index}" if has_tenancy else None, "reasons": reasons,
            "details": (f"{person['name'].split()[0]} has stopped engaging; {', '.join(reasons).replace('_', ' ')}. "
                        "Visited twice, no answer; neighbours report concerns." if rng.random() < 0.7 else None),
            "arrears_balance": arrears, "weekly_rent": weekly if arrears is not None else None,
            "clutter_rating": clutter, "consent_given": consent,
            "consent_method": rng.choice(("verbal", "written", "electronic")) if consent else None,
            "consent_recorded_by": referrer if consent else None,
            "safeguarding_exemption_reason": None if consent else (
                LIFT_EXEMPTION if batch is not None else "Child at risk; informing the tenant would increase the risk."),
            "risk_level": assessed[0], "risk_score": assessed[1], "risk_factors": assessed[2],
            "triage_due": self.triage_due(received, assessed[0]), "possible_duplicate_of": [],
            "triage_outcome": None, "priority": None, "triage_reason": None, "signposted_to": None,
            "triaged_by": None, "triaged_at": None, "withdrawn_reason": None, "withdrawn_at": None,
            "anonymised_at": None,
        }
        if has_tenancy:
            last = self.last_of.get(row["tenancy_ref"])
            if last and received - last[2] <= dt.timedelta(days=90) and (last[3] == "accepted" or (
                    last[4] is not None and last[4] > received) or last[3] == "received"):
                row["possible_duplicate_of"] = [{"id": str(last[0]), "reference": last[1], "match": "same_tenancy"}]
        audit = [self._entry(received, entered_by, roles, "create", rid, after=_snapshot(row))]
        self._close(row, audit)
        if has_tenancy:
            self.last_of[row["tenancy_ref"]] = (rid, ref, received, row["status"],
                                                row["triaged_at"] or row["withdrawn_at"])
        self._retain(row, audit)
        if batch is not None:
            self._in_batch(batch, row, received)
        return row, audit

    def _entry(self, at: dt.datetime, actor: str, roles: list[str], action: str, record_id: Any, *,
               before: dict | None = None, after: dict | None = None, reason: str | None = None,
               record_type: str = "referral") -> dict:
        return {"at": at, "actor": actor, "actor_roles": roles, "action": action, "record_type": record_type,
                "record_id": str(record_id), "before": before, "after": after,
                "reason": reason, "correlation_id": f"{self.rng.getrandbits(128):032x}"}

    def _close(self, row: dict, audit: list[dict]) -> None:
        """Triaged (after the triager read it) or withdrawn, unless it is still waiting now."""
        rng = self.rng
        at = row["received_at"] + _triage_delay(rng, self.stretch)
        if at >= self.now:
            self.waiting += 1
            return
        if rng.random() < 0.07:
            reason = "The arrears were cleared." if rng.random() < 0.6 else None
            row.update(status=triage.WITHDRAWN, withdrawn_reason=reason, withdrawn_at=at)
            audit.append(self._entry(at, row["entered_by"], ["referrer"] if row["referrer_client"] else ["intake_officer"],
                                     "withdraw", row["id"], before={"status": "received", "withdrawal": None},
                                     after={"status": "withdrawn", "withdrawal": {"reason": reason, "at": at.isoformat()}},
                                     reason=reason))
            return
        officer = rng.choice(INTAKE_OFFICERS) if rng.random() < 0.95 else rng.choice(LEADERS)
        roles = ["intake_officer"] if officer.startswith("intake") else ["team_leader"]
        read_at = at - dt.timedelta(minutes=rng.randrange(2, 30))
        audit.append(self._entry(read_at, officer, roles, "read", row["id"]))
        shown = restricted_fields(SimpleNamespace(**row))
        if shown:
            audit.append(self._entry(read_at, officer, roles, "read_restricted", row["id"], after={"fields": shown}))
        outcome = draw(rng, OUTCOMES, OUTCOME_SUMS)
        row.update(status=triage.OUTCOMES[outcome], triage_outcome=outcome, triaged_by=officer, triaged_at=at)
        if outcome == "accept":
            row["priority"] = self.policy.default_priority[row["risk_level"]] if rng.random() < 0.9 else "urgent"
        elif outcome == "reject":
            row["triage_reason"] = rng.choice(REJECTIONS)
        else:
            row["signposted_to"] = rng.choice(SIGNPOSTS)
            row["triage_reason"] = "Better served there." if rng.random() < 0.3 else None
        decided = {"outcome": outcome, "priority": row["priority"], "reason": row["triage_reason"],
                   "signposted_to": row["signposted_to"], "by": officer, "at": at.isoformat()}
        audit.append(self._entry(at, officer, roles, "triage", row["id"], before={"status": "received", "triage": None},
                                 after={"status": row["status"], "triage": decided}, reason=row["triage_reason"]))

    def _in_batch(self, batch: int, row: dict, received: dt.datetime) -> None:
        found = self.batches.setdefault(batch, {
            "id": uuid.UUID(int=self.rng.getrandbits(128), version=4), "received_at": received, "sent_by": LIFT[1],
            "source_system": LIFT[0], "source_team": LIFT[2], "reason": LIFT_REASON, "results": []})
        place = len(found["results"])
        if self.rng.random() < 0.01:  # a row the feed got wrong: refused, and the next row is the household
            found["results"].append({"row": place, "outcome": "refused",
                                     "errors": {"person.name": ["Missing data for required field."]}})
            place += 1
        found["results"].append({"row": place, "outcome": "created", "referral": {
            "id": str(row["id"]), "reference": row["reference"], "risk_level": row["risk_level"],
            "risk_score": row["risk_score"]}})
        imported = batch % 4 == 0  # a file through `casework import referrals`, its own references kept
        kept = row["anonymised_at"] is None  # anonymising clears the row's digest and the feed's reference
        self.batch_rows.append({
            "referral_id": row["id"], "batch_id": found["id"], "row": place,
            "row_key": hashlib.sha256(f"{LIFT[0]}:{row['tenancy_ref']}:{row['reference']}".encode()).hexdigest()
            if kept else None,
            "source_ref": f"LIFT-{batch:04d}-{place:04d}" if imported and kept else None})

    def _retain(self, row: dict, audit: list[dict]) -> None:
        """Anonymised as the sweep would have, if closed before its period and a year more."""
        closed = row["withdrawn_at"] or row["triaged_at"]
        self.last_due = False
        if closed is None:
            return
        period = dt.timedelta(days=365.25 * self.years[row["status"]])
        if closed >= self.now - period:
            return
        if closed >= self.now - period - dt.timedelta(days=365):
            self.due += 1  # the year's backlog: the sweep's to do
            self.last_due = True
            return
        self.swept += 1
        anonymised = closed + period + dt.timedelta(hours=self.rng.randrange(1, 24))
        anonymise(row, anonymised)
        audit[0]["after"] = _redacted_snapshot(audit[0]["after"])
        for entry in audit[1:]:
            entry["before"], entry["after"] = _redacted(entry["before"], AUDIT_KEYS), _redacted(entry["after"], AUDIT_KEYS)
        for entry in audit:
            entry["reason"] = None if entry["reason"] is None else REMOVED
        audit.append(self._entry(anonymised, "system", ["service"], "anonymise", row["id"],
                                 after={"anonymised_at": anonymised.isoformat()}))

    def batch_tables(self) -> tuple[list[dict], list[dict], list[dict]]:
        """The batches, their referrals' rows, and each batch's ``receive_batch`` audit entry."""
        batches, audit = [], []
        for found in self.batches.values():
            counts = {o: sum(1 for r in found["results"] if r["outcome"] == o) for o in ("created", "duplicate", "refused")}
            batch = {**found, "households": len(found["results"]), "created": counts["created"],
                     "duplicates": counts["duplicate"], "refused": counts["refused"]}
            batches.append(batch)
            audit.append(self._entry(found["received_at"], LIFT[1], ["referrer"], "receive_batch", found["id"],
                                     record_type="referral_batch", after={
                                         "source_system": LIFT[0], "reason": LIFT_REASON, **{
                                             k: batch[k] for k in ("households", "created", "duplicates", "refused")}}))
        return batches, self.batch_rows, audit


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _snapshot(row: dict) -> dict:
    """The referral as its ``create`` audit entry keeps it: ``intake.schemas.snapshot`` as the
    audit writes it (``casework.audit._jsonable``), made straight from the row (a hundred times
    quicker; ``tests``: the same at a small scale)."""
    return {
        "id": str(row["id"]), "reference": row["reference"], "status": row["status"],
        "received_at": row["received_at"].isoformat(), "entered_by": row["entered_by"],
        "referrer_client": row["referrer_client"],
        "source": {"system": row["source_system"], "team": row["source_team"],
                   "referrer": {"name": row["referrer_name"], "email": row["referrer_email"],
                                "phone": row["referrer_phone"]}},
        "person": {"name": row["person_name"], "date_of_birth": _iso(row["person_date_of_birth"]),
                   "phone": row["person_phone"], "email": row["person_email"], "address": row["person_address"]},
        "tenancy_ref": row["tenancy_ref"], "uprn": row["uprn"], "reasons": list(row["reasons"]),
        "details": row["details"], "arrears_balance": _money(row["arrears_balance"]),
        "weekly_rent": _money(row["weekly_rent"]), "clutter_rating": row["clutter_rating"],
        "consent": {"given": row["consent_given"], "method": row["consent_method"],
                    "recorded_by": row["consent_recorded_by"]},
        "safeguarding_exemption": ({"reason": row["safeguarding_exemption_reason"]}
                                   if row["safeguarding_exemption_reason"] else None),
        "risk": {"level": row["risk_level"], "score": row["risk_score"], "factors": list(row["risk_factors"])},
        "triage_due": row["triage_due"].isoformat(), "possible_duplicate_of": list(row["possible_duplicate_of"]),
        "triage": None, "withdrawal": None, "restricted": [],
    }


def _removed(value: Any) -> Any:
    return REMOVED if value not in (None, "", [], {}) else value


def _redacted_snapshot(doc: dict) -> dict:
    """``casework.privacy.redact_audit``'s redaction (``AUDIT_KEYS`` at any depth) of a ``_snapshot``."""
    return {**doc, "person": _removed(doc["person"]), "details": _removed(doc["details"]),
            "safeguarding_exemption": _removed(doc["safeguarding_exemption"]),
            "source": {**doc["source"], "referrer": _removed(doc["source"]["referrer"])},
            "consent": {**doc["consent"], "recorded_by": _removed(doc["consent"]["recorded_by"])}}


def anonymise(row: dict, at: dt.datetime) -> None:
    """``intake.privacy.anonymise`` on a row (a dict, not the mapped referral)."""
    for name in ("details", "consent_recorded_by", "safeguarding_exemption_reason", "triage_reason",
                 "withdrawn_reason"):
        row[name] = None if row[name] is None else REMOVED
    row.update(person_name=REMOVED, person_date_of_birth=None, person_phone=None, person_email=None,
               person_address=None, tenancy_ref=None, referrer_name=REMOVED, referrer_email=None,
               referrer_phone=None, anonymised_at=at)


def seed(bulk: Bulk, scale: float, now: dt.datetime) -> dict:
    started = time.perf_counter()
    council = Council(scale, now)
    referrals = council.referrals()
    written = audit_rows = 0
    while True:
        rows, audit = [], []
        for row, entries in referrals:
            rows.append(row)
            audit.extend(entries)
            if len(rows) >= CHUNK:
                break
        if not rows:
            break
        written += bulk.write("referrals", rows)
        audit_rows += bulk.write("audit_log", audit)
    batches, batch_rows, batch_audit = council.batch_tables()
    bulk.write("referral_batches", batches)
    bulk.write("batch_referrals", batch_rows)
    audit_rows += bulk.write("audit_log", batch_audit)
    holds = _legal_holds(bulk, council.rng, max(2, int(40 * scale)))
    _counter(bulk, written)
    _tallied(bulk)
    return {"referrals": written, "waiting": council.waiting, "anonymised": council.swept,
            "due_for_the_sweep": council.due, "batches": len(batches), "batch_referrals": len(batch_rows),
            "audit_entries": audit_rows, "legal_holds": holds, "built_s": round(time.perf_counter() - started, 1)}


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _legal_holds(bulk: Bulk, rng: random.Random, count: int) -> int:
    """Holds on referrals the sweep would otherwise anonymise (a disrepair claim, a complaint)."""
    due = bulk.sql("SELECT id FROM referrals WHERE anonymised_at IS NULL AND status <> 'received' "
                   "ORDER BY received_at LIMIT :n", n=count)
    bulk.write("legal_holds", [{
        "id": uuid.UUID(int=rng.getrandbits(128), version=4), "record_type": "referral", "record_id": str(_as_uuid(r[0])),
        "reason": "Disrepair claim in progress.", "placed_by": LEADERS[0],
        "placed_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=30)} for r in due])
    return len(due)


def _tallied(bulk: Bulk) -> None:
    """The performance report's tallies (by day and month), as triaging and withdrawing the referrals kept them."""
    with bulk.transaction() as session:
        performance.recount(session)


def _counter(bulk: Bulk, highest: int) -> None:
    """The reference counter moved on past the last reference, as migration 0006 would."""
    if bulk.backend == "postgresql":
        bulk.sql("SELECT setval('referral_reference_seq', :n)", n=highest)
    else:
        bulk.sql("INSERT INTO referral_reference_seq (n) VALUES (:n)", n=highest)


# -- probes ---------------------------------------------------------------------------------------------

OFFICER = {"sub": "intake-01", "roles": ("intake_officer",)}
LEADER = {"sub": "leader-1", "roles": ("team_leader",)}
#: The most referred tenancy (``rng.random() ** 1.3`` favours the lowest numbers): the person of the
#: subject-access export, their referrals over five years, the older ones anonymised.
SUBJECT = tenancy_ref(0)
ROWS = "SELECT * FROM referrals"
NEWEST = "ORDER BY received_at DESC, id DESC LIMIT 25"
BY_DUE = "ORDER BY triage_due, risk_score DESC, received_at, id LIMIT 25"
#: What a list of batches shows: each batch's counts, not each row's result (25 LIFT batches' are some
#: 850 kB, which the list leaves unread).
BATCHES = ("SELECT id, received_at, sent_by, source_system, source_team, reason, households, created, duplicates, "
           "refused FROM referral_batches ORDER BY received_at DESC, id LIMIT 25")


def _value(value: Any, backend: str) -> Any:
    """A parameter as the backend stores it: SQLite keeps ids as 32 hex digits and times as naive UTC."""
    if backend != "sqlite":
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _found(backend: str) -> SimpleNamespace:
    """Ids and references the probes ask for, looked up in the large database."""
    plain = engine(database_url("intake", backend))
    rng = random.Random()
    try:
        with plain.connect() as conn:
            def one(sql: str, **params):
                return conn.execute(text(sql), params).first()
            total = one("SELECT count(*) FROM referrals")[0]
            # One of the first ten in the queue, or of fewer where fewer wait (a small seeding has ~5).
            queued = one("SELECT count(*) FROM referrals WHERE status = 'received'")[0]
            waiting = one("SELECT id, reference FROM referrals WHERE status = 'received' "
                          "ORDER BY triage_due, risk_score DESC LIMIT 1 OFFSET :n", n=rng.randrange(max(1, min(10, queued))))
            # (each read of a page adds to its trail: the team leader's page reads another referral)
            led = one("SELECT id, reference FROM referrals WHERE status = 'received' "
                      "ORDER BY triage_due, risk_score DESC LIMIT 1 OFFSET :n", n=10 + rng.randrange(40))
            accepted = one("SELECT id, reference FROM referrals WHERE status = 'accepted' AND anonymised_at IS NULL "
                           "ORDER BY received_at DESC LIMIT 1 OFFSET :n",
                           n=rng.randrange(max(1, min(total // 20, one("SELECT count(*) FROM referrals WHERE status = 'accepted' "
                                                                         "AND anonymised_at IS NULL")[0]))))
            middle = one("SELECT reference FROM referrals WHERE reference = :r", r=f"R-{max(1, total // 2):06d}")
            batch = one("SELECT id FROM referral_batches ORDER BY received_at DESC LIMIT 1 OFFSET 3")
            last = one("SELECT max(received_at) FROM referrals")[0]
    finally:
        plain.dispose()
    last = last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last))
    month_end = (last.date().replace(day=1) - dt.timedelta(days=1))
    return SimpleNamespace(waiting=waiting, led=led or waiting, accepted=accepted, middle=middle[0], batch=_as_uuid(batch[0]),
                           month=(month_end.replace(day=1), month_end), today=last.date())


def probes(backend: str) -> list[Probe]:
    found = _found(backend)
    v = lambda value: _value(value, backend)  # noqa: E731
    now = dt.datetime.now(dt.UTC)
    first, last = found.month
    since = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    year_ago = dt.datetime.combine(found.today - dt.timedelta(days=364), dt.time.min, tzinfo=dt.UTC)
    five_years = found.today - dt.timedelta(days=365 * YEARS)
    batch = found.batch
    waiting_id, waiting_ref = _as_uuid(found.waiting[0]), found.waiting[1]
    accepted_id = _as_uuid(found.accepted[0])
    month_sql = ("SELECT to_char(received_at, 'YYYY-MM') AS month, status, count(*) FROM referrals "
                 "WHERE received_at >= :since AND received_at < :until GROUP BY 1, 2")
    month_sqlite = ("SELECT substr(received_at, 1, 7) AS month, status, count(*) FROM referrals "
                    "WHERE received_at >= :since AND received_at < :until GROUP BY 1, 2")
    return [
        # First, as the cheapest: it warms the api's workers (a first request slower than the
        # harness's first two-second round, as a cold worker's on a loaded machine, fails a probe).
        Probe("legal holds", "/legal-holds", "SELECT * FROM legal_holds ORDER BY placed_at", **LEADER),
        # -- GET /referrals, with each filter an officer or a partner system uses
        Probe("referrals, newest first", "/referrals?page_size=25", f"{ROWS} {NEWEST}", **OFFICER),
        Probe("waiting for triage, by triage due (the queue's own query)",
              "/referrals?status=received&order=triage_due&page_size=25",
              f"{ROWS} WHERE status = 'received' {BY_DUE}", **OFFICER),
        Probe("overdue for triage", "/referrals?overdue=true&order=triage_due&page_size=25",
              f"{ROWS} WHERE status = 'received' AND triage_due < :now {BY_DUE}", {"now": v(now)}, **OFFICER),
        Probe("accepted", "/referrals?status=accepted&page_size=25", f"{ROWS} WHERE status = 'accepted' {NEWEST}",
              **OFFICER),
        Probe("from one source system", "/referrals?source_system=police&page_size=25",
              f"{ROWS} WHERE source_system = 'police' {NEWEST}", **OFFICER),
        Probe("critical risk", "/referrals?risk_level=critical&page_size=25",
              f"{ROWS} WHERE risk_level = 'critical' {NEWEST}", **OFFICER),
        Probe("critical risk waiting, by triage due", "/referrals?status=received&risk_level=critical"
              "&order=triage_due&page_size=25",
              f"{ROWS} WHERE status = 'received' AND risk_level = 'critical' {BY_DUE}", **OFFICER),
        Probe("by reference", f"/referrals?reference={found.middle}", f"{ROWS} WHERE reference = :r",
              {"r": found.middle}, **OFFICER),
        Probe("received in a month", f"/referrals?received_from={first}&received_to={last}&page_size=25",
              f"{ROWS} WHERE received_at >= :since AND received_at < :until {NEWEST}",
              {"since": v(since), "until": v(until)}, **OFFICER),
        Probe("a batch's referrals, highest risk first", f"/referrals?batch_id={batch}&order=risk&page_size=25",
              f"{ROWS} WHERE id IN (SELECT referral_id FROM batch_referrals WHERE batch_id = :b) "
              "ORDER BY risk_score DESC, received_at, id LIMIT 25", {"b": v(batch)}, **OFFICER),
        Probe("a partner system's own referrals", "/referrals?page_size=25",
              f"{ROWS} WHERE entered_by = :me {NEWEST}", {"me": "police-vpu"},
              sub="police-vpu", roles=("referrer",)),
        Probe("a housing officer's own referrals", "/referrals?page_size=25",
              f"{ROWS} WHERE entered_by = :me {NEWEST}", {"me": "housing-001"},
              sub="housing-001", roles=("housing_officer",)),
        Probe("a referral", f"/referrals/{waiting_id}", f"{ROWS} WHERE id = :id", {"id": v(waiting_id)}, **OFFICER),
        Probe("a referral's audit trail", f"/referrals/{accepted_id}/audit",
              "SELECT * FROM audit_log WHERE record_type = 'referral' AND record_id = :id ORDER BY id",
              {"id": str(accepted_id)}, **LEADER),
        # -- batches
        Probe("batches, newest first", "/referrals/batch?page_size=25",
              BATCHES, **OFFICER),
        Probe("a batch", f"/referrals/batch/{batch}", "SELECT * FROM referral_batches WHERE id = :b",
              {"b": v(batch)}, **OFFICER),
        # -- reports
        Probe("performance report, last twelve months", "/reports/performance", month_sql,
              {"since": v(year_ago), "until": v(now)}, sqlite_sql=month_sqlite, **LEADER),
        Probe("performance report, five years", f"/reports/performance?from={five_years}&to={found.today}",
              month_sql, {"since": v(now - dt.timedelta(days=365 * YEARS)), "until": v(now)},
              sqlite_sql=month_sqlite, **LEADER),
        # -- the officers' pages
        Probe("triage queue page", "/app/referrals", f"{ROWS} WHERE status = 'received' {BY_DUE}", page=True,
              **OFFICER),
        Probe("triage queue page, critical only", "/app/referrals?risk_level=critical",
              f"{ROWS} WHERE status = 'received' AND risk_level = 'critical' {BY_DUE}", page=True, **OFFICER),
        Probe("triage queue page, page 40", "/app/referrals?page=40",
              f"{ROWS} WHERE status = 'received' ORDER BY triage_due, risk_score DESC, received_at, id "
              "LIMIT 25 OFFSET 975", page=True, **OFFICER),
        Probe("triage queue page, accepted", "/app/referrals?status=accepted",
              f"{ROWS} WHERE status = 'accepted' {BY_DUE}", page=True, **OFFICER),
        Probe("triage queue page, a batch", f"/app/referrals?batch_id={batch}",
              f"{ROWS} WHERE status = 'received' AND id IN (SELECT referral_id FROM batch_referrals "
              "WHERE batch_id = :b) ORDER BY risk_score DESC, received_at, id LIMIT 25", {"b": v(batch)},
              page=True, **OFFICER),
        Probe("referral page", f"/app/referrals/{waiting_ref}", f"{ROWS} WHERE reference = :r", {"r": waiting_ref},
              page=True, **OFFICER),
        Probe("referral page, a team leader's (with its audit trail)", f"/app/referrals/{found.led[1]}",
              "SELECT * FROM audit_log WHERE record_type = 'referral' AND record_id = :id ORDER BY id",
              {"id": str(_as_uuid(found.led[0]))}, page=True, **LEADER),
        Probe("batches page", "/app/referrals/batches",
              BATCHES, page=True, **OFFICER),
        Probe("performance page", "/app/performance", month_sql, {"since": v(year_ago), "until": v(now)},
              sqlite_sql=month_sqlite, page=True, **LEADER),
    ]


# -- housekeeping ---------------------------------------------------------------------------------------


def housekeeping(port: int, backend: str) -> dict:
    """The retention sweep over the year's backlog of closures, run as its timer runs it (a
    transaction a run: ``casework.privacy.retention.RUNS``) until nothing is due; then a
    subject-access export for the most referred tenant through the CLI's path
    (``casework.subject_archive``). Each with the api's p99 (the triage queue's query) before and
    during it.

    Changes the database: the backlog is anonymised. A rerun with nothing due first makes a new
    year's backlog (``rearm``: the same year's closures written again under new references), so
    each run sweeps a year (another seed: new people); the database grows by that year each rerun.
    At 0.1 scale on a machine at load 30 the whole backlog took about an hour (bench/NOTES.md)."""
    from casework.db import Database

    url = database_url("intake", backend)
    db = Database(url)
    try:
        before = _due(db)
        if before == 0:
            before = rearm(backend)
        queue = Probe("queue", "/referrals?status=received&order=triage_due&page_size=25", None, **OFFICER)
        swept = latency_while(port, queue, lambda: _sweep_until_done(db))
        export = latency_while(port, queue, lambda: _export(port))
    finally:
        db.dispose()
    return {"due_before": before, "retention_sweep": swept, "subject_access_export": export}


def _due(db) -> int:
    from casework.context import bound
    from intake.privacy import due_referrals

    with bound(service="intake"), db.transaction() as session:
        return sum(1 for _ in due_referrals(session, dt.datetime.now(dt.UTC)))


def _sweep_until_done(db, most: int | None = None) -> dict:
    """The retention timer's handler run as the worker runs it (a transaction a run, again after
    the pause it asks for while a run finds a full batch) until it reschedules itself a day on,
    or ``most`` runs."""
    from sqlalchemy import func, select

    from casework.context import bound
    from casework.privacy import RETENTION_SWEEP
    from casework.timers import Timer
    from intake.models import Referral
    from intake.timers import TIMERS

    def anonymised() -> int:
        with db.transaction() as session:
            return session.scalar(select(func.count()).where(Referral.anonymised_at.is_not(None)))

    first, runs, slowest = anonymised(), 0, 0.0
    while most is None or runs < most:
        started = time.perf_counter()
        with bound(service="intake"), db.transaction() as session:
            TIMERS[RETENTION_SWEEP](session, None)
            again = session.scalar(select(Timer.due_at).where(Timer.key == RETENTION_SWEEP)) - dt.datetime.now(dt.UTC)
        slowest = max(slowest, time.perf_counter() - started)
        runs += 1
        if again > dt.timedelta(hours=1):  # rescheduled for tomorrow: nothing more is due
            break
        time.sleep(max(0.0, again.total_seconds()))  # the pause the handler asks for
    return {"runs": runs, "anonymised": anonymised() - first, "slowest_run_s": round(slowest, 2)}


def _export(port: int) -> dict:
    """What ``casework subject-access --tenancy-ref`` does, against this one service."""
    import tempfile
    from pathlib import Path

    from casework.subject_archive import gather, write_archive
    from casework_dev.testing import token

    services = {"intake": f"http://127.0.0.1:{port}"}
    exports, errors = gather(services, token("bench-dpo", "admin"), tenancy_ref=SUBJECT)
    if errors:
        raise RuntimeError(f"the export failed: {errors}")
    with tempfile.TemporaryDirectory() as folder:
        write_archive(Path(folder) / "sar.zip", exports, errors, requested_by="bench-dpo",
                      query={"tenancy_ref": SUBJECT}, services=services)
    records = exports["intake"]["records"]
    return {"tenancy_ref": SUBJECT, "records": len(records), "audit_entries": sum(len(r["audit"]) for r in records)}


def rearm(backend: str) -> int:
    """A year's backlog for the sweep again: the council made again (another seed) and only its
    closures past their period but not a year more written, under references after the last."""
    bulk = Bulk("intake", backend)
    # (references past R-999999 grow a digit: the highest by number, not by text)
    count, number = bulk.sql("SELECT count(*), max(CAST(substr(reference, 3) AS BIGINT)) FROM referrals")[0]
    council = Council(count / REFERRALS, dt.datetime.now(dt.UTC), seed=SEED + count)
    rows, audit = [], []
    for row, entries in council.referrals():
        if council.last_due:
            number += 1
            row["reference"] = entries[0]["after"]["reference"] = f"R-{number:06d}"
            rows.append(row)
            audit.extend(entries)
    bulk.write("referrals", rows)
    bulk.write("audit_log", audit)
    _counter(bulk, number)
    _tallied(bulk)
    return len(rows)
