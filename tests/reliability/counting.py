"""Counting rows in each service's database: what arrived, and whether anything arrived twice."""

import time

import psycopg

from casework.database_url import conninfo
from casework_dev.system import System


def rows(system: System, service: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(conninfo(system.database_urls[service]), autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def unsent(system: System, service: str) -> int:
    return rows(system, service, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0]


def triage_tasks(system: System, referral_ids: list[str]) -> dict[str, int]:
    found = rows(system, "notifications", "SELECT subject_id, count(*) FROM tasks WHERE subject_type = 'referral' "
                 "AND subject_id = ANY(%s) GROUP BY subject_id", (referral_ids,))
    return dict(found)


def cases(system: System, referral_ids: list[str]) -> dict[str, int]:
    found = rows(system, "sustainment", "SELECT referral_id::text, count(*) FROM cases WHERE referral_id::text = ANY(%s) "
                 "GROUP BY referral_id", (referral_ids,))
    return dict(found)


def settle(system: System, referrals: list[str], accepted: list[str], timeout: float = 90.0) -> None:
    """Wait until every referral has its task and every accepted one its case; then check once each."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tasks, opened = triage_tasks(system, referrals), cases(system, accepted)
        if len(tasks) == len(referrals) and len(opened) == len(accepted) and unsent(system, "intake") == 0:
            break
        time.sleep(0.5)
    tasks, opened = triage_tasks(system, referrals), cases(system, accepted)
    assert unsent(system, "intake") == 0
    assert sorted(tasks) == sorted(referrals), f"{len(referrals) - len(tasks)} referrals have no triage task"
    assert set(tasks.values()) == {1}, "a referral has more than one triage task"
    assert sorted(opened) == sorted(accepted), f"{len(accepted) - len(opened)} accepted referrals have no case"
    assert set(opened.values()) <= {1}
