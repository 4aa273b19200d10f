"""Corpus reading: article folders and news-database exports into a documents table.

A corpus is a folder of UTF-8 ``.txt`` articles, each starting with a header ``date YYYY-MM-DD``
followed by the text (on the same line or the next), or a CSV / JSON Lines export with a date
column and a text column. Reading never stops at a bad file: every good file is loaded, and every
file that cannot be loaded as it is gets one row in the ``problems`` table. Nothing is silently
dropped: files are either loaded or reported.

Policy for near misses (documented in the README):

* A file that is not valid UTF-8 but decodes as Windows-1252 (a superset of Latin-1 for text) is
  **loaded** and reported as a ``warning`` naming the first bad byte; with
  ``encoding_errors="strict"`` it is an ``error`` and not loaded.
* A BOM, whitespace before the header, CRLF or CR line endings and the text on the header line are
  all accepted without comment: they are layouts, not problems.
* Files that are not articles (``README.md``, ``*.yml``, ``*.csv`` beside the articles, hidden
  files) are companions and are not read as articles; any other non-``.txt`` file is reported as a
  ``warning`` and skipped.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import hashlib
import io
import json
import os
import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .errors import CorpusError

__all__ = [
    "Corpus",
    "read_corpus",
    "check_corpus",
    "parse_article",
    "read_metadata",
    "format_problems",
    "hash_text",
    "DEFAULT_MAX_BYTES",
    "PROBLEM_COLUMNS",
]

DEFAULT_MAX_BYTES = 20_000_000
"""Largest article file read by default (20 MB; the longest real news page we know is ~200 kB)."""

PROBLEM_COLUMNS = ["file", "line", "problem", "detail", "severity"]
_MAX_EXPORT_BYTES = 50 * DEFAULT_MAX_BYTES  # the largest metadata CSV read (exports: 50 x max_bytes)

COMPANION_SUFFIXES = {".md", ".yml", ".yaml", ".csv", ".tsv", ".json", ".gitkeep"}
_HEADER = re.compile(r"(?P<key>[A-Za-z]+)(?P<sep>:?)[ \t]*(?P<value>[^\s]*)(?P<rest>[\s\S]*)\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\x7fELF")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_FIRST_DAY, _LAST_DAY = _dt.date(1678, 1, 1), _dt.date(2261, 12, 31)  # within datetime64[ns]


class Corpus(NamedTuple):
    """What :func:`read_corpus` returns: the loaded documents and the problems found.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per article: ``doc_id``, ``date`` (datetime64), ``text``, ``file``, plus metadata.
    problems : pandas.DataFrame
        One row per problem: ``file``, ``line``, ``problem``, ``detail``, ``severity``
        (``"error"``: not loaded; ``"warning"``: loaded, with a note).
    """

    documents: pd.DataFrame
    problems: pd.DataFrame


def hash_text(text: str) -> str:
    """Content hash of a text (16 hex digits of SHA-1 over its UTF-8 bytes).

    >>> hash_text("abc")
    'a9993e364706816a'
    """
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _problem(file, problem, detail="", severity="error", line=None):
    return {"file": str(file), "line": line, "problem": problem, "detail": detail, "severity": severity}


def _decode(raw: bytes, *, encoding_errors: str):
    """Decode bytes as UTF-8; returns (text, problem-or-None). Raises CorpusError when unusable."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        offset = err.start
    detail = f"invalid UTF-8 at byte offset {offset}"
    if encoding_errors == "fallback":
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise CorpusError(None, f"invalid UTF-8 at byte offset {offset}") from None
        return text, ("not UTF-8", f"{detail}; read as Windows-1252")
    raise CorpusError(None, detail)


def _is_binary(raw: bytes) -> str | None:
    if raw.startswith(_BINARY_MAGIC):
        return "binary content (starts like a PDF, ZIP, image or executable)"
    head = raw[:65536]
    nul = head.find(b"\x00")
    if nul >= 0:
        return f"binary content (NUL byte at offset {nul})"
    return None


