"""Error answers as the OpenAPI document shows them: RFC 9457 problem details."""

from casework.web import ProblemSchema

#: ``@blp.alt_response(404, description=..., **PROBLEM)``
PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}
