"""The page shell for sendflow's self-contained HTML pages: inline CSS, no scripts, no network.

Kept in one small module so that every HTML page sendflow writes can share it.
"""

from __future__ import annotations

from html import escape

__all__ = ["CSS", "page"]

CSS = """
:root { --ink:#1d1d1b; --muted:#505a5f; --line:#b1b4b6; --pass:#00703c; --warn:#8a5a00;
  --fail:#b0281a; --skip:#505a5f; --band:#f3f2f1; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 Arial, Helvetica, sans-serif; color: var(--ink);
  background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 28px; margin: 0 0 8px; } h2 { font-size: 22px; margin: 32px 0 8px; }
p.lead { color: var(--muted); margin: 0 0 16px; }
.score { display: inline-block; font-size: 20px; font-weight: bold; padding: 8px 14px;
  border-left: 6px solid var(--ink); background: var(--band); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { text-align: left; vertical-align: top; padding: 8px 10px;
  border-bottom: 1px solid var(--line); }
th { background: var(--band); font-weight: bold; }
.tag { display: inline-block; min-width: 5.5em; text-align: center; font-weight: bold;
  font-size: 14px; padding: 2px 8px; color: #fff; border-radius: 2px; white-space: nowrap; }
.pass { background: var(--pass); } .warn { background: var(--warn); }
.fail { background: var(--fail); }
.skipped, .missing { background: var(--skip); } .covered { background: var(--pass); }
.keyword { background: var(--warn); }
ol.fix li { margin-bottom: 6px; }
ul.findings { margin: 4px 0 0; padding-left: 18px; color: var(--muted); font-size: 14px; }
code, .ids { font-family: Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
.evidence { color: var(--muted); font-size: 13px; }
@media print { main { max-width: none; } }
"""


def page(title: str, body: str) -> str:
    """A whole HTML document: ``body`` (already escaped HTML) under ``title``."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
