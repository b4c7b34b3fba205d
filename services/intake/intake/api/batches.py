"""``/referrals/batch``: many households referred at once by a data feed such as LIFT."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, abort, db_session, rate_limited
from intake import access, batches, policy
from intake.api.common import PROBLEM
from intake.batch_schemas import Batch, BatchCreate, BatchSummary

blp = Blueprint("referral_batches", __name__, url_prefix="/referrals/batch",
                description="Households referred together by a data feed (such as LIFT), one result per row.")

_EXAMPLE = {
    "source": {"system": "lift", "team": "Financial Inclusion",
               "referrer": {"name": "Priya Shah", "email": "priya.shah@council.example"}},
    "reason": "Low income, at risk of arrears",
    "households": [{
        "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "address": "Flat 4, 12 Station Road, MK9 1AA"},
        "tenancy_ref": "T-0042117", "reasons": ["rent_arrears"], "arrears_balance": "640.00", "weekly_rent": "128.40",
        "consent": {"given": False},
        "safeguarding_exemption": {"reason": "Proactive contact under the council's LIFT data-sharing agreement."},
    }],
}


@blp.route("")
class Batches(MethodView):
    @roles(*access.READERS)
    @blp.response(200, BatchSummary(many=True))
    @blp.paginate(SelectPage)
    def get(self):
        """List batches

        Newest first, with their counts. Officers see every batch; a referring system the
        batches it sent. Each batch's referrals are `GET /referrals?batch_id=…&order=risk`.
        """
        return batches.newest_first(current())

    @roles(*access.CREATORS)
    @rate_limited
    @blp.arguments(BatchCreate, example=_EXAMPLE)
    @blp.response(201, Batch, headers={"Location": {"description": "The batch's URL.", "schema": {"type": "string"}}})
    def post(self, data):
        """Refer many households at once

        For a data feed such as LIFT (the Low Income Family Tracker) that finds households to
        support before they fall into arrears: up to 500 households a request, each
        made into a referral exactly as `POST /referrals` makes one (risk-scored, given a triage
        deadline, linked to possible duplicates, `intake.referral.received.v2` published for
        each), all recording the batch's `source` and the batch itself its `reason`.

        Answers 201 with one result per row, in order: `created` (the referral's id, reference
        and risk), `duplicate` (the same row from the same source was received before, within
        the duplicate window: the referral it made) or `refused` (each field's problem, named as
        `POST /referrals` names it). A refused row stops no other and leaves nothing behind:
        each row is written in its own savepoint. Only a batch that is itself wrong (no source
        or reason, no households or more than 500) is 422.

        Send an `Idempotency-Key` so that a batch re-sent after a lost answer gets the first
        answer again; without one, its rows come back as duplicates.
        """
        batch = batches.receive_batch(db_session(), data, principal=current(), policy=policy.current(), now=utcnow())
        return batch, {"Location": url_for("referral_batches.BatchById", batch_id=batch.id)}


@blp.route("/<uuid:batch_id>")
class BatchById(MethodView):
    @roles(*access.READERS)
    @blp.response(200, Batch)
    @blp.alt_response(404, description="No such batch, or not one the caller may see.", **PROBLEM)
    def get(self, batch_id):
        """Read a batch

        Who sent it, when, its source and reason, its counts and each row's result.
        """
        batch = batches.find(db_session(), batch_id, current())
        if batch is None:
            abort(404, "There is no such batch, or it is not one you may see.")
        return batch
