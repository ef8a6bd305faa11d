# mypy: disallow-untyped-defs, disallow-incomplete-defs
"""Reading a patch-status table (the wiki's CSV export): pure, no database.

Columns `host`, `change`, `state` and optionally `note`, in any order, named in a
header row. `change` is a change id (`12` or `#12`) or its exact title; `state` is
pending / applied / failed / not needed (also `not_needed`, `n/a`, `done`, `ok`).
"""

import csv
import io
from dataclasses import dataclass

MAX_BYTES = 256 * 1024
MAX_ROWS = 5000
REQUIRED = ("host", "change", "state")

STATE_WORDS = {
    "pending": "pending",
    "todo": "pending",
    "applied": "applied",
    "done": "applied",
    "ok": "applied",
    "yes": "applied",
    "failed": "failed",
    "error": "failed",
    "not needed": "not_needed",
    "not_needed": "not_needed",
    "n/a": "not_needed",
    "na": "not_needed",
}


class TableError(Exception):
    """The file as a whole cannot be read (no header, not text, too big)."""


@dataclass(frozen=True)
class TableRow:
    line: int
    host: str
    change: str
    state: str  # a HostChange.State value, or "" when the word is not known
    state_word: str
    note: str


def parse_patch_table(data: bytes) -> list[TableRow]:
    """The rows of the table; a row's unknown state is kept as `state=""` for the caller
    to report with the row's other problems."""
    if len(data) > MAX_BYTES:
        raise TableError(f"The file is larger than {MAX_BYTES // 1024} KiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError("The file is not UTF-8 text.") from error
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise TableError("The file is empty.") from error
    names = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise TableError(
            f"The header row must name the columns host, change, state (and optionally "
            f"note); missing: {', '.join(missing)}."
        )
    index = {name: names.index(name) for name in (*REQUIRED, "note") if name in names}
    rows: list[TableRow] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise TableError(f"More than {MAX_ROWS} rows; split the file.")

            def cell(name: str, values: list[str] = values) -> str:
                position = index.get(name)
                if position is None or position >= len(values):
                    return ""
                return values[position].strip()

            word = cell("state")
            rows.append(
                TableRow(
                    line=reader.line_num,
                    host=cell("host"),
                    change=cell("change"),
                    state=STATE_WORDS.get(" ".join(word.lower().split()), ""),
                    state_word=word,
                    note=cell("note"),
                )
            )
    except csv.Error as error:
        raise TableError(f"Line {reader.line_num}: {error}.") from error
    if not rows:
        raise TableError("The file has a header but no rows.")
    return rows
