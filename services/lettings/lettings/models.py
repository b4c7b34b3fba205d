"""The lettings service's tables: homes and voids, the housing register, adverts and bids,
offers, pre-tenancy checks and tenancies."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm import relationship as link

from casework import tallies
from casework.db import JSONDoc, UTCDateTime, naming_metadata, utcnow
from casework.numbering import Counter
from lettings.domain.policy import BAND_NAME_LENGTH

LIVE_OFFER = ("pending", "accepted")

#: One counter for every human reference (P-000001, A-000001, ADV-…, O-…, T-…): a sequence on
#: PostgreSQL, a counting table on SQLite (migration 0002).
REFERENCES = Counter("lettings_reference_seq")


class Base(DeclarativeBase):
    metadata = naming_metadata()


Money = Numeric(10, 2)

#: The performance report's counts kept by month and day (``casework.tallies``; ``letting.lets`` keeps them).
TALLIES = tallies.tables(Base.metadata)


class Property(Base):
    __tablename__ = "properties"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    uprn: Mapped[str | None] = mapped_column(String(12), index=True)
    property_type: Mapped[str] = mapped_column(String(20))
    bedrooms: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int] = mapped_column(Integer, default=0)
    wheelchair_accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    min_age: Mapped[int | None] = mapped_column(Integer)
    sensitive_let: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_rent: Mapped[Decimal] = mapped_column(Money)
    service_charge: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    #: CORE's rent type when it is not the council's usual one (``policy.yaml`` ``core.rent_type``).
    rent_type: Mapped[str | None] = mapped_column(String(30))
    housing_ref: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    voids: Mapped[list[Void]] = link(back_populates="property", order_by="Void.void_date")

    __table_args__ = (
        Index("uq_properties_housing_ref", "housing_ref", unique=True),
        # GET /properties by type and by bedrooms, in reference order (migration 0018).
        Index("ix_properties_type_reference", "property_type", "reference"),
        Index("ix_properties_bedrooms_reference", "bedrooms", "reference"),
    )

    @property
    def current_void(self) -> Void | None:
        return next((v for v in self.voids if v.let_date is None), None)


class Void(Base):
    """A spell during which the home stands empty: from the void date to the next tenancy start."""

    __tablename__ = "voids"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    void_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(30))
    ready_to_let_date: Mapped[dt.date | None] = mapped_column(Date)
    let_date: Mapped[dt.date | None] = mapped_column(Date)
    #: Where it stands (``domain.void_stage``), and the advert and offer it stands on: written by
    #: each use case that moves it (``letting.void_stages``), read by the live voids report. Ids,
    #: not foreign keys: adverts and offers point at the void already (a cycle), and none is deleted.
    stage: Mapped[str] = mapped_column(String(20), default="not_advertised", server_default="not_advertised")
    advert_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    offer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    property: Mapped[Property] = link(back_populates="voids")

    __table_args__ = (
        # A home has at most one open void.
        Index("uq_voids_open_property", "property_id", unique=True, postgresql_where=text("let_date IS NULL"),
              sqlite_where=text("let_date IS NULL")),
        # The live voids whose let is signed but still to come (``let_date > today``): with the index
        # above, the live ones read without the five years of voids let (migration 0019).
        Index("ix_voids_let_date", "let_date"),
        # The live voids at a stage (migration 0022).
        Index("ix_voids_stage", "stage"),
    )


class Applicant(Base):
    """A household on the housing register."""

    __tablename__ = "applicants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: Status, band and bedroom need load their value before a change if need be (``active_history``),
    #: so the register's counts move from the right key (``lettings.register_counts``).
    band: Mapped[str] = mapped_column(String(BAND_NAME_LENGTH), active_history=True)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    application_date: Mapped[dt.date] = mapped_column(Date)
    needs_wheelchair: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_ground_floor: Mapped[bool] = mapped_column(Boolean, default=False)
    monthly_net_income: Mapped[Decimal | None] = mapped_column(Money)
    monthly_outgoings: Mapped[Decimal | None] = mapped_column(Money)
    support_needs: Mapped[list] = mapped_column(JSONDoc, default=list)
    reasonable_preference: Mapped[list] = mapped_column(JSONDoc, default=list)
    move_on_from: Mapped[str | None] = mapped_column(String(30))
    existing_tenant: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    #: active, suspended, housed or cancelled (``domain.statuses``).
    status: Mapped[str] = mapped_column(String(20), default="active", active_history=True)
    status_reason: Mapped[str | None] = mapped_column(String(500))
    #: While suspended: the day the suspension ends (a timer lifts it then).
    suspended_until: Mapped[dt.date | None] = mapped_column(Date)
    #: While suspended for unreasonable refusals: the refusal that reached the limit (a review of
    #: one of them may lift it). No foreign key: SQLite would rebuild the register to add one.
    suspended_by_offer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: Kept with the applicant so a shortlist reads one row per bidder.
    bedroom_need: Mapped[int] = mapped_column(Integer, active_history=True)
    lead_name: Mapped[str] = mapped_column(String(200))
    lead_date_of_birth: Mapped[dt.date] = mapped_column(Date)
    housing_ref: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the retention period passed and the household's personal details were removed.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    household: Mapped[list[HouseholdMember]] = link(
        back_populates="applicant", order_by="HouseholdMember.position", cascade="all, delete-orphan")
    band_history: Mapped[list[BandChange]] = link(
        back_populates="applicant", order_by="BandChange.changed_at", cascade="all, delete-orphan")

    __table_args__ = (
        Index("uq_applicants_housing_ref", "housing_ref", unique=True),
        # The register's filters: GET /applicants' count and the performance page's register (migration 0017).
        Index("ix_applicants_status_band_need", "status", "band", "bedroom_need"),
    )


class RegisterCount(Base):
    """How many applications stand at each status, band and bedroom need now: the performance
    report's register, kept as applicants are written (``lettings.register_counts``), not counted
    from the 100,000 of a large council's register on each request."""

    __tablename__ = "register_counts"

    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    band: Mapped[str] = mapped_column(String(BAND_NAME_LENGTH), primary_key=True)
    bedroom_need: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class HouseholdMember(Base):
    __tablename__ = "household_members"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    relationship: Mapped[str] = mapped_column(String(20))  # applicant | partner | child | other

    applicant: Mapped[Applicant] = link(back_populates="household")


