"""Read a CSV file into typed columns; bad rows go to the quarantine with the field and reason.

A structurally broken file (missing, unreadable, wrong encoding, missing columns, no rows) raises
DataFileError naming the file: loading it half would publish a silently wrong table.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assets.platform.warehouse import QuarantineRow

TYPES = {"varchar", "integer", "double", "boolean", "date"}
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


class DataFileError(ValueError):
    """A source file that cannot be loaded at all."""


@dataclass(frozen=True)
class TableSpec:
    name: str  # raw table name
    path: str  # relative to the embedded data folder
    columns: dict[str, str]  # column -> one of TYPES; other columns in the file are ignored
    key: tuple[str, ...]
    group: str
    description: str
    source: str
    licence: str
    required: tuple[str, ...] = field(default=())  # non-key columns that must not be empty

    def __post_init__(self):
        bad = {c: t for c, t in self.columns.items() if t not in TYPES}
        if bad:
            raise ValueError(f"{self.name}: unknown column types {bad}")


@dataclass
class LoadResult:
    frame: pd.DataFrame
    quarantined: list[QuarantineRow]


def read_text_csv(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataFileError(f"{path}: file not found")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not valid UTF-8 at byte {exc.start}") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataFileError(f"{path}: empty file") from exc
    except pd.errors.ParserError as exc:
        raise DataFileError(f"{path}: malformed CSV: {exc}") from exc


def _cast(values: pd.Series, kind: str) -> pd.Series:
    """Typed values; None where empty or not castable (the caller tells the two apart)."""
    stripped = values.str.strip()
    if kind == "varchar":
        return stripped.where(stripped != "", None)
    if kind in ("integer", "double"):
        num = pd.to_numeric(stripped.str.replace(",", "", regex=False), errors="coerce")
        if kind == "integer":
            num = num.where(num.isna() | (num == num.round()))
            return num.astype("Int64")
        return num.astype("float64")
    if kind == "boolean":
        low = stripped.str.lower()
        return low.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None)).astype("boolean")
    if kind == "date":
        return pd.to_datetime(stripped, format="ISO8601", errors="coerce").dt.date
    raise ValueError(kind)


def typed_frame(text: pd.DataFrame, spec: TableSpec, origin: str) -> LoadResult:
    missing = [c for c in spec.columns if c not in text.columns]
    if missing:
        raise DataFileError(f"{origin}: missing column(s) {', '.join(missing)}")
    if text.empty:
        raise DataFileError(f"{origin}: no data rows")
    text = text[list(spec.columns)].reset_index(drop=True)
    out = pd.DataFrame(index=text.index)
    bad_rows: dict[int, QuarantineRow] = {}

    def flag(i: int, column: str | None, reason: str) -> None:
        if i not in bad_rows:  # the first problem found names the record
            rec = text.loc[i].to_dict()
            rid = f"row {i + 1}" + "".join(f" {k}={rec[k]!r}" for k in spec.key)
            bad_rows[i] = QuarantineRow(record_id=rid, field=column, reason=reason, record=rec)

    for column, kind in spec.columns.items():
        typed = _cast(text[column], kind)
        out[column] = typed
        empty = text[column].str.strip() == ""
        for i in text.index[typed.isna() & ~empty]:
            flag(i, column, f"{text.at[i, column]!r} is not a valid {kind}")
        if column in spec.key or column in spec.required:
            for i in text.index[empty]:
                flag(i, column, "required value is empty")
    if spec.key:
        dup = out.duplicated(list(spec.key), keep="first") & ~out.index.isin(list(bad_rows))
        for i in out.index[dup]:
            flag(i, None, f"duplicate key ({', '.join(spec.key)})")
    good = out.drop(index=list(bad_rows))
    return LoadResult(frame=good.reset_index(drop=True), quarantined=list(bad_rows.values()))


def load_csv(path: Path, spec: TableSpec) -> LoadResult:
    return typed_frame(read_text_csv(path), spec, str(path))