def parse_article(raw: bytes | str, *, name: str = "<article>", encoding_errors: str = "fallback"):
    """Parse one article file into its date and text.

    Parameters
    ----------
    raw : bytes or str
        The file's content.
    name : str
        The file name, used in error messages.
    encoding_errors : {"fallback", "strict"}
        What to do with bytes that are not UTF-8 (see the module's policy).

    Returns
    -------
    (datetime.date, str, list of (problem, detail))
        The date, the text without its header (line endings normalised to ``\\n``, surrounding
        whitespace removed), and warnings (loaded-with-a-note problems).

    Raises
    ------
    CorpusError
        Naming the file and the problem: binary content, invalid UTF-8 (with its byte offset),
        missing or malformed header, impossible date, empty text.

    Examples
    --------
    >>> parse_article(b" date 2020-02-15 Turkey rejected ...")[:2]
    (datetime.date(2020, 2, 15), 'Turkey rejected ...')
    """
    warnings = []
    if isinstance(raw, bytes):
        binary = _is_binary(raw)
        if binary:
            raise CorpusError(name, binary)
        try:
            text, warn = _decode(raw, encoding_errors=encoding_errors)
        except CorpusError as err:
            raise CorpusError(name, err.problem) from None
        if warn:
            warnings.append(warn)
    else:
        text = raw.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip()
    match = _HEADER.match(text[:200] + ("" if len(text) <= 200 else "\n"))
    if text[:200].find("\x00") >= 0:
        raise CorpusError(name, "binary content (NUL character)")
    if not match or match.group("key").lower() != "date":
        first = text.split("\n", 1)[0][:40]
        raise CorpusError(name, f"missing header: expected 'date YYYY-MM-DD', found {first!r}")
    value = match.group("value")
    if match.group("key") != "date" or match.group("sep") or not _ISO_DATE.match(value):
        shown = text.split("\n", 1)[0][:40]
        raise CorpusError(name, f"malformed header {shown!r}: expected 'date YYYY-MM-DD'")
    try:
        date = _dt.date.fromisoformat(value)
    except ValueError:
        raise CorpusError(name, f"impossible date {value}") from None
    if not _FIRST_DAY <= date <= _LAST_DAY:
        raise CorpusError(name, f"date out of range {value}: dates from {_FIRST_DAY.year} to {_LAST_DAY.year} are read")
    body = text[match.start("rest"):] if len(text) <= 200 else text[match.start("rest"):]
    body = body.strip()
    if not body:
        raise CorpusError(name, "empty text: the file has a header but no article")
    control = _CONTROL.search(body)
    if control and len(_CONTROL.findall(body[:65536])) > 0.01 * min(len(body), 65536):
        raise CorpusError(name, "binary content (control characters in the text)")
    return date, body, warnings


