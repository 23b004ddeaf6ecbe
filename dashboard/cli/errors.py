"""The command line's one error class, in a module of its own so any command or helper can raise it."""


class UserError(Exception):
    """A problem the user can fix (bad file, unknown team, database down): one clear sentence."""
