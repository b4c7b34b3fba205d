"""The sustainment service's tables: cases and what officers record on them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    and_,
    event,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, attributes, mapped_column, relationship

from casework import records, tallies
from casework.db import JSONDoc, UTCDateTime, naming_metadata, utcnow
from casework.literal import text_of
from casework.numbering import Counter

#: Case numbers: a sequence on PostgreSQL, a counting table on SQLite (migration 0006).
NUMBERS = Counter("case_number_seq")


class Base(DeclarativeBase):
    metadata = naming_metadata()


#: Closures counted by month and by day for the outcomes report (``sustainment.cases.outcomes``;
#: migrations 0015 and 0019), and cases by the day they opened for the performance figures
#: (``sustainment.cases.performance``; migration 0021).
TALLIES = tallies.tables(Base.metadata)


def _id() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


def _case_id() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


def case_reference(number: int) -> str:
    """The case's reference, as officers and tenants quote it: ``S-000042``."""
    return f"S-{number:06d}"


#: What ``ix_cases_open_load`` keeps of each open case beside its officer and risk level.
OPEN_LOAD = ("id", "number", "case_type", "first_contact_at", "first_contact_due", "plan_due", "plan_review",
             "settling_in_due")


class Case(Base):
    """A tenancy-sustainment case, or the onboarding support of a high-risk new tenant."""

    __tablename__ = "cases"
    #: The open cases by officer (caseloads, the team's, the reports' open figures) and a status's cases in
    #: number order (the cases list by status): migration 0013.
    __table_args__ = (Index("ix_cases_open_by_officer", "officer_id", postgresql_where=text("status <> 'closed'"),
                            sqlite_where=text("status <> 'closed'")),
                      Index("ix_cases_status_number", "status", "number"),
                      # The open cases of a type (the overdue report for onboarding cases): not every
                      # onboarding case of five years ANDed with the open ones (migration 0020).
                      Index("ix_cases_open_by_type", "case_type", postgresql_where=text("status <> 'closed'"),
                            sqlite_where=text("status <> 'closed'")),
                      # The cases not yet contacted, by their deadline: the performance figures'
                      # first contacts still pending (migration 0021).
                      Index("ix_cases_awaiting_contact", "first_contact_due",
                            postgresql_where=text("first_contact_at IS NULL"),
                            sqlite_where=text("first_contact_at IS NULL")),
                      # The onboarding cases by opening, with their settling-in deadline: the
                      # performance figures' settling-in visits (migration 0021).
                      Index("ix_cases_settling_in", "opened_at", "settling_in_due", "id",
                            postgresql_where=text("settling_in_due IS NOT NULL"),
                            sqlite_where=text("settling_in_due IS NOT NULL")),
                      # The open cases by officer and risk with what their deadlines and a report's
                      # row need (``OPEN_LOAD``): the team's counts, the overdue report and the open
                      # cases figures read the 7,000 open cases from the index alone, not from 7,000
                      # places in the table (migration 0022; SQLite keeps the two keys only).
                      Index("ix_cases_open_load", "officer_id", "risk_level", postgresql_include=list(OPEN_LOAD),
                            postgresql_where=text("status <> 'closed'"), sqlite_where=text("status <> 'closed'")))

    id: Mapped[uuid.UUID] = _id()
    number: Mapped[int] = mapped_column(Integer, unique=True)  # S-000042, from ``NUMBERS``
    case_type: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    risk_level: Mapped[str] = mapped_column(String(20), index=True)
    risk_score: Mapped[int | None] = mapped_column(Integer)
    risk_factors: Mapped[list] = mapped_column(JSONDoc, default=list)
    reasons: Mapped[list] = mapped_column(JSONDoc, default=list)
    priority: Mapped[str | None] = mapped_column(String(20))
    # Where the case came from: an accepted referral or a tenancy start (one case each).
    referral_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    referral_reference: Mapped[str | None] = mapped_column(String(40))
    tenancy_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    tenancy_ref: Mapped[str | None] = mapped_column(String(60), index=True)
    tenancy_start: Mapped[dt.date | None] = mapped_column(Date)
    uprn: Mapped[str | None] = mapped_column(String(20))
    # The tenant, as the referral or the sign-up recorded them.
    tenant_name: Mapped[str] = mapped_column(String(200))
    tenant_date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    tenant_phone: Mapped[str | None] = mapped_column(String(40))
    tenant_email: Mapped[str | None] = mapped_column(String(200))
    tenant_address: Mapped[str | None] = mapped_column(String(500))
    support_needs: Mapped[list] = mapped_column(JSONDoc, default=list)
    arrears_balance: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    weekly_rent: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    clutter_rating: Mapped[int | None] = mapped_column(Integer)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    safeguarding_exemption: Mapped[bool] = mapped_column(Boolean, default=False)
    officer_id: Mapped[str | None] = mapped_column(String(200), index=True)
    #: When intake received the referral that opened the case (none for onboarding cases and for
    #: cases opened before intake said it): reports count the days from referral to case opened.
    referred_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    first_contact_due: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    settling_in_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    support_ends: Mapped[dt.date | None] = mapped_column(Date)
    consecutive_no_access: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    closure_outcome: Mapped[str | None] = mapped_column(String(40))
    closure_summary: Mapped[str | None] = mapped_column(Text)
    #: Set when the retention period after closure passed and personal details were removed.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Goes up with every change to the case or anything on it (``_count_changes``, below): its ETag.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: The current plan's first date-only deadline: its review date or an open action's due date,
    #: whichever is sooner (none without a plan or dates). Set with each plan version
    #: (``Plan.first_due``; plans are never changed in place), so counting the cases whose plan is
    #: overdue reads the cases alone, not each open case's plan and its actions (migration 0020;
    #: bench/NOTES.md, "Sustainment at full size, third pass").
    plan_due: Mapped[dt.date | None] = mapped_column(Date)
    #: The current plan's review date, set with each plan version as ``plan_due`` is: the overdue
    #: report's plan reviews read the plans of only the cases whose review is past (migration 0020).
    plan_review: Mapped[dt.date | None] = mapped_column(Date)

    plans: Mapped[list[Plan]] = relationship(order_by="Plan.version", back_populates="case")
    visits: Mapped[list[Visit]] = relationship(order_by="Visit.scheduled_for")
    agency_referrals: Mapped[list[AgencyReferral]] = relationship(order_by="AgencyReferral.sent_at")
    contacts: Mapped[list[Contact]] = relationship(order_by="Contact.made_at")
    notes: Mapped[list[CaseNote]] = relationship(order_by="CaseNote.written_at")
    assignments: Mapped[list[Assignment]] = relationship(order_by="Assignment.assigned_at")
    risk_history: Mapped[list[RiskChange]] = relationship(order_by="RiskChange.changed_at")
    timeline: Mapped[list[TimelineEntry]] = relationship(order_by="TimelineEntry.id")

    @property
    def reference(self) -> str:
        return case_reference(self.number)

    @property
    def tenant(self) -> dict:
        return {"name": self.tenant_name, "date_of_birth": self.tenant_date_of_birth, "phone": self.tenant_phone,
                "email": self.tenant_email, "address": self.tenant_address}

    @property
    def plan(self) -> Plan | None:
        """The current version of the plan."""
        return self.plans[-1] if self.plans else None


