"""YAML read safely, with the YAML 1.1 pitfalls closed and limits checked while reading.

:class:`PlainLoader` is PyYAML's safe loader (no tags that build objects, no code) with
its own implicit resolvers, so a plain value means what it looks like:

- ``true`` and ``false`` are the only booleans: ``yes``, ``no``, ``on``, ``off``,
  ``y`` and ``n`` are text, as keys and as values (an event's ``on:`` key is ``"on"``);
- ``null``, ``~`` or nothing is null;
- numbers are decimal: ``012`` is twelve (not octal ten), ``1:20`` is text (not eighty),
  ``1_000`` is text; ``1.10`` is still the number 1.1, which is why a process version
  must be quoted (the definitions loader says so);
- dates are ``YYYY-MM-DD`` exactly; anything else (``2024-1-8``, ``2024-01-08 09:00``)
  is text, for the date checks to refuse or, for a time of recording, to read;
- a ``YYYY-MM-DD`` that is not a calendar day (``2024-02-30``) stays text, so the reader
  of that field can say which field holds it.

While composing, before anything is expanded, it counts values (an alias counts the
values it repeats), aliases and nesting depth against :class:`FileLimits`, refuses an
alias used inside the value it names, and refuses characters YAML cannot hold with their
line and column. Syntax errors point at the line of the mistake: where the key missing its
``:`` is, or where the unclosed quote or bracket opened, not the line after.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, NoReturn, Protocol

import yaml

from sendflow.errors import Problem
from sendflow.files.limits import FileContentError, FileLimits

__all__ = ["Constructing", "PlainLoader", "compose_yaml", "load_yaml"]

_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_CONTROL_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class PlainLoader(yaml.SafeLoader):
    """The safe YAML loader with plain resolvers and limits counted while composing.

    Args:
        text: The YAML text (already checked for characters YAML cannot hold).
        file: The file name used in messages.
        limits: The limits for this kind of file.
    """

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

    def __init__(self, text: str, file: str, limits: FileLimits) -> None:
        super().__init__(text)
        self.file = file
        self.limits = limits
        self.last_plain: yaml.ScalarToken | None = None
        self._values = 0
        self._aliases = 0
        self._depth = 0
        self._sizes: dict[str, int] = {}

    # -- scanning: remember the latest plain scalar, to place "mapping values" errors ----

    def scan_plain(self) -> yaml.ScalarToken:
        """Scan a plain scalar, remembering it."""
        token: yaml.ScalarToken = super().scan_plain()
        self.last_plain = token
        return token

    # -- composing: count before expanding -----------------------------------------------

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Compose one node, counting values, aliases and depth against the limits."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            if event.anchor is not None and event.anchor in self.anchors:
                self._alias(event, event.anchor)
            return self._composed(parent, index)
        nested = not isinstance(event, yaml.ScalarEvent)
        if nested:
            self._depth += 1
            if self._depth > self.limits.max_depth:
                self._refuse(event.start_mark, _too_deep(self.limits))
        before = self._values
        self._count(1, event.start_mark, None)
        node = self._composed(parent, index)
        if nested:
            self._depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._sizes[anchor] = self._values - before
        return node

    def _composed(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        node = super().compose_node(parent, index)
        assert node is not None  # only an empty document has none, and it has no nodes
        return node

    def _alias(self, event: yaml.AliasEvent, anchor: str) -> None:
        self._aliases += 1
        if self._aliases > self.limits.max_aliases:
            self._refuse(
                event.start_mark,
                f"the file uses more than {self.limits.max_aliases} aliases (*name), the most "
                f"sendflow reads in {self.limits.kind}. Write the values out.",
            )
        size = self._sizes.get(anchor)
        if size is None:
            self._refuse(
                event.start_mark,
                f"the alias *{anchor} is used inside the value it names, which would "
                "repeat it forever. Write the value out.",
            )
        self._count(size, event.start_mark, anchor)

    def _count(self, values: int, mark: Any, alias: str | None) -> None:
        self._values += values
        if self._values <= self.limits.max_values:
            return
        limit = f"{self.limits.max_values:,}"
        if alias is not None:
            self._refuse(
                mark,
                f"the alias *{alias} repeats {values:,} values and takes the file past "
                f"{limit} values, the most sendflow reads in {self.limits.kind} (each alias "
                "counts the values it repeats). This looks like an alias bomb ('billion "
                "laughs'): write the values out instead of nesting aliases.",
            )
        self._refuse(
            mark,
            f"the file holds more than {limit} YAML values, the most sendflow reads in "
            f"{self.limits.kind}; real ones hold a few thousand. This is probably the wrong "
            "file or a generated one.",
        )

    def _refuse(self, mark: Any, message: str) -> NoReturn:
        line = None if mark is None else mark.line + 1
        raise FileContentError(Problem(message, file=self.file, line=line))

    # -- constructing ------------------------------------------------------------------

    def construct_decimal(self, node: yaml.ScalarNode) -> int:
        """An integer written in decimal (a leading zero does not make it octal)."""
        return int(self.construct_scalar(node))

    def construct_day(self, node: yaml.ScalarNode) -> Any:
        """A date (or an explicitly tagged timestamp); text when it is not a real one."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


