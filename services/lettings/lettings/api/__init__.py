"""The lettings API: one blueprint per resource."""


def blueprints() -> list:
    from casework.privacy import legal_hold_blueprint, subject_access_blueprint
    from lettings import privacy

    from . import adverts, applicants, letters, offers, properties, reports, sign_up_packs, tenancies

    return [properties.blp, applicants.blp, adverts.blp, offers.blp, sign_up_packs.blp, tenancies.blp, letters.blp, reports.blp,
            subject_access_blueprint(privacy.find_subject, service="lettings"),
            legal_hold_blueprint(privacy.HOLDABLE)]