#: How a case's reference (``S-000045``, made from its number) finds it: ``casework.records``.
CASE_REFERENCE = records.numbered("S", Case.number)

#: A case not closed, written as ``ix_cases_open_by_officer``'s WHERE has it, so that the index
#: serves a statement psycopg has prepared (``casework.literal.text_of``).
OPEN = Case.status != text_of("closed")


class Assignment(Base):
    """Who the case was given to, by whom and when: reassignments stay in the history."""

    __tablename__ = "assignments"

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    officer_id: Mapped[str] = mapped_column(String(200))
    previous_officer_id: Mapped[str | None] = mapped_column(String(200))
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Plan(Base):
    """One version of a case's sustainment plan; each change is a new version."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_plans_case_id_version"),)

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    version: Mapped[int] = mapped_column(Integer)
    goals: Mapped[list] = mapped_column(JSONDoc, default=list)
    actions: Mapped[list] = mapped_column(JSONDoc, default=list)
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    #: ``template`` for the onboarding plan a case opens with, ``agreed`` once agreed with the tenant.
    status: Mapped[str] = mapped_column(String(20), default="agreed")
    agreed_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="plans")

    @property
    def first_due(self) -> dt.date | None:
        """Its first date-only deadline (``first_due``)."""
        return first_due(self.actions, self.review_date)


def first_due(actions: list[dict] | None, review_date: dt.date | None) -> dt.date | None:
    """A plan's first date-only deadline: its review date or an open action's due date (status
    missing or ``open``), whichever is sooner; none when it has neither. The case keeps its current
    plan's (``Case.plan_due``)."""
    days = [dt.date.fromisoformat(a["due_date"]) for a in actions or []
            if a.get("due_date") and a.get("status", "open") == "open"]
    if review_date is not None:
        days.append(review_date)
    return min(days, default=None)


