"""The JSON log lines: every record written as structlog's chain writes it, the common one (the
access line of every request) by a short way that gives the same line."""

import datetime as dt
import json
import logging
import uuid

import pytest
import structlog

from casework import context
from casework.logging import JSONFormatter, _add_context


def _chain() -> dict:
    return {
        "foreign_pre_chain": [structlog.stdlib.add_log_level, structlog.stdlib.ExtraAdder(), _add_context,
                              structlog.processors.TimeStamper(fmt="iso", utc=True)],
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                       structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
    }


def _record(level=logging.INFO, msg="request", args=(), extra=None, exc_info=None) -> logging.LogRecord:
    return logging.getLogger("casework.access").makeRecord("casework.access", level, __file__, 1, msg, args,
                                                           exc_info, extra=extra)


def _without_time(line: str) -> list:
    found = json.loads(line)
    stamp = found.pop("timestamp")
    assert stamp.endswith("Z") and dt.datetime.fromisoformat(stamp)
    return list(found.items())  # the keys' order is part of the line


RECORDS = [
    _record(extra={"method": "POST", "route": "/referrals", "status": 201, "duration_ms": 3.2, "actor": None}),
    _record(extra={"method": "GET", "route": "/referrals/<uuid:referral_id>", "status": 404, "duration_ms": 0.4,
                   "actor": "officer-1"}),
    _record(logging.WARNING, "retrying %s after %d s", ("publish", 5)),
    _record(logging.ERROR, "odd values", extra={"id": uuid.UUID(int=7), "when": dt.date(2026, 12, 7),
                                                 "text": "naïve “quotes”", "nested": {"a": [1, None]}}),
    _record(extra={"event": "given as extra", "level": "overridden", "service": "other", "timestamp": "x"}),
    _record(logging.CRITICAL, "no extras at all"),
]


@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("ids", [("intake", "corr-1", "cause-1"), (None, None, None)])
def test_the_short_way_writes_what_the_chain_writes(record, ids):
    tokens = [var.set(value) for var, value in zip(
        (context.service, context.correlation_id, context.causation_id), ids, strict=True)]
    try:
        short = JSONFormatter(**_chain()).format(record)
        chain = structlog.stdlib.ProcessorFormatter(**_chain()).format(record)
    finally:
        for var, token in zip((context.service, context.correlation_id, context.causation_id), tokens, strict=True):
            var.reset(token)
    assert _without_time(short) == _without_time(chain)


def test_the_access_line_has_its_fields():
    token = context.correlation_id.set("corr-1")
    try:
        line = JSONFormatter(**_chain()).format(RECORDS[0])
    finally:
        context.correlation_id.reset(token)
    assert [key for key, _ in _without_time(line)] == [
        "event", "level", "method", "route", "status", "duration_ms", "actor", "service", "correlation_id"]


def test_the_common_record_is_not_copied_and_run_through_the_chain(monkeypatch):
    def copied(_attributes):
        raise AssertionError("the record went round structlog's chain")

    monkeypatch.setattr(logging, "makeLogRecord", copied)
    assert json.loads(JSONFormatter(**_chain()).format(RECORDS[0]))["route"] == "/referrals"


def test_an_exception_takes_the_chain_and_keeps_its_traceback():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        import sys

        record = _record(logging.ERROR, "boom", exc_info=sys.exc_info())
    line = json.loads(JSONFormatter(**_chain()).format(record))
    assert line["event"] == "boom" and "ZeroDivisionError: division by zero" in line["exception"]
