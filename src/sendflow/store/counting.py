"""Counting settled cases in SQL: grouped rows over the stored clock results and events.

A case is *settled* as of a date when its latest event is on or before that date, its
``time_limits`` rows were made with the definition version in force, and no minimum
period of a rule the indicators read is still pending: its stored rows then give its
verdicts as of that date (see :mod:`sendflow.compliance.verdicts`). The compliance
indicators count such cases here, by grouped queries, without reading them one by one
(the unsettled cases are listed first, in a temporary table of the counting
transaction); :func:`iter_unsettled` streams the other cases whole, to be evaluated.

A running deadline's verdict as of the date is worked out in SQL exactly as
:class:`sendflow.compliance.verdicts.StoredVerdicts` works it out from the row (the
``_STATUS`` expression). Every query takes the parameters of :class:`Counting`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Connection, Date, Engine, TextClause, bindparam, text

from sendflow.engine.machine import ordered
from sendflow.store.records import StoredCase
from sendflow.store.settled import CaseHead, _day, _Decoder, _fetch

__all__ = [
    "CACHE_KIB",
    "Counting",
    "SettledCounts",
    "count_settled",
    "iter_unsettled",
    "left_out_assessments",
    "processes_stored",
]

CACHE_KIB = 8_192
"""SQLite's page cache (KiB) while counting: the queries scan tables or read cases by id,
so a small cache serves them as well as the store's 64 MiB, and memory stays flat."""

_STORE_CACHE_KIB = 65_536  # what sendflow.store.connect sets for every connection

ASSESSMENT = "ehc-needs-assessment"
BUDGET = "personal-budget"
SETTLED_STATUSES = ("met", "late", "overdue", "excused")


class Counting(NamedTuple):
    """What the counting queries are asked for.

    The period runs from ``first`` to ``last``, both included. The queries also take
    ``versions``: for each process stored, the version of its definition in force (a
    case stored under another version is not settled).
    """

    first: date
    last: date
    as_of: date
    clock_rules: frozenset[str]
    """The rules whose clocks are counted, besides every rule starting ``order-``."""
    verdict_rules: frozenset[str]
    """Every rule whose verdicts the indicators read, besides those starting ``order-``:
    a case with a minimum period of one of them still pending is not settled (its
    verdict turns on the as-of date in its own way)."""
    left_out_events: frozenset[str]
    """An appeal's events that put the assessment it names outside the 20-week measure."""
    left_out_routes: frozenset[str]
    """The routes of a reversed refusal that put the assessment outside it too."""
    transfer_deadlines: frozenset[str]
    """The rules whose due dates are the transfer programme's deadlines."""
    appeal_outcomes: frozenset[str]
    """The events that settle an appeal."""


class SettledCounts(NamedTuple):
    """The grouped rows of the settled cases (each row ends with its number of cases).

    Each list is bounded by the number of days, rules and states the rows fall on, not by
    the number of cases.

    - ``heads``: ``(process, requested_on, final, state, later, settled, n)`` for every
      case: ``requested_on`` (the day the case opened) and ``final`` for assessments
      only, ``state`` for personal budgets only, ``later`` for a case opened after the
      as-of date (marked settled too: there is nothing to evaluate);
    - ``clocks``: ``(rule, party, met, n)``: the clocks of the ``clock_rules`` and
      orders whose verdict settled in the period (``party`` only for advice), and
      whether they were met on time;
    - ``plans``: ``(month, days, left_out, status, excused, excepted, n)`` for
      assessments whose latest final plan was issued in the period, by its month
      (``YYYY-MM``) and the days from the request: whether an appeal or a reversal took
      them to mediation or tribunal, the latest ``final-plan`` clock's status and whether
      it accepted exceptions (both ``None`` when the case has no such clock), and whether
      any exception was recorded;
    - ``reviews``: ``(due_on, n)``: open annual-review cases by the due date of their
      latest review, when that review is overdue unmet;
    - ``refusals``: direct payments refused in the period;
    - ``transfers``: ``(final, done_on, n)`` for transfer cases not withdrawn, with the
      day the latest ``transfer-final-plan`` clock was met;
    - ``transfer_deadline``: the latest due date of their programme deadlines;
    - ``appeals``: ``(decision, outcome, order, n)`` for appeals whose latest
      registration falls in the period: the start event's ``decision``, and the name and
      ``order`` of the latest of the ``appeal_outcomes`` events (``None`` if none).
    """

    heads: list[tuple[str, date | None, bool | None, str | None, bool, bool, int]]
    clocks: list[tuple[str, str | None, bool, int]]
    plans: list[tuple[str, int, bool, str | None, bool | None, bool, int]]
    reviews: list[tuple[date, int]]
    refusals: int
    transfers: list[tuple[bool, date | None, int]]
    transfer_deadline: date | None
    appeals: list[tuple[Any, str | None, Any, int]]