def read_metadata(path, *, key_column: str = "file") -> pd.DataFrame:
    """Read a metadata CSV keyed by article file name.

    Parameters
    ----------
    path : path-like
        A CSV with a ``key_column`` (file name such as ``000_a99.txt`` or its stem) and any other
        columns (``source``, ``title``, ``url``, ...).
    key_column : str
        The column naming the article file.

    Returns
    -------
    pandas.DataFrame
        One row per article: ``doc_id`` (the file stem) and the metadata columns, as strings.

    Raises
    ------
    CorpusError
        When the file cannot be parsed, lacks the key column, or names a file twice.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > _MAX_EXPORT_BYTES:
            raise CorpusError(path, f"too large: {size:,} bytes, more than the metadata limit of {_MAX_EXPORT_BYTES:,}")
        meta = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, UnicodeDecodeError, csv.Error, MemoryError) as err:
        raise CorpusError(path, f"cannot read metadata CSV: {err}") from None
    if key_column not in meta.columns:
        raise CorpusError(path, f"metadata CSV has no {key_column!r} column (columns: {list(meta.columns)})")
    doc_id = meta[key_column].astype(str).str.replace(r"\.txt$", "", regex=True)
    dupes = doc_id[doc_id.duplicated()]
    if len(dupes):
        raise CorpusError(path, f"metadata names {dupes.iloc[0]!r} more than once")
    meta = meta.drop(columns=[key_column])
    meta = meta.rename(columns=_clash_names(meta.columns, ("doc_id", "date", "text", "file")))
    meta.insert(0, "doc_id", doc_id)
    return meta


def _clash_names(columns, taken) -> dict:
    """Renames for metadata columns named like a documents column: ``date`` -> ``date_metadata``
    (``date_metadata_2`` when that name is taken too), so no two columns share a name."""
    used = set(taken) | set(columns)
    renames = {}
    for column in columns:
        if column in taken:
            new, i = f"{column}_metadata", 2
            while new in used:
                new, i = f"{column}_metadata_{i}", i + 1
            used.add(new)
            renames[column] = new
    return renames


def _documents_frame(rows) -> pd.DataFrame:
    docs = pd.DataFrame(rows, columns=["doc_id", "date", "text", "file"])
    docs["doc_id"] = docs["doc_id"].astype(str)
    docs["date"] = pd.to_datetime(docs["date"]).astype("datetime64[ns]")
    docs["text"] = docs["text"].astype(str)
    docs["file"] = docs["file"].astype(str)
    return docs.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _problems_frame(rows) -> pd.DataFrame:
    problems = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    problems["line"] = problems["line"].astype("Int64")
    return problems.sort_values(["file", "line"], kind="stable", na_position="first").reset_index(drop=True)


def _find_metadata(folder: Path):
    inside = folder / "metadata.csv"
    if inside.is_file():
        return inside
    beside = folder.with_suffix(".csv")
    if beside.is_file() and beside.parent != folder:
        return beside
    return None


def _list_folder(folder: Path, *, max_files):
    """The article files of a folder (sorted by name) and the problems of the other entries."""
    problems = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        raise CorpusError(folder, f"cannot list the corpus folder: {err.strerror or err}") from None
    articles = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # shown with its bad bytes as \xNN: the tables hold UTF-8 only
            problems.append(_problem(os.fsencode(name).decode("utf-8", "backslashreplace"), "bad file name",
                                     "the file name is not valid UTF-8; rename the file"))
            continue
        if entry.is_dir():
            problems.append(_problem(name, "not an article", "a sub-folder; articles must sit in the corpus folder itself"))
            continue
        suffix = Path(name).suffix.lower()
        if suffix == ".txt" and not entry.is_file():  # a pipe or device would block or never end
            problems.append(_problem(name, "unreadable", "not a regular file (a broken link, pipe, socket or device)"))
        elif suffix == ".txt":
            articles.append(entry)
        elif suffix in COMPANION_SUFFIXES or name.lower().startswith("readme"):
            continue
        else:
            problems.append(_problem(name, "not an article", f"not a .txt file ({suffix or 'no extension'})"))
    if max_files is not None and len(articles) > max_files:
        raise CorpusError(folder, f"{len(articles):,} article files, more than the limit of {max_files:,} (raise max_files)")
    return articles, problems


def _read_article_file(path, name: str, *, max_bytes, encoding_errors):
    """Read and parse one article file: ``((date, text, warnings), None)`` or ``(None, problem)``."""
    try:
        size = os.stat(path).st_size
        if max_bytes is not None and size > max_bytes:
            return None, _problem(name, "too large", f"{size:,} bytes, more than the limit of {max_bytes:,}")
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1 if max_bytes is not None else -1)
        if max_bytes is not None and len(raw) > max_bytes:
            return None, _problem(name, "too large", f"more than the limit of {max_bytes:,} bytes")
    except OSError as err:
        return None, _problem(name, "unreadable", err.strerror or str(err))
    try:
        return parse_article(raw, name=name, encoding_errors=encoding_errors), None
    except CorpusError as err:
        return None, _problem(name, _kind(err.problem), err.problem)


def _stem(name: str) -> str:
    """``Path(name).stem`` for an article file name (``.txt`` in any case), without pathlib's cost."""
    return name[:-4] if name[-4:].lower() == ".txt" and len(name) > 4 else Path(name).stem


def _accept_articles(results, problems):
    """Rows of the parsed articles (name order), refusing a second file with the same id.

    ``results`` holds ``(name, parsed, problem)`` per article file, in name order. Appends to
    ``problems`` and returns the rows ``(doc_id, date, text, name)``.
    """
    rows, ids = [], {}
    for name, parsed, problem in results:
        if problem is not None:
            problems.append(problem)
            continue
        date, text, warnings = parsed
        doc_id = _stem(name)
        if doc_id in ids:  # a.txt and a.TXT: one id each, or joins and the cache would mix them
            problems.append(_problem(name, "duplicate id", f"same id {doc_id!r} as {ids[doc_id]}; rename one file"))
            continue
        ids[doc_id] = name
        for kind, detail in warnings:
            problems.append(_problem(name, kind, detail, "warning"))
        rows.append((doc_id, date, text, name))
    return rows


