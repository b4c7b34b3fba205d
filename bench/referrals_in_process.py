"""POST /referrals' CPU in the api's own code, measured in process: a loaded machine cannot
time it under gunicorn, but it can count it.

The intake app through Flask's test client on a real PostgreSQL database (its own, created and
dropped here), as ``referrals.py`` sends them (a new person and tenancy each time), after 200
to warm up:

    .venv/bin/python bench/referrals_in_process.py cpu [requests]       # CPU a request (process_time), 5 blocks
    .venv/bin/python bench/referrals_in_process.py sample [requests]    # where it goes: a statistical profile
    valgrind --tool=callgrind --instr-atstart=no \\
        .venv/bin/python bench/referrals_in_process.py callgrind [requests]   # instructions, counted

``sample`` interrupts the process every 0.5 ms of its CPU (``ITIMER_PROF``; the kernel's tick
makes it every 4-6 ms in practice: send a few thousand requests) and counts the functions on
the stack: unlike cProfile it does not inflate code that makes many small calls
(cProfile put marshmallow's load of the body at 15% of a referral; sampled it is about 6%).
``callgrind`` counts instructions only while the requests run (``callgrind_control -i``), the
same count on a busy machine as on a quiet one; the figure is the ``totals`` line of the
``callgrind.out.*`` file divided by the requests. Either counts the test client's own work too
(about a tenth), the same before and after. The JSON log lines go to stderr: send them away.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import POSTGRES  # noqa: E402
from referrals import request_maker  # noqa: E402

WARM_UP = 200


def main(mode: str = "cpu", requests: int = 2000) -> None:
    from casework.migrations import upgrade
    from casework_dev.testing import TEST_SECRET, create_database, drop_database, token
    from intake.service import SERVICE

    url = create_database(POSTGRES, prefix="cw_bench_inproc")
    try:
        upgrade(SERVICE, url)
        namespace = f"b{uuid.uuid4().hex[:8]}"
        os.environ.update({"CASEWORK_INTAKE_DATABASE_URL": url, "CASEWORK_JWT_SECRET": TEST_SECRET,
                           "CASEWORK_EXCHANGE": f"{namespace}.casework.events", "CASEWORK_QUEUE_PREFIX": f"{namespace}.",
                           "CASEWORK_INTAKE_RATE_LIMIT": ""})
        from intake.app import create_app

        client = create_app().test_client()
        make = request_maker(f"Bearer {token('bench-system', 'referrer')}")
        sent = iter(range(10**9))

        def refer() -> None:
            _, path, body, headers = make(next(sent))
            answer = client.post(path, data=body, headers=headers)
            assert answer.status_code == 201, answer.data

        for _ in range(WARM_UP):
            refer()
        if mode == "cpu":
            blocks = []
            for _ in range(5):
                started = time.process_time()
                for _ in range(requests // 5):
                    refer()
                blocks.append((time.process_time() - started) / (requests // 5) * 1000)
            print(json.dumps({"cpu_ms_per_request": round(statistics.median(blocks), 3),
                              "blocks": [round(b, 3) for b in blocks], "load_average": os.getloadavg()[0]}))
        elif mode == "sample":
            sample(refer, requests)
        elif mode == "callgrind":
            control = ["callgrind_control", "-i"]
            subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
            for _ in range(requests):
                refer()
            subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)
            print(f"{requests} requests: divide the callgrind.out file's totals by them")
        else:
            raise SystemExit(f"unknown mode {mode!r}: cpu, sample or callgrind")
    finally:
        drop_database(url)


def sample(refer, requests: int) -> None:
    """Inclusive share of the sampled CPU for the 60 busiest functions."""
    within, samples = collections.Counter(), [0]

    def name(frame) -> str:
        path = frame.f_code.co_filename.split("site-packages/")[-1].split("/shared/")[-1]
        return f"{path}:{frame.f_code.co_name}"

    def take(_signal, frame) -> None:
        samples[0] += 1
        seen = set()
        while frame is not None:
            seen.add(name(frame))
            frame = frame.f_back
        within.update(seen)

    signal.signal(signal.SIGPROF, take)
    signal.setitimer(signal.ITIMER_PROF, 0.0005, 0.0005)
    started = time.process_time()
    for _ in range(requests):
        refer()
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    cpu_us = (time.process_time() - started) / requests * 1e6
    print(f"CPU a request {cpu_us:.0f} us, {samples[0]} samples")
    for function, count in within.most_common(60):
        print(f"{count / samples[0] * 100:5.1f}% {count / samples[0] * cpu_us:6.0f} us  {function}")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["cpu"]), *(int(n) for n in sys.argv[2:3]))