def _resolver(tag: str, pattern: str, first: Iterable[str]) -> None:
    PlainLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_resolver(_BOOL, r"^(?:true|false)$", "tf")
_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])
_resolver(_INT, r"^[-+]?[0-9]+$", "-+0123456789")
_resolver(
    "tag:yaml.org,2002:float",
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    "-+0123456789.",
)
_resolver(_TIMESTAMP, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789")
_resolver("tag:yaml.org,2002:merge", r"^(?:<<)$", "<")
PlainLoader.add_constructor(_INT, PlainLoader.construct_decimal)
PlainLoader.add_constructor(_TIMESTAMP, PlainLoader.construct_day)


class Constructing(Protocol):
    """What turns composed nodes into values: either loader below."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """The value of one node."""

    def construct_document(self, node: yaml.Node) -> Any:
        """The value of a whole document."""

    def dispose(self) -> None:
        """Let go of the text."""


_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)


def _fast_loader_class() -> Any:
    """The fast loader class: libyaml with :class:`PlainLoader`'s resolvers and constructors.

    It reads a well-formed file several times faster than the pure-Python reader. It
    counts nothing while composing, so :func:`compose_yaml` measures what it composed
    (before anything is expanded) and gives any file that breaks a limit, or is not valid
    YAML, to :class:`PlainLoader` for the exact message and line.
    """
    if _CParser is None:
        return None
    constructors = {
        name: value for name, value in vars(PlainLoader).items() if name.startswith("construct_")
    }

    def __init__(self: Any, text: str) -> None:  # noqa: N807 (a method made here)
        _CParser.__init__(self, text)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    return type(
        "FastPlainLoader",
        (_CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver),
        {
            "__init__": __init__,
            "yaml_implicit_resolvers": PlainLoader.yaml_implicit_resolvers,
            "yaml_constructors": PlainLoader.yaml_constructors,
            "yaml_multi_constructors": PlainLoader.yaml_multi_constructors,
            **constructors,
        },
    )


_FAST_LOADER = _fast_loader_class()


def _within_limits(root: yaml.Node, limits: FileLimits, *, anchored: bool = True) -> bool:
    """Whether a composed document keeps every limit, counted as if aliases were expanded.

    An alias is the same node object reached again; each node's expanded size is worked
    out once, so an alias bomb costs no more than its own few nodes to measure. A document
    without aliases (nearly every one) is a plain tree, counted level by level.
    ``anchored=False`` says the text holds no ``&``: with no anchor there can be no alias
    (the composer refuses an alias to an anchor never given), so no node is looked for twice.
    """
    plain = _tree_within_limits(root, limits, anchored=anchored)
    return _aliased_within_limits(root, limits) if plain is None else plain


def _tree_within_limits(root: yaml.Node, limits: FileLimits, *, anchored: bool) -> bool | None:
    """Whether a tree of nodes keeps the limits; ``None`` when a node is reached twice.

    Each level holds only nodes not met before (else it stops there), so it costs no more
    than the document's own nodes, aliases or not. Without an anchor no node is looked
    for twice.
    """
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    seen: set[int] = set()
    count = 0
    level = [root]
    depth = 1
    while level:
        count += len(level)
        if anchored:
            seen.update(map(id, level))
        below: list[yaml.Node] = []
        for node in level:
            if isinstance(node, mapping):
                for pair in node.value:
                    below.extend(pair)
            elif isinstance(node, sequence):
                below.extend(node.value)
        if below and depth > limits.max_depth:
            return False
        if anchored and (
            any(id(node) in seen for node in below) or len(set(map(id, below))) != len(below)
        ):
            return None
        level = below
        depth += 1
    return count <= limits.max_values


def _aliased_within_limits(root: yaml.Node, limits: FileLimits) -> bool:
    """:func:`_within_limits` for a document that has aliases: each node's size once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if key in sizes or key in open_nodes:
            if key in open_nodes:
                return False  # an alias inside the value it names
            aliases += 1
            continue
        if children and depth > limits.max_depth:
            return False
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)
    return aliases <= limits.max_aliases and sizes[id(root)] <= limits.max_values


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_printable(text: str, file: str) -> None:
    found = _NON_PRINTABLE.search(text)
    if found is None:
        return
    position = found.start()
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    char = found.group()
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "a control character")
    raise FileContentError(
        Problem(
            f"the character U+{ord(char):04X} ({name}) at column {column} cannot be held in "
            "a YAML file. Remove it; a NUL or other control character usually means the file "
            "is binary, or was saved as UTF-16 instead of UTF-8.",
            file=file,
            line=line,
        )
    )


