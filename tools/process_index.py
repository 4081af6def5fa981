"""Write processes/index.json, the headings of the packaged processes with their digests.

Run from the repository root after changing a file in processes/, when the index test
(tests/definitions/test_headings.py) says the index is out of date:
``python tools/process_index.py``.
"""

from __future__ import annotations

from pathlib import Path

from sendflow.definitions.headings import INDEX_FILE, index_text

TARGET = Path(__file__).resolve().parents[1] / "processes" / INDEX_FILE

if __name__ == "__main__":
    TARGET.write_text(index_text(), encoding="utf-8")
    print(f"wrote {TARGET}")
