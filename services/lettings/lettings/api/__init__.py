"""The lettings API: one blueprint per resource."""


def blueprints() -> list:
    from . import adverts, applicants, letters, offers, properties, reports

    return [properties.blp, applicants.blp, adverts.blp, offers.blp, letters.blp, reports.blp]
