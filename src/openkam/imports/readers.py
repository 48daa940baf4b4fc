"""Opening an export as a table of rows, streamed: CSV (optionally gzip-compressed) or XLSX.

Nothing reads a whole file into memory. The encoding and the delimiter of a CSV are detected
from its first 256 KB unless the user names them; XLSX is read with openpyxl's read-only mode.
Row numbers are those a spreadsheet shows: the header is row 1, the first data row row 2.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

from django.utils.translation import gettext as _

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
# Encodings the detection chooses between for files that are not UTF-8. Windows-1252 is a
# superset of ISO-8859-1 for text (it only adds letters where Latin-1 has control codes).
SINGLE_BYTE = ("cp1252", "cp1251", "iso8859_5")
ENCODING_LABELS = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 (BOM)",
    "utf_16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin_1": "ISO-8859-1",
    "cp1251": "Windows-1251",
    "iso8859_5": "ISO-8859-5",
}
DELIMITER_LABELS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "|"}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class FileProblem(ValueError):  # noqa: N818 - name used by the import targets
    """The file as a whole cannot be read (format, encoding, delimiter); nothing is imported."""


def canonical_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        raise FileProblem(_("%(name)s is not an encoding Python knows.") % {"name": name}) from None


def encoding_label(name: str) -> str:
    return ENCODING_LABELS.get(canonical_encoding(name), name)


def delimiter_label(delimiter: str) -> str:
    return DELIMITER_LABELS.get(delimiter, delimiter)


def parse_delimiter(value: str) -> str:
    """Accept the delimiter as typed on a command line: ";" "," "tab" "\\t" "|"."""
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value.lower(), value)
    if len(value) != 1:
        raise FileProblem(
            _("The delimiter must be one character (or 'tab'), not %(value)r.") % {"value": value}
        )
    return value


_WORD = re.compile(r"[^\W\d_]+")


# The most frequent letters of Russian and Bulgarian text; a wrong Cyrillic code page turns
# words into rare letters (ђ, ї, ъ, э, ю...) instead.
_COMMON_CYRILLIC = set("оеаинтсрвлкмдпуяызбгчйхжшюцщэфъьОЕАИНТСРВЛКМДПУЯЗБГЧХЖШЦФ")
_COMMON_CYRILLIC -= set("ъэюьщцфжшЦФЖШЩ")
_COMMON_CYRILLIC |= set("ОЕАИНТСРВЛКМДП")


def _russian_or_bulgarian(word: str) -> bool:
    """Half the letters common ones, and none outside the Russian/Bulgarian alphabets."""
    if any(("Ѐ" <= ch <= "Џ" and ch != "Ё") or ("ѐ" <= ch <= "џ" and ch != "ё") for ch in word):
        return False
    return sum(1 for ch in word if ch in _COMMON_CYRILLIC) * 2 >= len(word)


def _plausibility(text: str) -> int:
    """How much `text` looks like real words: +1 per plausible non-ASCII word, less for
    mixed scripts, odd capitalisation, control characters, or "Ìîñêâà"-like mojibake."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        cyrillic = sum(1 for ch in word if "\u0400" <= ch <= "\u04ff")
        latin = len(word) - cyrillic
        if cyrillic and latin:
            score -= 2
        elif (
            not (word.islower() or word.isupper() or word.istitle())
            or (latin and sum(1 for ch in word if ord(ch) > 127) * 2 > len(word))
            or (cyrillic and not _russian_or_bulgarian(word))
        ):
            score -= 1
        else:
            score += 1
    score -= 2 * sum(1 for ch in text if "\x80" <= ch <= "\x9f")
    return score


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf_8"
    except UnicodeDecodeError:
        pass
    scored: list[tuple[int, int, str]] = []
    for name in SINGLE_BYTE:
        text = head.decode(name, errors="replace")
        scored.append((_plausibility(text) - 5 * text.count("\ufffd"), -len(scored), name))
    best = max(scored)[2]
    if best == "cp1252" and not any(0x80 <= b <= 0x9F for b in head):
        return "latin_1"  # reads the same; name it as the file most likely is
    return best