def _read_folder(folder: Path, *, max_bytes, encoding_errors, max_files):
    articles, problems = _list_folder(folder, max_files=max_files)
    results = []
    for entry in articles:
        parsed, problem = _read_article_file(entry.path, entry.name, max_bytes=max_bytes, encoding_errors=encoding_errors)
        results.append((entry.name, parsed, problem))
    return _accept_articles(results, problems), problems


def _kind(message: str) -> str:
    for kind in ("missing header", "malformed header", "impossible date", "date out of range", "empty text",
                 "invalid UTF-8", "binary content", "too large"):
        if message.startswith(kind):
            return kind
    return message.split(":", 1)[0]


def _parse_date_value(value) -> _dt.datetime | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    value = str(value).strip()
    if not value or value.lower() in ("now", "today"):  # pandas reads these as the clock's time
        return None
    if _ISO_DATE.match(value):
        try:
            return _dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if stamp is pd.NaT:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.to_pydatetime()


_ID_OK = re.compile(r"[^\x00-\x1f\x7f/\\]{1,200}\Z")


def _read_records(path: Path, records, *, date_column, text_column, id_column, max_bytes=None):
    """Records (line number, dict) from an export into rows and problems."""
    rows, problems, seen = [], [], {}
    name = path.name
    for line, record in records:
        if isinstance(record, dict) and "__problem__" in record:
            problems.append(_problem(name, record["__problem__"], record.get("__detail__", ""), line=line))
            continue
        missing = [c for c in (date_column, text_column) if c not in record]
        if missing:
            problems.append(_problem(name, "missing column", f"no {missing[0]!r} field in this record", line=line))
            continue
        if id_column is not None:
            doc_id = record.get(id_column)
            doc_id = "" if doc_id is None else str(doc_id).strip()
            if not _ID_OK.match(doc_id):
                problems.append(_problem(name, "bad id", f"{id_column} {doc_id[:40]!r} is empty, too long or has control characters or slashes", line=line))
                continue
        else:
            doc_id = f"{path.stem}-{line:06d}"
        if doc_id in seen:
            problems.append(_problem(name, "duplicate id", f"id {doc_id!r} also on line {seen[doc_id]}", line=line))
            continue
        date = _parse_date_value(record[date_column])
        if date is not None and not _FIRST_DAY <= date.date() <= _LAST_DAY:
            problems.append(_problem(name, "date out of range", f"date {date.date()} in column {date_column!r}: dates "
                                     f"from {_FIRST_DAY.year} to {_LAST_DAY.year} are read", line=line))
            continue
        if date is None:
            raw = str(record[date_column])[:40]
            kind = "impossible date" if re.match(r"\d{4}-\d{2}-\d{2}", raw) else "malformed date"
            problems.append(_problem(name, kind, f"{kind} {raw!r} in column {date_column!r}", line=line))
            continue
        text = record[text_column]
        text = "" if text is None or (isinstance(text, float) and text != text) else str(text)
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            problems.append(_problem(name, "empty text", f"column {text_column!r} is empty", line=line))
            continue
        if "\x00" in text:
            problems.append(_problem(name, "binary content", "NUL character in the text", line=line))
            continue
        if max_bytes is not None and len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            problems.append(_problem(name, "too large", f"the text has more than the limit of {max_bytes:,} bytes",
                                     line=line))
            continue
        seen[doc_id] = line
        extra = {k: (None if v is None else str(v)) for k, v in record.items()
                 if k not in (date_column, text_column, id_column)}
        rows.append(((doc_id, date, text, f"{name}:{line}"), extra))
    return rows, problems