_LIVE = """NOT EXISTS (SELECT 1 FROM retractions r
                WHERE r.case_id = {e}.case_id AND r."sequence" = {e}."sequence")"""
_MAKE_UNSETTLED = "CREATE TEMPORARY TABLE sendflow_unsettled (id VARCHAR PRIMARY KEY)"
_FILL_UNSETTLED = """
INSERT INTO sendflow_unsettled (id)
SELECT c.id FROM cases c WHERE c.last_event_on > :as_of OR NOT ({known})
UNION
SELECT m.case_id FROM time_limits m WHERE {pending_minimum_read}
"""
_SETTLED = "{case} NOT IN (SELECT id FROM sendflow_unsettled)"
_PENDING_MINIMUM_READ = """m.kind = 'minimum' AND m.status = 'pending'
  AND (m.rule IN :verdict_rules OR m.rule LIKE 'order-%')"""
_PENDING_MINIMUM_IN = """c.id IN (SELECT m.case_id FROM time_limits m
  WHERE m.case_id > :after AND m.case_id <= :span_end AND {pending_minimum_read})"""
_STATUS = """CASE WHEN {t}.is_open AND {t}.due_on IS NOT NULL AND {t}.kind = 'deadline'
     THEN CASE WHEN {t}.conditional OR {t}.due_on >= :as_of THEN 'pending'
               WHEN {t}.excused THEN 'excused' ELSE 'overdue' END
     ELSE {t}.status END"""

_HEADS = """
SELECT c.process,
       CASE WHEN c.process = :assessment THEN c.opened_on END AS requested,
       CASE WHEN c.process = :assessment THEN c.final END AS closed,
       CASE WHEN c.process = :budget THEN c.state END AS budget_state,
       CASE WHEN c.opened_on > :as_of THEN 1 ELSE 0 END AS later,
       CASE WHEN c.opened_on > :as_of OR {settled} THEN 1 ELSE 0 END AS counted, count(*)
FROM cases c
GROUP BY 1, 2, 3, 4, 5, 6
"""
_OPEN_DEADLINE = "t.is_open AND t.due_on IS NOT NULL AND t.kind = 'deadline'"
_CLOCKS = """
SELECT t.rule, CASE WHEN t.rule = 'advice' THEN t.key END,
       t.status = 'met' AND NOT ({open_deadline}) AS met, count(*)
FROM time_limits t
WHERE (t.met_on BETWEEN :day_before_first AND :last
       OR t.due_on BETWEEN :day_before_first AND :last)
  AND (t.rule IN :rules OR t.rule LIKE 'order-%')
  AND CASE WHEN {open_deadline} THEN NOT t.conditional AND t.due_on < :as_of
           ELSE t.status IN :settled_statuses END
  AND CASE WHEN t.rule = 'decide-whether-to-assess' THEN t.met_on BETWEEN :first AND :last
           WHEN t.rule = 'annual-review' THEN t.due_on BETWEEN :first AND :last
           WHEN t.met_on IS NOT NULL THEN t.met_on BETWEEN :first AND :last
           ELSE t.due_on BETWEEN :day_before_first AND :day_before_last END
  AND {settled_limit}
GROUP BY 1, 2, 3
"""
_ISSUED = """
SELECT c.id AS id, c.opened_on AS opened_on,
       (SELECT max(e.occurred_on) FROM events e
        WHERE e.case_id = c.id AND e.name = 'final_plan_issued' AND {live}) AS issued_on
FROM cases c WHERE c.process = :assessment AND {settled}
"""
_LEFT_OUT = """
SELECT a.related_case FROM cases a JOIN events e ON e.case_id = a.id
WHERE a.process = 'appeal' AND a.related_case IS NOT NULL AND e.name IN :stages
  AND e.occurred_on <= :as_of AND {live}
"""
_PLAN_CLOCK = """(SELECT {what} FROM time_limits t
  WHERE t.case_id = p.id AND t.rule = 'final-plan' ORDER BY t.position DESC LIMIT 1)"""
