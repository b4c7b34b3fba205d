"""gunicorn settings every service's api shares; each service's gunicorn.conf.py names its app and port.

Every value can be overridden from the environment: GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import os


def settings(app: str, port: int) -> dict:
    """The settings for ``app`` (``intake.app:create_app()``) on ``port``, as gunicorn config names."""
    return {
        "bind": os.environ.get("GUNICORN_BIND", f"0.0.0.0:{port}"),
        "workers": int(os.environ.get("GUNICORN_WORKERS", "2")),
        "threads": int(os.environ.get("GUNICORN_THREADS", "4")),
        "worker_class": "gthread",
        "timeout": int(os.environ.get("GUNICORN_TIMEOUT", "30")),
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,  # the app logs each request as JSON
        "wsgi_app": app,
        "child_exit": child_exit,
    }


def child_exit(server, worker) -> None:
    # Prometheus multiprocess mode: forget the figures of a worker that has gone.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
