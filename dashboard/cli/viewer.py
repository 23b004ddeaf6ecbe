"""``--as EMAIL`` for commands that read people data: the same roster access the web app applies."""

from __future__ import annotations

from sqlalchemy import Connection

from data_access.access import Access, access_for_email
from data_access.scope import Scope


def add_as_argument(parser) -> None:
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="apply this person's access, exactly as the web app does (default: everything, as the local executive)",
    )


def scope_for(conn: Connection, as_email: str | None, *, people_data: bool = True) -> Scope:
    """The scope a command runs with; a person with no access (or no people data) is a UserError.

    Without ``--as`` the command runs as the local executive (whoever can run commands can read the
    database anyway); ``--as`` given must name a person in the roster, so ``--as ""`` is refused
    rather than falling back to everything.
    """
    if as_email is None:
        return Scope.everything("local executive")
    from dashboard.cli.errors import UserError

    if not as_email.strip():
        raise UserError("--as needs the email of a person in the roster; it was empty.")
    access: Access = access_for_email(conn, as_email)
    if not access.allowed:
        raise UserError(access.denied_reason)
    if people_data and not access.sees_people_data:
        raise UserError(f"{as_email} is an {access.role} and sees no people data, only import counts.")
    return access.scope
