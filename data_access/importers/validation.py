"""Row validation with pydantic v2.

Why pydantic rather than pandera: an import validates row by row (each bad row is set aside with its own
reason while the others load), and pydantic models give exactly that — one typed object or one list of
errors per row — with custom parsing per field and a model-level check for rules across fields (close
before create). pandera validates whole DataFrames, which suits column statistics rather than rejecting
individual rows with readable reasons, and it would pull pandas into the import path.

Parsing needs file-level knowledge (the file's date order, whether a column uses decimal commas), which
reaches the validators through pydantic's validation context (:class:`ParseContext`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from data_access.importers import values
from data_access.importers.errors import UnreadableFile
from data_access.importers.reading import RawTable
from data_access.importers.spec import Source, fold_value


@dataclass
class ParseContext:
    """What validators need to know about the whole file."""

    labels: dict[str, str] = field(default_factory=dict)  # canonical field -> the file's header
    date_order: str | None = None
    date_pattern: str | None = None
    decimal_comma: dict[str, bool | None] = field(default_factory=dict)
    # canonical field -> {folded source value: stored value or None (unknown)}, from --values
    value_maps: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass(frozen=True)
class Rejection:
    line_number: int
    raw: dict[str, str]
    reason: str


@dataclass(frozen=True)
class ValidRow:
    line_number: int
    row: Any  # the source's pydantic model
    raw: dict[str, str]


def _context(info: ValidationInfo) -> ParseContext:
    return info.context if isinstance(info.context, ParseContext) else ParseContext()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any, info: ValidationInfo) -> dt.date | None:
    if isinstance(value, dt.date) or _text(value) is None:
        return value if isinstance(value, dt.date) else None
    ctx = _context(info)
    return values.parse_date(str(value), ctx.date_order, ctx.date_pattern)


def _datetime(value: Any, info: ValidationInfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime) or _text(value) is None:
        return value if isinstance(value, dt.datetime) else None
    ctx = _context(info)
    return values.parse_datetime(str(value), ctx.date_order, ctx.date_pattern)


def _amount(value: Any, info: ValidationInfo) -> Decimal | None:
    if isinstance(value, Decimal) or _text(value) is None:
        return value if isinstance(value, Decimal) else None
    return values.parse_amount(str(value), _context(info).decimal_comma.get(info.field_name or ""))


def _number(value: Any, info: ValidationInfo) -> float | None:
    amount = _amount(value, info)
    return None if amount is None else float(amount)


def _integer(value: Any, info: ValidationInfo) -> int | None:
    amount = _amount(value, info)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise ValueError(f"'{value}' is not a whole number")
    return int(amount)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool) or _text(value) is None:
        return value if isinstance(value, bool) else None
    return values.parse_bool(str(value))


def _ratio(value: Any, info: ValidationInfo) -> float | None:
    if isinstance(value, float) or _text(value) is None:
        return value if isinstance(value, float) else None
    return values.parse_ratio(
        str(value), decimal_comma=_context(info).decimal_comma.get(info.field_name or "")
    )


def _percent(value: Any, info: ValidationInfo) -> float | None:
    if isinstance(value, float) or _text(value) is None:
        return value if isinstance(value, float) else None
    return values.parse_ratio(
        str(value), percent=True, decimal_comma=_context(info).decimal_comma.get(info.field_name or "")
    )


Text = Annotated[str | None, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_text)]
Date = Annotated[dt.date | None, BeforeValidator(_date)]
RequiredDate = Annotated[dt.date, BeforeValidator(_date)]
DateTime = Annotated[dt.datetime | None, BeforeValidator(_datetime)]
RequiredDateTime = Annotated[dt.datetime, BeforeValidator(_datetime)]
Amount = Annotated[Decimal | None, BeforeValidator(_amount)]
RequiredAmount = Annotated[Decimal, BeforeValidator(_amount)]
Number = Annotated[float | None, BeforeValidator(_number)]
RequiredNumber = Annotated[float, BeforeValidator(_number)]
Integer = Annotated[int | None, BeforeValidator(_integer)]
Bool = Annotated[bool | None, BeforeValidator(_bool)]
Ratio = Annotated[float | None, BeforeValidator(_ratio)]
Percent = Annotated[float | None, BeforeValidator(_percent)]


# The longest text a field may hold unless its source says otherwise: names, keys and labels.
DEFAULT_TEXT_LIMIT = 200


class ImportRow(BaseModel):
    """Base of every source's row model.

    Every text field is bounded: ``TEXT_LIMITS`` names the fields allowed more than
    :data:`DEFAULT_TEXT_LIMIT` characters (free text such as comments), so an over-long name is one
    rejected row rather than a failure when it is stored.
    """

    model_config = ConfigDict(extra="ignore", str_max_length=100_000)
    TEXT_LIMITS: ClassVar[dict[str, int]] = {}

    @model_validator(mode="after")
    def _bounded(self, info: ValidationInfo):
        too_long = [
            f"{label_of(info, name)} is longer than {self.TEXT_LIMITS.get(name, DEFAULT_TEXT_LIMIT)} characters"
            for name, value in self.__dict__.items()
            if isinstance(value, str) and len(value) > self.TEXT_LIMITS.get(name, DEFAULT_TEXT_LIMIT)
        ]
        if too_long:
            raise ValueError("; ".join(too_long))
        return self


def check_value_maps(ctx: ParseContext, source, mapping, file_name: str) -> None:
    """Refuse, in one sentence, a ``--values`` map for a field the source does not have or no column
    is mapped to."""
    for name in ctx.value_maps:
        if name not in source.field_names:
            raise UnreadableFile(
                f"--values names '{name}', which is not a field of {source.name} "
                f"(fields: {', '.join(source.field_names)})."
            )
        if name not in mapping:
            raise UnreadableFile(
                f"--values gives a value map for '{name}', but no column of {file_name} is mapped to it "
                f"(add --map {name}=COLUMN)."
            )


def build_context(
    source: Source,
    table: RawTable,
    mapping: dict[str, str],
    date_format: str | None,
    value_maps: dict[str, dict[str, str | None]] | None = None,
) -> ParseContext:
    """Decide the file-level conventions: the date order of its dates and each amount column's decimal mark.

    Raises :class:`UnreadableFile` when the dates are ambiguous and no ``date_format`` was given.
    """
    ctx = ParseContext(labels=dict(mapping), value_maps=dict(value_maps or {}))
    check_value_maps(ctx, source, mapping, table.file_name)
    index = {header: i for i, header in enumerate(table.headers)}

    def column(name: str) -> Iterable[str]:
        i = index[mapping[name]]
        cells_of = (cells[i] for _, cells in table.rows if i < len(cells) and cells[i].strip())
        if name in ctx.value_maps:
            table_of = ctx.value_maps[name]
            return (v for v in (table_of.get(fold_value(c), c) for c in cells_of) if v)
        return cells_of

    if date_format:
        try:
            ctx.date_order, ctx.date_pattern = values.resolve_date_format(date_format)
        except ValueError as exc:
            raise UnreadableFile(f"--date-format: {exc}.") from None
    else:
        date_fields = [f.name for f in source.fields if f.kind in ("date", "datetime") and f.name in mapping]
        try:
            ctx.date_order = values.infer_date_order(v for name in date_fields for v in column(name))
        except ValueError as exc:
            raise UnreadableFile(
                f"{table.file_name} {exc}; rerun with --date-format %d/%m/%Y (day first) "
                f"or --date-format %m/%d/%Y (month first)."
            ) from None
    for spec in source.fields:
        if spec.kind in ("amount", "number", "integer", "ratio", "percent") and spec.name in mapping:
            ctx.decimal_comma[spec.name] = values.looks_decimal_comma(column(spec.name))
    return ctx


def reason_of(exc: ValidationError, ctx: ParseContext) -> str:
    """One readable sentence for everything wrong with a row, naming the file's own column labels."""
    parts: list[str] = []
    for error in exc.errors(include_url=False):
        message = str(error.get("msg", "is not valid"))
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        location = error.get("loc") or ()
        if not location:
            parts.append(message)
            continue
        label = ctx.label(str(location[0]))
        if error.get("input") is None or error.get("type") == "missing":
            parts.append(f"{label} is empty")
        elif error.get("type") == "string_too_long":
            parts.append(f"{label} is longer than {error.get('ctx', {}).get('max_length')} characters")
        else:
            parts.append(f"{label}: {message}")
    return "; ".join(dict.fromkeys(parts))