def _too_deep(limits: FileLimits) -> str:
    return (
        f"mappings and lists are nested more than {limits.max_depth} deep here, the most "
        f"sendflow reads in {limits.kind} (real ones need fewer than ten levels). Look for "
        "unclosed brackets, or flatten the data."
    )


# Two or more opening brackets with nothing but whitespace between them, as long as it goes.
# Beginning with a bracket, the pattern is looked for only where a bracket is: a pattern
# that repeats a group from its start is tried at every character, about nine times
# slower on a packaged process file.
_BRACKET_RUN = re.compile(r"[\[{](?:\s*[\[{])+")


def _check_bracket_runs(text: str, file: str, limits: FileLimits) -> None:
    """Refuse a run of opening brackets deeper than the limit before the scanner sees it.

    PyYAML's scanner looks up to 1,024 characters ahead of each flow bracket for a ``:``,
    which makes a long run of them cost quadratic time before the composer can count.
    """
    if text.count("[") + text.count("{") <= limits.max_depth:
        return
    for found in _BRACKET_RUN.finditer(text):
        run = found.group()
        if run.count("[") + run.count("{") > limits.max_depth:
            line = text.count("\n", 0, found.start()) + 1
            raise FileContentError(Problem(_too_deep(limits), file=file, line=line))


def compose_yaml(text: str, file: str, limits: FileLimits) -> tuple[yaml.Node | None, Constructing]:
    """Compose one YAML document into nodes, checking every limit before any expansion.

    Returns:
        The document's root node (``None`` for an empty document) and the loader, whose
        ``construct_object`` turns a scalar node into its value.

    Raises:
        FileContentError: The text holds a character YAML cannot hold, is not valid YAML
            (the problem is on the line of the mistake), or breaks a limit.
    """
    _check_printable(text, file)
    _check_bracket_runs(text, file, limits)
    if _FAST_LOADER is not None:
        fast = _FAST_LOADER(text)
        try:
            node = fast.get_single_node()
        except yaml.YAMLError:
            node = None  # not valid YAML: the reader below says where and why
        else:
            if node is None or _within_limits(node, limits, anchored="&" in text):
                return node, fast
        fast.dispose()
    loader = PlainLoader(text, file, limits)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise FileContentError(_syntax_problem(exc, loader, file)) from None
    except yaml.YAMLError as exc:
        raise FileContentError(Problem(f"this is not valid YAML: {exc}", file=file)) from None
    return node, loader


