"""gunicorn settings every service's api shares; each service's gunicorn.conf.py names its app and port.

Every value can be overridden from the environment: GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_REUSE_PORT (``false`` to share one listening socket).
"""

import json
import os


def settings(app: str, port: int) -> dict:
    """The settings for ``app`` (``intake.app:create_app()``) on ``port``, as gunicorn config names."""
    return {
        "bind": os.environ.get("GUNICORN_BIND", f"0.0.0.0:{port}"),
        "workers": int(os.environ.get("GUNICORN_WORKERS", "2")),
        # 8: a request spends most of its time waiting on PostgreSQL, and keep-alive connections
        # spread unevenly over the workers; with 4 the busier worker queued requests while the
        # other idled (POST /referrals, 16 clients: 144/s with 4, 197/s with 8, 232/s with 16).
        # Each thread can still hold its own connection (pool 5 + overflow 5, casework.db).
        "threads": int(os.environ.get("GUNICORN_THREADS", "8")),
        "worker_class": "gthread",
        # Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new
        # connections over them. On one shared socket the first worker to wake accepts a burst
        # of keep-alive connections, and keeps them: 16 clients opened at once all landed on one
        # worker (one core, held by its GIL) while the other idled; POST /referrals 178/s, and
        # 265/s with the connections spread 9 and 7.
        "reuse_port": os.environ.get("GUNICORN_REUSE_PORT", "true").lower() not in ("0", "false", "no"),
        "timeout": int(os.environ.get("GUNICORN_TIMEOUT", "30")),
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,  # the app logs each request as JSON
        "wsgi_app": app,
        "child_exit": child_exit,
        "post_worker_init": post_worker_init,
    }


def post_worker_init(worker) -> None:
    from casework import collector

    collector.settle()  # the app is loaded
    answer_problems()
    freeze_what_lasts()


def freeze_what_lasts() -> None:
    """The worker's mappers configured, then everything it holds so far (modules, the app, its
    templates and mappers: ~170,000 objects in lettings) moved out of the garbage collector's
    reach: they live as long as the worker. Otherwise each full collection walked them all, a
    pause every few requests that fell on one request in eight of a 2,000-bidder shortlist
    (280-480 ms against 65-180 ms at load 12; bench/NOTES.md, lettings at full size, second pass).
    Configuring the mappers here also takes it off the worker's first request."""
    import gc

    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    gc.collect()
    gc.freeze()


#: What gunicorn's own refusals (written before the app sees the request) tell the client, by status.
#: gunicorn's message can quote the request back; these do not.
GUNICORN_PROBLEMS = {
    400: "The request is not valid HTTP.",
    403: "The request is refused.",
    414: "The URL (with its query) is longer than this service reads.",
    417: "The Expect header asks for something this service does not do.",
    431: "The request's headers are larger or more numerous than this service reads.",
    501: "The request's transfer coding is not supported.",
}


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering RFC 9457 problem details instead of an HTML page."""
    from gunicorn import util

    problem = {"type": "about:blank", "title": reason, "status": status_int}
    if status_int in GUNICORN_PROBLEMS:
        problem["detail"] = GUNICORN_PROBLEMS[status_int]
    body = json.dumps(problem).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


def answer_problems() -> None:
    """Make gunicorn's own error answers (414 for a long URL, 431 for large headers, 400 for
    broken HTTP) problem details like every other error of ours.

    gunicorn writes those itself, before any app runs, through ``gunicorn.util.write_error``,
    which has no setting or hook of its own; its one caller (``Worker.handle_error``) looks it up
    on the module each time, so replacing it in the worker process is enough.
    """
    from gunicorn import util

    util.write_error = write_problem


def child_exit(server, worker) -> None:
    # Prometheus multiprocess mode: forget the figures of a worker that has gone.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
