"""Per-deal rollups of ``opportunity_history``, kept equal to the raw rows.

Three tables and two columns of each deal (see :mod:`data_access.models`):

- ``deal_close_date_moves``: one row per close-date row of a deal's history written up to the day
  the deal closed, with the date before it (pushes and pull-ins);
- ``deal_stage_firsts``: when a deal first reached each stage (late-stage deals of a past period);
- ``deal_history``: per deal with any history, its row count and its moves added up;
- on each deal, ``has_stage_history`` and ``first_late_stage_at`` (when it first reached a stage that
  flagged deals are in), with the flagged stages they were worked out with in ``late_stage_names``:
  when those change (an import flags or unflags deals), the time of every deal whose history names
  a stage is worked out again.

Like :mod:`data_access.rollups`, they are rebuilt from the raw rows with ``INSERT ... SELECT`` per set
of deals, never patched with deltas, so they cannot drift: whatever wrote a deal's history, or changed
the deal itself (its close date and whether it is closed decide which rows count; its team and
segment are copied), is followed by recomputing that deal. The demo loaders rebuild everything at the
end; every import refreshes the deals it wrote (:func:`deals_of_batch`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    union,
    update,
)

from data_access import models as m

__all__ = [
    "DEAL_HISTORY_COLUMNS",
    "MOVE_COLUMNS",
    "STAGE_FIRST_COLUMNS",
    "deals_of_batch",
    "late_stage_marks",
    "raw_deal_history",
    "raw_moves",
    "raw_stage_firsts",
    "rebuild_deal_history",
]

MOVE_COLUMNS = ("opportunity_id", "changed_at", "old_close", "new_close", "next_at", "direction", "days")
STAGE_FIRST_COLUMNS = ("opportunity_id", "stage", "first_at")
DEAL_HISTORY_COLUMNS = (
    "opportunity_id",
    "team_id",
    "segment",
    "history_rows",
    "pushes",
    "pull_ins",
    "first_close",
    "last_close",
    "last_move_at",
)
# Deals per refresh statement: keeps the IN lists well under every database's parameter limit.
DEAL_CHUNK = 500
# Past this many deals, and half of all deals, one rebuild of everything is cheaper than refreshing
# them chunk by chunk (the first import of a large history).
FULL_REBUILD_FROM = 20_000

HIST = m.OpportunityHistory.__table__
OPP = m.Opportunity.__table__


def _only(column, deal_ids: list[int] | None) -> list:
    return [] if deal_ids is None else [column.in_(deal_ids)]


def _days_between(later, earlier, dialect: str):
    """Whole days from ``earlier`` to ``later`` (two dates) on ``dialect``."""
    if dialect == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def raw_moves(dialect: str, deal_ids: list[int] | None = None) -> Select:
    """The close-date moves computed from the raw history (all deals, or ``deal_ids``): a SELECT whose
    columns are :data:`MOVE_COLUMNS`. Rows in order of ``changed_at`` then id; only rows holding a
    close date and written up to the day the deal closed count (the definition in :mod:`metrics.pushes`)."""
    window = {"partition_by": HIST.c.opportunity_id, "order_by": (HIST.c.changed_at, HIST.c.id)}
    rows = (
        select(
            HIST.c.opportunity_id,
            HIST.c.changed_at,
            func.lag(HIST.c.close_date).over(**window).label("old_close"),
            HIST.c.close_date.label("new_close"),
            func.lead(HIST.c.changed_at).over(**window).label("next_at"),
        )
        .join(OPP, OPP.c.id == HIST.c.opportunity_id)
        .where(
            *_only(HIST.c.opportunity_id, deal_ids),
            HIST.c.close_date.is_not(None),
            or_(
                OPP.c.is_closed.is_(False),
                OPP.c.close_date.is_(None),
                func.date(HIST.c.changed_at) <= OPP.c.close_date,
            ),
        )
        .subquery("rows")
    )
    direction = case(
        (and_(rows.c.old_close.is_not(None), rows.c.new_close > rows.c.old_close), 1),
        (and_(rows.c.old_close.is_not(None), rows.c.new_close < rows.c.old_close), -1),
        else_=0,
    )
    return select(
        rows.c.opportunity_id,
        rows.c.changed_at,
        rows.c.old_close,
        rows.c.new_close,
        rows.c.next_at,
        direction.label("direction"),
        _days_between(rows.c.new_close, rows.c.old_close, dialect).label("days"),
    )


def raw_stage_firsts(deal_ids: list[int] | None = None) -> Select:
    """When each deal first reached each stage its history names: columns :data:`STAGE_FIRST_COLUMNS`."""
    return (
        select(HIST.c.opportunity_id, HIST.c.stage, func.min(HIST.c.changed_at).label("first_at"))
        .where(*_only(HIST.c.opportunity_id, deal_ids), HIST.c.stage.is_not(None))
        .group_by(HIST.c.opportunity_id, HIST.c.stage)
    )


def raw_deal_history(deal_ids: list[int] | None = None) -> Select:
    """Per deal with any history: columns :data:`DEAL_HISTORY_COLUMNS`, the moves read from
    ``deal_close_date_moves`` (so that table is refreshed first)."""
    mv = m.DealCloseDateMove.__table__
    counted = (
        select(HIST.c.opportunity_id, func.count().label("history_rows"))
        .where(*_only(HIST.c.opportunity_id, deal_ids))
        .group_by(HIST.c.opportunity_id)
        .subquery("counted")
    )
    moves = (
        select(
            mv.c.opportunity_id,
            func.sum(case((mv.c.direction == 1, 1), else_=0)).label("pushes"),
            func.sum(case((mv.c.direction == -1, 1), else_=0)).label("pull_ins"),
            func.max(case((mv.c.old_close.is_(None), mv.c.new_close), else_=None)).label("first_close"),
            func.max(mv.c.new_close).label("last_close"),
            func.max(mv.c.changed_at).label("last_move_at"),
        )
        .where(*_only(mv.c.opportunity_id, deal_ids))
        .group_by(mv.c.opportunity_id)
        .subquery("moves")
    )
    return (
        select(
            counted.c.opportunity_id,
            OPP.c.team_id,
            OPP.c.segment,
            counted.c.history_rows,
            func.coalesce(moves.c.pushes, 0).label("pushes"),
            func.coalesce(moves.c.pull_ins, 0).label("pull_ins"),
            moves.c.first_close,
            moves.c.last_close,
            moves.c.last_move_at,
        )
        .select_from(counted)
        .join(OPP, OPP.c.id == counted.c.opportunity_id)
        .outerjoin(moves, moves.c.opportunity_id == counted.c.opportunity_id)
    )


def late_stage_marks() -> dict:
    """Each deal's ``has_stage_history`` and ``first_late_stage_at``, from its stage firsts (refreshed
    first) and the flagged stages stored in ``late_stage_names``: the values of an UPDATE of
    ``opportunities``."""
    firsts = m.DealStageFirst.__table__
    names = m.LateStageName.__table__
    return {
        "has_stage_history": exists().where(firsts.c.opportunity_id == OPP.c.id),
        "first_late_stage_at": select(func.min(firsts.c.first_at))
        .where(firsts.c.opportunity_id == OPP.c.id, firsts.c.stage.in_(select(names.c.stage)))
        .scalar_subquery(),
    }


def _mark_late_stages(conn: Connection, deal_ids: list[int] | None, *, staged_only: bool = False) -> None:
    """Work out ``deal_ids``' (every deal's) marks again, writing only the deals whose marks change;
    ``staged_only``: only deals whose history names a stage (the others have no late-stage time
    whatever the flagged stages are)."""
    marks = late_stage_marks()
    changed = or_(*(OPP.c[name].is_distinct_from(value) for name, value in marks.items()))
    staged = [OPP.c.has_stage_history.is_(True)] if staged_only else []
    conn.execute(update(OPP).where(*_only(OPP.c.id, deal_ids), *staged, changed).values(**marks))


def _flagged_stages_changed(conn: Connection) -> bool:
    """Store the stages flagged deals are in now; True when they differ from those stored before."""
    names = m.LateStageName.__table__
    now = set(
        conn.execute(
            select(OPP.c.stage).where(OPP.c.is_late_stage.is_(True), OPP.c.stage.is_not(None)).distinct()
        )
        .scalars()
        .all()
    )
    if now == set(conn.execute(select(names.c.stage)).scalars().all()):
        return False
    conn.execute(delete(names))
    if now:
        conn.execute(insert(names), [{"stage": stage} for stage in sorted(now)])
    return True


def _refresh(conn: Connection, deal_ids: list[int] | None) -> None:
    dialect = conn.dialect.name
    moves = m.DealCloseDateMove.__table__
    firsts = m.DealStageFirst.__table__
    summary = m.DealHistory.__table__
    for table in (summary, firsts, moves):
        conn.execute(delete(table).where(*_only(table.c.opportunity_id, deal_ids)))
    conn.execute(insert(moves).from_select(list(MOVE_COLUMNS), raw_moves(dialect, deal_ids)))
    conn.execute(insert(firsts).from_select(list(STAGE_FIRST_COLUMNS), raw_stage_firsts(deal_ids)))
    conn.execute(insert(summary).from_select(list(DEAL_HISTORY_COLUMNS), raw_deal_history(deal_ids)))
    _mark_late_stages(conn, deal_ids)


def rebuild_deal_history(conn: Connection, deal_ids: Iterable[int] | None = None) -> None:
    """Recompute the history rollups of ``deal_ids`` (every deal when None) from the raw rows.

    A deal without history loses its rows; most of the deals at once are rebuilt as a whole. When the
    stages flagged deals are in have changed (even with no deal given), the first late-stage time of
    every deal whose history names a stage is worked out again."""
    flags_changed = _flagged_stages_changed(conn)
    if deal_ids is None:
        _refresh(conn, None)
        return
    ids = sorted({int(i) for i in deal_ids})
    if len(ids) >= FULL_REBUILD_FROM:
        deals = conn.execute(select(func.count()).select_from(OPP)).scalar_one()
        if 2 * len(ids) >= deals:
            _refresh(conn, None)
            return
    for start in range(0, len(ids), DEAL_CHUNK):
        _refresh(conn, ids[start : start + DEAL_CHUNK])
    if flags_changed:
        _mark_late_stages(conn, None, staged_only=True)


def deals_of_batch(conn: Connection, batch_id: int) -> list[int]:
    """The deals import batch ``batch_id`` wrote history for, or wrote and that have history."""
    written = select(HIST.c.opportunity_id).where(HIST.c.source_batch_id == batch_id)
    with_history = select(OPP.c.id).where(
        OPP.c.source_batch_id == batch_id, exists().where(HIST.c.opportunity_id == OPP.c.id)
    )
    return [row[0] for row in conn.execute(union(written, with_history))]
