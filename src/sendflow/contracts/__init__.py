"""The public JSON shapes, structured and unstructured by one ``cattrs`` converter.

``docs/contracts.md`` documents each shape; this package is the only code that turns the
library's attrs objects into those shapes and back. Dates are ``YYYY-MM-DD`` text and
timestamps ISO 8601 text in UTC.
"""

from __future__ import annotations

from datetime import date, datetime

import cattrs

from sendflow.time.days import read_legal_day

__all__ = ["converter"]

converter = cattrs.Converter()
"""The converter every public shape goes through."""

converter.register_unstructure_hook(date, date.isoformat)
converter.register_structure_hook(date, lambda value, _: read_legal_day(value))
converter.register_unstructure_hook(datetime, datetime.isoformat)
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
