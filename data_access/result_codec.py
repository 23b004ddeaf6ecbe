"""Computed results as JSON (tables inside as Arrow), never as pickles.

A stored result is read back by every replica. Unpickling runs whatever code the bytes name, so a
row written by anyone with access to the database would run code in the app; JSON only ever
builds data. The encoding is tagged so results come back with the types they were computed with:

- ``None``, booleans, integers, text and finite floats as themselves; NaN and infinities tagged;
- tuples, sets and dictionaries (whatever their keys) tagged, lists as lists;
- dates, times, timestamps and durations as ISO text, tagged;
- pandas tables (and series) as an Arrow IPC stream in base64, so column types survive;
- dataclasses of this application (``metrics.*``, ``data_access.*``) by module, name and fields.
  Decoding rebuilds only such dataclasses: any other class named in a row is refused.

Anything else cannot be encoded (:class:`TypeError`): the result is then simply not stored.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import functools
import gc
import importlib
import io
import json
import math
from typing import Any

_TAG = "__pp"
# Classes a stored result may name; everything outside these packages is refused on decoding.
TRUSTED_PACKAGES = ("metrics.", "data_access.")


class UnreadableResult(ValueError):
    """A stored row that is not a result this module wrote."""


def encode(value: Any) -> bytes:
    with _no_cycle_collection():
        return json.dumps(_to_json(value), separators=(",", ":"), allow_nan=False).encode()


def decode(payload: bytes) -> Any:
    try:
        with _no_cycle_collection():
            # Each tagged object is turned into its value as the parser meets it, innermost first.
            return json.loads(payload, object_hook=_from_tagged)
    except (ValueError, TypeError, KeyError, AttributeError, ImportError) as error:
        raise UnreadableResult(str(error)) from error


@contextlib.contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while a result is written or read back.

    Encoding and decoding build tens of thousands of small dicts, lists and dataclasses, none of
    them in a cycle, and the collector would walk the growing heap again every few hundred of them:
    two thirds of the time a 200-team Overview took to read back (0.35 s against 0.12 s), half of
    the time it took to write (0.28 s against 0.13 s). Reference counting still frees everything;
    the collector runs again as soon as the result is written or read. A collector paused by
    someone else stays paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _tagged(tag: str, value: Any) -> dict:
    return {_TAG: tag, "v": value}


def _to_json(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:  # most of a result, checked first
        return value
    if kind is float:  # the next most common: every figure and share
        return value if math.isfinite(value) else _tagged("float", repr(value))
    if kind is list:
        return [_to_json(v) for v in value]
    if kind is dict:
        return _tagged("dict", [[_to_json(k), _to_json(v)] for k, v in value.items()])
    names = _dataclass_fields(kind)
    if names is not None:
        fields = [[name, _to_json(getattr(value, name))] for name in names]
        return _tagged("dataclass", [_class_name(kind), fields])
    return _other_to_json(value)


@functools.cache
def _dataclass_fields(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass, in order; None for any other class."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def _other_to_json(value: Any) -> Any:  # noqa: PLR0911, PLR0912 - one branch per kind of value
    import numpy as np
    import pandas as pd

    if isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return _tagged("enum", [_class_name(type(value)), _to_json(value.value)])
    if isinstance(value, int | np.integer) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else _tagged("float", repr(value))
    if isinstance(value, decimal.Decimal):
        return _tagged("decimal", str(value))
    if value is pd.NaT:
        return _tagged("nat", None)
    if isinstance(value, pd.Timestamp):
        return _tagged("timestamp", value.isoformat())
    if isinstance(value, dt.datetime):
        return _tagged("datetime", value.isoformat())
    if isinstance(value, dt.date):
        return _tagged("date", value.isoformat())
    if isinstance(value, dt.time):
        return _tagged("time", value.isoformat())
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return _tagged("timedelta", value.total_seconds())
    if isinstance(value, pd.DataFrame):
        return _tagged("frame", _frame_to_text(value))
    if isinstance(value, pd.Series):
        return _tagged(
            "series",
            [
                _frame_to_text(value.to_frame(name="v" if value.name is None else value.name)),
                value.name is None,
            ],
        )
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, tuple):
        return _tagged("tuple", [_to_json(v) for v in value])
    if isinstance(value, set | frozenset):
        return _tagged("frozenset" if isinstance(value, frozenset) else "set", [_to_json(v) for v in value])
    if isinstance(value, dict):
        return _tagged("dict", [[_to_json(k), _to_json(v)] for k, v in value.items()])
    if isinstance(value, np.ndarray):
        return _tagged("array", [_to_json(v) for v in value.tolist()])
    raise TypeError(f"a {type(value).__name__} cannot be stored as a result")


@functools.cache
def _class_name(cls: type) -> str:
    if not cls.__module__.startswith(TRUSTED_PACKAGES):
        raise TypeError(f"{cls.__module__}.{cls.__qualname__} is not a class of this application")
    return f"{cls.__module__}:{cls.__qualname__}"


# A team history names the same two classes tens of thousands of times: each is looked up once.
@functools.cache
def _trusted_class(name: str) -> type:
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(TRUSTED_PACKAGES):
        raise ValueError(f"a stored result names {name}, which is not a class of this application")
    found: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type) or not (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
        raise ValueError(f"a stored result names {name}, which is not a dataclass or an enumeration")
    return found


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _frame_to_text(frame) -> str:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=True)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return base64.b64encode(sink.getvalue()).decode("ascii")


def _frame_from_text(text: str):
    import pyarrow as pa

    with pa.ipc.open_stream(base64.b64decode(text)) as reader:
        return reader.read_all().to_pandas()


def _from_tagged(value: dict) -> Any:  # noqa: PLR0911 - one branch per tag
    """The value of one tagged JSON object, whose inner values the parser has already decoded
    (every object the encoder writes is tagged: :func:`_tagged`)."""
    tag, inner = value[_TAG], value["v"]
    if tag == "dataclass":
        cls = _trusted_class(inner[0])
        instance = object.__new__(cls)
        names = _field_names(cls)
        stored = {name for name, _ in inner[1]}
        if stored != names:
            # Written by another version of the application: compute it again rather than guess.
            raise ValueError(f"{inner[0]} was stored with other fields ({', '.join(sorted(stored ^ names))})")
        for name, field_value in inner[1]:
            object.__setattr__(instance, name, field_value)
        return instance
    if tag == "dict":
        return dict(inner)
    if tag == "tuple":
        return tuple(inner)
    if tag in ("set", "frozenset"):
        return (frozenset if tag == "frozenset" else set)(inner)
    if tag == "float":
        return float(inner)
    if tag == "decimal":
        return decimal.Decimal(inner)
    if tag in ("nat", "timestamp", "timedelta", "frame", "series", "array"):
        return _from_pandas(tag, inner)
    if tag == "datetime":
        return dt.datetime.fromisoformat(inner)
    if tag == "date":
        return dt.date.fromisoformat(inner)
    if tag == "time":
        return dt.time.fromisoformat(inner)
    if tag == "enum":
        return _trusted_class(inner[0])(inner[1])
    raise ValueError(f"unknown tag {tag!r} in a stored result")


def _from_pandas(tag: str, inner: Any) -> Any:
    import numpy as np
    import pandas as pd

    if tag == "nat":
        return pd.NaT
    if tag == "timestamp":
        return pd.Timestamp(inner)
    if tag == "timedelta":
        return pd.Timedelta(seconds=inner)
    if tag == "frame":
        return _frame_from_text(inner)
    if tag == "array":
        return np.array(inner, dtype=object)
    frame = _frame_from_text(inner[0])
    series = frame.iloc[:, 0]
    return series.rename(None) if inner[1] else series
