"""The one error an importer raises for a file it cannot read at all."""

from __future__ import annotations


class UnreadableFile(Exception):
    """A file that cannot be imported at all (binary, empty, missing required columns, ambiguous dates).

    The message is one sentence that names the file and the problem; nothing has been written when it
    is raised. The command line turns it into a ``UserError`` (exit code 2), the Data page into an error box.
    """