class BandChange(Base):
    """An applicant's band and effective date from a moment on, and why: the one given at
    registration, then each decision that moved them (a medical award, say) with its date."""

    __tablename__ = "applicant_band_history"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), index=True)
    band: Mapped[str] = mapped_column(String(BAND_NAME_LENGTH))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    #: When the decision was made (none for the band given at registration).
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    applicant: Mapped[Applicant] = link(back_populates="band_history")


class Advert(Base):
    __tablename__ = "adverts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    void_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("voids.id"))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | closed | let
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    property: Mapped[Property] = link()

    # GET /adverts' order, newest first (migration 0017); a void's adverts (the live voids report, 0019).
    __table_args__ = (Index("ix_adverts_published_at", "published_at", "id"), Index("ix_adverts_void_id", "void_id"))


class Bid(Base):
    __tablename__ = "bids"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    advert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("adverts.id"))
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicants.id"), index=True)
    placed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When and why the bid dropped out while bidding was open: ``housed`` or ``cancelled``.
    dropped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    dropped_reason: Mapped[str | None] = mapped_column(String(20))

    applicant: Mapped[Applicant] = link()

    __table_args__ = (UniqueConstraint("advert_id", "applicant_id", name="uq_bids_advert_applicant"),)


class Bypass(Base):
    """A higher-ranked bidder passed over for an offer, with the officer's reason."""

    __tablename__ = "bypasses"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    advert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("adverts.id"), index=True)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicants.id"))
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"))
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Offer(Base):
    __tablename__ = "offers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    advert_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("adverts.id"), index=True)
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicants.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by: Mapped[str] = mapped_column(String(200))
    respond_by: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    bypass_reason: Mapped[str | None] = mapped_column(String(500))
    direct_match_reason: Mapped[str | None] = mapped_column(String(500))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    #: Why, as a code from the policy's ``offers.refusal_reasons`` (migration 0014; none on older refusals).
    refusal_reason_code: Mapped[str | None] = mapped_column(String(40))
    refusal_reasonable: Mapped[bool | None] = mapped_column(Boolean)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))
    #: A review of the refusal's reasonableness (one per refusal): who, when, why, and the
    #: judgement it replaced (``refusal_reasonable`` holds the outcome).
    refusal_reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refusal_reviewed_by: Mapped[str | None] = mapped_column(String(200))
    refusal_review_reason: Mapped[str | None] = mapped_column(String(500))
    refusal_reasonable_before_review: Mapped[bool | None] = mapped_column(Boolean)
    #: Set when the retention period passed and the offer's free text was removed.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Before the ``property`` relationship, whose name hides the builtin below it.
    @property
    def refusal_review(self) -> dict | None:
        """The refusal's review as one value (None until reviewed): ``refusal_reasonable`` is its outcome."""
        if self.refusal_reviewed_at is None:
            return None
        return {"reviewed_at": self.refusal_reviewed_at, "reviewed_by": self.refusal_reviewed_by,
                "reason": self.refusal_review_reason, "reasonable": self.refusal_reasonable,
                "reasonable_before": self.refusal_reasonable_before_review}

    property: Mapped[Property] = link()
    applicant: Mapped[Applicant] = link()

    __table_args__ = (
        # GET /offers' order (newest first) and its status filter; the performance page's offers made (migration 0017).
        Index("ix_offers_made_at", "made_at", "id"),
        # ?status=, newest first, and the status counts (migration 0018; replaces ix_offers_status).
        Index("ix_offers_status_made_at", "status", "made_at", "id"),
        # The performance figures' offers made in a period by answer, read from the index alone (migration 0020).
        Index("ix_offers_made_at_answer", "made_at", "status", "refusal_reason_code"),
        # One live offer per home and per applicant.
        Index("uq_offers_live_property", "property_id", unique=True,
              postgresql_where=text("status IN ('pending', 'accepted')"),
              sqlite_where=text("status IN ('pending', 'accepted')")),
        Index("uq_offers_live_applicant", "applicant_id", unique=True,
              postgresql_where=text("status IN ('pending', 'accepted')"),
              sqlite_where=text("status IN ('pending', 'accepted')")),
        # A home's offers in order: the live voids report's and the offers report's (migration 0019).
        Index("ix_offers_property_made_at", "property_id", "made_at"),
    )


