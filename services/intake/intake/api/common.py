"""What every intake view needs: the problem answers documented in OpenAPI."""

from casework.web import ProblemSchema

#: ``@blp.alt_response(404, description=..., **PROBLEM)``
PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}