_PLANS = """
WITH p AS MATERIALIZED ({issued}),
q AS MATERIALIZED (
  SELECT {month} AS month, {days} AS days,
    CASE WHEN p.id IN ({left_out}) OR EXISTS (
      SELECT 1 FROM events e WHERE e.case_id = p.id AND e.name = 'refusal_reversed'
        AND {route} IN :routes AND {live}) THEN 1 ELSE 0 END AS left_out,
    {plan_status} AS status, {plan_excused} AS excused,
    CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.case_id = p.id
      AND e.name = 'exception_recorded' AND {live}) THEN 1 ELSE 0 END AS excepted
  FROM p WHERE p.issued_on BETWEEN :first AND :last
)
SELECT month, days, left_out, status, excused, excepted, count(*) FROM q
GROUP BY month, days, left_out, status, excused, excepted
"""
_REVIEWS = """
SELECT t.due_on, count(*) FROM time_limits t JOIN cases c ON c.id = t.case_id
WHERE c.process = 'annual-review' AND NOT c.final AND t.rule = 'annual-review'
  AND t.met_on IS NULL AND ({status}) IN ('overdue', 'excused') AND {settled}
  AND NOT EXISTS (SELECT 1 FROM time_limits u
    WHERE u.case_id = t.case_id AND u.rule = 'annual-review'
      AND (u.started_on > t.started_on OR (u.started_on = t.started_on
           AND u.position > t.position)))
GROUP BY t.due_on
"""
_REFUSALS = """
SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id
WHERE c.process = 'personal-budget' AND e.name = 'direct_payments_refused'
  AND e.occurred_on BETWEEN :first AND :last AND {live} AND {settled}
"""
_TRANSFERS = """
SELECT final, done_on, count(*) FROM (
  SELECT c.final AS final, (SELECT t.met_on FROM time_limits t
    WHERE t.case_id = c.id AND t.rule = 'transfer-final-plan'
    ORDER BY t.position DESC LIMIT 1) AS done_on
  FROM cases c
  WHERE c.process = 'statement-transfer' AND c.state <> 'withdrawn' AND {settled}
) s GROUP BY final, done_on
"""
_DEADLINE = """
SELECT max(t.due_on) FROM time_limits t JOIN cases c ON c.id = t.case_id
WHERE c.process = 'statement-transfer' AND c.state <> 'withdrawn'
  AND t.rule IN :deadlines AND {settled}
"""
_LATEST_OUTCOME = """(SELECT {what} FROM events e
  WHERE e.case_id = c.id AND e.name IN :outcomes AND {live}
  ORDER BY e.occurred_on DESC, e."sequence" DESC LIMIT 1)"""
_APPEALS = """
SELECT decision, outcome, outcome_order, count(*) FROM (
  SELECT (SELECT {decision} FROM events e WHERE e.case_id = c.id AND {live}
          ORDER BY e.occurred_on, e."sequence" LIMIT 1) AS decision,
         {outcome} AS outcome, {outcome_order} AS outcome_order
  FROM cases c
  WHERE c.process = 'appeal' AND {settled}
    AND (SELECT max(g.occurred_on) FROM events g
         WHERE g.case_id = c.id AND g.name = 'appeal_registered' AND {live_g})
        BETWEEN :first AND :last
) s GROUP BY decision, outcome, outcome_order
"""
_SPAN_END = "SELECT id FROM cases WHERE id > :after ORDER BY id LIMIT 1 OFFSET :skip"
_LAST_ID = "SELECT max(id) FROM cases"
_UNSETTLED = """
SELECT c.id, c.process, c.process_version, c.related_case, c.state, c.final, c.version,
       c.opened_on, c.last_event_on
FROM cases c WHERE c.id > :after AND c.id <= :span_end AND c.opened_on <= :as_of
  AND (c.last_event_on > :as_of OR NOT ({known}) OR {pending_minimum})
ORDER BY c.id
"""
_UNSETTLED_EVENTS = """
SELECT e.case_id, e."sequence", e.name, e.occurred_on, e.recorded_at, e.actor, e.data
FROM events e WHERE e.case_id IN :ids AND {live}
ORDER BY e.case_id, e."sequence"
"""
_DATES = ("first", "last", "as_of", "day_before_first", "day_before_last")


