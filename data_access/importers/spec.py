"""What a source looks like: its canonical fields, the header spellings of each vendor format, and how a
file's header is matched to them.

A source is a small declarative object (a registry entry), not a branch in an if/else: the command line,
the Data page and docs/import.md all read the same :class:`Source` objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from data_access.importers.errors import UnreadableFile

FIELD_KINDS = ("text", "date", "datetime", "amount", "number", "integer", "bool", "ratio", "percent")


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field of a source: its name, what it holds, whether a file must have it."""

    name: str
    kind: str = "text"
    required: bool = False
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


@dataclass(frozen=True)
class Format:
    """A vendor's export layout: canonical field -> the header labels it uses, most preferred first.

    ``markers`` are headers whose presence identifies the format; detection picks the format whose
    markers are all present and whose labels match the most columns.
    """

    name: str
    label: str
    columns: Mapping[str, tuple[str, ...]]
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One kind of file the importer reads (people, opportunities, ...)."""

    name: str
    label: str
    fields: tuple[FieldSpec, ...]
    formats: tuple[Format, ...]
    model: type
    write: Callable
    # Aliases every format recognises (the optional fields "in either style").
    shared_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Canonical fields of which at least one must be mapped, e.g. (("mrr", "arr"),).
    one_of: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    # A whole-file check after validation (valid rows, file name); raises UnreadableFile to refuse the file.
    check: Callable | None = None
    # Column-wise checks for the rules of the row model (see data_access.importers.batched): takes
    # field -> parsed column (numpy object arrays) and returns which rows need the row-by-row check.
    # A source with one writes in chunks, keyed by ``chunk_key`` (rows sharing a key are written last).
    flag_rows: Callable | None = None
    chunk_key: str | None = None
    # Writes valid rows given as parsed columns (rows whose chunk key repeats excluded).
    write_columns: Callable | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def format_named(self, name: str) -> Format:
        for fmt in self.formats:
            if fmt.name == name:
                return fmt
        known = ", ".join(f.name for f in self.formats)
        raise ValueError(f"'{name}' is not a {self.name} format; use one of {known}")


def normalise_header(label: str) -> str:
    """Compare headers loosely: case, spacing, underscores, dots and a Salesforce ``__c`` suffix do not count.

    "Account.Name", "account_name" and "Account Name" are the same column; "Discount (%)" stays
    different from "Discount" because the unit changes the meaning.
    """
    text = label.strip().lower()
    text = re.sub(r"__c$", "", text)
    text = re.sub(r"[\s_.]+", " ", text)
    return text.strip()


def api_style(label: str) -> str:
    """The Salesforce API spelling of a custom field label: "List Amount" -> "List_Amount__c"."""
    return re.sub(r"\W+", "_", label.strip()).strip("_") + "__c"


def detect_format(source: Source, headers: tuple[str, ...]) -> Format:
    """The format whose markers are all in ``headers`` and whose labels match the most columns.

    When no format's markers are all there, the format whose labels match the most columns wins if it
    beats the generic format (canonical names), so a vendor export missing a key column is reported with
    that vendor's column name. The generic format is always last in ``formats``.
    """
    present = {normalise_header(h) for h in headers}

    def score(fmt: Format) -> int:
        labels = {normalise_header(label) for labels in fmt.columns.values() for label in labels}
        if fmt is source.formats[-1]:
            labels |= {normalise_header(name) for name in source.field_names}
        return len(present & labels)

    complete = [
        fmt for fmt in source.formats[:-1] if all(normalise_header(mk) in present for mk in fmt.markers)
    ]
    if complete:
        return max(complete, key=score)
    return max(reversed(source.formats), key=score)


class Constant(str):
    """A ``--map`` value in double quotes: the same value for every row, not a column of the file."""


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_map_option(text: str | None) -> dict[str, str]:
    """``--map target=column,target="constant"`` as a dict.

    A value in double quotes is a :class:`Constant` (``stage="Closed Won"``): every row gets it. Commas
    inside double quotes belong to the constant.
    """
    if not text:
        return {}
    mapping: dict[str, str] = {}
    for part in _split_outside_quotes(text, ","):
        if not part.strip():
            continue
        target, sep, source_column = part.partition("=")
        value = source_column.strip()
        if not sep or not target.strip() or not value:
            raise ValueError(f"'{part.strip()}' in --map is not field=column or field=\"value\"")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            mapping[target.strip()] = Constant(value[1:-1])
        elif '"' in value:
            raise ValueError(f"'{part.strip()}' in --map has an unbalanced double quote")
        else:
            mapping[target.strip()] = value
    return mapping


def parse_values_option(texts: list[str] | tuple[str, ...] | None) -> dict[str, dict[str, str | None]]:
    """``--values 'field=Source value:stored|Other:stored|Unknown:'`` (repeatable) as field -> value map.

    The stored value follows the last colon of each pair; an empty stored value means unknown (stored
    empty). Source values are compared without case and surrounding spaces.
    """
    maps: dict[str, dict[str, str | None]] = {}
    for text in texts or ():
        target, sep, pairs = text.partition("=")
        if not sep or not target.strip() or not pairs.strip():
            raise ValueError(f"'{text}' in --values is not field=source:stored|source:stored")
        table: dict[str, str | None] = {}
        for pair in pairs.split("|"):
            if not pair.strip():
                continue
            found, colon, stored = pair.rpartition(":")
            if not colon:
                raise ValueError(f"'{pair.strip()}' in --values {target.strip()} has no ':stored value'")
            table[fold_value(found)] = stored.strip() or None
        maps.setdefault(target.strip(), {}).update(table)
    return maps


def fold_value(text: str | None) -> str:
    """A cell compared in a value map: case and surrounding or repeated spaces do not count."""
    return " ".join((text or "").split()).casefold()


def format_map_option(mapping: Mapping[str, str]) -> str:
    """The ``--map`` text of a mapping (constants in double quotes): what a saved mapping shows."""
    return ",".join(
        f'{field}="{value}"' if isinstance(value, Constant) else f"{field}={value}"
        for field, value in mapping.items()
    )


def format_values_option(maps: Mapping[str, Mapping[str, str | None]]) -> list[str]:
    return [
        f"{field}=" + "|".join(f"{src}:{stored or ''}" for src, stored in table.items())
        for field, table in maps.items()
    ]


def map_columns(
    source: Source,
    fmt: Format,
    headers: tuple[str, ...],
    file_name: str,
    overrides: Mapping[str, str] | None = None,
    *,
    strict: bool = True,
) -> dict[str, str]:
    """Canonical field -> the file's header that holds it.

    The user's ``overrides`` (from ``--map`` or the Data page) win; then the format's labels, the shared
    optional aliases and finally the canonical name itself. Raises :class:`UnreadableFile` naming every
    required column the file lacks, unless ``strict`` is False (the Data page's first suggestion).
    """
    by_norm = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    for target, column in (overrides or {}).items():
        if target not in source.field_names:
            raise UnreadableFile(
                f"--map names '{target}', which is not a field of {source.name} "
                f"(fields: {', '.join(source.field_names)})."
            )
        if isinstance(column, Constant):
            mapping[target] = constant_header(target)
            continue
        header = by_norm.get(normalise_header(column))
        if header is None:
            raise UnreadableFile(
                f"{file_name} has no column '{column}' (asked for by --map {target}={column})."
            )
        mapping[target] = header
    used = set(mapping.values())
    for spec in source.fields:
        if spec.name in mapping:
            continue
        candidates = [
            *fmt.columns.get(spec.name, ()),
            *source.shared_aliases.get(spec.name, ()),
            *(api_style(label) for label in source.shared_aliases.get(spec.name, ())),
            spec.name,
        ]
        for candidate in candidates:
            header = by_norm.get(normalise_header(candidate))
            if header is not None and header not in used:
                mapping[spec.name] = header
                used.add(header)
                break
    missing = [
        _wanted_label(spec.name, fmt) for spec in source.fields if spec.required and spec.name not in mapping
    ]
    missing += [
        " or ".join(_wanted_label(name, fmt) for name in group)
        for group in source.one_of
        if not any(name in mapping for name in group)
    ]
    if missing and strict:
        plural = "columns" if len(missing) > 1 else "column"
        raise UnreadableFile(
            f"{file_name} is missing the required {plural} {', '.join(missing)} "
            f"(read as {fmt.label}; use --map field=column if it is named differently)."
        )
    return mapping


def constant_header(name: str) -> str:
    """The column a constant becomes in the table the importer reads (see :func:`add_constants`)."""
    return f"{name} (constant)"


def _wanted_label(name: str, fmt: Format) -> str:
    """A vendor format asks for its own label; the generic format (no markers) for the canonical name."""
    labels = fmt.columns.get(name)
    return f"'{labels[0]}'" if labels and fmt.markers else f"'{name}'"
