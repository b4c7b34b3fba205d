"""Event data sealed for one consumer: only its private key opens it; producers hold the public key."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from casework.contracts import catalogue
from casework.contracts.lettings import TenantDetails
from casework.sealing import SealingError, check_settings, new_key_pair, seal, unseal

DETAILS = {"tenant": {"name": "Sam Smith", "phone": "07700 900456"}, "address": "1 High Street",
           "support_needs": ["mental_health"]}


def test_a_sealed_value_opens_for_its_recipient_and_shows_nothing_on_the_way():
    sealed = seal(DETAILS, to="sustainment")
    assert sealed.startswith("sealed.v1.")
    assert "Sam" not in sealed and "mental_health" not in sealed and "07700" not in sealed
    assert seal(DETAILS, to="sustainment") != sealed  # a fresh key and nonce each time
    assert unseal(sealed, to="sustainment") == DETAILS


def test_no_other_service_opens_it():
    sealed = seal(DETAILS, to="sustainment")
    with pytest.raises(SealingError):
        unseal(sealed, to="notifications")  # its key has another id
    kid = sealed.split(".")[2]
    with pytest.raises(SealingError):  # the right key id, but sealed for another name: the tag fails
        unseal(seal(DETAILS, to="notifications").replace(seal(DETAILS, to="notifications").split(".")[2], kid),
               to="sustainment")


def test_an_altered_value_does_not_open():
    sealed = seal(DETAILS, to="sustainment")
    body = sealed.rsplit(".", 1)[1]
    flipped = body[:-5] + ("A" if body[-5] != "A" else "B") + body[-4:]
    with pytest.raises(SealingError):
        unseal(sealed.rsplit(".", 1)[0] + "." + flipped, to="sustainment")
    with pytest.raises(SealingError):
        unseal("Sam Smith", to="sustainment")


def test_keys_rotate_the_recipient_opens_old_and_new(monkeypatch):
    old_private, old_public = new_key_pair()
    new_private, new_public = new_key_pair()
    monkeypatch.setenv("CASEWORK_SUSTAINMENT_SEALING_PUBLIC_KEY", old_public)
    monkeypatch.setenv("CASEWORK_SUSTAINMENT_SEALING_KEYS", old_private)
    before = seal(DETAILS, to="sustainment")
    # Rotation: the recipient takes the new key first, then the producers seal with it.
    monkeypatch.setenv("CASEWORK_SUSTAINMENT_SEALING_KEYS", f"{new_private},{old_private}")
    monkeypatch.setenv("CASEWORK_SUSTAINMENT_SEALING_PUBLIC_KEY", new_public)
    after = seal(DETAILS, to="sustainment")
    assert unseal(before, to="sustainment") == unseal(after, to="sustainment") == DETAILS
    # The old key retired: what was sealed with it no longer opens (and the development key never did).
    monkeypatch.setenv("CASEWORK_SUSTAINMENT_SEALING_KEYS", new_private)
    with pytest.raises(SealingError, match="no private key"):
        unseal(before, to="sustainment")
    monkeypatch.delenv("CASEWORK_SUSTAINMENT_SEALING_PUBLIC_KEY")
    with pytest.raises(SealingError, match="no private key"):
        unseal(seal(DETAILS, to="sustainment"), to="sustainment")


def test_the_catalogue_seals_a_contract_field_and_the_recipient_opens_it_typed():
    started = {"tenancy_id": uuid.uuid4(), "tenancy_ref": "T-1", "offer_id": uuid.uuid4(),
               "property_id": uuid.uuid4(), "applicant_id": uuid.uuid4(), "tenancy_start": dt.date(2030, 3, 4),
               "tenancy_type": "introductory", "high_risk": True}
    data = catalogue.serialise("casework.lettings.tenancy.started.v2", {**started, "tenant_details": DETAILS})
    assert data["tenant_details"].startswith("sealed.v1.") and "Sam" not in str(data)
    loaded = catalogue.load("casework.lettings.tenancy.started.v2", data)
    assert loaded["tenant_details"] == data["tenant_details"]  # every consumer loads it still sealed
    opened = catalogue.unseal("casework.lettings.tenancy.started.v2", loaded, "tenant_details")
    assert opened == TenantDetails().load(DETAILS) and opened["high_risk_reasons"] == []
    with pytest.raises(Exception, match="tenant"):  # what is sealed is checked against its schema first
        catalogue.serialise("casework.lettings.tenancy.started.v2", {**started, "tenant_details": {"address": "x"}})
    with pytest.raises(Exception, match="sealed"):  # a consumer refuses the field in the clear
        catalogue.load("casework.lettings.tenancy.started.v2", {**data, "tenant_details": "Sam Smith"})


def test_a_key_setting_that_cannot_be_read_stops_the_start_naming_it():
    private, public = new_key_pair()
    check_settings({"CASEWORK_SUSTAINMENT_SEALING_PUBLIC_KEY": public, "CASEWORK_SUSTAINMENT_SEALING_KEYS": private})
    check_settings({})  # none set: the development pair
    for name in ("CASEWORK_SUSTAINMENT_SEALING_PUBLIC_KEY", "CASEWORK_SUSTAINMENT_SEALING_KEYS"):
        with pytest.raises(RuntimeError, match=f"{name} is not a base64url X25519 key.*--for sustainment"):
            check_settings({name: "CHANGE-ME"})
