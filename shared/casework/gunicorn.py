"""gunicorn settings every service's api shares; each service's gunicorn.conf.py names its app and port.

Every value can be overridden from the environment: GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_REUSE_PORT (``false`` to share one listening socket).
"""

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


def child_exit(server, worker) -> None:
    # Prometheus multiprocess mode: forget the figures of a worker that has gone.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
