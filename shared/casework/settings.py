"""Settings from the environment (12-factor), one documented default each."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def service_env(service: str, name: str, default: str) -> str:
    """``CASEWORK_<SERVICE>_<NAME>`` wins over ``CASEWORK_<NAME>``, then the default.

    One environment can so name four databases while sharing one broker URL.
    """
    specific = f"CASEWORK_{service.upper()}_{name}"
    return os.environ.get(specific) or os.environ.get(f"CASEWORK_{name}") or default


@dataclass(frozen=True)
class Settings:
    """Everything a Casework process reads from its environment.

    ``CASEWORK_DATABASE_URL``      the service's database (default: SQLite file under ./data); a
                                   PostgreSQL URL may name several servers (``casework.database_url``)
    ``CASEWORK_BROKER_URL``        RabbitMQ, e.g. ``amqp://guest:guest@127.0.0.1:5672//``, or every node
                                   of a cluster separated by ``;`` (``amqp://u:p@rabbit-0//;amqp://u:p@rabbit-1//;…``,
                                   see ``casework.bus.connection``); ``memory://`` is the in-process
                                   broker of embedded mode
    ``CASEWORK_EXCHANGE``          the topic exchange (default ``casework.events``)
    ``CASEWORK_QUEUE_PREFIX``      prefix of this deployment's queue names (default empty)
    ``CASEWORK_JWT_SECRET``        HS256 secret for development tokens
    ``CASEWORK_JWKS_URL``          production: RS256 keys are fetched from here
    ``CASEWORK_JWT_ISSUER`` / ``CASEWORK_JWT_AUDIENCE``   default ``casework``
    ``CASEWORK_POLICY_FILE``       the council's policy file for this service
    ``CASEWORK_PUBLIC_URL``        the service's public base URL (links in messages)
    ``CASEWORK_RETRY_DELAYS``      consumer retry delays in seconds (default ``1,5,30``)
    ``CASEWORK_CONSUMER_BATCH``    most events the consumer handles in one transaction (default 50)
    ``CASEWORK_WORKER_HEALTH_PORT``  worker probe port (default: service port + 100)
    ``CASEWORK_WORKER_HEALTH_HOST``  the address it listens on (default ``127.0.0.1``: only probes from
                                   inside the container or host; Kubernetes probes and scrapes the
                                   pod's IP, so its manifests set ``0.0.0.0``)
    ``CASEWORK_DB_POOL_SIZE``      database connections each process keeps open (default: gunicorn's
                                   threads, ``GUNICORN_THREADS``, else 8), plus as many again
                                   opened for bursts and closed after
    ``CASEWORK_RATE_LIMIT``        requests per client on the views marked ``@rate_limited``, e.g.
                                   ``60/minute`` or ``5/10s``; per api process (see
                                   ``casework.web.ratelimit``); default empty: no limit
    """

    service: str
    database_url: str
    broker_url: str
    exchange: str = "casework.events"
    queue_prefix: str = ""
    jwt_secret: str = "casework-development-secret-change-me"
    jwks_url: str = ""
    jwt_issuer: str = "casework"
    jwt_audience: str = "casework"
    policy_file: str = ""
    public_url: str = ""
    retry_delays: tuple[int, ...] = (1, 5, 30)
    relay_batch: int = 100
    consumer_batch: int = 50
    relay_poll_seconds: float = 1.0
    timer_poll_seconds: float = 1.0
    worker_health_port: int = 0
    worker_health_host: str = "127.0.0.1"
    max_body_bytes: int = 1024 * 1024
    rate_limit: str = ""
    db_pool_size: int = 8
    extra: dict = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        return self.broker_url.startswith("memory://")

    @classmethod
    def from_env(cls, service: str, *, default_port: int = 8000, **overrides) -> Settings:
        data_dir = _env("CASEWORK_DATA_DIR", "data")
        values = dict(
            service=service,
            database_url=service_env(service, "DATABASE_URL", f"sqlite:///{data_dir}/{service}.db"),
            broker_url=service_env(service, "BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"),
            exchange=_env("CASEWORK_EXCHANGE", "casework.events"),
            queue_prefix=_env("CASEWORK_QUEUE_PREFIX", ""),
            jwt_secret=_env("CASEWORK_JWT_SECRET", "casework-development-secret-change-me"),
            jwks_url=_env("CASEWORK_JWKS_URL", ""),
            jwt_issuer=_env("CASEWORK_JWT_ISSUER", "casework"),
            jwt_audience=_env("CASEWORK_JWT_AUDIENCE", "casework"),
            policy_file=service_env(service, "POLICY_FILE", ""),
            public_url=service_env(service, "PUBLIC_URL", f"http://127.0.0.1:{default_port}"),
            retry_delays=tuple(
                int(x) for x in _env("CASEWORK_RETRY_DELAYS", "1,5,30").split(",") if x.strip()
            ),
            relay_batch=_env_int("CASEWORK_RELAY_BATCH", 100),
            consumer_batch=max(1, _env_int("CASEWORK_CONSUMER_BATCH", 50)),
            relay_poll_seconds=_env_float("CASEWORK_RELAY_POLL_SECONDS", 1.0),
            timer_poll_seconds=_env_float("CASEWORK_TIMER_POLL_SECONDS", 1.0),
            worker_health_port=int(service_env(service, "WORKER_HEALTH_PORT", str(default_port + 100))),
            worker_health_host=service_env(service, "WORKER_HEALTH_HOST", "127.0.0.1"),
            max_body_bytes=_env_int("CASEWORK_MAX_BODY_BYTES", 1024 * 1024),
            rate_limit=service_env(service, "RATE_LIMIT", ""),
            # One kept connection per request thread: with fewer, the extra threads opened and
            # closed a connection per request (a PostgreSQL backend started each time).
            db_pool_size=_env_int("CASEWORK_DB_POOL_SIZE", _env_int("GUNICORN_THREADS", 8)),
        )
        values.update(overrides)
        return cls(**values)

    def queue_name(self, service: str | None = None) -> str:
        """The durable queue a service consumes from: ``<prefix><service>.events``."""
        return f"{self.queue_prefix}{service or self.service}.events"
