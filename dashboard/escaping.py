"""The one escaper for text that comes from outside: imported files, the URL, the identity provider.

Streamlit renders Markdown (and its own ``:color[]``, ``:material/…:``, ``$maths$`` directives) in
titles, captions, alerts, metric labels and widget labels. Text that someone else wrote — a team or
person name, the NSP statement, a meeting title, an email, a value quoted in an error — goes through
:func:`escape_markdown` before it reaches any of them, so it is shown exactly as typed and can never
become a link, an image, HTML, a table or a formula. Dataframe cells need no escaping; they are text.
:func:`escape_chart_text` does the same for plotly, whose labels understand a little HTML.
"""

from __future__ import annotations

import html

from metrics.text import WORD_JOINER, escape_markdown  # noqa: F401  (the one escaper, re-exported)


def escape_chart_text(text: object) -> str:
    """``text`` for a plotly title, axis label or hover text: its HTML-like tags (``<a href>``,
    ``<img>``) shown as written rather than followed."""
    if text is None:
        return ""
    return html.escape(str(text), quote=False)


_TRACE_TEXT = ("x", "y", "text", "hovertext", "name", "labels", "customdata", "ids")


def _chart_values(values):
    if values is None or isinstance(values, int | float | bool):
        return values
    if isinstance(values, str):
        return escape_chart_text(values)
    try:
        items = list(values)
    except TypeError:
        return values
    return [_chart_values(v) if isinstance(v, str) or hasattr(v, "__iter__") else v for v in items]


def inert_figure(fig):
    """``fig`` with every text it shows (categories, trace names, hover and label text, titles,
    annotations) escaped for plotly, so an imported name can never add a link or an image to a
    chart. Returns the same figure, changed in place."""
    for trace in fig.data:
        for attribute in _TRACE_TEXT:
            value = getattr(trace, attribute, None)
            if value is None:
                continue
            if isinstance(value, str) or any(isinstance(v, str) or hasattr(v, "__iter__") for v in value):
                trace[attribute] = _chart_values(value)
    layout = fig.layout
    if layout.title and layout.title.text:
        layout.title.text = escape_chart_text(layout.title.text)
    for annotation in layout.annotations or ():
        if annotation.text:
            annotation.text = escape_chart_text(annotation.text)
    for name in dir(layout):
        if name.startswith(("xaxis", "yaxis")):
            axis = getattr(layout, name, None)
            if axis is None or not hasattr(axis, "ticktext"):
                continue
            if axis.ticktext is not None:
                axis.ticktext = _chart_values(axis.ticktext)
            if axis.title and axis.title.text:
                axis.title.text = escape_chart_text(axis.title.text)
    return fig
