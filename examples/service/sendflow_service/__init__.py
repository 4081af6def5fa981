"""A reference web service over one shared sendflow :class:`~sendflow.store.Store`.

It shows what a case-management system needs from sendflow: open a case, record an
event, read the evaluation with its allowed events and the version to send back, list
what falls due a page at a time, and follow the change feed; every sendflow error becomes
a JSON error body with its stable ``code`` and the HTTP status sendflow documents for it.

Run it with ``uvicorn sendflow_service:app`` from this folder (``SENDFLOW_DB`` names the
store; default ``sqlite:///sendflow-service.db``). ``docs/embedding.md`` walks through it.
"""

from sendflow_service.app import app, create_app

__all__ = ["app", "create_app"]
