"""Field types every service's schemas share."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import fields

MONEY_PATTERN = r"^-?\d+(\.\d{1,2})?$"


class Money(fields.Decimal):
    """Pounds and pence as a decimal string (``"123.45"``), as the HTTP contract says.

    A JSON number is refused rather than read: it would be a float on the way in, and the
    document promises a string. So is a string with more than two decimal places.
    """

    default_error_messages = {"money": 'Give an amount of money as a decimal string, e.g. "123.45".'}

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, **kwargs.pop("metadata", {})}
        kwargs.setdefault("allow_nan", False)
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal | None:
        if not isinstance(value, str) or not re.fullmatch(MONEY_PATTERN, value.strip()):
            raise self.make_error("money")
        return super()._deserialize(value.strip(), attr, data, **kwargs)