def load_yaml(text: str, file: str, limits: FileLimits) -> Any:
    """One YAML document as plain values (mappings, lists, text, numbers, dates, booleans).

    Raises:
        FileContentError: As :func:`compose_yaml`, or a tag names no plain value.
    """
    node, loader = compose_yaml(text, file, limits)
    if node is None:
        return None
    try:
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise FileContentError(
            Problem(
                f"cannot read this value: {exc.problem or exc.context}. "
                f"{limits.kind[0].upper()}{limits.kind[1:]} is plain data: mappings, lists, "
                "text, numbers, dates and true/false; remove any tag.",
                file=file,
                line=None if mark is None else mark.line + 1,
            )
        ) from None
    finally:
        loader.dispose()


_HINT = "Check the indentation and quoting near this line."
_PLAIN = {
    "expected <block end>, but found '<block mapping start>'": (
        "this line lines up with no key above it: indent it as far as the key it belongs beside"
    ),
    "expected <block end>, but found '<block sequence start>'": (
        "this list item lines up with no list above it: indent it as far as the other items"
    ),
    "expected <block end>, but found '?'": (
        "a key where a list item was expected: is a '- ' missing, or is the line indented wrongly?"
    ),
    "expected <block end>, but found '<scalar>'": (
        "more text follows a value that has ended: put the whole value in quotes"
    ),
    "mapping values are not allowed here": (
        "a ': ' inside a value: put the value in quotes, or check the indentation"
    ),
    "found character '\\t' that cannot start any token": (
        "a tab is used to indent: YAML indents with spaces only"
    ),
}


def _syntax_problem(exc: yaml.MarkedYAMLError, loader: PlainLoader, file: str) -> Problem:
    """A syntax error placed on the line of the mistake, with what to look for."""
    problem = exc.problem or "not valid YAML"
    context = exc.context or ""
    found, opened = exc.problem_mark, exc.context_mark
    mark = found or opened
    plain = _PLAIN.get(problem)
    said = problem if plain is None else f"{plain} ({problem})"
    message = f"this is not valid YAML: {said}. {_HINT}"
    if opened is not None and found is not None and opened.line != found.line:
        if context.startswith("while scanning a simple key"):
            # PyYAML notices the missing ':' only on a later line.
            mark = opened
            message = (
                "this is not valid YAML: this line has no ':' after its key (noticed on line "
                f"{found.line + 1}). Write 'key: value', or '- item' in a list. {_HINT}"
            )
        elif context.startswith(("while scanning a quoted", "while parsing a flow")):
            mark = opened
            what = "quoted text" if "quoted" in context else "bracket"
            message = (
                f"this is not valid YAML: the {what} opened on this line is not closed "
                f"properly ({problem} on line {found.line + 1}). {_HINT}"
            )
    scalar = loader.last_plain
    if (
        problem == "mapping values are not allowed here"
        and found is not None
        and scalar is not None
        and scalar.start_mark.line < found.line <= scalar.end_mark.line
    ):
        # A key missing its ':' runs on into the next line, which has one.
        mark = scalar.start_mark
        message = (
            f"this is not valid YAML: the text starting on this line runs on to line "
            f"{found.line + 1}, where a ':' follows it. Either a ':' is missing on this "
            f"line, or line {found.line + 1} is indented too far. {_HINT}"
        )
    return Problem(message, file=file, line=None if mark is None else mark.line + 1)
