"""The intake service's tables: the referral, with its risk, triage and links to possible duplicates."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, Uuid, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casework import tallies
from casework.db import JSONDoc, UTCDateTime, naming_metadata, utcnow
from casework.numbering import Counter

#: R-000123: a sequence on PostgreSQL, a counting table on SQLite (migrations 0002, 0006).
REFERENCES = Counter("referral_reference_seq")


class Base(DeclarativeBase):
    metadata = naming_metadata()


#: Referrals triaged or withdrawn, counted by month and by day for the performance report
#: (``intake.performance``; migrations 0016 and 0017).
TALLIES = tallies.tables(Base.metadata)


class ReferralBatch(Base):
    """Households referred together by a data feed (``POST /referrals/batch``), such as LIFT (the
    Low Income Family Tracker): who sent them, when, from which source and why, and how each row
    went. No personal data: the households are the referrals made from it."""

    __tablename__ = "referral_batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The token ``sub`` of whoever sent it (a referring system's client id, or an officer).
    sent_by: Mapped[str] = mapped_column(String(200))
    source_system: Mapped[str] = mapped_column(String(60))
    source_team: Mapped[str | None] = mapped_column(String(120))
    #: Why the source picked these households ("Low income, at risk of arrears").
    reason: Mapped[str] = mapped_column(String(500))
    households: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    refused: Mapped[int] = mapped_column(Integer)
    #: [{row, outcome, ...}]: each row's result, references and field names only.
    results: Mapped[list] = mapped_column(JSONDoc, default=list)

    __table_args__ = (Index("ix_referral_batches_received_at", "received_at"),)


class BatchReferral(Base):
    """A referral made from a row of a batch, with a digest of the row as sent: the same row sent
    again from the same source is answered as a duplicate of this referral, not made twice."""

    __tablename__ = "batch_referrals"

    referral_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("referrals.id"), primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("referral_batches.id"))
    #: The household's place in the batch, from 0.
    row: Mapped[int] = mapped_column(Integer)
    #: Cleared when the referral is anonymised (it is a digest of the person's details).
    row_key: Mapped[str | None] = mapped_column(String(64))
    #: The feed's own reference for the household when it came in a CSV file (``casework import
    #: referrals``): a file imported again skips the households it names.
    source_ref: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_batch_referrals_batch_id", "batch_id"),
                      Index("ix_batch_referrals_row_key", "row_key"),
                      Index("ix_batch_referrals_source_ref", "source_ref"))


class Referral(Base):
    """A referral from a front-line system, a partner agency, or phoned in to an intake officer."""

    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # R-000123, from ``REFERENCES`` (``referrals._number``).
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="received")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Who referred: the system and team, the person there to contact, and the caller's identity.
    source_system: Mapped[str] = mapped_column(String(60))
    source_team: Mapped[str | None] = mapped_column(String(120))
    referrer_name: Mapped[str] = mapped_column(String(200))
    referrer_email: Mapped[str | None] = mapped_column(String(254))
    referrer_phone: Mapped[str | None] = mapped_column(String(40))
    #: The token ``sub`` of the referring system; null when an intake officer entered it.
    referrer_client: Mapped[str | None] = mapped_column(String(200))
    entered_by: Mapped[str] = mapped_column(String(200))

    # Who the referral is about.
    person_name: Mapped[str] = mapped_column(String(200))
    person_date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    person_phone: Mapped[str | None] = mapped_column(String(40))
    person_email: Mapped[str | None] = mapped_column(String(254))
    person_address: Mapped[str | None] = mapped_column(String(500))
    tenancy_ref: Mapped[str | None] = mapped_column(String(40))
    uprn: Mapped[str | None] = mapped_column(String(12))

    reasons: Mapped[list] = mapped_column(JSONDoc, default=list)
    details: Mapped[str | None] = mapped_column(Text)
    arrears_balance: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    weekly_rent: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    clutter_rating: Mapped[int | None] = mapped_column(Integer)

    consent_given: Mapped[bool] = mapped_column(Boolean)
    consent_method: Mapped[str | None] = mapped_column(String(20))
    consent_recorded_by: Mapped[str | None] = mapped_column(String(200))
    safeguarding_exemption_reason: Mapped[str | None] = mapped_column(Text)

    risk_level: Mapped[str] = mapped_column(String(10))
    risk_score: Mapped[int] = mapped_column(Integer)
    #: [{code, points, detail}], as scored when the referral arrived.
    risk_factors: Mapped[list] = mapped_column(JSONDoc, default=list)
    triage_due: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: [{id, reference, match}]: open referrals this one may duplicate.
    possible_duplicate_of: Mapped[list] = mapped_column(JSONDoc, default=list)

    triage_outcome: Mapped[str | None] = mapped_column(String(10))
    priority: Mapped[str | None] = mapped_column(String(10))
    triage_reason: Mapped[str | None] = mapped_column(Text)
    signposted_to: Mapped[str | None] = mapped_column(String(200))
    triaged_by: Mapped[str | None] = mapped_column(String(200))
    triaged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set when the retention period passed and the personal details were removed.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_referrals_status_received", "status", "received_at"),
        Index("ix_referrals_tenancy_ref", "tenancy_ref"),
        Index("ix_referrals_person_date_of_birth", "person_date_of_birth"),
        # Migration 0014: newest first (of all, of what one system or officer made, of a source, of
        # a risk level); the triage queue's order for any status (migration 0015: and of one risk
        # level, found within the status, not by ANDing every referral of that level).
        Index("ix_referrals_received_at", "received_at", "id",  # the performance report reads it alone
              postgresql_include=["status", "triaged_at", "triage_due", "source_system", "reasons"]),
        Index("ix_referrals_entered_by", "entered_by", "received_at", "id"),
        Index("ix_referrals_source_system", "source_system", "received_at", "id"),
        Index("ix_referrals_risk_level", "risk_level", "received_at", "id"),
        Index("ix_referrals_status_triage_due_risk_level", "status", "triage_due", "risk_level"),
    )


# Migration 0014: the retention sweep's due referrals (``privacy.due_referrals``), and a
# subject-access request's tenancy in any case (``privacy.find_subject``).
Index("ix_referrals_retention_due", Referral.status, func.coalesce(Referral.withdrawn_at, Referral.triaged_at),
      Referral.id, postgresql_where=Referral.anonymised_at.is_(None), sqlite_where=Referral.anonymised_at.is_(None))
Index("ix_referrals_tenancy_ref_lower", func.lower(Referral.tenancy_ref))
