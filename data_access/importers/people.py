"""People: sellers, managers, leaders; their teams and reporting line come from the same file."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationInfo, model_validator

from data_access import models as m
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.refs import fold, looks_like_email
from data_access.importers.spec import FieldSpec, Format, Source
from data_access.importers.store import bulk_insert, bulk_update, load_existing, same
from data_access.importers.validation import (
    Bool,
    Date,
    ImportRow,
    Rejection,
    RequiredText,
    Text,
    ValidRow,
    label_of,
    reject_duplicates,
)

ROLE_WORDS = {
    "seller": "seller",
    "rep": "seller",
    "sales rep": "seller",
    "account executive": "seller",
    "ae": "seller",
    "sdr": "seller",
    "bdr": "seller",
    "sales agent": "seller",
    "manager": "manager",
    "sales manager": "manager",
    "team lead": "manager",
    "leader": "leader",
    "director": "leader",
    "vp": "leader",
    "vp sales": "leader",
    "regional director": "leader",
    "executive": "executive",
    "cro": "executive",
    "ceo": "executive",
    "admin": "admin",
    "sales operations": "admin",
    "sales ops": "admin",
}


class PersonRow(ImportRow):
    TEXT_LIMITS: ClassVar[dict[str, int]] = {"email": 320}

    id: Text = None
    name: RequiredText
    email: Text = None
    team: Text = None
    parent_team: Text = None
    manager: Text = None
    role: Text = None
    title: Text = None
    hire_date: Date = None
    termination_date: Date = None
    termination_voluntary: Bool = None

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo):
        if self.email and not looks_like_email(self.email):
            raise ValueError(f"'{self.email}' is not an email address")
        if self.role and fold(self.role) not in ROLE_WORDS:
            raise ValueError(f"role '{self.role}' is not one of seller, manager, leader, executive, admin")
        if self.hire_date and self.termination_date and self.termination_date < self.hire_date:
            raise ValueError(
                f"{label_of(info, 'termination_date')} {self.termination_date} is before "
                f"{label_of(info, 'hire_date')} {self.hire_date}"
            )
        if len(self.name) > 200:
            raise ValueError("the name is longer than 200 characters")
        return self

    @property
    def key(self) -> str:
        return (self.id or (self.email.casefold() if self.email else None) or self.name).strip()


FIELDS = (
    FieldSpec("id", help="the person's id in the CRM or HR system (optional; email or name otherwise)"),
    FieldSpec("name", required=True, help="full name"),
    FieldSpec("email", help="work email; the most reliable way to match owners in other files"),
    FieldSpec("team", help="team name; created when new"),
    FieldSpec("parent_team", help="the team's parent (a region); created when new"),
    FieldSpec("manager", help="the manager's name or email; created when not in the file or database"),
    FieldSpec(
        "role",
        help="seller, manager, leader, executive or admin (default seller, manager if anyone reports to them)",
    ),
    FieldSpec("title", help="job title"),
    FieldSpec("hire_date", "date"),
    FieldSpec("termination_date", "date", help="empty while employed"),
    FieldSpec("termination_voluntary", "bool", help="whether the person chose to leave"),
)

FORMATS = (
    Format(
        "salesforce_users",
        "Salesforce user export",
        {
            "id": ("Id", "User ID"),
            "name": ("Name", "Full Name"),
            "email": ("Email",),
            "team": ("Team", "UserRole.Name"),
            "manager": ("Manager.Name", "Manager.Email", "ManagerId", "Manager"),
            "title": ("Title",),
            "hire_date": ("Hire Date", "Start Date"),
        },
        markers=("Id", "Name", "Email"),
    ),
    Format(
        "maven",
        "Maven CRM sales_teams.csv",
        {"name": ("sales_agent",), "manager": ("manager",), "parent_team": ("regional_office",)},
        markers=("sales_agent", "regional_office"),
    ),
    Format(
        "generic",
        "generic CSV (canonical names)",
        {
            "name": ("Full Name", "Employee Name", "Person"),
            "email": ("Email Address", "Work Email"),
            "team": ("Team Name", "Sales Team"),
            "manager": ("Manager Email", "Manager Name", "Reports To"),
            "hire_date": ("Hire Date", "Start Date"),
            "termination_date": ("Termination Date", "Leave Date", "End Date"),
            "termination_voluntary": ("Voluntary", "Voluntary Termination"),
        },
    ),
)

COMPARED = (
    "name",
    "email",
    "team_id",
    "manager_id",
    "role",
    "title",
    "hire_date",
    "termination_date",
    "termination_voluntary",
)


def settle_parents(ctx: WriteContext, rows: list[ValidRow]) -> tuple[list[ValidRow], list[Rejection]]:
    """A team the file gives two parent teams keeps the first one, with one warning line per team;
    under ``--strict`` the rows naming another parent are rejected instead."""
    first: dict[str, tuple[str, int]] = {}
    others: dict[str, dict[str, list[int]]] = {}
    for valid in rows:
        team, parent = valid.row.team, valid.row.parent_team
        if not team or not parent:
            continue
        chosen = first.setdefault(fold(team), (parent, valid.line_number))
        if fold(chosen[0]) != fold(parent):
            others.setdefault(fold(team), {}).setdefault(parent, []).append(valid.line_number)
    if not others:
        return rows, []
    rejected: list[Rejection] = []
    kept: list[ValidRow] = []
    for valid in rows:
        team = valid.row.team
        conflict = others.get(fold(team)) if team else None
        parent = valid.row.parent_team
        if conflict and parent and fold(parent) != fold(first[fold(team)][0]):
            if ctx.strict:
                chosen, line = first[fold(team)]
                rejected.append(
                    Rejection(
                        valid.line_number,
                        valid.raw,
                        f"team '{team}' has parent '{parent}' here but '{chosen}' on line {line}",
                    )
                )
                continue
            valid.row.parent_team = first[fold(team)][0]
        kept.append(valid)
    for team_key, conflict in others.items():
        chosen, line = first[team_key]
        team = next(v.row.team for v in rows if v.row.team and fold(v.row.team) == team_key)
        shown = "; ".join(
            f"'{p}' on line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls[:5]))}"
            for p, ls in conflict.items()
        )
        choice = (
            "rejected those rows (--strict)" if ctx.strict else f"kept '{chosen}' (line {line}), the first"
        )
        ctx.notes.append(
            f"Conflict: team '{team}' is given two parent teams, '{chosen}' and {shown}; {choice}."
        )
    return kept, rejected


def write(ctx: WriteContext, rows: list[ValidRow]) -> WriteOutcome:
    """Upsert people matched by id, email or name; create their teams and missing managers."""
    rows, duplicates = reject_duplicates(rows, lambda r: r.key.casefold(), "the same person")
    rows, conflicts = settle_parents(ctx, rows)
    duplicates = duplicates + conflicts
    directory = ctx.directory
    parents = {}
    for r in rows:
        if r.row.team and r.row.parent_team:
            parents.setdefault(fold(r.row.team), (r.row.team, r.row.parent_team))
    parents = dict(parents.values())
    directory.ensure_teams((r.row.team for r in rows), parents)
    directory.ensure_teams(r.row.parent_team for r in rows if not r.row.team)

    # Match each row to a stored person: id/email first, then a unique name.
    matched: dict[int, int] = {}  # row index -> person id
    existing_ids: list[int] = []
    for i, valid in enumerate(rows):
        row = valid.row
        found = directory.person(row.id) if row.id else None
        found = found or (directory.person(row.email) if row.email else None) or directory.person(row.name)
        if found:
            matched[i] = found[0]
            existing_ids.append(found[0])
    table = m.Person.__table__
    stored = load_existing(ctx.conn, table, ["id"], existing_ids, list(COMPARED) + ["external_key"])

    # Insert the new people first (without managers) so everyone in the file has an id.
    new_rows = [(i, v.row) for i, v in enumerate(rows) if i not in matched]
    inserts = [
        {
            "external_key": row.key[:200],
            "name": row.name,
            "email": row.email.casefold() if row.email else None,
            "team_id": directory.team_id(row.team or row.parent_team),
            "role": "seller",
        }
        for _, row in new_rows
    ]
    for (i, row), (person_id, _key) in zip(
        new_rows, bulk_insert(ctx.conn, table, inserts, "external_key"), strict=True
    ):
        matched[i] = person_id
        directory.remember_person(
            person_id, directory.team_id(row.team), key=row.key, email=row.email, name=row.name
        )
    directory.ensure_people((r.row.manager for r in rows), role="manager")

    managers = {directory.person(r.row.manager)[0] for r in rows if r.row.manager}  # type: ignore[index]
    new_ids = {matched[i] for i, _ in new_rows}
    updates, unchanged = [], 0
    for i, valid in enumerate(rows):
        row, person_id = valid.row, matched[i]
        manager = directory.person(row.manager) if row.manager else None
        role = ROLE_WORDS[fold(row.role)] if row.role else ("manager" if person_id in managers else None)
        values = {
            "name": row.name,
            "email": row.email.casefold() if row.email else None,
            "team_id": directory.team_id(row.team or row.parent_team),
            "manager_id": manager[0] if manager and manager[0] != person_id else None,
            "role": role,
            "title": row.title,
            "hire_date": row.hire_date,
            "termination_date": row.termination_date,
            "termination_voluntary": row.termination_voluntary,
        }
        if person_id in new_ids:
            updates.append({"id": person_id, **values, "role": role or "seller"})
            continue
        old = stored[person_id]
        # What the file leaves empty keeps its stored value rather than erasing a known email or team.
        merged = {c: values[c] if values[c] is not None else old.get(c) for c in COMPARED}
        if all(same(old.get(c), merged[c]) for c in COMPARED):
            unchanged += 1
        else:
            updates.append({"id": person_id, **merged, "role": merged["role"] or "seller"})
    bulk_update(ctx.conn, table, updates)
    return WriteOutcome(
        inserted=len(new_rows), updated=len(updates) - len(new_rows), unchanged=unchanged, rejected=duplicates
    )


SOURCE = Source(
    name="people",
    label="People",
    description="Sellers, managers and leaders with team, manager, hire and termination dates.",
    fields=FIELDS,
    formats=FORMATS,
    model=PersonRow,
    write=write,
)
