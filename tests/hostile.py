"""Hostile files too big to commit, generated for the tests that refuse them."""

from __future__ import annotations

from pathlib import Path

MB = 1024 * 1024


def alias_bomb(levels: int = 9, *, listed: bool = False) -> str:
    """A "billion laughs" in YAML: each level lists nine aliases of the one before.

    Expanded, ``levels=9`` would hold 9**10 (about 3.5 billion) strings. The levels are
    the keys ``lol0``, ``lol1``... of a mapping, or with ``listed`` the items of a list.
    """

    def line(level: int, items: str) -> str:
        return f"- &lol{level} [{items}]" if listed else f"lol{level}: &lol{level} [{items}]"

    lines = [line(0, ", ".join(['"lol"'] * 9))]
    lines += [line(level, ", ".join([f"*lol{level - 1}"] * 9)) for level in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def many_keys(count: int) -> str:
    """A flat YAML mapping of ``count`` keys, each a short line."""
    return "".join(f"k{index}: {index}\n" for index in range(count))


def write_huge(path: Path, megabytes: int, *, head: bytes = b"", line: bytes = b"") -> Path:
    """Write ``head`` and then ``line`` repeated to ``megabytes`` MB, without building it."""
    chunk = (line or b"# padding padding padding padding padding padding padding\n") * 4096
    with path.open("wb") as stream:
        stream.write(head)
        written = len(head)
        while written < megabytes * MB:
            stream.write(chunk)
            written += len(chunk)
    return path
