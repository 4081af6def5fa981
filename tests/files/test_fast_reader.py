"""libyaml reads well-formed files; the counting reader has the last word on every other."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sendflow.files import DEFINITION_FILE, FileContentError, FileLimits, compose_yaml, load_yaml
from sendflow.files.yaml_reader import _FAST_LOADER, PlainLoader

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