def _known(versions: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The condition that case ``c`` is stored under the version in force, and its parameters."""
    matches = []
    params: dict[str, str] = {}
    for number, (process, version) in enumerate(sorted(versions.items())):
        matches.append(f"(c.process = :process_{number} AND c.process_version = :version_{number})")
        params[f"process_{number}"] = process
        params[f"version_{number}"] = version
    return " OR ".join(matches) or "1 = 0", params


def _query(sql: str, *expanding: str) -> TextClause:
    dates = [bindparam(name, type_=Date) for name in _DATES if f":{name}" in sql]
    lists: list[BindParameter[Any]] = [bindparam(name, expanding=True) for name in expanding]
    return text(sql).bindparams(*dates, *lists)


def _parts(dialect: str, versions: Mapping[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """The SQL fragments the queries are made of, and the parameters they take."""
    known, params = _known(versions)
    settled = _SETTLED.format(case="c.id")
    live = _LIVE.format(e="e")
    issued = _ISSUED.format(live=live, settled=settled)
    if dialect == "postgresql":
        field = "e.data ->> '{}'"
        month = "to_char(p.issued_on, 'YYYY-MM')"
        days = "(p.issued_on - p.opened_on)"
    else:
        field = "json_extract(e.data, '$.{}')"
        month = "substr(p.issued_on, 1, 7)"
        days = "CAST(julianday(p.issued_on) - julianday(p.opened_on) AS INTEGER)"
    fragments = {
        "settled": settled,
        "settled_limit": _SETTLED.format(case="t.case_id"),
        "known": known,
        "pending_minimum": _PENDING_MINIMUM_IN.format(pending_minimum_read=_PENDING_MINIMUM_READ),
        "pending_minimum_read": _PENDING_MINIMUM_READ,
        "live": live,
        "live_g": _LIVE.format(e="g"),
        "status": _STATUS.format(t="t"),
        "open_deadline": _OPEN_DEADLINE,
        "route": field.format("route"),
        "decision": field.format("decision"),
        "outcome": _LATEST_OUTCOME.format(what="e.name", live=live),
        "outcome_order": _LATEST_OUTCOME.format(what=field.format("order"), live=live),
        "month": month,
        "days": days,
        "issued": issued,
        "left_out": _LEFT_OUT.format(live=live),
        "plan_status": _PLAN_CLOCK.format(what=_STATUS.format(t="t")),
        "plan_excused": _PLAN_CLOCK.format(what="t.excused"),
    }
    return fragments, params


def _params(asked: Counting, matching: dict[str, str]) -> dict[str, Any]:
    one_day = timedelta(days=1)
    return {
        "first": asked.first,
        "last": asked.last,
        "as_of": asked.as_of,
        "day_before_first": asked.first - one_day,
        "day_before_last": asked.last - one_day,
        "assessment": ASSESSMENT,
        "budget": BUDGET,
        "outcomes": sorted(asked.appeal_outcomes),
        "rules": sorted(asked.clock_rules),
        "verdict_rules": sorted(asked.verdict_rules),
        "settled_statuses": list(SETTLED_STATUSES),
        "stages": sorted(asked.left_out_events),
        "routes": sorted(asked.left_out_routes),
        "deadlines": sorted(asked.transfer_deadlines),
        **matching,
    }


def count_settled(engine: Engine, asked: Counting, versions: Mapping[str, str]) -> SettledCounts:
    """The grouped rows the indicators count the settled cases from, read in one transaction.

    The settled cases are those not listed in a temporary table of the unsettled ones,
    made first in the same transaction and dropped after.
    """
    with _counting(engine) as conn, conn.begin():
        parts, matching = _parts(conn.dialect.name, versions)
        params = _params(asked, matching)
        conn.exec_driver_sql(_MAKE_UNSETTLED)
        try:
            conn.execute(_query(_FILL_UNSETTLED.format(**parts), "verdict_rules"), params)
            return _count(conn, parts, params)
        finally:
            conn.exec_driver_sql("DROP TABLE sendflow_unsettled")


@contextmanager
def _counting(engine: Engine) -> Iterator[Connection]:
    """A connection to count with: a snapshot on PostgreSQL, a small page cache on SQLite."""
    with engine.connect() as opened:
        if opened.dialect.name == "postgresql":
            yield opened.execution_options(isolation_level="REPEATABLE READ")
            return
        driver = opened.connection.driver_connection
        driver.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # type: ignore[union-attr]
        try:
            yield opened
        finally:
            driver.execute(f"PRAGMA cache_size=-{_STORE_CACHE_KIB}")  # type: ignore[union-attr]


def _count(conn: Connection, parts: dict[str, str], params: dict[str, Any]) -> SettledCounts:

    def rows(sql: str, *expanding: str) -> list[Any]:
        return list(conn.execute(_query(sql.format(**parts), *expanding), params))

    day = _day
    heads = [
        (process, None if on is None else day(on), closed, state, bool(later), bool(counted), n)
        for process, on, closed, state, later, counted, n in rows(_HEADS)
    ]
    clocks = [
        (rule, party, bool(met), n)
        for rule, party, met, n in rows(_CLOCKS, "rules", "settled_statuses")
    ]
    plans = [
        (
            month,
            int(days),
            bool(left),
            status,
            None if excused is None else bool(excused),
            bool(excepted),
            n,
        )
        for month, days, left, status, excused, excepted, n in rows(_PLANS, "stages", "routes")
    ]
    reviews = [(day(due), n) for due, n in rows(_REVIEWS)]
    refusals = int(rows(_REFUSALS)[0][0])
    transfers = [
        (bool(final), None if done is None else day(done), n) for final, done, n in rows(_TRANSFERS)
    ]
    deadline = rows(_DEADLINE, "deadlines")[0][0]
    appeals = [
        (decision, outcome, order, n) for decision, outcome, order, n in rows(_APPEALS, "outcomes")
    ]
    return SettledCounts(
        heads,
        clocks,
        plans,
        reviews,
        refusals,
        transfers,
        None if deadline is None else day(deadline),
        appeals,
    )


def left_out_assessments(engine: Engine, as_of: date, events: frozenset[str]) -> frozenset[str]:
    """The case ids named by an appeal with any of ``events`` on or before ``as_of``."""
    sql = _LEFT_OUT.format(live=_LIVE.format(e="e"))
    with _counting(engine) as conn, conn.begin():
        found = conn.execute(_query(sql, "stages"), {"as_of": as_of, "stages": sorted(events)})
        return frozenset(row[0] for row in found)


def iter_unsettled(
    engine: Engine, asked: Counting, versions: Mapping[str, str], *, batch_size: int
) -> Iterator[StoredCase]:
    """Every case opened by the as-of date and not settled then, whole, by id, streamed.

    Each batch is read in one short transaction, like
    :func:`sendflow.store.reading.iter_cases`; events come in legal order, retracted
    ones left out.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}.")
    decode = _Decoder()
    after = ""
    span = {"skip": batch_size - 1}
    while True:
        with _counting(engine) as conn:
            parts, matching = _parts(conn.dialect.name, versions)
            with conn.begin():
                # The next span of batch_size cases by id, of which the unsettled are read.
                last = conn.execute(text(_SPAN_END), {"after": after, **span}).scalar()
                if last is None:
                    last = conn.execute(text(_LAST_ID)).scalar()
                    if last is None or last <= after:
                        return
                heads = [
                    CaseHead(
                        row[0],
                        row[1],
                        row[2],
                        row[3],
                        row[4],
                        bool(row[5]),
                        row[6],
                        _day(row[7]),
                        _day(row[8]),
                    )
                    for row in conn.execute(
                        _query(_UNSETTLED.format(**parts), "verdict_rules"),
                        {
                            "after": after,
                            "span_end": last,
                            "as_of": asked.as_of,
                            "verdict_rules": sorted(asked.verdict_rules),
                            **matching,
                        },
                    )
                ]
                rows: list[Any] = []
                if heads:
                    events_sql = text(_UNSETTLED_EVENTS.format(**parts)).bindparams(
                        bindparam("ids", expanding=True)
                    )
                    rows = _fetch(conn, events_sql, {"ids": [h.case_id for h in heads]})
        after = last
        by_case = decode.events(heads, rows)
        for head in heads:
            yield head.with_events(tuple(ordered(by_case[head.case_id])))


def processes_stored(engine: Engine) -> list[str]:
    """The ids of the processes the stored cases follow."""
    with _counting(engine) as conn, conn.begin():
        return [row[0] for row in conn.execute(text("SELECT DISTINCT process FROM cases"))]
