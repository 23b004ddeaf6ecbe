"""Small hand-built organisations for metric tests, inserted through the test's connection.

Each helper inserts one row with sensible defaults and returns its id, so a test reads like the
situation it describes::

    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, amount=900, list_amount=1000, close=dt.date(2025, 2, 3), won=True)
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Connection, insert

from data_access import models as m
from data_access.history_rollup import rebuild_deal_history
from data_access.scope import Filters, Period
from data_access.talk_rollup import refresh_meetings

Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
Q4 = Period(dt.date(2024, 10, 1), dt.date(2024, 12, 31))


def any_sample(**overrides):
    """Default settings that score a figure whatever its sample: formula tests use a handful of
    hand-built rows, and the minimum samples have tests of their own."""
    from metrics.parameters import MetricSettings
    from metrics.registry import METRICS

    return MetricSettings.defaults().with_overrides({f"min_sample.{m.id}": 0 for m in METRICS} | overrides)


def filters(period: Period = Q1, teams=None, segment=None) -> Filters:
    return Filters(period, frozenset(teams) if teams is not None else None, segment)


class Org:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._keys = itertools.count(1)

    def _key(self, prefix: str) -> str:
        return f"{prefix}-{next(self._keys)}"

    def _insert(self, model, **values) -> int:
        return int(self.conn.execute(insert(model).values(**values)).inserted_primary_key[0])

    def team(self, name: str, parent: int | None = None, nsp_adopted_on: dt.date | None = None) -> int:
        return self._insert(m.Team, name=name, parent_id=parent, nsp_adopted_on=nsp_adopted_on)

    def person(
        self,
        team: int | None,
        name: str | None = None,
        role: str = "seller",
        hired: dt.date | None = dt.date(2020, 1, 1),
        left: dt.date | None = None,
        voluntary: bool | None = None,
    ) -> int:
        key = self._key("p")
        return self._insert(
            m.Person,
            external_key=key,
            name=name or key,
            team_id=team,
            role=role,
            hire_date=hired,
            termination_date=left,
            termination_voluntary=voluntary,
        )

    def quota(self, person: int, period: Period, amount: float) -> int:
        return self._insert(
            m.Quota, person_id=person, period_start=period.start, period_end=period.end, amount=amount
        )

    def account(self, name: str | None = None, segment: str | None = None) -> int:
        key = self._key("a")
        return self._insert(m.Account, external_key=key, name=name or key, segment=segment)

    def deal(
        self,
        team: int | None,
        amount: float | None = 1000,
        close: dt.date | None = dt.date(2025, 2, 1),
        won: bool | None = True,
        *,
        owner: int | None = None,
        list_amount: float | None = None,
        discount: float | None = None,
        created: dt.date | None = dt.date(2024, 6, 1),
        outcome: str | None = None,
        sponsor: str | None = None,
        late: bool = False,
        loss: str | None = None,
        segment: str | None = None,
        account: int | None = None,
        name: str | None = None,
    ) -> int:
        """A deal: ``won`` True (won), False (lost) or None (still open)."""
        key = self._key("o")
        deal = self._insert(
            m.Opportunity,
            external_key=key,
            name=name or f"Deal {key}",
            account_id=account,
            owner_id=owner,
            team_id=team,
            segment=segment,
            stage="Closed Won" if won else ("Closed Lost" if won is False else "Negotiation"),
            amount=amount,
            list_amount=list_amount,
            discount=discount,
            is_won=bool(won),
            is_closed=won is not None,
            created_date=created,
            close_date=close,
            is_late_stage=late,
            loss_category=loss,
            customer_outcome=outcome,
            executive_sponsor=sponsor,
        )
        if late:  # a newly flagged stage makes every deal's first late-stage time worked out again
            rebuild_deal_history(self.conn, [])
        return deal

    def history(
        self, deal: int, *close_dates: dt.date, first_change: dt.datetime = dt.datetime(2024, 7, 1)
    ) -> None:
        """One history row per close date, in order, a day apart; the deal's history rollup is
        recomputed as every writer of history does."""
        for step, day in enumerate(close_dates):
            self._insert(
                m.OpportunityHistory,
                opportunity_id=deal,
                changed_at=first_change + dt.timedelta(days=step),
                close_date=day,
                stage="Negotiation",
            )
        rebuild_deal_history(self.conn, [deal])

    def subscription(
        self,
        account: int,
        team: int | None,
        start: dt.date,
        end: dt.date | None,
        arr: float,
        *,
        renews: int | None = None,
        concession: float | None = None,
        deal: int | None = None,
    ) -> int:
        return self._insert(
            m.Subscription,
            external_key=self._key("s"),
            account_id=account,
            team_id=team,
            start_date=start,
            end_date=end,
            arr=arr,
            renewed_from_id=renews,
            concession_amount=concession,
            opportunity_id=deal,
        )

    def meeting(
        self,
        team: int | None,
        kind: str = "pipeline_review",
        held: dt.datetime = dt.datetime(2025, 2, 3, 10),
        labels: tuple = (),
    ) -> int:
        """A meeting with one utterance per item of ``labels``: a label, or (label, is_question,
        nsp_mention); its talk rollup row is computed as every writer of talk does."""
        meeting = self._insert(
            m.Meeting, external_key=self._key("m"), kind=kind, held_at=held, team_id=team, title="Meeting"
        )
        for seq, item in enumerate(labels):
            label, question, nsp = (item, False, False) if not isinstance(item, tuple) else item
            self._insert(
                m.Utterance,
                meeting_id=meeting,
                seq=seq,
                speaker="A",
                text=f"utterance {seq}",
                label=label,
                is_question=question,
                nsp_mention=nsp,
            )
        refresh_meetings(self.conn, [meeting])
        return meeting

    def nsp(self, statement: str = "We help small businesses be more successful.") -> int:
        return self._insert(m.NobleSalesPurpose, statement=statement, key_phrases=["small businesses"])

    def answers(
        self,
        team: int | None,
        question: str,
        scores: list[float],
        when: dt.datetime = dt.datetime(2025, 2, 10, 9),
        department: str | None = None,
        prefix: str | None = None,
    ) -> None:
        """One answer per score, each from a different respondent."""
        tag = prefix or self._key("r")
        for index, score in enumerate(scores):
            self._insert(
                m.SurveyResponse,
                respondent_key=f"{tag}-{index}",
                team_id=team,
                department=department,
                submitted_at=when,
                question_code=question,
                score=score,
                scale=10 if question == "enps" else 5,
            )