@contextlib.contextmanager
def _csv_field_limit(size: int):
    """Let csv read fields up to ``size`` characters (its default stops at 131,072)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(size, 2**31 - 1)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _csv_records(path: Path, text: str):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    with _csv_field_limit(len(text) + 1):
        while True:
            line = reader.line_num
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as err:  # report the row and go on with the next one: nothing lost
                yield reader.line_num, {"__problem__": "malformed row", "__detail__": str(err)}
                if reader.line_num == line:
                    return
                continue
            # line of the record's last physical line; header is line 1
            if None in record:
                yield reader.line_num, {"__problem__": "malformed row", "__detail__": "more fields than the header"}
                continue
            if any(v is None for v in record.values()):
                yield reader.line_num, {"__problem__": "malformed row", "__detail__": "fewer fields than the header"}
                continue
            yield reader.line_num, record


def _jsonl_records(path: Path, text: str):
    # JSON strings cannot hold a raw CR or LF, so any of the three line endings ends a record
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as err:
            yield number, {"__problem__": "malformed JSON", "__detail__": str(err)[:120]}
            continue
        if not isinstance(record, dict):
            yield number, {"__problem__": "malformed JSON", "__detail__": "a line is not a JSON object"}
            continue
        if "\\u" in line and not _encodable(record):
            yield number, {"__problem__": "malformed JSON",
                           "__detail__": "a \\uD800-style escape that is half a character (a lone surrogate)"}
            continue
        yield number, record


def _encodable(record) -> bool:
    """Whether a parsed JSON record holds only real characters (no lone surrogates)."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_export(path: Path, *, date_column, text_column, id_column, max_bytes, encoding_errors):
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes * 50:
            raise CorpusError(path, f"too large: {size:,} bytes, more than the export limit of {max_bytes * 50:,}")
        raw = path.read_bytes()
    except OSError as err:
        raise CorpusError(path, f"unreadable: {err.strerror or err}") from None
    binary = _is_binary(raw)
    if binary:
        raise CorpusError(path, binary)
    try:
        text, warn = _decode(raw, encoding_errors=encoding_errors)
    except CorpusError as err:
        raise CorpusError(path, err.problem) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if "\x00" in text:
            raise CorpusError(path, "binary content (NUL character)")
        try:
            with _csv_field_limit(len(text) + 1):
                header = next(csv.reader(io.StringIO(text, newline="")), [])
        except csv.Error as err:
            raise CorpusError(path, f"malformed header row: {err}") from None
        for column in (date_column, text_column) + ((id_column,) if id_column else ()):
            if column not in header:
                raise CorpusError(path, f"no {column!r} column in the header (columns: {header[:10]})")
        records = _csv_records(path, text)
    else:
        records = _jsonl_records(path, text)
    rows, problems = _read_records(path, records, date_column=date_column,
                                   text_column=text_column, id_column=id_column, max_bytes=max_bytes)
    if warn:
        problems.insert(0, _problem(path.name, warn[0], warn[1], "warning"))
    return rows, problems


def _first_texts(files, hashes, problems) -> list:
    """Which documents to keep: the first of each text (by the documents' order); reports the others."""
    first, keep = {}, []
    for file, digest in zip(files, hashes):
        if digest in first:
            problems.append(_problem(file, "duplicate text", f"same text as {first[digest]}"))
            keep.append(False)
        else:
            first[digest] = file
            keep.append(True)
    return keep


def _join_metadata(documents: pd.DataFrame, meta: pd.DataFrame, name: str, problems) -> pd.DataFrame:
    """Join a metadata table (:func:`read_metadata`) to the documents; reports rows naming no article."""
    _check_metadata(meta, documents["doc_id"], name, problems)
    meta = meta.rename(columns=_clash_names([c for c in meta.columns if c != "doc_id"], documents.columns))
    return documents.merge(meta, on="doc_id", how="left", validate="one_to_one")


def _check_metadata(meta: pd.DataFrame, doc_ids, name: str, problems):
    """Report metadata rows that name no article (rows for files reported above are expected)."""
    # (sets of Python strings: pandas' isin on an Arrow string column makes an Arrow scalar of each value)
    known = set(pd.Series(doc_ids).tolist()) | {Path(p["file"]).stem for p in problems}
    ids = meta["doc_id"]
    unknown = ids[[d not in known for d in ids.tolist()]]
    if len(unknown):
        problems.append(_problem(name, "metadata without article",
                                 f"{len(unknown)} rows name no article in the corpus, e.g. {unknown.iloc[0]!r}",
                                 "warning"))


