"""Fixtures for the local offer checker's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendflow.localoffer.manifest import reg54_consultees

DOCUMENTS = """\
authority: Fernbridge Council
area:
  postcode_districts: [FB]
documents:
  funding_policy: {url: "https://fb.example/funding", date: 2026-02-02}
  transport_policy: {url: "https://fb.example/transport", date: 2026-05-29}
  s41_list: {url: "https://fb.example/s41", date: 2026-03-01}
  complaints_procedure: {url: "https://fb.example/complaints", date: 2025-11-10}
  accessibility_strategy: {url: "https://fb.example/access", date: 2024-09-01}
  reg56_publication: {url: "https://fb.example/you-said", date: 2025-09-30, anonymised: true,
                      exclusions_logged: true}
  reg57_arrangements: {url: "https://fb.example/formats", date: 2025-09-30}
"""


@pytest.fixture
def manifest_full(tmp_path: Path) -> Path:
    """A manifest that gives every document and every reg 54 consultee."""
    path = tmp_path / "manifest.yaml"
    consultees = ", ".join(reg54_consultees())
    path.write_text(DOCUMENTS + f"review:\n  consultees: [{consultees}]\n", encoding="utf-8")
    return path
