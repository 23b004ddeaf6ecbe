"""One way for a page to read: :func:`cached_read` (or :func:`live_read`) turns a metric-layer (or data-access) function
``fn(conn, scope, filters, ..., settings)`` into a read of a :class:`~dashboard.view.View`.

A read opens the connection itself and passes the view's ``scope``, ``filters`` and ``settings`` to
the parameters of ``fn`` that have those names; the caller gives only the rest
(``reads.talk_mix(view, "kind")``). Results are kept at two levels:

- ``st.cache_data`` in this process, keyed by the database, the function and every argument, the
  scope's teams included (the key of the result store), so a result is only ever served to viewers
  who may read those same teams;
- the database's result store (:mod:`data_access.result_store`, unless ``store=False``), keyed by the
  function's module-qualified name and its arguments (the scope's teams, never the viewer's name) and
  checked against the data's version, so what one session, process or replica computed the next reads.

A stored read of a large organisation computes on the columnar copy of the current data when there is
one (:mod:`data_access.analytics`), and on the database otherwise.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard.view import View
from data_access import analytics, result_store

TTL = "10m"
# Parameters of a read function that the view fills in.
VIEW_PARTS = ("scope", "filters", "settings")


class CachedRead:
    """A read of a view: call it as ``read(view, *args, **kwargs)``."""

    def __init__(
        self,
        fn: Callable,
        *,
        spinner: str | bool = False,
        store: bool = True,
        live: bool = False,
        versioned: bool = False,
    ):
        self.fn = fn
        self.name = f"{fn.__module__}.{fn.__qualname__}"
        self.store = store and not live
        self.live = live
        self.versioned = versioned
        parameters = list(inspect.signature(fn).parameters)[1:]  # the first is the connection
        self._from_view = tuple(p for p in parameters if p in VIEW_PARTS)
        self._given = tuple(p for p in parameters if p not in VIEW_PARTS)

        # Keyed by a digest of the arguments made here (:func:`data_access.result_store.key_of`, six
        # times cheaper than Streamlit hashing the settings and filters on every call of every rerun);
        # the arguments themselves (underscored) are not hashed again.
        def cached(name: str, url: str, key: str, _arguments: dict, _engine) -> Any:
            return self._compute(_engine, _arguments)

        # Streamlit keys a cache by the function's qualified name: one per read.
        cached.__qualname__ = cached.__name__ = self.name
        self._cached = st.cache_data(ttl=TTL, show_spinner=spinner)(cached)

    def __repr__(self) -> str:
        return f"cached_read({self.name})"

    def arguments(self, view: View, *args, **kwargs) -> dict[str, Any]:
        """Every argument ``fn`` gets besides the connection, by name."""
        if len(args) > len(self._given):
            raise TypeError(f"{self.name} takes {len(self._given)} argument(s) besides the view")
        named = {part: getattr(view, part) for part in self._from_view}
        named.update(zip(self._given, args, strict=False))
        named.update(kwargs)
        return named

    def __call__(self, view: View, *args, **kwargs) -> Any:
        arguments = self.arguments(view, *args, **kwargs)
        if self.live or not view.cache:
            return self._compute(view.engine, arguments)
        keyed: tuple = (arguments,)
        if self.versioned:
            with view.engine.connect() as conn:
                keyed += (result_store.data_version(conn),)
        return self._cached(
            self.name, view.url, result_store.key_of(self.name, keyed), arguments, view.engine
        )

    def at(self, view: View, *args, **kwargs) -> Call:
        """This read with its arguments, to run later (a page's declared reads)."""
        return Call(self, view, args, kwargs)

    def _compute(self, engine, arguments: dict[str, Any]) -> Any:
        def compute():
            with engine.connect() as conn:
                return self.fn(conn, **arguments)

        if not self.store:
            return compute()
        return result_store.remember(
            engine, self.name, (arguments,), lambda: self._analytical(engine, arguments)
        )

    def _analytical(self, engine, arguments: dict[str, Any]) -> Any:
        """``fn`` on the columnar copy of the current data (:mod:`data_access.analytics`), or on the
        database when there is none (a small organisation, or a copy still being taken)."""
        return analytics.computed(engine, lambda conn: self.fn(conn, **arguments), self.name)


@dataclass(frozen=True)
class Call:
    """One read with its view and arguments, as a page makes it."""

    read: CachedRead
    view: View
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __call__(self) -> Any:
        return self.read(self.view, *self.args, **self.kwargs)

    @property
    def label(self) -> str:
        shown = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.read.fn.__name__}({', '.join(shown)})"


def cached_read(fn: Callable, *, spinner: str | bool = False, store: bool = True) -> CachedRead:
    """``fn`` as a cached read of a view; ``spinner`` is the text shown while it computes,
    ``store=False`` for light reads that skip the result store."""
    return CachedRead(fn, spinner=spinner, store=store)


def versioned_read(fn: Callable, *, spinner: str | bool = False) -> CachedRead:
    """``fn`` as a read that is exact the moment the data changes, in any process (an import from the
    command line included), and costs two small queries while it has not: cached by the arguments
    and the data version (:func:`data_access.result_store.data_version`), and stored like any read."""
    return CachedRead(fn, spinner=spinner, versioned=True)


def live_read(fn: Callable) -> CachedRead:
    """``fn`` as a read of a view that is made afresh on every call: for what a page must show as it
    is this moment (the import history right after an import), never cached nor stored."""
    return CachedRead(fn, live=True)
