"""gunicorn settings for the notifications api (shared defaults in casework.gunicorn; override from the environment)."""

from casework.gunicorn import settings

globals().update(settings("notifications.app:create_app()", 8004))