#: A settling-in visit made, written as ``ix_visits_settled``'s WHERE has it.
SETTLED_WHERE = "kind = 'settling_in' AND status = 'completed'"


class Visit(Base):
    """A home visit, welfare check or settling-in visit: scheduled, then its outcome recorded."""

    __tablename__ = "visits"
    #: Visits still to be recorded, by when they were to be made: overdue visits (migration 0013).
    #: Settling-in visits made, by case, with when: the overdue report, the team's counts and the
    #: performance figures ask whether each onboarding case had one (``SETTLED``; migration 0020).
    __table_args__ = (Index("ix_visits_scheduled", "scheduled_for", postgresql_where=text("status = 'scheduled'"),
                            sqlite_where=text("status = 'scheduled'")),
                      Index("ix_visits_settled", "case_id", "scheduled_for", postgresql_where=text(SETTLED_WHERE),
                            sqlite_where=text(SETTLED_WHERE)))

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    kind: Mapped[str] = mapped_column(String(20))
    scheduled_for: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    scheduled_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    notes: Mapped[str | None] = mapped_column(Text)
    risks_identified: Mapped[list] = mapped_column(JSONDoc, default=list)
    recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(200))


#: A settling-in visit made (``SETTLED_WHERE``), its constants written in the SQL so that a
#: prepared statement's plan still uses the index (``casework.literal``).
SETTLED = and_(Visit.kind == text_of("settling_in"), Visit.status == text_of("completed"))


class Contact(Base):
    """Contact made with the tenant; the first one makes an allocated case active."""

    __tablename__ = "contacts"

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    method: Mapped[str] = mapped_column(String(20))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class Agency(Base):
    """An agency in the directory: one Open Referral UK service with its organisation, contact and
    eligibility, and how Casework sends it referrals (by e-mail with a secure link, or a signed webhook)."""

    __tablename__ = "agencies"

    id: Mapped[uuid.UUID] = _id()
    #: The ORUK service's id in the export it was imported from: importing again updates it.
    oruk_service_id: Mapped[str] = mapped_column(String(100), unique=True)
    oruk_organisation_id: Mapped[str | None] = mapped_column(String(100))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_description: Mapped[str | None] = mapped_column(Text)
    organisation_url: Mapped[str | None] = mapped_column(String(500))
    service_name: Mapped[str] = mapped_column(String(200))
    service_description: Mapped[str | None] = mapped_column(Text)
    service_url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_title: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    eligibility: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    #: Working days before an unanswered referral is chased; none: the policy's.
    chase_working_days: Mapped[int | None] = mapped_column(Integer)
    #: none | email | webhook: how a referral is sent to the agency.
    delivery: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    #: Its name says something about the tenant's health or a safeguarding concern (mental-health
    #: services, adult social care): its referrals' reasons are restricted details.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self) -> str:
        if self.service_name == self.organisation_name:
            return self.service_name
        return f"{self.organisation_name}: {self.service_name}"


#: An agency referral still awaiting the agency's answer (``rules.AGENCY_AWAITED``), written as
#: ``ix_agency_referrals_awaited``'s WHERE has it.
AWAITED_WHERE = "status IN ('sent', 'acknowledged')"