def detect_delimiter(text: str) -> str | None:
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sniffed block may end inside a line
    lines = [line for line in lines[:60] if line.strip()]
    if not lines:
        return None
    best: tuple[int, int, str] | None = None
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        candidate = (consistent, counts[0], delimiter)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _kind(path: Path) -> str:
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\x1f\x8b"):
        return "csv"
    if magic.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise FileProblem(_("This is a ZIP archive, not an XLSX workbook or a CSV file."))
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            _("This is an old Excel .xls file: save it as .xlsx or as CSV and import that.")
        )
    return "csv"


@dataclass
class Table:
    """A file opened for import: its header and a stream of data rows."""

    path: Path
    format: str
    header: list[str]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    size: int = 0
    _handles: list[Any] = field(default_factory=list, repr=False)
    _position: Any = field(default=None, repr=False)
    _rows_total: int | None = field(default=None, repr=False)
    _nul_watch: Any = field(default=None, repr=False)

    @property
    def nul_seen(self) -> bool:
        """Whether a NUL byte has been read so far (rows that hold one need a look)."""
        return self._nul_watch is not None and self._nul_watch.seen

    def close(self) -> None:
        for handle in reversed(self._handles):
            handle.close()
        self._handles.clear()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def progress(self, rows_done: int) -> float:
        """Fraction of the file read so far (bytes for CSV, rows for XLSX)."""
        if self._position is not None and self.size:
            return min(1.0, self._position() / self.size)
        if self._rows_total:
            return min(1.0, rows_done / self._rows_total)
        return 0.0


def _open_binary(path: Path) -> tuple[IO[bytes], list[Any], Any]:
    raw = path.open("rb")
    if _is_gzip(path):
        stream: Any = gzip.GzipFile(fileobj=raw, mode="rb")
        return stream, [raw, stream], raw.tell
    return raw, [raw], raw.tell


def _clean_header(cells: list[Any]) -> list[str]:
    header: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        name = "" if cell is None else str(cell).strip()
        name = name or _("column %(n)s") % {"n": index}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        header.append(name)
    return header


def open_table(
    path: Path | str, *, encoding: str = "", delimiter: str = "", sheet: str = ""
) -> Table:
    """Open `path` and read its header. Raises FileProblem with a reason for the user."""
    path = Path(path)
    if not path.is_file():
        raise FileProblem(_("There is no file %(path)s.") % {"path": path})
    if path.stat().st_size == 0:
        raise FileProblem(_("The file is empty."))
    if _kind(path) == "xlsx":
        return _open_xlsx(path, sheet=sheet)
    return _open_csv(path, encoding=encoding, delimiter=delimiter)


