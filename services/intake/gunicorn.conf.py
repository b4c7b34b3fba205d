"""gunicorn settings for the intake api (shared defaults in casework.gunicorn; override from the environment)."""

from casework.gunicorn import settings

globals().update(settings("intake.app:create_app()", 8001))