class PreTenancyCheck(Base):
    __tablename__ = "pre_tenancy_checks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"), index=True)
    result: Mapped[str] = mapped_column(String(10))
    eligible: Mapped[bool] = mapped_column(Boolean)
    eligibility_reasons: Mapped[list] = mapped_column(JSONDoc, default=list)
    affordability_result: Mapped[str] = mapped_column(String(10))
    monthly_net_income: Mapped[Decimal] = mapped_column(Money)
    monthly_outgoings: Mapped[Decimal] = mapped_column(Money)
    monthly_housing_cost: Mapped[Decimal] = mapped_column(Money)
    residual_monthly: Mapped[Decimal] = mapped_column(Money)
    referral_margin: Mapped[Decimal] = mapped_column(Money)
    checked_by: Mapped[str] = mapped_column(String(200))
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Tenancy(Base):
    """A let: signed up from an offer, or imported as it stands in the housing management system
    (no offer; its reference is that system's own, ``housing_ref``)."""

    __tablename__ = "tenancies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    offer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offers.id"), unique=True)
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicants.id"), index=True)
    tenancy_start: Mapped[dt.date] = mapped_column(Date)
    tenancy_type: Mapped[str] = mapped_column(String(20))
    high_risk: Mapped[bool] = mapped_column(Boolean)
    high_risk_reasons: Mapped[list] = mapped_column(JSONDoc, default=list)
    support_needs: Mapped[list] = mapped_column(JSONDoc, default=list)
    override_reason: Mapped[str | None] = mapped_column(String(500))
    weekly_rent: Mapped[Decimal] = mapped_column(Money)
    service_charge: Mapped[Decimal] = mapped_column(Money)
    signed_up_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the tenancy ends; the home's next void starts that day.
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(30))
    housing_ref: Mapped[str | None] = mapped_column(String(40))

    property: Mapped[Property] = link()
    applicant: Mapped[Applicant] = link()
    offer: Mapped[Offer | None] = link()

    __table_args__ = (
        Index("uq_tenancies_housing_ref", "housing_ref", unique=True),
        # GET /tenancies' order (newest first), and the reports' periods (migration 0017).
        Index("ix_tenancies_start_reference", "tenancy_start", "reference"),
        # ?current=true and ?current=false, newest first, each counted from its own index (migration 0018).
        Index("ix_tenancies_current", "tenancy_start", "reference", postgresql_where=text("end_date IS NULL"),
              sqlite_where=text("end_date IS NULL")),
        Index("ix_tenancies_ended", "tenancy_start", "reference", postgresql_where=text("end_date IS NOT NULL"),
              sqlite_where=text("end_date IS NOT NULL")),
    )