def map_value(ctx: ParseContext, name: str, cell: str | None) -> str | None:
    """A cell through the field's ``--values`` map; raises ValueError for a value the map does not name."""
    table = ctx.value_maps.get(name)
    if table is None or cell is None:
        return cell
    key = fold_value(cell)
    if key in table:
        return table[key]
    if not key:
        return None
    known = ", ".join(f"'{k}'" for k in list(table)[:8] if k)
    raise ValueError(
        f"{ctx.label(name)} '{cell.strip()[:80]}' is not in the value map for {name} (it maps {known})"
    )


def validate_rows(
    source: Source,
    table: RawTable,
    mapping: dict[str, str],
    ctx: ParseContext,
    progress=None,
) -> tuple[list[ValidRow], list[Rejection]]:
    """Validate every row into the source's model; a row that fails becomes a :class:`Rejection`.

    A row with fewer or more cells than the header is rejected, never applied: a cut-off line would
    otherwise erase the fields it lacks. A rejected row keeps only the mapped columns (a people export's
    salary or date of birth is never stored), with its line number and the reason.
    """
    index = {header: i for i, header in enumerate(table.headers)}
    positions = [(name, index[header]) for name, header in mapping.items()]
    kept = list(mapping.values())
    width = len(table.headers)
    valid: list[ValidRow] = []
    rejected: list[Rejection] = []
    total = len(table.rows)
    step = max(1, total // 20)
    for n, (line, cells) in enumerate(table.rows):
        if progress is not None and n % step == 0:
            progress(n / total, f"Checking row {n + 1:,} of {total:,}")
        raw = table.raw_record(cells, kept)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            rejected.append(
                Rejection(
                    line, raw, f"has {len(cells)} values but the header has {width - table.added} columns"
                )
            )
            continue
        if len(cells) < width:
            rejected.append(
                Rejection(
                    line,
                    raw,
                    f"has {min(len(cells), width - table.added)} of {width - table.added} columns: "
                    "the file may be cut short",
                )
            )
            continue
        problems: list[str] = []
        record: dict[str, str | None] = {}
        for name, i in positions:
            try:
                record[name] = map_value(ctx, name, cells[i])
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            rejected.append(Rejection(line, raw, "; ".join(problems)))
            continue
        try:
            row = source.model.model_validate(record, context=ctx)
        except ValidationError as exc:
            rejected.append(Rejection(line, raw, reason_of(exc, ctx)))
            continue
        valid.append(ValidRow(line, row, raw))
    return valid, rejected


def reject_duplicates(rows: list[ValidRow], key, label: str) -> tuple[list[ValidRow], list[Rejection]]:
    """Keep the first row of each key; later rows with the same key are rejected, naming the first line."""
    first_line: dict = {}
    kept: list[ValidRow] = []
    rejected: list[Rejection] = []
    for valid in rows:
        k = key(valid.row)
        if k in first_line:
            rejected.append(
                Rejection(valid.line_number, valid.raw, f"repeats {label} of line {first_line[k]}")
            )
            continue
        first_line[k] = valid.line_number
        kept.append(valid)
    return kept, rejected


def label_of(info: ValidationInfo | None, name: str) -> str:
    """The file's header for a canonical field, for messages from model-level checks."""
    ctx = info.context if info is not None and isinstance(info.context, ParseContext) else None
    return ctx.label(name) if ctx else name.replace("_", " ")
