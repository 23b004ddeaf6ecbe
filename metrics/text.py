"""Text from outside (imports, the URL, the identity provider) made safe for Markdown.

:func:`escape_markdown` is the one escaper: the dashboard's components and the Markdown brief of
the ``report`` command both use it, so an imported team or person name is shown exactly as typed and
can never become a link, an image, HTML, a table or a formula. See :mod:`dashboard.escaping` for the
chart side.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character that starts or ends anything in CommonMark, GFM or Streamlit
# (CommonMark shows a backslash-escaped one literally); ``&`` escaped defeats entities. Only the
# characters that mean nothing anywhere (, ; ? ' " % / =) are left alone, so downloaded briefs read well.
_PUNCTUATION = re.compile(r"""([!#$&()*+\-.:<>@\[\\\]^_`{|}~])""")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\v\f]+")
# GFM finds bare URLs and e-mail addresses in the text *after* escapes are resolved, so escaping
# alone does not stop ``https://…``, ``www.…`` or ``a@b.c`` from becoming links. An invisible word
# joiner inside each trigger (between ``:`` and ``//``, between ``www`` and its dot, after an ``@``
# before a name) breaks every such pattern without changing what a reader sees.
_AUTOLINK_PARTS = re.compile(r"(?<=\\:)(?=//)|(?<=www)(?=\\\.)|(?<=\\@)(?=\w)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape_markdown(text: object) -> str:
    """``text`` as one line of literal Markdown: every punctuation character backslash-escaped,
    line breaks as spaces; ``None`` becomes an empty string."""
    if text is None:
        return ""
    escaped = _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    return _AUTOLINK_PARTS.sub(WORD_JOINER, escaped)