class CoreLog(Base):
    """A let's CORE lettings log, kept when it is signed up (``letting.core_logs``): the letting as
    it was then, as a line of its collection year's bulk-upload file. No line (and no layout) when
    the year's layout, or its rent type there, was not held: the export builds that year afresh."""

    __tablename__ = "core_logs"

    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancies.id"), primary_key=True)
    #: The file's order (tenancy start, then reference) and its periods.
    tenancy_start: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(40))
    #: The CORE collection year it falls in, by the year it opens (2025: 1 April 2025 to 31 March 2026).
    collection_year: Mapped[int] = mapped_column(Integer)
    #: ``Layout.fingerprint`` of the layout the line is in.
    layout: Mapped[str | None] = mapped_column(String(16))
    line: Mapped[str | None] = mapped_column(Text)

    #: The export reads a period's logs in the file's order from this index alone on PostgreSQL (the
    #: lines in it too): 2 ms for a collection year, where reading the table and sorting took 18 ms.
    __table_args__ = (Index("ix_core_logs_start_reference", "tenancy_start", "reference",
                            postgresql_include=["collection_year", "layout", "line"]),)


class Letter(Base):
    """A letter to the applicant about an offer, kept as it was issued: the values it was written
    from and the text itself, so it reads the same (date, deadline, wording) whenever it is read."""

    __tablename__ = "letters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # offer | refusal | withdrawal
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The values the template rendered (personal data: removed when the offer or applicant is anonymised).
    values: Mapped[dict | None] = mapped_column(JSONDoc)
    #: The letter as issued (HTML).
    text: Mapped[str | None] = mapped_column(Text)
    #: True for a letter about an offer made before letters were kept: issued when first read.
    issued_on_first_read: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("offer_id", "kind", name="uq_letters_offer_kind"),)


class SignUpPack(Base):
    """A sign-up pack sent through the e-signature provider for an accepted offer: the tenancy
    agreement as sent, the terms the tenancy starts on when the tenant signs, and how the sending
    and the signing went (``lettings.letting.sign_up_packs``).

    ``sending`` (waiting for the worker, retried with a delay while the provider cannot be
    reached) → ``sent`` (the provider holds it: waiting for the tenant) → ``signed`` or
    ``declined``; ``failed`` when every attempt to send it failed (sent again by an officer).
    Withdrawing the offer voids a pack that may be out: ``voiding`` (waiting for the worker) →
    ``voided``, or ``not_voided`` when every attempt failed (``lettings.letting.withdrawn_packs``)."""

    __tablename__ = "sign_up_packs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="sending")
    #: The provider's id for it (DocuSign's envelope id), once sent.
    envelope_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    tenancy_start: Mapped[dt.date] = mapped_column(Date)
    tenancy_type: Mapped[str | None] = mapped_column(String(20))
    support_needs: Mapped[list] = mapped_column(JSONDoc, default=list)
    override_reason: Mapped[str | None] = mapped_column(String(500))
    #: The tenancy agreement as sent (HTML; personal data: removed when the offer is anonymised).
    document: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the provider said it was signed or declined, and what it said (``envelope-completed`` …).
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    provider_event: Mapped[str | None] = mapped_column(String(40))
    #: Why a signed pack started no tenancy (the offer was signed up in person, or withdrawn, first).
    note: Mapped[str | None] = mapped_column(String(500))
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # One pack out at a time per offer.
        Index("uq_sign_up_packs_live_offer", "offer_id", unique=True,
              postgresql_where=text("status IN ('sending', 'sent')"),
              sqlite_where=text("status IN ('sending', 'sent')")),
    )
