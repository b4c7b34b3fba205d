"""A body nested deeper than any request of ours is 400 problem details on every service, never a 500.

A thousand levels exhaust Python's recursion limit in whatever parses the body: the kernel's own
lone-surrogate check (reached without a token) and the views' JSON parsing (with one).
"""


import pytest

from casework.web.app import MAX_JSON_DEPTH, json_depth, nests_too_deep
from casework_dev.testing import bearer

# Fixed: test ids must be the same in every collection (pytest-xdist's workers compare them).
SOMEONE = "4e2bccd7-0081-4285-b04a-06cfaad081e5"

#: service → paths that take a JSON body (POST unless the path says otherwise).
BODIES = {
    "intake": ["POST /referrals"],
    "lettings": ["POST /properties", f"PUT /applicants/{SOMEONE}/household", f"PATCH /applicants/{SOMEONE}"],
    "notifications": ["POST /officers", "POST /teams"],
    "sustainment": [f"POST /cases/{SOMEONE}/notes"],
}
CASES = [(service, path) for service, paths in BODIES.items() for path in paths]


def nested(depth: int, leaf: str = '"x"') -> str:
    return '{"a": ' * depth + leaf + "}" * depth


def send(harness, method_path: str, body: str, headers: dict | None = None):
    method, path = method_path.split(" ")
    return harness.client.open(path, method=method, data=body, content_type="application/json",
                               headers=headers or {})


@pytest.mark.parametrize("service", sorted(BODIES))
def test_a_deep_body_with_an_escaped_surrogate_is_400_without_a_token(harnesses, service):
    method_path = BODIES[service][0]
    response = send(harnesses(service), method_path, nested(5000, '"\\ud83d\\ude00"'))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "deep" in response.get_json()["detail"]


@pytest.mark.parametrize(("service", "method_path"), CASES)
def test_a_body_nested_a_thousand_deep_is_400_with_a_token(harnesses, service, method_path):
    response = send(harnesses(service), method_path, nested(1000), bearer("admin-1", "admin"))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("service", sorted(BODIES))
def test_a_list_nested_a_thousand_deep_is_400(harnesses, service):
    response = send(harnesses(service), BODIES[service][0], "[" * 1000 + "]" * 1000, bearer("admin-1", "admin"))
    assert response.status_code == 400


def test_a_body_as_deep_as_allowed_reaches_the_view(harnesses):
    response = send(harnesses("intake"), "POST /referrals", nested(MAX_JSON_DEPTH), bearer("sys-1", "referrer"))
    assert response.status_code == 422  # read, and found wanting


@pytest.mark.parametrize(("body", "depth"), [
    (b'{"a": [1, {"b": 2}]}', 3),
    (b'{"note": "[[[[{{{{ in a string"}', 1),
    (b'{"note": "an escaped quote \\" then [[["}', 1),
    (b'{"note": "ends in a backslash \\\\", "b": [[]]}', 3),
    (b'"unterminated \\" [[[[', 0),
    (b"12", 0),
])
def test_json_depth_counts_brackets_outside_strings(body, depth):
    assert json_depth(body) == depth


def test_json_depth_reads_a_body_of_escaped_quotes_in_linear_time():
    import time

    body = b'["' + b'\\"' * 500_000
    started = time.perf_counter()
    assert json_depth(body) == 1
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("body", "too_deep"), [
    (nested(MAX_JSON_DEPTH).encode(), False),
    (nested(MAX_JSON_DEPTH + 1).encode(), True),
    (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), True),
    (b'{"note": "' + b"{" * 100 + b'"}', False),  # many brackets, all in a string: read the long way
])
def test_nests_too_deep_as_json_depth_says(body, too_deep):
    assert nests_too_deep(body) is too_deep


def test_a_body_with_few_brackets_is_not_read_string_by_string(monkeypatch):
    import casework.web.app as web_app

    def refuse(body):
        raise AssertionError("read string by string")

    monkeypatch.setattr(web_app, "json_depth", refuse)
    assert not nests_too_deep(b'{"source": {"referrer": {"name": "Sam \\" Patel"}}, "reasons": ["rent_arrears"]}')