class AgencyReferral(Base):
    """A referral to another agency, sent with consent or for a recorded safeguarding reason."""

    __tablename__ = "agency_referrals"
    #: The referrals still awaited, by case, with the day to chase them (and their id: the overdue
    #: report reads the index alone): the team's overdue counts and the overdue report's chases read
    #: these, not the 60,000 referrals a large council has made (migration 0020).
    __table_args__ = (Index("ix_agency_referrals_awaited", "case_id", "chase_by", "id",
                            postgresql_where=text(AWAITED_WHERE), sqlite_where=text(AWAITED_WHERE)),)

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    #: The agency's name when the referral was made: a directory agency's name, or the free text
    #: (a code such as ``citizens_advice``) of the referrals made before the directory.
    agency: Mapped[str] = mapped_column(String(200))
    #: The directory agency; none for referrals made before the directory.
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    consent_given: Mapped[bool] = mapped_column(Boolean)
    safeguarding_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="sent")
    chase_by: Mapped[dt.date] = mapped_column(Date)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    response_note: Mapped[str | None] = mapped_column(Text)
    #: What came of an accepted referral, as the agency (or the officer) recorded it.
    outcome: Mapped[str | None] = mapped_column(Text)
    #: Who recorded the last answer: an officer, or ``agency``.
    answered_by: Mapped[str | None] = mapped_column(String(200))

    directory_agency: Mapped[Agency | None] = relationship(lazy="selectin")
    deliveries: Mapped[list[AgencyDelivery]] = relationship(order_by="AgencyDelivery.created_at", lazy="selectin")


class AgencyDelivery(Base):
    """One sending of an agency referral to the agency: its delivery log, retried then parked."""

    __tablename__ = "agency_deliveries"

    id: Mapped[uuid.UUID] = _id()
    agency_referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_referrals.id", ondelete="CASCADE"),
                                                          index=True)
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    address: Mapped[str] = mapped_column(String(500))
    #: pending → sent, or failed (parked) after the last attempt; replaying makes it pending again.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    response_status: Mapped[int | None] = mapped_column(Integer)
    sent_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RiskChange(Base):
    """A change of the case's risk level: by an officer with a reason, or after no-access visits."""

    __tablename__ = "risk_changes"

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    from_level: Mapped[str] = mapped_column(String(20))
    to_level: Mapped[str] = mapped_column(String(20))
    cause: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[uuid.UUID] = _id()
    case_id: Mapped[uuid.UUID] = _case_id()
    text: Mapped[str] = mapped_column(Text)
    #: general | safeguarding | health: safeguarding and health notes are restricted (see ``sensitivity``).
    category: Mapped[str] = mapped_column(String(20), default="general", server_default="general")
    author: Mapped[str] = mapped_column(String(200))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimelineEntry(Base):
    """One line of a case's timeline, in the order things happened."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_id()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(200))
    related_id: Mapped[str | None] = mapped_column(String(64))


# -- the case's version ---------------------------------------------------------------------------


def _changed_cases(session: Session) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """The cases a flush changes, by id: (the cases themselves or rows on them, agency referrals
    whose deliveries changed). New cases start at version 1."""
    cases, referrals = set(), set()
    for row in (*session.dirty, *session.deleted, *session.new):
        if isinstance(row, Case):
            if row not in session.new and (row in session.deleted or session.is_modified(row)):
                cases.add(row.id)
        elif isinstance(row, AgencyDelivery):
            referrals.add(row.agency_referral_id)
        elif isinstance(row, Base) and getattr(row, "case_id", None) is not None:
            if row in session.new or row in session.deleted or session.is_modified(row):
                cases.add(row.case_id)
    return cases, referrals


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    """Every flush that changes a case or anything on it adds one to the case's ``version``, in the
    same transaction (whatever use case, handler or timer made the change), and the loaded case
    learns its new version without reading it again."""
    cases, referrals = _changed_cases(session)
    if referrals:
        cases |= set(session.connection().scalars(
            select(AgencyReferral.case_id).where(AgencyReferral.id.in_(referrals))))
    if not cases:
        return
    counted = session.connection().execute(
        update(Case.__table__).where(Case.__table__.c.id.in_(cases))
        .values(version=Case.__table__.c.version + 1).returning(Case.__table__.c.id, Case.__table__.c.version))
    for case_id, version in counted:
        loaded = session.identity_map.get(session.identity_key(Case, case_id))
        if loaded is not None:
            attributes.set_committed_value(loaded, "version", version)
