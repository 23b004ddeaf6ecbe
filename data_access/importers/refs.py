"""Teams, people and accounts that rows name: found by key, email or name, or created and reported.

A file that names an owner, team or account the database does not know yet is not an error (the
people file may simply come later): the missing ones are created in bulk and listed in the import's
summary. Lookups are loaded once per import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, func, insert, select

from data_access import models as m
from data_access.importers.store import bulk_insert, chunks

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def looks_like_email(text: str) -> bool:
    return bool(EMAIL.match(text.strip()))


def fold(text: str) -> str:
    """Case- and space-insensitive form of a name for matching."""
    return " ".join(text.split()).casefold()


class Directory:
    """Lookups of teams, people and accounts for one import, with bulk creation of unknown ones."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.created: dict[str, list[str]] = {"teams": [], "people": [], "accounts": []}
        self._teams: dict[str, int] | None = None
        self._people: dict[str, tuple[int, int | None]] | None = None
        self._accounts: dict[str, int] = {}

    # Teams -------------------------------------------------------------------------------------------

    def _load_teams(self) -> dict[str, int]:
        if self._teams is None:
            rows = self.conn.execute(select(m.Team.id, m.Team.name))
            self._teams = {fold(name): team_id for team_id, name in rows}
        return self._teams

    def ensure_teams(self, names: Iterable[str | None], parents: dict[str, str] | None = None) -> None:
        """Create the teams among ``names`` that do not exist (with a parent team when given)."""
        teams = self._load_teams()
        missing = list(dict.fromkeys(n.strip() for n in names if n and fold(n) not in teams))
        parents = parents or {}
        for name in [
            p for p in dict.fromkeys(parents.values()) if p and fold(p) not in teams and p not in missing
        ]:
            missing.insert(0, name)
        for name in missing:
            parent = parents.get(name)
            parent_id = teams.get(fold(parent)) if parent else None
            team_id = self.conn.execute(
                insert(m.Team).values(name=name[:200], parent_id=parent_id).returning(m.Team.id)
            ).scalar_one()
            teams[fold(name)] = team_id
            self.created["teams"].append(name)

    def team_id(self, name: str | None) -> int | None:
        return self._load_teams().get(fold(name)) if name else None

    # People ------------------------------------------------------------------------------------------

    def _load_people(self) -> dict[str, tuple[int, int | None]]:
        if self._people is None:
            people: dict[str, tuple[int, int | None]] = {}
            rows = self.conn.execute(
                select(m.Person.id, m.Person.external_key, m.Person.email, m.Person.name, m.Person.team_id)
            )
            by_name: dict[str, list[tuple[int, int | None]]] = {}
            for person_id, key, email, name, team_id in rows:
                people[f"key:{key.casefold()}"] = (person_id, team_id)
                if email:
                    people[f"email:{email.casefold()}"] = (person_id, team_id)
                by_name.setdefault(fold(name), []).append((person_id, team_id))
            for name, found in by_name.items():
                if len(found) == 1:  # an ambiguous name matches nobody rather than the wrong person
                    people[f"name:{name}"] = found[0]
            self._people = people
        return self._people

    def person(self, ref: str | None) -> tuple[int, int | None] | None:
        """(person id, team id) for an owner or manager given by external key, email or name."""
        if not ref or not ref.strip():
            return None
        people = self._load_people()
        text = ref.strip()
        return (
            people.get(f"key:{text.casefold()}")
            or people.get(f"email:{text.casefold()}")
            or people.get(f"name:{fold(text)}")
        )

    def remember_person(
        self, person_id: int, team_id: int | None, *, key: str, email: str | None, name: str
    ) -> None:
        people = self._load_people()
        people[f"key:{key.casefold()}"] = (person_id, team_id)
        if email:
            people[f"email:{email.casefold()}"] = (person_id, team_id)
        people[f"name:{fold(name)}"] = (person_id, team_id)

    def ensure_people(self, refs: Iterable[str | None], role: str = "seller") -> None:
        """Create a person for every reference (name, email or CRM user id) that matches nobody."""
        missing = list(dict.fromkeys(r.strip() for r in refs if r and r.strip() and self.person(r) is None))
        rows = []
        for ref in missing:
            email = ref.casefold() if looks_like_email(ref) else None
            rows.append({"external_key": ref[:200], "name": ref[:200], "email": email, "role": role})
        for part in chunks(rows):
            result = self.conn.execute(
                insert(m.Person).returning(m.Person.id, m.Person.external_key, sort_by_parameter_order=True),
                list(part),
            )
            for (person_id, _key), row in zip(result.all(), part, strict=True):
                self.remember_person(
                    person_id, None, key=row["external_key"], email=row["email"], name=row["name"]
                )
                self.created["people"].append(row["name"])

    # Accounts ----------------------------------------------------------------------------------------

    def load_accounts(self, refs: Iterable[str | None]) -> None:
        """Pre-load the accounts among ``refs`` (by external key or name) in chunks."""
        wanted = list(dict.fromkeys(r.strip() for r in refs if r and r.strip()))
        wanted = [r for r in wanted if f"key:{r.casefold()}" not in self._accounts]
        for part in chunks(wanted, 500):
            folded = [r.casefold() for r in part]
            rows = self.conn.execute(
                select(m.Account.id, m.Account.external_key, m.Account.name).where(
                    m.Account.external_key.in_(list(part)) | func.lower(m.Account.name).in_(folded)
                )
            )
            for account_id, key, name in rows:
                self._accounts[f"key:{key.casefold()}"] = account_id
                self._accounts.setdefault(f"name:{fold(name)}", account_id)

    def account_id(self, ref: str | None) -> int | None:
        if not ref or not ref.strip():
            return None
        text = ref.strip()
        return self._accounts.get(f"key:{text.casefold()}") or self._accounts.get(f"name:{fold(text)}")

    def ensure_accounts(self, refs: Iterable[str | None]) -> None:
        """Create an account for every reference that matches none (key and name = the reference)."""
        refs = list(refs)
        self.load_accounts(refs)
        missing = list(
            dict.fromkeys(r.strip() for r in refs if r and r.strip() and self.account_id(r) is None)
        )
        rows = [{"external_key": ref[:200], "name": ref[:300]} for ref in missing]
        # A plain bulk insert, then the new ids by key: RETURNING in parameter order goes one row at a
        # time on SQLite, which made a file naming thousands of new accounts slow.
        bulk_insert(self.conn, m.Account.__table__, rows)
        ids: dict[str, int] = {}
        for part in chunks([row["external_key"] for row in rows]):
            found = self.conn.execute(
                select(m.Account.external_key, m.Account.id).where(m.Account.external_key.in_(list(part)))
            )
            ids.update({key: account_id for key, account_id in found})
        for row in rows:
            account_id = ids[row["external_key"]]
            self._accounts[f"key:{row['external_key'].casefold()}"] = account_id
            self._accounts.setdefault(f"name:{fold(row['name'])}", account_id)
            self.created["accounts"].append(row["name"])

    def remember_account(self, account_id: int, key: str, name: str) -> None:
        self._accounts[f"key:{key.casefold()}"] = account_id
        self._accounts[f"name:{fold(name)}"] = account_id