def read_corpus(
    source,
    *,
    metadata=None,
    date_column: str = "date",
    text_column: str = "text",
    id_column: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_files: int | None = 2_000_000,
    encoding_errors: str = "fallback",
    drop_duplicates: bool = True,
) -> Corpus:
    """Read a corpus into a documents table and a problems table.

    Parameters
    ----------
    source : path-like
        A folder of ``.txt`` articles, or a ``.csv`` / ``.jsonl`` export.
    metadata : path-like, optional
        A CSV keyed by file name (column ``file``) whose other columns (``source``, ``title``,
        ``url``, ...) are joined in. By default ``metadata.csv`` inside the folder, or a CSV of the
        folder's name beside it (``corpora/t17/`` and ``corpora/t17.csv``), when one exists.
    date_column, text_column : str
        For exports: the columns holding each article's date and text.
    id_column : str, optional
        For exports: the column holding a unique id; by default ``<file stem>-<line>``.
    max_bytes : int or None
        Article files larger than this are reported as ``too large`` and not read.
    max_files : int or None
        A folder with more article files than this is refused.
    encoding_errors : {"fallback", "strict"}
        Non-UTF-8 files: load as Windows-1252 with a warning, or report as an error.
    drop_duplicates : bool
        Files whose text equals an earlier file's (by name) are reported and not loaded.

    Returns
    -------
    Corpus
        ``documents``: one row per article, ``doc_id`` (file stem), ``date`` (datetime64),
        ``text``, ``file``, plus metadata columns. ``problems``: one row per problem,
        ``file, line, problem, detail, severity``.

    Raises
    ------
    CorpusError
        When the source itself cannot be read (missing folder, unreadable export, bad metadata).

    Examples
    --------
    >>> corpus = read_corpus("corpus")                       # doctest: +SKIP
    >>> corpus.documents[["doc_id", "date"]].head(1)         # doctest: +SKIP
                    doc_id       date
    0  000_a9979eba8f3f7ebb 2020-02-15
    """
    if encoding_errors not in ("fallback", "strict"):
        raise ValueError("encoding_errors must be 'fallback' or 'strict'")
    source = Path(source)
    extra_rows = None
    if source.is_dir():
        rows, problems = _read_folder(source, max_bytes=max_bytes, encoding_errors=encoding_errors,
                                      max_files=max_files)
        if metadata is None:
            metadata = _find_metadata(source)
    elif source.is_file() and source.suffix.lower() in (".csv", ".jsonl", ".ndjson"):
        pairs, problems = _read_export(source, date_column=date_column, text_column=text_column,
                                       id_column=id_column, max_bytes=max_bytes,
                                       encoding_errors=encoding_errors)
        rows = [row for row, _ in pairs]
        extra_rows = [extra for _, extra in pairs]
    elif source.exists():
        raise CorpusError(source, "not a corpus: give a folder of .txt articles or a .csv/.jsonl export")
    else:
        raise CorpusError(source, "no such folder or file")

    documents = _documents_frame(rows)
    if extra_rows:
        extra = pd.DataFrame(extra_rows, index=[r[0] for r in rows])
        extra = extra.rename(columns=_clash_names(extra.columns, documents.columns))
        documents = documents.join(extra, on="doc_id")

    if drop_duplicates and len(documents):
        keep = _first_texts(documents["file"], documents["text"].map(hash_text), problems)
        documents = documents[keep].reset_index(drop=True)

    if metadata is not None:
        documents = _join_metadata(documents, read_metadata(metadata), Path(metadata).name, problems)
    return Corpus(documents, _problems_frame(problems))


def check_corpus(source, **options) -> pd.DataFrame:
    """Validate a corpus: the problems table of :func:`read_corpus` (same options).

    Returns
    -------
    pandas.DataFrame
        One row per problem: ``file, line, problem, detail, severity``.
    """
    return read_corpus(source, **options).problems


def format_problems(problems: pd.DataFrame) -> list[str]:
    """One line per problem, ``FILE: problem``, as ``python -m toolkit check`` prints them.

    >>> import pandas as pd
    >>> format_problems(pd.DataFrame([{"file": "a.txt", "line": None, "problem": "empty text",
    ...     "detail": "empty text: the file has a header but no article", "severity": "error"}]))
    ['a.txt: empty text: the file has a header but no article']
    """
    lines = []
    for row in problems.itertuples(index=False):
        where = row.file if pd.isna(row.line) else f"{row.file}:{int(row.line)}"
        detail = row.detail or row.problem
        if not detail.startswith(row.problem):
            detail = f"{row.problem}: {detail}"
        note = " (loaded)" if row.severity == "warning" else ""
        # one line per problem, even for a file name with a line break in it
        lines.append(_CONTROL_ANY.sub(lambda m: f"\\x{ord(m.group()):02x}", f"{where}: {detail}{note}"))
    return lines
