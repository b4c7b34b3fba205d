"""gunicorn settings for the lettings api (shared defaults in casework.gunicorn; override from the environment)."""

from casework.gunicorn import settings

globals().update(settings("lettings.app:create_app()", 8003))