class _NulWatch(io.BufferedIOBase):
    """A binary stream passed through unchanged, noting whether a NUL byte went by: a
    look at each block read (C speed), so that the rows themselves are searched only in a
    file that has one. UTF-16 and UTF-32 text is full of NUL bytes: `always` says so."""

    def __init__(self, stream: IO[bytes], *, always: bool = False) -> None:
        super().__init__()
        self._stream: Any = stream
        self.seen = always

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data: bytes = self._stream.read(size)
        if not self.seen and b"\x00" in data:
            self.seen = True
        return data

    def read1(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read1(size)
        if not self.seen and b"\x00" in data:
            self.seen = True
        return data


def _binary(head: bytes) -> bool:
    """Whether the start of a file is binary data (a workbook, a PDF, an image) rather than
    text. Binary formats are full of NUL bytes; a text export with a stray one is damaged text,
    whose rows the import reports one by one (rows.nul_rows)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    nuls = head.count(b"\x00")
    return nuls > 8 or (nuls > 1 and nuls * 100 > len(head))


def _open_csv(path: Path, *, encoding: str, delimiter: str) -> Table:
    stream, handles, position = _open_binary(path)
    try:
        head = stream.read(SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        for handle in reversed(handles):
            handle.close()
        raise FileProblem(_("The file cannot be read: %(error)s") % {"error": exc}) from None
    for handle in reversed(handles):
        handle.close()
    if _binary(head):
        raise FileProblem(_("This is not a text (CSV) file."))
    encoding = canonical_encoding(encoding) if encoding else detect_encoding(head)
    sample_text = head.decode(encoding, errors="replace")
    if sample_text.startswith("\ufeff"):
        sample_text = sample_text[1:]
    if delimiter:
        delimiter = parse_delimiter(delimiter)
    else:
        found = detect_delimiter(sample_text)
        if found is None:
            raise FileProblem(
                _(
                    "No delimiter found: the first line has a single column. Name the "
                    "delimiter (comma, semicolon or tab)."
                )
            )
        delimiter = found

    stream, handles, position = _open_binary(path)
    watch = _NulWatch(stream, always=encoding.replace("_", "-").startswith(("utf-16", "utf-32")))
    text = io.TextIOWrapper(cast(IO[bytes], watch), encoding=encoding, newline="", errors="strict")
    handles.append(text)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        first = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        for handle in reversed(handles):
            handle.close()
        raise FileProblem(_("The header cannot be read: %(error)s") % {"error": exc}) from None
    if first is None:
        for handle in reversed(handles):
            handle.close()
        raise FileProblem(_("The file is empty."))
    table = Table(
        path=path,
        format="csv",
        header=_clean_header(list(first)),
        encoding=encoding,
        delimiter=delimiter,
        size=path.stat().st_size,
    )
    table._handles = handles
    table._position = position
    table._nul_watch = watch
    table._reader = reader  # type: ignore[attr-defined]
    return table


def csv_rows(table: Table) -> Iterator[list[str]]:
    """Data rows of a CSV table as lists of strings (blank lines come as empty lists)."""
    reader = table._reader  # type: ignore[attr-defined]
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _(
                "The file is not valid %(encoding)s after row %(row)s (%(error)s). Name the "
                "file's encoding."
            )
            % {"encoding": encoding_label(table.encoding), "row": reader.line_num, "error": exc}
        ) from None
    except csv.Error as exc:
        raise FileProblem(
            _("Line %(line)s cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from None


# --- XLSX ----------------------------------------------------------------------------------


def _open_xlsx(path: Path, *, sheet: str) -> Table:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise FileProblem(_("The workbook cannot be opened: %(error)s") % {"error": exc}) from None
    if sheet:
        if sheet not in workbook.sheetnames:
            workbook.close()
            raise FileProblem(
                _("The workbook has no sheet %(sheet)s (it has %(sheets)s).")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        workbook.close()
        raise FileProblem(_("The sheet %(sheet)s is empty.") % {"sheet": worksheet.title})
    header = list(first)
    while header and header[-1] in (None, ""):
        header.pop()
    table = Table(
        path=path,
        format="xlsx",
        header=_clean_header(header),
        sheet=worksheet.title,
        size=path.stat().st_size,
    )
    table._handles = [workbook]
    max_row = worksheet.max_row
    table._rows_total = max_row - 1 if max_row else None
    table._reader = rows  # type: ignore[attr-defined]
    return table


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: 13085.0 -> "13085", dates as ISO, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, int, Decimal)):
        return str(value) if not isinstance(value, date) else value.isoformat()
    return str(value)


def xlsx_rows(table: Table, *, text_columns: frozenset[int]) -> Iterator[list[Any]]:
    """Data rows of a sheet; cells of `text_columns` as text, the others as openpyxl gives
    them (numbers, datetimes), so that a number never depends on a decimal style."""
    width = len(table.header)
    for values in table._reader:  # type: ignore[attr-defined]
        row = list(values[:width])
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        for index in text_columns:
            row[index] = cell_text(row[index])
        yield row


def table_rows(table: Table, *, text_columns: frozenset[int] = frozenset()) -> Iterator[list[Any]]:
    if table.format == "xlsx":
        return xlsx_rows(table, text_columns=text_columns)
    return csv_rows(table)


def sample_rows(
    path: Path | str, *, encoding: str = "", delimiter: str = "", sheet: str = "", limit: int
) -> tuple[Table, list[list[Any]]]:
    """The header and the first `limit` data rows (for detection and for the mapping form)."""
    with open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet) as table:
        rows: list[list[Any]] = []
        for row in table_rows(table):
            if row and any(cell not in (None, "") for cell in row):
                rows.append(row)
            if len(rows) >= limit:
                break
    return table, rows
