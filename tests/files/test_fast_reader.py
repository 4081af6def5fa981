"""libyaml reads well-formed files; the counting reader has the last word on every other."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sendflow.files import DEFINITION_FILE, FileContentError, FileLimits, compose_yaml, load_yaml
from sendflow.files.yaml_reader import (
    _FAST_LOADER,
    PlainLoader,
    _check_bracket_runs,
    _within_limits,
)

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(ROOT / "processes").glob("*.yaml"),
        *(ROOT / "tests" / "scenarios").rglob("*.yaml"),
        *(ROOT / "examples").rglob("*.yaml"),
    ]
)
needs_libyaml = pytest.mark.skipif(_FAST_LOADER is None, reason="PyYAML was built without libyaml")


def _slow(text: str) -> object:
    loader = PlainLoader(text, "x", DEFINITION_FILE)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@needs_libyaml
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_readers_give_the_same_values(path: Path) -> None:
    """Every shipped YAML file reads to the same values through libyaml as without it."""
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text, str(path), DEFINITION_FILE) == _slow(text)


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: yes\nb: no\n'on': off\non: 1\nn: y\n",
        "a: 012\nb: 1:20\nc: 1_000\nd: 1.10\ne: .inf\n",
        "a: 2024-02-30\nb: 2024-02-29\nc: 2024-1-8\nd: 2024-01-08 09:00\n",
        "a: ~\nb: null\nc:\nd: true\ne: false\nf: True\n",
        "base: &b {x: 1}\nuse: [*b, *b]\n",
    ],
)
def test_plain_values_mean_the_same_in_both(text: str) -> None:
    """The YAML 1.1 pitfalls are closed in the fast reader as in the counting one."""
    assert load_yaml(text, "x", DEFINITION_FILE) == _slow(text)


@needs_libyaml
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: &a [1, 2]\nb: [*a, *a, *a, *a]\n", "alias \\*a repeats 3 values"),
        ("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "more than 10 YAML values"),
        ("a: &a 1\nb: *a\nc: *a\nd: *a\n", "more than 2 aliases"),
        ("a: {b: {c: {d: 1}}}\n", "nested more than 3 deep"),
        ("a: 1\nb\nc: 2\n", "not valid YAML"),
    ],
)
def test_a_file_past_a_limit_gets_the_counting_reader_s_message(text: str, says: str) -> None:
    """What libyaml composes is measured before expansion; breaking a limit is refused."""
    limits = FileLimits(
        kind="a test file", max_bytes=10_000, max_values=10, max_aliases=2, max_depth=3
    )
    with pytest.raises(FileContentError, match=says):
        load_yaml(text, "x", limits)


def test_the_fast_reader_is_a_safe_one() -> None:
    """No tag that builds objects: the fast reader shares the counting reader's constructors."""
    with pytest.raises((FileContentError, yaml.YAMLError)):
        load_yaml("a: !!python/object/apply:os.system ['true']\n", "x", DEFINITION_FILE)


@needs_libyaml
def test_a_well_formed_file_is_read_by_libyaml() -> None:
    """The fast reader is the one used when the file keeps every limit."""
    _, loader = compose_yaml("a: [1, 2]\n", "x", DEFINITION_FILE)
    assert isinstance(loader, _FAST_LOADER)


@needs_libyaml
@pytest.mark.parametrize(
    "limits",
    [
        DEFINITION_FILE,
        FileLimits(kind="a test file", max_bytes=10**6, max_values=300, max_aliases=2, max_depth=4),
    ],
    ids=["definition limits", "tight limits"],
)
def test_a_file_without_anchors_is_measured_as_with_them(limits: FileLimits) -> None:
    """With no ``&`` there is no alias: the plain count agrees with the alias-aware one."""
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        fast = _FAST_LOADER(text)
        try:
            node = fast.get_single_node()
        finally:
            fast.dispose()
        if node is None or "&" in text:
            continue
        assert _within_limits(node, limits, anchored=False) == _within_limits(node, limits), path


def test_an_ampersand_in_text_is_not_an_anchor() -> None:
    """Text holding '&' goes the alias-aware way and reads as it says."""
    assert load_yaml("a: Education & health\nb: [1, 2]\n", "x", DEFINITION_FILE) == {
        "a": "Education & health",
        "b": [1, 2],
    }


def test_a_run_of_brackets_past_the_limit_is_refused_on_its_line() -> None:
    """Opening brackets with only whitespace between them count as one run, across lines."""
    limits = FileLimits(
        kind="a test file", max_bytes=10**6, max_values=10**5, max_aliases=2, max_depth=3
    )
    within = "a: [1]\nb: [2]\nc: [ [\n  {x: 1} ] ]\n"
    _check_bracket_runs(within, "x", limits)  # three in a run: the composer counts the rest
    past = "a: [1]\nb: [2]\nc: [ [\n  { [ x ] } ] ]\n"
    with pytest.raises(FileContentError, match="nested more than 3 deep") as caught:
        _check_bracket_runs(past, "x", limits)
    assert caught.value.problem.line == 3
