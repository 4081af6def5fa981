"""England's published figures, shipped as data with their source (``data/england.json``).

The report sets a council's figures beside them, and ``sendflow simulate`` takes its
rates from them. Figures are DfE's SEN2 series as published; see the file's ``source``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import attrs

from sendflow.compliance.figures import Rate
from sendflow.contracts import converter

__all__ = ["NationalFigures", "NationalYear", "Source", "england"]


@attrs.frozen
class Source:
    """Where the figures come from."""

    publisher: str
    publication: str
    url: str
    files: str
    notes: str
    rates: str


@attrs.frozen
class NationalYear:
    """One calendar year of the national series."""

    year: int
    plans_including_exceptions: int
    within_20_weeks_including_exceptions: int
    plans_excluding_exceptions: int
    within_20_weeks_excluding_exceptions: int
    requests: int | None
    refused: int | None
    new_plans: int | None

    @property
    def including_exceptions(self) -> Rate:
        """Plans issued within 20 weeks, including exceptions."""
        return Rate(self.within_20_weeks_including_exceptions, self.plans_including_exceptions)

    @property
    def excluding_exceptions(self) -> Rate:
        """Plans issued within 20 weeks, excluding exceptions (DfE's headline)."""
        return Rate(self.within_20_weeks_excluding_exceptions, self.plans_excluding_exceptions)

    @property
    def exception_share(self) -> float:
        """The share of plans with a 20-week exception recorded."""
        plans = self.plans_including_exceptions
        return (plans - self.plans_excluding_exceptions) / plans


@attrs.frozen
class NationalFigures:
    """The national series and the 2024 shares the simulation uses."""

    title: str
    source: Source
    years: tuple[NationalYear, ...]
    rates: dict[str, float]

    def year(self, year: int) -> NationalYear:
        """The figures for ``year``, or the nearest year published."""
        return min(self.years, key=lambda item: abs(item.year - year))

    def share(self, name: str) -> float:
        """One of the published shares, such as ``decided_within_6_weeks``."""
        return self.rates[name]


@functools.cache
def england() -> NationalFigures:
    """The national figures shipped with sendflow."""
    text = resources.files("sendflow.compliance").joinpath("data/england.json").read_text("utf-8")
    return converter.structure(json.loads(text), NationalFigures)
