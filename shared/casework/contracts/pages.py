"""Events the kernel's pages publish, from whichever service the officer is at."""

from marshmallow import fields, validate

from .common import EventData, Timestamp

#: Every service verifies the sign-in cookie by itself, so every service must hear of a sign-out.
EVERY_SERVICE = ("intake", "sustainment", "lettings", "notifications")


class SignedOut(EventData):
    """An officer signed out: a copy of their sign-in cookie must sign nobody in. Carries only a
    SHA-256 of the cookie's random session id, not the id and not who the officer is."""

    session = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    until = Timestamp(required=True)


def register(catalogue) -> None:
    catalogue.register("casework.pages.signed_out.v1", SignedOut, producer="pages", consumers=EVERY_SERVICE)
