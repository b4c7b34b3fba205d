"""What intake takes in bulk: a proactive-referrals feed such as LIFT (the Low Income Family
Tracker) as a CSV file, one household a row (layout: ``docs/imports.md``; the kernel's
``casework.imports`` reads, reports and keeps the file whole). Each household is validated by the
schema ``POST /referrals/batch`` validates it with and made into a referral by the same use case
(``batches.receive_household``: scored, deadlined, linked to possible duplicates, published), and
the whole file is recorded as one batch, seen by the intake team in the triage queue. The feed's
own reference for a household (``source_ref``) is kept, so the same file imported again skips it.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import context
from casework.db import utcnow
from casework.imports import Column, Importer, Problem, Row, RowInvalid, problems_from, values
from intake import batches, policy
from intake.batch_schemas import BatchCreate, Household
from intake.models import BatchReferral, ReferralBatch

#: The file's own columns – the batch's source and reason, one value for every row – and where
#: each goes in ``POST /referrals/batch``'s body.
_BATCH = {
    "source_system": ("source", "system"), "source_team": ("source", "team"),
    "referrer_name": ("source", "referrer", "name"), "referrer_email": ("source", "referrer", "email"),
    "referrer_phone": ("source", "referrer", "phone"), "referral_reason": ("reason",),
}
#: A household's columns and where each goes in a household of the batch.
_HOUSEHOLD = {
    "name": ("person", "name"), "date_of_birth": ("person", "date_of_birth"), "phone": ("person", "phone"),
    "email": ("person", "email"), "address": ("person", "address"), "tenancy_ref": ("tenancy_ref",),
    "uprn": ("uprn",), "reasons": ("reasons",), "details": ("details",), "arrears_balance": ("arrears_balance",),
    "weekly_rent": ("weekly_rent",), "clutter_rating": ("clutter_rating",), "consent_given": ("consent", "given"),
    "consent_method": ("consent", "method"), "consent_recorded_by": ("consent", "recorded_by"),
    "safeguarding_exemption_reason": ("safeguarding_exemption", "reason"),
}
_COLUMN_OF = {".".join(path): column for column, path in (_BATCH | _HOUSEHOLD).items()}


def _nest(given: dict[str, Any], paths: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Cells by column as a body: ``{"consent_given": True}`` → ``{"consent": {"given": True}}``."""
    body: dict[str, Any] = {}
    for name, value in given.items():
        *outer, inner = paths[name]
        place = body
        for part in outer:
            place = place.setdefault(part, {})
        place[inner] = value
    return body


def _column(path: list[str]) -> str:
    """The column a schema error's path names: the deepest known part of it."""
    for length in range(len(path), 0, -1):
        if ".".join(path[:length]) in _COLUMN_OF:
            return _COLUMN_OF[".".join(path[:length])]
    return path[0] if path else "_row"


class ReferralImporter(Importer):
    """One household a row, keyed by the feed's reference; the whole file one batch."""

    kind, key = "referrals", "source_ref"
    columns = (
        Column("source_ref", "The feed's own reference for the household (the key for reruns).", True),
        Column("source_system", "The feed, lower_snake_case (e.g. lift): the same on every row.", True),
        Column("source_team", "The team that runs the feed: the same on every row."),
        Column("referrer_name", "Who to contact about the households: the same on every row.", True),
        Column("referrer_email", "Their e-mail: the same on every row."),
        Column("referrer_phone", "Their phone: the same on every row."),
        Column("referral_reason", "Why the feed picked these households: the same on every row.", True),
        Column("name", "The person's name.", True),
        Column("date_of_birth", "YYYY-MM-DD."),
        Column("phone", "The person's phone."),
        Column("email", "The person's e-mail."),
        Column("address", "The person's postal address."),
        Column("tenancy_ref", "The housing system's tenancy reference."),
        Column("uprn", "Unique Property Reference Number (1 to 12 digits)."),
        Column("reasons", "Reason codes separated by ; (e.g. rent_arrears;mental_health).", True, kind="list"),
        Column("details", "What the feed knows of the household's situation."),
        Column("arrears_balance", "Pounds and pence, e.g. 1240.50."),
        Column("weekly_rent", "Pounds and pence, e.g. 128.40."),
        Column("clutter_rating", "1 to 9 (the clutter image rating), if assessed."),
        Column("consent_given", "yes or no.", True, kind="yes_no"),
        Column("consent_method", "How consent was given (e.g. verbal, written), when given."),
        Column("consent_recorded_by", "Who recorded the consent."),
        Column("safeguarding_exemption_reason", "Without consent: why the referral goes ahead all the same."),
    )

    def __init__(self) -> None:
        self.batch_columns = [c for c in self.columns if c.name in _BATCH]
        self.household_columns = [c for c in self.columns if c.name in _HOUSEHOLD]
        self.first: tuple[int, dict[str, Any]] | None = None  # the first row's source and reason
        self.source: dict[str, Any] = {}
        self.batch: ReferralBatch | None = None
        self.results: list[dict[str, Any]] = []
        self.now = utcnow()

    def load(self, session: Session, rows: list[Row]) -> Any:
        number, cells = rows[0]
        given = values(cells, self.batch_columns)
        household = _nest(values(cells, self.household_columns), _HOUSEHOLD)
        problems: list[Problem] = []
        if self.first is None:
            self.first = number, given
            try:  # the source and reason as the batch endpoint takes them
                loaded = BatchCreate().load({**_nest(given, _BATCH), "households": [household]})
                self.source = loaded["source"]
            except ma.ValidationError as exc:
                problems += problems_from(exc, number, lambda path: (number, _column(path)))
        else:
            first, first_given = self.first
            problems += [Problem(number, c.name, f"Differs from row {first}: one source and reason for the whole file.")
                         for c in self.batch_columns if given.get(c.name) != first_given.get(c.name)]
        try:
            loaded_household = Household().load(household)
        except ma.ValidationError as exc:
            problems += problems_from(exc, number, lambda path: (number, _column(path)))
        if problems:
            raise RowInvalid(problems)
        return cells["source_ref"].strip(), loaded_household, household

    def existing(self, session: Session, keys: list[str]) -> set[str]:
        """The households of this file's source imported already, by the feed's reference."""
        return set(session.scalars(
            select(BatchReferral.source_ref).join(ReferralBatch, ReferralBatch.id == BatchReferral.batch_id)
            .where(BatchReferral.source_ref.in_(keys), ReferralBatch.source_system == self.source.get("system"))))

    def prepare(self, session: Session, records: list[Any]) -> None:
        if records and self.batch is None:  # a file with nothing new makes no batch
            self.batch = batches.open_batch(session, self.source, self.first[1]["referral_reason"],
                                            principal=context.principal.get(), now=self.now)

    def write(self, session: Session, record: Any) -> None:
        source_ref, household, as_sent = record
        self.results.append(batches.receive_household(
            session, self.batch, len(self.results), {**household, "source": self.source},
            batches.row_key(self.source["system"], as_sent), principal=context.principal.get(),
            policy=policy.current(), now=self.now, source_ref=source_ref))

    def finish(self, session: Session) -> None:
        if self.batch is not None:
            batches.close_batch(session, self.batch, self.results)


IMPORTERS = {ReferralImporter.kind: ReferralImporter}
