"""Write sendflow's table of England's bank holidays from the installed holidays package.

Run from the repository root after upgrading the holidays package, when the table test
(tests/time/test_bank_holidays.py) says the table differs from what it computes:
``python tools/bank_holidays_table.py``.
"""

from __future__ import annotations

from pathlib import Path

from sendflow.time.bank_holidays import TABLE_FILE, table_text

TARGET = Path(__file__).resolve().parents[1] / "src" / "sendflow" / "time" / TABLE_FILE

if __name__ == "__main__":
    TARGET.write_text(table_text(), encoding="utf-8")
    print(f"wrote {TARGET}")
