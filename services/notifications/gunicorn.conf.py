"""gunicorn settings for the notifications api (shared defaults in casework.gunicorn; override from the environment)."""

from casework.gunicorn import settings

# The web inbox polls for new tasks with short requests (notifications.web.updates): an open page
# holds no thread, so this api needs no more threads than the others.
globals().update(settings("notifications.app:create_app()", 8004))
