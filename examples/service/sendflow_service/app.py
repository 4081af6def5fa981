"""The service's application: one ``Store`` for the process's life, shared by threads.

FastAPI runs the plain ``def`` endpoints below in its thread pool, so many requests use
the one store at once; sendflow's store is safe to share across threads
(``docs/store.md``, "Concurrency"). Several worker processes each open their own store.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from sendflow.contracts import converter
from sendflow.errors import SendflowError, http_status
from sendflow.store import Store
from sendflow.time.days import read_legal_day

__all__ = ["app", "create_app"]

DEFAULT_DB = "sqlite:///sendflow-service.db"


class EventIn(BaseModel):
    """One event as a case file writes it."""

    model_config = ConfigDict(extra="forbid")

    event: str
    on: str = Field(description="The day it happened, YYYY-MM-DD.")
    data: dict[str, Any] | None = None
    actor: str | None = None


class CaseIn(BaseModel):
    """A new case: its process, id and first events."""

    model_config = ConfigDict(extra="forbid")

    process: str
    case_id: str
    events: list[EventIn]
    related_case: str | None = None


class RecordIn(EventIn):
    """An event to append, with the version the caller read (optional)."""

    expected_version: int | None = Field(
        default=None,
        description="The case version the caller read; a later write answers 409.",
    )


class BadRequestError(ValueError):
    """A query value the service itself cannot read (a date not written YYYY-MM-DD)."""


def _day(value: str, name: str) -> date:
    try:
        return read_legal_day(value)
    except ValueError as exc:
        raise BadRequestError(f"{name}: {value!r} is not a date: {exc}.") from None


def _optional_day(value: str | None, name: str) -> date | None:
    return None if value is None else _day(value, name)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_app(store: Store | None = None, *, url: str | None = None) -> FastAPI:
    """The application over ``store``, or over a store opened at ``url`` for its life.

    Without either, the store is the one ``$SENDFLOW_DB`` names (default
    ``sqlite:///sendflow-service.db``). A store passed in is the caller's to close.
    """

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        if store is not None:
            application.state.store = store
            yield
            return
        opened = Store(url or os.environ.get("SENDFLOW_DB", DEFAULT_DB))
        application.state.store = opened
        try:
            yield
        finally:
            opened.close()

    application = FastAPI(title="sendflow reference service", lifespan=lifespan)

    def shared(request: Request) -> Store:
        kept: Store = request.app.state.store
        return kept

    @application.exception_handler(SendflowError)
    async def sendflow_error(_: Request, exc: SendflowError) -> JSONResponse:
        return _error(http_status(exc), exc.code, str(exc))

    @application.exception_handler(BadRequestError)
    async def bad_request(_: Request, exc: BadRequestError) -> JSONResponse:
        return _error(400, "request_invalid", str(exc))

    @application.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _error(400, "request_invalid", where)

    @application.post("/cases", status_code=201)
    def open_case(body: CaseIn, request: Request) -> JSONResponse:
        """Open a case with its first events; answers its version."""
        version = shared(request).open_case(
            body.process,
            case_id=body.case_id,
            events=[e.model_dump(exclude_none=True) for e in body.events],
            related_case=body.related_case,
        )
        return JSONResponse(
            {"case_id": body.case_id, "version": version},
            status_code=201,
            headers={"Location": f"/cases/{body.case_id}"},
        )

    @application.post("/cases/{case_id}/events", status_code=201)
    def record(case_id: str, body: RecordIn, request: Request) -> JSONResponse:
        """Append an event; answers the case's new version."""
        on = _day(body.on, "on")
        version = shared(request).record(
            case_id,
            body.event,
            on=on,
            data=body.data,
            actor=body.actor,
            expected_version=body.expected_version,
        )
        return JSONResponse({"case_id": case_id, "version": version}, status_code=201)

    @application.get("/cases/{case_id}")
    def evaluation(
        case_id: str, request: Request, as_of: Annotated[str | None, Query()] = None
    ) -> JSONResponse:
        """The case evaluated: state, outcome, allowed events, time limits and version."""
        result = shared(request).evaluate(case_id, as_of=_optional_day(as_of, "as_of"))
        return JSONResponse(converter.unstructure(result))

    @application.get("/due")
    def due(
        request: Request,
        as_of: str,
        within_days: Annotated[int, Query(ge=0, le=36525)] = 28,
        process: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        cursor: str | None = None,
    ) -> JSONResponse:
        """What falls due from ``as_of`` to ``within_days`` later and what is overdue, a page."""
        day = _day(as_of, "as_of")
        page = shared(request).due_page(
            as_of=day, within_days=within_days, process=process, limit=limit, cursor=cursor
        )
        return JSONResponse(converter.unstructure(page))

    @application.get("/changes")
    def changes(
        request: Request,
        after: str | None = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
        wait: Annotated[float, Query(ge=0, le=30)] = 0,
    ) -> JSONResponse:
        """Every record after the cursor; with ``wait``, waits that long for one first."""
        store = shared(request)
        if wait:
            store.wait_for_changes(after, timeout=wait)
        return JSONResponse(converter.unstructure(store.changes(after=after, limit=limit)))

    return application


app = create_app()
"""The application over ``$SENDFLOW_DB``, for ``uvicorn sendflow_service:app``."""
