"""The whole system, on each backend: on ``postgresql``, real processes (gunicorn apis and
workers) on PostgreSQL and RabbitMQ; on ``sqlite``, ``casework run`` (`make run`: SQLite files
and the in-process broker) in a subprocess.

One system per backend for the whole e2e session: its own databases and broker names, removed
at the end. Each test makes its own referrals, properties and applicants, so tests never see
each other's records; they look tasks up by the subject they are about.
"""

import pytest

from casework_dev.system import Client, System
from casework_dev.testing import EmbeddedSystem, wait_until


@pytest.fixture(scope="session")
def system(backend, request, tmp_path_factory):
    if backend == "sqlite":
        with EmbeddedSystem(tmp_path_factory.mktemp("e2e-embedded")) as running:
            yield running.start(timeout=90)
        return
    postgres_url, broker_url = request.getfixturevalue("postgres_url"), request.getfixturevalue("broker_url")
    with System.for_tests(postgres_url, broker_url, log_dir=tmp_path_factory.mktemp("e2e-logs")) as running:
        running.start(timeout=90)
        yield running


@pytest.fixture(autouse=True)
def report_logs_on_failure(request):
    """A failing journey against the real processes shows the end of every process's log."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "system" in request.fixturenames:
        print(request.getfixturevalue("system").logs(40))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


class People:
    """Who takes part in the journeys, each with a token of their own, all in the directory."""

    def __init__(self, urls: dict[str, str], secret: str) -> None:
        def client(sub, *roles):
            return Client(urls, sub, *roles, secret=secret)

        self.partner = client("income-recovery-system", "referrer")
        self.intake_officer = client("iris-intake", "intake_officer")
        self.sustainment_officer = client("sam-sustain", "sustainment_officer")
        self.team_leader = client("tara-leader", "team_leader")
        self.lettings_officer = client("lee-lettings", "lettings_officer")
        self.admin = client("ada-admin", "admin")

    def register(self) -> None:
        directory = [
            (self.intake_officer, ["intake"], ["intake_officer"]),
            (self.sustainment_officer, ["sustainment"], ["sustainment_officer"]),
            (self.team_leader, ["sustainment", "intake"], ["team_leader"]),
            (self.lettings_officer, ["lettings"], ["lettings_officer"]),
            (self.admin, [], ["admin"]),
        ]
        for officer, teams, roles in directory:
            r = self.admin.post("notifications", "/officers", {
                "id": officer.sub, "name": officer.sub.replace("-", " ").title(), "teams": teams, "roles": roles,
                "email": f"{officer.sub}@council.example.gov.uk", "email_preference": "off"})
            assert r.status_code in (201, 409), r.text
        for slug, name, manager in (("intake", "Intake", self.team_leader), ("sustainment", "Tenancy sustainment",
                                    self.team_leader), ("lettings", "Lettings", None)):
            team = {"name": name, "manager_id": manager.sub if manager else None}
            r = self.admin.post("notifications", "/teams", {"slug": slug, **team})
            if r.status_code == 409:  # seeded by `casework run`: the journeys' team leader manages it here
                r = self.admin.put("notifications", f"/teams/{slug}", team)
            assert r.status_code in (200, 201), r.text


@pytest.fixture(scope="session")
def people(system) -> People:
    found = People(system.urls(), system.jwt_secret)
    found.register()
    return found


def one_task(officer: Client, timeout: float = 20, **filters) -> dict:
    """Wait until exactly one task matches ``filters`` in what ``officer`` sees, and return it."""
    def found():
        tasks = officer.tasks(**filters)
        assert len(tasks) <= 1, tasks
        return tasks[0] if tasks else None

    return wait_until(found, timeout=timeout, interval=0.2, message=f"a task for {officer.sub} with {filters}")


def inbox_task_link(browser, inbox_url: str, title: str, page_path: str):
    """In the signed-in officer's inbox, the link of the task titled ``title`` to its page (under
    ``page_path``): the page is read again until the notifications worker has made the task."""
    from selenium.webdriver.common.by import By

    browser.get(f"{inbox_url}/app/inbox")

    def found():
        links = browser.find_elements(By.XPATH, f"//*[starts-with(@id, 'task-')][contains(., \"{title}\")]"
                                                f"//a[contains(@href, '{page_path}')]")
        if not links:
            browser.refresh()
        return links[0] if links else None

    return wait_until(found, timeout=30, interval=0.5, message=f"the task “{title}” in the inbox")


def task_status(officer: Client, task_id: str, status: str, timeout: float = 20) -> dict:
    """Wait until the task has ``status`` (closed by an event, for instance), and return it."""
    def reached():
        task = officer.get("notifications", f"/tasks/{task_id}").json()
        return task if task["status"] == status else None

    return wait_until(reached, timeout=timeout, interval=0.2, message=f"task {task_id} to be {status}")


def one_case(officer: Client, timeout: float = 20, **filters) -> dict:
    """Wait until sustainment has exactly one case matching ``filters``, and return its detail."""
    def found():
        r = officer.get("sustainment", "/cases", **filters)
        assert r.status_code == 200, r.text
        assert len(r.json()) <= 1, r.json()
        return r.json()[0] if r.json() else None

    case = wait_until(found, timeout=timeout, interval=0.2, message=f"a case with {filters}")
    return officer.get("sustainment", f"/cases/{case['id']}").json()


REFERRAL = {
    "source": {"system": "income_recovery", "team": "Income Recovery (North)",
               "referrer": {"name": "Sam Patel", "email": "sam.patel@council.example", "phone": "01908 000000"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "phone": "07700 900123",
               "email": "alex.morgan@example.com", "address": "Flat 4, 12 Station Road, MK9 1AA"},
    "tenancy_ref": "T-0042117",
    "uprn": "25001234",
    "reasons": ["rent_arrears", "mental_health"],
    "details": "Tenant has stopped engaging with the income team and mentioned feeling low.",
    "arrears_balance": "1300.00",
    "weekly_rent": "130.00",
    "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


def referred_and_accepted(people: People) -> tuple[dict, dict]:
    """Journey 1 up to the case opening, checking the triage task: returns the referral and the case."""
    partner, iris = people.partner, people.intake_officer

    made = partner.post("intake", "/referrals", REFERRAL)
    assert made.status_code == 201, made.text
    referral = made.json()
    assert referral["status"] == "received"
    # 10 weeks of arrears (30) + mental health (15) = 45: high.
    assert (referral["risk"]["level"], referral["risk"]["score"]) == ("high", 45)

    triage = one_task(iris, subject_id=referral["id"])
    assert triage["title"] == f"Triage referral {referral['reference']}"
    assert (triage["team"], triage["assignee"], triage["status"], triage["priority"]) == ("intake", None, "open", "high")
    assert triage["due"] == referral["triage_due"]

    accepted = iris.post("intake", f"/referrals/{referral['id']}/triage", {"outcome": "accept"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert iris.post("intake", f"/referrals/{referral['id']}/triage", {"outcome": "accept"}).status_code == 409

    closed = task_status(iris, triage["id"], "done")
    assert closed["closed_by"] == "event" and closed["closed_by_event"]
    assert iris.tasks(subject_id=referral["id"], status="open") == []

    # Read as the team leader: safeguarding and health details are restricted to the case's officer and leaders.
    case = one_case(people.team_leader, referral_id=referral["id"])
    return referral, case


def assigned_and_told(people: People, case: dict) -> dict:
    """Journey 1's end: the team is tasked, the leader assigns, the officer is tasked and told."""
    sam, tara = people.sustainment_officer, people.team_leader
    assign = one_task(sam, subject_id=case["id"], team="sustainment")
    assert assign["title"] == f"Assign case {case['reference']}"
    assert (assign["assignee"], assign["status"], assign["rule"]) == (None, "open", "assign_case")
    assert one_task(tara, subject_id=case["id"])["id"] == assign["id"]
    # Officers who are not in the team do not see it.
    assert people.lettings_officer.tasks(subject_id=case["id"]) == []

    # Only a team leader assigns.
    assert sam.post("sustainment", f"/cases/{case['id']}/assignment", {"officer_id": sam.sub}).status_code == 403
    assigned = tara.post("sustainment", f"/cases/{case['id']}/assignment", {"officer_id": sam.sub})
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["status"], assigned.json()["officer_id"]) == ("allocated", sam.sub)

    # The assignment task closes itself; the officer has a first-contact task and a message.
    task_status(sam, assign["id"], "done")
    first_contact = one_task(sam, subject_id=case["id"], assignee=sam.sub, status="open")
    assert first_contact["title"] == f"First contact for case {case['reference']}"
    assert first_contact["due"] is not None
    message = wait_until(lambda: next((n for n in sam.inbox() if n["subject"] and n["subject"]["id"] == case["id"]),
                                      None), timeout=20, interval=0.2, message="the officer's message")
    assert message["message"] == f"Case {case['reference']} has been assigned to you: make first contact."
    assert "Alex" not in message["message"]
    return first_contact


def with_javascript(backend: str) -> bool:
    """Whether a browser journey's run has JavaScript: on real servers yes (axe-core runs, the
    screenshots are taken), on the embedded system no (every action works with JavaScript off).
    Each journey thus runs twice, not four times, and still proves both backends and both kinds of
    browser; the CI run stays inside its time."""
    return backend == "postgresql"


@pytest.fixture
def browser(backend):
    """Debian's Chromium for a browser journey, with JavaScript as ``with_javascript`` says
    (``browser.javascript`` tells the test which)."""
    from casework_dev.testing.browser import chromium

    javascript = with_javascript(backend)
    with chromium(javascript=javascript) as driver:
        driver.javascript = javascript
        yield driver

