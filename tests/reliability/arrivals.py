"""When each referral's effects arrived: its triage task in notifications, its case in sustainment.

A thread polls both databases while a test runs and keeps the first time (wall clock) it saw
each, so the time from a fault until events flow end to end again can be measured from outside
the system, whatever time the services themselves record.
"""

import statistics
import threading
import time

import psycopg

from casework_dev.system import System


class Arrivals:
    def __init__(self, system: System, interval: float = 0.2) -> None:
        self.system = system
        self.interval = interval
        self.posted: dict[str, float] = {}  # referral id → when intake answered 201
        self.accepted: set[str] = set()
        self.task_seen: dict[str, float] = {}
        self.case_seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True, name="arrivals")

    def __enter__(self) -> "Arrivals":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)

    def posted_now(self, referral_id: str, accepted: bool) -> None:
        with self._lock:
            self.posted[referral_id] = time.time()
            if accepted:
                self.accepted.add(referral_id)

    def _poll(self) -> None:
        with psycopg.connect(self.system.database_urls["notifications"], autocommit=True) as tasks, \
                psycopg.connect(self.system.database_urls["sustainment"], autocommit=True) as cases:
            while not self._stop.wait(self.interval):
                with self._lock:
                    want_task = [r for r in self.posted if r not in self.task_seen]
                    want_case = [r for r in self.accepted if r not in self.case_seen]
                found_tasks = tasks.execute("SELECT DISTINCT subject_id FROM tasks WHERE subject_type = 'referral' "
                                            "AND subject_id = ANY(%s)", (want_task,)).fetchall() if want_task else []
                found_cases = cases.execute("SELECT DISTINCT referral_id::text FROM cases "
                                            "WHERE referral_id::text = ANY(%s)", (want_case,)).fetchall() if want_case else []
                now = time.time()
                with self._lock:
                    self.task_seen.update((row[0], now) for row in found_tasks)
                    self.case_seen.update((row[0], now) for row in found_cases)

    def latencies(self, start: float, end: float) -> list[float]:
        """Post → last effect seen, for referrals posted in [start, end) whose effects all arrived."""
        found = []
        for referral, posted in self.posted.items():
            if not start <= posted < end or referral not in self.task_seen:
                continue
            if referral in self.accepted and referral not in self.case_seen:
                continue
            found.append(max(self.task_seen[referral], self.case_seen.get(referral, 0)) - posted)
        return found

    def recovery(self, fault_at: float, until: float) -> dict[str, float]:
        """How the flow fared after a fault at ``fault_at`` (referrals posted up to ``until``).

        ``flowing_again_s``: from the fault until events flow end to end again on both paths: a
        referral posted after the fault has its triage task (intake → notifications), and an
        accepted one its case (intake → sustainment).
        ``worst_latency_s``: the slowest referral, post to last effect, of those in flight at the
        fault or posted after it.
        """
        after = [r for r, posted in self.posted.items() if fault_at <= posted < until]
        first_task = min((self.task_seen[r] for r in after if r in self.task_seen), default=float("nan"))
        first_case = min((self.case_seen[r] for r in after if r in self.case_seen), default=float("nan"))
        latencies = self.latencies(fault_at - 5, until)
        return {
            "referrals_posted": len(after),
            "flowing_again_s": round(max(first_task, first_case) - fault_at, 2),
            "worst_latency_s": round(max(latencies, default=float("nan")), 2),
        }

    def baseline(self, start: float, end: float) -> dict[str, float]:
        latencies = self.latencies(start, end)
        return {"referrals_posted": len(latencies), "median_latency_s": round(statistics.median(latencies), 2),
                "worst_latency_s": round(max(latencies), 2)} if latencies else {"referrals_posted": 0}
