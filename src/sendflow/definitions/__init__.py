"""Process definitions: the neutral model, the YAML loader and its checks."""

from sendflow.definitions.loading import load_definition, parse_definition
from sendflow.definitions.model import Process

__all__ = ["Process", "load_definition", "parse_definition"]
