"""An application's status, and a refusal's review."""

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Boolean, Date, DateTime, years


class ApplicantStatusChange(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(("active", "suspended", "cancelled")), metadata={
        "example": "suspended",
        "description": "suspended (until `until`), active (a suspended applicant reinstated) or cancelled. "
                       "An applicant is housed by sign-up."})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"example": "Awaiting proof of income."})
    until = Date(latest=years(5), load_default=None, allow_none=True, metadata={
        "example": "2027-06-30",
        "description": "Only for a suspension: the day it ends (a timer lifts it then); by default the "
                       "policy's length (offers.suspension_months) from today."})


class RefusalReviewCreate(ma.Schema):
    reasonable = Boolean(required=True, metadata={"description": "The review's judgement of the refusal."})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"example": "The home was two bus rides from the child's special school."})


class RefusalReview(ma.Schema):
    """A refusal's review as an offer shows it (null until reviewed)."""

    reviewed_at = DateTime()
    reviewed_by = fields.String()
    reason = fields.String()
    reasonable = Boolean(metadata={"description": "The outcome: the refusal was reasonable (it no longer counts)."})
    reasonable_before = Boolean(allow_none=True, metadata={"description": "The judgement the review replaced."})

