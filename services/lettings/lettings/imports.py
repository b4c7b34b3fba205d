"""What lettings takes in bulk from the housing management system (NEC): homes, the housing
register and current tenancies, one CSV file per kind (layouts: ``docs/imports.md``; the kernel's
``casework.imports`` reads, reports and keeps each file whole). Each row is validated by the same
schema as the API's and written by the same use case, with the housing system's own reference
(``housing_ref``) stored as the key that makes a rerun skip what is in already.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import context
from casework.db import utcnow
from casework.imports import Column, Importer, Problem, Row, RowInvalid, problems_from, values
from lettings.letting.properties import add_property
from lettings.letting.register import register_applicant
from lettings.letting.tenancies import record_existing_tenancy
from lettings.models import Applicant, Property, Tenancy
from lettings.references import next_references
from lettings.schemas.applicants import ApplicantCreate
from lettings.schemas.offers import TenancyImport
from lettings.schemas.properties import PropertyCreate

HOUSING_REF = Column("housing_ref", "The housing management system's own reference (the key for reruns).", True)


def _by() -> str:
    return context.principal.get().sub


class _ByHousingRef(Importer):
    model: Any = None
    #: The prefix of the references a batch is numbered with (``P``), if the use case takes them.
    numbered = ""
    references: list[str]

    def prepare(self, session: Session, records: list[Any]) -> None:
        if self.numbered:  # one statement for the batch, handed out in order
            self.references = next_references(session, self.numbered, len(records))[::-1]

    def existing(self, session: Session, keys: list[str]) -> set[str]:
        return set(session.scalars(select(self.model.housing_ref).where(self.model.housing_ref.in_(keys))))


class PropertyImporter(_ByHousingRef):
    kind, model, numbered = "properties", Property, "P"
    columns = (
        HOUSING_REF,
        Column("address", "The home's postal address.", True),
        Column("uprn", "Unique Property Reference Number (digits)."),
        Column("property_type", "house, flat, maisonette, bungalow or bedsit.", True),
        Column("bedrooms", "0 to 10.", True),
        Column("floor", "-1 (basement) to 60; 0 (ground) if blank."),
        Column("wheelchair_accessible", "yes or no; no if blank.", kind="yes_no"),
        Column("min_age", "The lead tenant's minimum age (16 to 100), if any."),
        Column("sensitive_let", "yes or no; no if blank.", kind="yes_no"),
        Column("weekly_rent", "Pounds and pence, e.g. 98.50.", True),
        Column("service_charge", "Weekly, pounds and pence; 0.00 if blank."),
        Column("rent_type", "CORE's rent type when not the council's usual one."),
    )

    def __init__(self) -> None:
        self.schema = PropertyCreate()

    def load(self, session: Session, rows: list[Row]) -> Any:
        number, cells = rows[0]
        try:
            return cells["housing_ref"].strip(), self.schema.load(values(cells, self.columns[1:]))
        except ma.ValidationError as exc:
            raise RowInvalid(problems_from(exc, number)) from exc

    def write(self, session: Session, record: Any) -> None:
        housing_ref, details = record
        add_property(session, reference=self.references.pop(), housing_ref=housing_ref, **details)


#: An applicant's own columns (on the first row of its household) and where each goes in the API's body.
_APPLICATION = {
    "band": ("band",), "effective_date": ("effective_date",), "application_date": ("application_date",),
    "needs_wheelchair": ("needs", "wheelchair"), "needs_ground_floor": ("needs", "ground_floor"),
    "monthly_net_income": ("income", "monthly_net"), "monthly_outgoings": ("income", "monthly_outgoings"),
    "support_needs": ("support_needs",), "reasonable_preference": ("reasonable_preference",),
    "move_on_from": ("move_on_from",), "existing_tenant": ("existing_tenant",), "phone": ("contact", "phone"),
    "email": ("contact", "email"),
}
_COLUMN_OF = {".".join(path): column for column, path in _APPLICATION.items()}
_STATUSES = ("active", "housed")


class ApplicantImporter(_ByHousingRef):
    """One row per person: a household's rows come together, its applicant's details on the first."""

    kind, model, grouped, numbered = "applicants", Applicant, True, "A"
    columns = (
        HOUSING_REF,
        Column("band", "A band of the council's allocation scheme.", True),
        Column("effective_date", "YYYY-MM-DD.", True),
        Column("application_date", "YYYY-MM-DD; today if blank."),
        Column("needs_wheelchair", "yes or no.", kind="yes_no"),
        Column("needs_ground_floor", "yes or no.", kind="yes_no"),
        Column("monthly_net_income", "Pounds and pence."),
        Column("monthly_outgoings", "Pounds and pence."),
        Column("support_needs", "Codes separated by ;", kind="list"),
        Column("reasonable_preference", "Codes separated by ;", kind="list"),
        Column("move_on_from", "supported_housing or care."),
        Column("existing_tenant", "yes or no.", kind="yes_no"),
        Column("phone", "The household's phone."),
        Column("email", "The household's e-mail."),
        Column("status", "active (on the register; if blank) or housed (a tenant, not seeking a move)."),
        Column("member_name", "This person's name.", True),
        Column("member_date_of_birth", "YYYY-MM-DD.", True),
        Column("member_sex", "F or M.", True),
        Column("member_relationship", "applicant (one per household), partner, child or other.", True),
    )

    def __init__(self) -> None:
        self.schema = ApplicantCreate()
        self.own = [c for c in self.columns if c.name in _APPLICATION]
        self.member = [c for c in self.columns if c.name.startswith("member_")]

    def load(self, session: Session, rows: list[Row]) -> Any:
        first, cells = rows[0]
        given = values(cells, self.own)
        problems = [Problem(number, name, f"Differs from row {first}: a household's details go on its first row.")
                    for number, later in rows[1:] for name, value in values(later, self.own).items()
                    if value != given.get(name)]
        status = (cells.get("status") or "").strip() or "active"
        if status not in _STATUSES:
            problems.append(Problem(first, "status", f"Must be one of: {', '.join(_STATUSES)}."))
        body: dict[str, Any] = {"needs": {}, "income": {}, "contact": {}}
        for name, value in given.items():
            *outer, inner = _APPLICATION[name]
            (body[outer[0]] if outer else body)[inner] = value
        body["household"] = [{name.removeprefix("member_"): value for name, value in values(person, self.member).items()}
                             for _, person in rows]

        def locate(path: list[str]) -> tuple[int, str]:
            if path[:1] == ["household"]:
                if len(path) > 2 and path[1].isdigit():
                    return rows[int(path[1])][0], f"member_{path[2]}"
                return first, "member_relationship"  # one lead applicant, a couple at most
            return first, _COLUMN_OF.get(".".join(path[:2]), _COLUMN_OF.get(path[0], path[0]))

        try:
            application = self.schema.load(body)
        except ma.ValidationError as exc:
            problems += problems_from(exc, first, locate)
        if problems:
            raise RowInvalid(problems)
        return cells["housing_ref"].strip(), status, application

    def write(self, session: Session, record: Any) -> None:
        housing_ref, status, application = record
        register_applicant(session, application=application, by=_by(), now=utcnow(), housing_ref=housing_ref,
                           status=status, reference=self.references.pop())


class TenancyImporter(_ByHousingRef):
    """Current tenancies, each naming a home and a household imported before (by their housing_ref)."""

    kind, model = "tenancies", Tenancy
    columns = (
        Column("housing_ref", "The tenancy's reference in the housing system (kept as its tenancy_ref).", True),
        Column("property_ref", "The home's housing_ref (from the properties file).", True),
        Column("applicant_ref", "The tenant household's housing_ref (from the applicants file).", True),
        Column("tenancy_start", "YYYY-MM-DD.", True),
        Column("tenancy_type", "introductory, secure, flexible or demoted.", True),
    )

    def __init__(self) -> None:
        self.schema = TenancyImport()
        self.let_on_row: dict[Any, int] = {}  # a home let by an earlier row of the file

    def load(self, session: Session, rows: list[Row]) -> Any:
        number, cells = rows[0]
        given = values(cells, self.columns)
        problems: list[Problem] = []
        try:
            tenancy = self.schema.load({k: v for k, v in given.items() if k not in ("property_ref", "applicant_ref")})
        except ma.ValidationError as exc:
            problems += problems_from(exc, number)
            tenancy = None
        prop = self._home(session, number, given, problems)
        applicant = session.scalar(select(Applicant).where(Applicant.housing_ref == given.get("applicant_ref", "")))
        if applicant is None and "applicant_ref" in given:
            problems.append(Problem(number, "applicant_ref", "No household with this housing_ref: import the "
                                                             "applicants file first."))
        if problems:
            raise RowInvalid(problems)
        return prop, applicant, tenancy

    def _home(self, session: Session, number: int, given: dict, problems: list[Problem]) -> Property | None:
        prop = session.scalar(select(Property).where(Property.housing_ref == given.get("property_ref", "")))
        if prop is None:
            if "property_ref" in given:
                problems.append(Problem(number, "property_ref", "No home with this housing_ref: import the "
                                                                "properties file first."))
            return None
        current = session.scalar(select(Tenancy.reference).where(Tenancy.property_id == prop.id,
                                                                 Tenancy.end_date.is_(None)))
        if current is not None and current != given.get("housing_ref"):
            problems.append(Problem(number, "property_ref", f"This home has a current tenancy already ({current})."))
        elif prop.current_void is not None:
            problems.append(Problem(number, "property_ref", "This home is void in Casework: let it from an offer."))
        elif prop.id in self.let_on_row:
            problems.append(Problem(number, "property_ref", f"Row {self.let_on_row[prop.id]} lets this home already."))
        self.let_on_row.setdefault(prop.id, number)
        return prop

    def write(self, session: Session, record: Any) -> None:
        prop, applicant, tenancy = record
        record_existing_tenancy(session, prop, applicant, reference=tenancy["housing_ref"],
                                tenancy_start=tenancy["tenancy_start"], tenancy_type=tenancy["tenancy_type"], by=_by())


IMPORTERS = {"properties": PropertyImporter, "applicants": ApplicantImporter, "tenancies": TenancyImporter}
