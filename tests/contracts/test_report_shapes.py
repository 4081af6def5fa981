"""The report's JSON reads back equal through the converter, keys as docs/contracts.md shows."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendflow.cli import main
from sendflow.compliance.figures import (
    AdviceByParty,
    Appeals,
    Figures,
    MonthFigures,
    OpenAssessments,
    OverdueReviews,
    PersonalBudgets,
    PlansIssued,
    Rate,
    Report,
    Requests,
    Transfers,
    WeeksToIssue,
)
from sendflow.compliance.periods import ReportPeriod
from sendflow.contracts import converter, structure
from sendflow.errors import CaseFileError
from sendflow.reports import report_json

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"
# Maps whose keys are the data's own (months, decisions, outcomes), not documented names.
DATA_KEYED = {"by_month", "completed_by_month", "by_decision", "by_outcome"}
RATE_KEYS = ["numerator", "denominator", "percent"]


def _example_keys() -> dict[tuple[str, ...], list[str]]:
    """The keys of each object in the report's JSON example in contracts.md, in order.

    Keyed by the path of names leading to the object (a list's items share its path);
    an object shown as ``{...}`` has no keys listed.
    """
    text = CONTRACTS.read_text(encoding="utf-8").split("\n## The report\n", 1)[1]
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    keys: dict[tuple[str, ...], list[str]] = {}
    paths: list[tuple[str, ...]] = [()]
    pending: str | None = None
    for token in re.findall(r'"([^"]*)"\s*:|([{\[])|([}\]])|"[^"]*"', example):
        key, opening, closing = token
        if key:
            keys.setdefault(paths[-1], []).append(key)
            pending = key
        elif opening:
            paths.append(paths[-1] + ((pending,) if pending is not None else ()))
            pending = None
        elif closing:
            paths.pop()
            pending = None
    return keys


EXAMPLE = _example_keys()


def _check_report_keys(data: dict[str, Any]) -> None:
    """Each object the docs spell out has its documented keys, in order; each rate its three."""
    for path, documented in EXAMPLE.items():
        if path and path[-1] in DATA_KEYED:
            continue
        for found in _at(data, path):
            assert [key for key in found if key in documented] == documented, (path, list(found))
    for name, value in data["indicators"].items():
        if isinstance(value, dict) and "numerator" in value:
            assert list(value) == RATE_KEYS, name
    for rate in data["indicators"]["advice_within_6_weeks"].values():
        assert list(rate) == RATE_KEYS


def _at(data: Any, path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The objects at ``path`` in ``data``, looking into every item of a list on the way."""
    if isinstance(data, list):
        return [found for item in data for found in _at(item, path)]
    if not path:
        return [data]
    return _at(data[path[0]], path[1:])


def _read_back(report: Report) -> dict[str, Any]:
    """The report's JSON (keys checked), read back equal and written again the same."""
    data = report_json(report)
    _check_report_keys(data)
    text = json.dumps(data)
    back = structure(json.loads(text), Report)
    assert back == report
    assert json.dumps(report_json(back)) == text
    return data


counts = st.integers(0, 10**6)
days = st.dates(date(1900, 1, 1), date(2199, 12, 31))
reals = st.floats(allow_nan=False, allow_infinity=False)
names = st.text(min_size=1, max_size=8)
tallies = st.dictionaries(names, counts, max_size=3)
rates = st.builds(Rate, counts, counts)
periods = st.tuples(days, days).map(lambda pair: ReportPeriod(min(pair), max(pair)))
figures = st.builds(
    Figures,
    requests_received=st.builds(Requests, counts, tallies, counts),
    decisions_within_6_weeks=rates,
    plans_issued=st.builds(PlansIssued, counts, counts),
    plans_within_20_weeks_including_exceptions=rates,
    plans_within_20_weeks_excluding_exceptions=rates,
    weeks_to_issue=st.builds(WeeksToIssue, st.none() | reals, st.none() | reals, *[counts] * 3),
    open_assessments_by_age=st.builds(OpenAssessments, *[counts] * 4),
    advice_within_6_weeks=st.builds(AdviceByParty, *[rates] * 4),
    annual_reviews_on_time=rates,
    overdue_annual_reviews_by_months_late=st.builds(OverdueReviews, *[counts] * 5),
    review_decisions_within_4_weeks=rates,
    amended_plans_within_8_weeks=rates,
    phase_transfers_on_time=rates,
    transfers=st.builds(
        Transfers,
        counts,
        counts,
        st.none() | reals,
        st.none() | counts,
        st.none() | days,
        st.none() | reals,
        st.none() | days,
        tallies,
    ),
    appeals_registered=st.builds(Appeals, counts, tallies, tallies),
    orders_complied_on_time=rates,
    personal_budgets=st.builds(PersonalBudgets, *[counts] * 3),
)
months = st.builds(MonthFigures, names, counts, rates, rates)
reports = st.builds(Report, periods, days, figures, st.lists(months, max_size=3).map(tuple))


@given(reports)
def test_a_report_reads_back_equal(report: Report) -> None:
    """Any report's JSON reads back as the same report, every rate, band and date included."""
    _read_back(report)


@given(rates)
def test_a_rate_reads_back_equal_with_its_percent(rate: Rate) -> None:
    """A rate is written with its percent (2 places, null for nothing counted) and read back."""
    data = converter.unstructure(rate)
    assert list(data) == RATE_KEYS
    expected = None if rate.denominator == 0 else round(100 * rate.numerator / rate.denominator, 2)
    assert data["percent"] == expected
    assert structure(json.loads(json.dumps(data)), Rate) == rate


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> str:
    """The JSON ``sendflow report`` prints for a small simulated caseload, seeded."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'cases.db'}"
    common = ["--from", "2023-01-01", "--to", "2024-12-31", "--db", url]
    assert main(["simulate", "--cases", "40", "--seed", "3", *common]) == 0
    out = tmp_path_factory.mktemp("out") / "report.json"
    assert main(["report", "--format", "json", "--output", str(out), *common]) == 0
    return out.read_text(encoding="utf-8")


def test_a_real_report_reads_back_and_writes_the_same_bytes(simulated: str) -> None:
    """The printed JSON of a simulated council reads back, and writes again byte for byte."""
    data = json.loads(simulated)
    report = structure(data, Report)
    assert json.dumps(report_json(report), indent=2) + "\n" == simulated
    assert _read_back(report) == data


def test_a_real_report_has_what_the_docs_promise(simulated: str) -> None:
    """Period, as-of date, documented keys, rates to 2 places and one entry per month."""
    data = json.loads(simulated)
    _check_report_keys(data)
    assert list(data) == ["period", "as_of", "indicators", "months"]
    assert data["period"] == {"from": "2023-01-01", "to": "2024-12-31"}
    assert data["as_of"] == "2024-12-31"
    assert [entry["month"] for entry in data["months"]] == [
        f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13)
    ]
    indicators = data["indicators"]
    assert indicators["requests_received"]["count"] > 0
    found = [value for value in indicators.values() if isinstance(value, dict)]
    found += list(indicators["advice_within_6_weeks"].values())
    found += [entry[key] for entry in data["months"] for key in entry]
    rates = [value for value in found if isinstance(value, dict) and "numerator" in value]
    assert len(rates) > 12
    for rate in rates:
        n, d = rate["numerator"], rate["denominator"]
        assert rate["percent"] == (None if d == 0 else round(100 * n / d, 2))
    assert any(rate["denominator"] for rate in rates)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"percent": 12.5}, "percent 12.5 is not 1 of 2 (50.0)"),
        ({"colour": "red"}, "extra: colour"),
        ({"numerator": 1, "denominator": 0}, "percent 50.0 is not 1 of 0 (None)"),
        ({"numerator": "many"}, "invalid literal"),
    ],
)
def test_a_wrong_rate_names_where_and_what(change: dict[str, Any], said: str) -> None:
    """A rate whose percent disagrees, or with a wrong key or count, is refused at its path."""
    data = report_json(_report())
    data["indicators"]["annual_reviews_on_time"].update(change)
    with pytest.raises(CaseFileError, match=re.escape(said)) as caught:
        structure(data, Report)
    assert "$.indicators.annual_reviews_on_time" in str(caught.value)


def test_a_rate_with_a_key_missing_is_refused() -> None:
    """A rate without its percent is refused, saying which keys a rate has."""
    data = report_json(_report())
    del data["months"][0]["plans_within_20_weeks_including_exceptions"]["percent"]
    with pytest.raises(CaseFileError, match=r"missing: percent @ \$\.months\[0\]"):
        structure(data, Report)


def _report() -> Report:
    rate = Rate(1, 2)
    return Report(
        ReportPeriod(date(2024, 1, 1), date(2024, 1, 31)),
        date(2024, 1, 31),
        Figures(
            Requests(1, {"2024-01": 1}, 0),
            rate,
            PlansIssued(0, 0),
            rate,
            rate,
            WeeksToIssue(None, None, 0, 0, 0),
            OpenAssessments(0, 0, 0, 0),
            AdviceByParty(rate, rate, rate, rate),
            rate,
            OverdueReviews(0, 0, 0, 0, 0),
            rate,
            rate,
            rate,
            Transfers(0, 0, None, None, None, None, None, {}),
            Appeals(0, {}, {}),
            rate,
            PersonalBudgets(0, 0, 0),
        ),
        (MonthFigures("2024-01", 1, rate, rate),),
    )
