"""gunicorn settings for the notifications api (shared defaults in casework.gunicorn; override from the environment)."""

import os

from casework.gunicorn import settings

globals().update(settings("notifications.app:create_app()", 8004))

# Each open web inbox holds a thread for its live-update stream (up to five minutes at a time).
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
