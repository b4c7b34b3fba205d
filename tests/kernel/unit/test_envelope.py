"""CloudEvents envelope: build, serialise, parse."""

import json

import pytest
from cloudevents.v1.http import from_json

from casework import context
from casework.events import CONTENT_TYPE, Event, InvalidEvent, make, parse


def test_an_event_made_in_a_request_carries_its_ids():
    with context.bound(service="intake", correlation_id="corr-1", causation_id="req-1", traceparent="00-abc-def-01"):
        event = make("intake.referral.withdrawn.v1", subject="r-1", data={"referral_id": "x"})
    assert event.type == "casework.intake.referral.withdrawn.v1"
    assert event.routing_key == "intake.referral.withdrawn.v1"
    assert event.source == "/intake"
    assert (event.correlationid, event.causationid, event.traceparent) == ("corr-1", "req-1", "00-abc-def-01")


def test_an_event_with_no_cause_starts_its_own_correlation():
    event = make("intake.referral.withdrawn.v1", subject="r-1", data={})
    assert event.correlationid == event.id
    assert event.causationid is None


def test_serialised_event_round_trips_byte_for_byte():
    event = make("intake.referral.withdrawn.v1", subject="r-1", data={"a": 1, "b": "ü"})
    body = event.to_json()
    again = parse(body.encode())
    assert again == event
    assert again.to_json() == body


def test_serialised_event_is_a_valid_structured_cloudevent():
    event = make("intake.referral.withdrawn.v1", subject="r-1", data={"a": 1})
    parsed = from_json(event.to_json())
    assert parsed["id"] == event.id
    assert parsed["type"] == event.type
    assert parsed["correlationid"] == event.correlationid
    assert CONTENT_TYPE == "application/cloudevents+json"


@pytest.mark.parametrize("body, problem", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"specversion": "1.0", "id": "1", "source": "/x"}).encode(), "type"),
    (json.dumps({"specversion": "0.3", "id": "1", "source": "/x", "type": "t"}).encode(), "specversion"),
    (json.dumps({"specversion": "1.0", "id": "1", "source": "/x", "type": "t", "data": [1]}).encode(), "data"),
    (b"\xff\xfe", "not JSON"),
])
def test_bodies_that_are_not_cloudevents_are_refused(body, problem):
    with pytest.raises(InvalidEvent, match=problem):
        parse(body)


def test_event_dict_omits_absent_extensions():
    event = Event(type="casework.x.y.v1", source="/x", subject="s", data={})
    assert "traceparent" not in event.to_dict()
