"""Reading files safely: the one way every YAML and JSON input comes in.

Process files, case files, closure files and scenario files are all read here, with
limits on size, nesting, values and aliases checked while reading, so a hostile or
careless file is refused with a clear message before it can cost time or memory:

- :mod:`sendflow.files.limits`: the limits for each kind of file and reading the text;
- :mod:`sendflow.files.yaml_reader`: YAML with the YAML 1.1 pitfalls closed;
- :mod:`sendflow.files.json_reader`: JSON and JSON Lines with a nesting limit.
"""

from sendflow.files.json_reader import JsonLine, load_json, read_json_lines
from sendflow.files.limits import (
    CASE_FILE,
    CASE_LINE,
    CLOSURE_FILE,
    DEFINITION_FILE,
    FileAccessError,
    FileContentError,
    FileLimits,
    read_text,
)
from sendflow.files.yaml_reader import Constructing, PlainLoader, compose_yaml, load_yaml

__all__ = [
    "CASE_FILE",
    "CASE_LINE",
    "CLOSURE_FILE",
    "DEFINITION_FILE",
    "Constructing",
    "FileAccessError",
    "FileContentError",
    "FileLimits",
    "JsonLine",
    "PlainLoader",
    "compose_yaml",
    "load_json",
    "load_yaml",
    "read_json_lines",
    "read_text",
]
