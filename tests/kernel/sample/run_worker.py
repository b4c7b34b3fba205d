"""Runs the sample service's worker as its own process, for the crash tests.

Settings come from SAMPLE_DATABASE_URL, SAMPLE_BROKER_URL and SAMPLE_NAMESPACE. With
SAMPLE_DIE_AFTER_COMMIT set, the process kills itself (SIGKILL) right after the commit of a
``note.created`` handler, before the message is acknowledged.
"""

import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from casework.worker import Worker  # noqa: E402
from casework_dev.testing import test_settings  # noqa: E402
from sample.service import SERVICE  # noqa: E402


@event.listens_for(Session, "after_commit")
def _die(session):
    if session.in_nested_transaction():
        return  # a savepoint released (the consumer's per-event savepoint): nothing committed yet
    if session.info.pop("die_after_commit", False):
        os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    settings = test_settings("sample", database_url=os.environ["SAMPLE_DATABASE_URL"],
                             broker_url=os.environ["SAMPLE_BROKER_URL"], namespace=os.environ["SAMPLE_NAMESPACE"])
    worker = Worker(SERVICE, settings)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    worker.start()
    worker.consuming(timeout=30)  # an event published before its queue exists would be lost to it
    print("worker ready", flush=True)
    stopped.wait()
    worker.stop()


if __name__ == "__main__":
    main()
