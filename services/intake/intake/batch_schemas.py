"""What ``/referrals/batch`` takes and gives: many households referred at once by a data feed."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate
from marshmallow.utils import is_collection

from casework.web.fields import DateTime
from intake.schemas import ReferralCreate, Source, Text

#: The most households one request may carry; a feed sends more in several batches.
MOST_HOUSEHOLDS = 500
OUTCOMES = ("created", "duplicate", "refused")


class Household(ReferralCreate):
    """One household in a batch: a referral without its source (the batch's source is every row's)."""

    class Meta:
        exclude = ("source",)


class Households(fields.List):
    """A list of households, documented as such but taken as sent: each row is checked on its
    own (``intake.batches``), so one bad row is refused without refusing the others."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not is_collection(value):
            raise self.make_error("invalid")
        return list(value)


class BatchCreate(ma.Schema):
    """Households a data feed (such as LIFT, the Low Income Family Tracker) refers together."""

    source = fields.Nested(Source, required=True, metadata={
        "description": "The feed that found the households: every referral in the batch records it."})
    reason = Text(500, required=True, metadata={
        "example": "Low income, at risk of arrears",
        "description": "Why the source picked these households; recorded with the batch."})
    households = Households(fields.Nested(Household), required=True, validate=validate.Length(
        min=1, max=MOST_HOUSEHOLDS, error=f"Send from 1 to {MOST_HOUSEHOLDS} households in one batch."))


class ReferralLink(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "R-000123"})


class CreatedReferral(ReferralLink):
    risk_level = fields.String(metadata={"example": "high"})
    risk_score = fields.Integer(metadata={"example": 45})


class RowResult(ma.Schema):
    """How one household went: a referral made, a duplicate of one already made from this source
    (the same row sent before), or refused with each field's problem, named as ``POST /referrals``
    names it in its problem details."""

    row = fields.Integer(metadata={"example": 0, "description": "The household's place in the list, from 0."})
    outcome = fields.String(validate=validate.OneOf(OUTCOMES), metadata={"example": "created"})
    referral = fields.Nested(CreatedReferral, metadata={"description": "When created."})
    duplicate_of = fields.Nested(ReferralLink, metadata={
        "description": "When a duplicate: the referral this row made when it was first sent."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "When refused: field → messages.", "example": {"person.name": ["Missing data for required field."]}})


class Batch(ma.Schema):
    """A batch: who sent it, when, from which source and why, its counts and each row's result."""

    id = fields.UUID()
    received_at = DateTime()
    sent_by = fields.String(metadata={"example": "lift-feed"})
    source_system = fields.String(metadata={"example": "lift"})
    source_team = fields.String(allow_none=True, metadata={"example": "Financial Inclusion"})
    reason = fields.String(metadata={"example": "Low income, at risk of arrears"})
    households = fields.Integer(metadata={"example": 3})
    created = fields.Integer(metadata={"example": 1})
    duplicates = fields.Integer(metadata={"example": 1})
    refused = fields.Integer(metadata={"example": 1})
    results = fields.List(fields.Nested(RowResult))


class BatchSummary(Batch):
    """A batch in a list: its counts, not its rows."""

    class Meta:
        exclude = ("results",)
