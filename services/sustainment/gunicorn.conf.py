"""gunicorn settings for the sustainment api (shared defaults in casework.gunicorn; override from the environment)."""

from casework.gunicorn import settings

globals().update(settings("sustainment.app:create_app()", 8002))
