"""The lets made here and the voids they ended, paired by the database (the reports' one way).

``domain.tenancy.voids_and_lets`` states the rule: a tenancy ends the void of its home whose let
date is its start; voids and tenancies of the same home and day pair in the order they happened.
Here that rule is a join: each void numbered among its home's voids let that day (by void date),
each tenancy among its home's tenancies starting that day (by when it was signed up), and the two
joined on home, day and number. A large council lets thousands of homes a year: reading every
void and tenancy of those homes to pair them in Python took most of a second a report.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from lettings.domain.tenancy import rent_loss, void_days
from lettings.models import Applicant, HouseholdMember, Offer, Property, Tenancy, Void


def lets_and_their_voids(*where: Any) -> Select:
    """The lets made here (tenancies from an offer, not imported) that meet ``where`` (conditions
    on ``Tenancy``), each with the void it ended (its columns None when there is none), by start."""
    lets = (Tenancy.offer_id.is_not(None), *where)
    homes = select(Tenancy.property_id).where(*lets)
    voids = (select(Void.id, Void.property_id, Void.void_date, Void.let_date, Void.reason,
                    func.row_number().over(partition_by=(Void.property_id, Void.let_date),
                                           order_by=(Void.void_date, Void.id)).label("n"))
             .where(Void.let_date.is_not(None), Void.property_id.in_(homes)).subquery())
    numbered = (select(Tenancy.id, func.row_number().over(partition_by=(Tenancy.property_id, Tenancy.tenancy_start),
                                                          order_by=(Tenancy.created_at, Tenancy.id)).label("n"))
                .where(Tenancy.offer_id.is_not(None), Tenancy.property_id.in_(homes)).subquery())
    return (select(Tenancy.id, Tenancy.reference, Tenancy.property_id, Tenancy.tenancy_start, Tenancy.weekly_rent,
                   Tenancy.applicant_id, Property.reference.label("property_reference"),
                   voids.c.id.label("void_id"), voids.c.void_date, voids.c.reason)
            .join(Property, Property.id == Tenancy.property_id)
            .join(numbered, numbered.c.id == Tenancy.id)
            .outerjoin(voids, and_(voids.c.property_id == Tenancy.property_id,
                                   voids.c.let_date == Tenancy.tenancy_start, voids.c.n == numbered.c.n))
            .where(*lets).order_by(Tenancy.tenancy_start, Tenancy.reference))


def void_lines(session: Session, *where: Any) -> list[dict[str, Any]]:
    """Each void ended by a let meeting ``where``: its days (tenancy start − void date) and the
    rent lost (the let's weekly rent / 7 × days), by tenancy start."""
    lines = []
    for let in session.execute(lets_and_their_voids(*where)):
        if let.void_id is None:
            continue
        days = void_days(let.void_date, let.tenancy_start)
        lines.append({"void_id": let.void_id, "property_id": let.property_id,
                      "property_reference": let.property_reference, "void_date": let.void_date,
                      "reason": let.reason, "let_date": let.tenancy_start, "tenancy_ref": let.reference,
                      "tenancy_id": let.id, "void_days": days, "rent_loss": rent_loss(let.weekly_rent, days)})
    return lines


def lets_for_core(session: Session, *where: Any) -> list[SimpleNamespace]:
    """The lets made here that meet ``where``, by start, shaped as ``core.lettings_log`` reads a
    tenancy (its ``property``, its ``applicant`` with the ``household``, its ``offer``'s advert),
    read as columns in two queries. A collection year of a large council is some 5,000 lets:
    read as ORM objects with their homes, applicants, households and offers (40,000 objects) the
    export took half a minute."""
    lets = (Tenancy.offer_id.is_not(None), *where)
    rows = session.execute(
        select(Tenancy.id, Tenancy.reference, Tenancy.tenancy_start, Tenancy.tenancy_type, Tenancy.weekly_rent,
               Tenancy.service_charge, Tenancy.applicant_id, Offer.advert_id,
               Property.reference.label("property_reference"), Property.uprn, Property.property_type,
               Property.wheelchair_accessible, Property.bedrooms, Property.rent_type,
               Applicant.application_date, Applicant.reasonable_preference)
        .join(Property, Property.id == Tenancy.property_id).join(Applicant, Applicant.id == Tenancy.applicant_id)
        .join(Offer, Offer.id == Tenancy.offer_id)
        .where(*lets).order_by(Tenancy.tenancy_start, Tenancy.reference)).all()
    households: dict[Any, list[SimpleNamespace]] = defaultdict(list)
    for member in session.execute(
            select(HouseholdMember.applicant_id, HouseholdMember.position, HouseholdMember.relationship,
                   HouseholdMember.date_of_birth, HouseholdMember.sex)
            .where(HouseholdMember.applicant_id.in_(select(Tenancy.applicant_id).where(*lets)))):
        households[member.applicant_id].append(SimpleNamespace(
            position=member.position, relationship=member.relationship, date_of_birth=member.date_of_birth,
            sex=member.sex))
    return [SimpleNamespace(
        id=row.id, reference=row.reference, tenancy_start=row.tenancy_start, tenancy_type=row.tenancy_type,
        weekly_rent=row.weekly_rent, service_charge=row.service_charge,
        offer=SimpleNamespace(advert_id=row.advert_id),
        property=SimpleNamespace(reference=row.property_reference, uprn=row.uprn, property_type=row.property_type,
                                 wheelchair_accessible=row.wheelchair_accessible, bedrooms=row.bedrooms,
                                 rent_type=row.rent_type),
        applicant=SimpleNamespace(household=households[row.applicant_id], application_date=row.application_date,
                                  reasonable_preference=row.reasonable_preference)) for row in rows]
