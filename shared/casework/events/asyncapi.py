"""The AsyncAPI 3 document of the event catalogue (``casework asyncapi``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from casework import __version__
from casework.sealing import Sealed

from .registry import Catalogue


def decimal_as_string(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An apispec attribute function: a ``Decimal(as_string=True)`` travels as a JSON string
    (``"130.00"``), so it is documented as one, not as the number apispec assumes."""
    if isinstance(field, ma.fields.Decimal) and field.as_string:
        kind = ret.get("type")
        if isinstance(kind, list):
            return {"type": ["string" if t == "number" else t for t in kind], "format": "decimal"}
        return {"type": "string", "format": "decimal"}
    return {}


def sealed_as_string(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A ``Sealed`` field travels as a string only its recipient can open; the schema of what is
    inside is named (``x-sealed-content``) and documented among the components."""
    if isinstance(field, Sealed):
        return {"type": ["string", "null"] if field.allow_none else "string", "format": "casework-sealed",
                "description": f"Sealed for {field.to} alone (casework.sealing): a {field.schema.__name__}.",
                "x-sealed-for": field.to,
                "x-sealed-content": {"$ref": f"#/components/schemas/{field.schema.__name__}"}}
    return {}


def _json_schemas(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """Each contract's data schema as JSON Schema (via apispec's marshmallow converter)."""
    plugin = MarshmallowPlugin()
    spec = APISpec("casework-events", __version__, "3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(decimal_as_string)
    plugin.converter.add_attribute_function(sealed_as_string)
    names = {}
    for contract in catalogue.contracts.values():
        for field in contract.schema._declared_fields.values():
            if isinstance(field, Sealed) and field.schema.__name__ not in spec.components.schemas:
                spec.components.schema(field.schema.__name__, schema=field.schema)
        name = contract.schema.__name__
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=contract.schema)
        names[contract.type] = name
    components = spec.to_dict()["components"]["schemas"]
    return {"names": names, "schemas": dict(components)}


def document(catalogue: Catalogue) -> dict[str, Any]:
    converted = _json_schemas(catalogue)
    names, schemas = converted["names"], converted["schemas"]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for type_, contract in sorted(catalogue.contracts.items()):
        key = contract.routing_key
        message_name = key.replace(".", "_")
        messages[message_name] = {
            "name": type_,
            "title": type_,
            "summary": contract.summary or type_,
            "contentType": "application/cloudevents+json",
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/CloudEvent"},
                    {"type": "object", "properties": {
                        "type": {"const": type_},
                        "data": {"$ref": f"#/components/schemas/{names[type_]}"},
                    }},
                ]
            },
            "x-producer": contract.producer,
            "x-consumers": list(contract.consumers),
        }
        channels[message_name] = {
            "address": key,
            "description": f"Routing key {key} on the casework.events topic exchange.",
            "messages": {message_name: {"$ref": f"#/components/messages/{message_name}"}},
            "bindings": {"amqp": {"is": "routingKey", "exchange": {
                "name": "casework.events", "type": "topic", "durable": True, "autoDelete": False, "vhost": "/",
            }, "bindingVersion": "0.3.0"}},
        }
        operations[f"publish_{message_name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{message_name}"},
            "summary": f"{contract.producer} publishes {type_}",
            "messages": [{"$ref": f"#/channels/{message_name}/messages/{message_name}"}],
        }
    schemas["CloudEvent"] = {
        "type": "object",
        "required": ["specversion", "id", "source", "type"],
        "properties": {
            "specversion": {"type": "string", "const": "1.0"},
            "id": {"type": "string", "format": "uuid"},
            "source": {"type": "string", "format": "uri-reference"},
            "type": {"type": "string"},
            "subject": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "correlationid": {"type": "string", "description": "The chain of work: the first request's id."},
            "causationid": {"type": "string", "description": "The request or event that caused this one."},
            "traceparent": {"type": "string", "description": "W3C trace context, when present."},
            "data": {"type": "object"},
        },
    }
    schemas["CloudEventHeaders"] = {
        "type": "object",
        "properties": {"message_id": {"type": "string", "description": "AMQP message_id: the event id."}},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Casework events",
            "version": __version__,
            "description": (
                "Every event Casework's services publish: CloudEvents 1.0 in structured JSON mode on the "
                "durable topic exchange casework.events, routing key = type without the 'casework.' prefix. "
                "Add fields compatibly; a breaking change is a new major version of the type."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {"rabbitmq": {"host": "localhost:5672", "protocol": "amqp", "protocolVersion": "0-9-1"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render(catalogue: Catalogue) -> str:
    return yaml.safe_dump(document(catalogue), sort_keys=False, allow_unicode=True, width=100)
