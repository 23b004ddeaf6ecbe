"""talk opening: the lead's first customer talk, in utterances and seconds; purpose-relevant count

The opening of a meeting became the first minutes (or the first utterances, whichever ends first) and
is judged on what the meeting's lead says, so the rollup stores where the lead first talks about a
customer (``first_customer_position`` now counts only the lead's customer-impact talk, plus
``first_customer_seconds``), whether the meeting has timings (``timed``), and how many utterances are
revenue or customer impact (``purpose_relevant``). Every row is rebuilt from the raw utterances.

Revision ID: 0007_talk_opening
Revises: 0006_settings_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_talk_opening"
down_revision = "0006_settings_audit"
branch_labels = None
depends_on = None

# The rollup as data_access.talk_rollup computes it, written out here so this migration keeps meaning
# what it meant when it was written. The lead is the speaker with the most utterances (the earlier
# first utterance breaks a tie: count * 10^9 - first seq); without speaker names everyone's talk
# counts as the lead's. Window functions only, so one pass over the utterances.
FILL = """
INSERT INTO meeting_talk (
    meeting_id, team_id, held_at, kind, utterances, labelled, customer_impact, revenue, other,
    customer_questions, nsp_mentions, labelled_nsp_mentions, first_customer_position,
    first_customer_seconds, timed, purpose_relevant
)
SELECT
    meetings.id, meetings.team_id, meetings.held_at, meetings.kind,
    COUNT(ranked.meeting_id),
    COALESCE(SUM(CASE WHEN ranked.label IS NOT NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'customer_impact' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'revenue' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'other' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'customer_impact' AND ranked.is_question IS TRUE
                      THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.nsp_mention IS TRUE THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label IS NOT NULL AND ranked.nsp_mention IS TRUE
                      THEN 1 ELSE 0 END), 0),
    MIN(CASE WHEN ranked.label = 'customer_impact' AND ranked.by_lead = 1 THEN ranked.position END),
    MIN(CASE WHEN ranked.label = 'customer_impact' AND ranked.by_lead = 1 THEN ranked.since_start END),
    COALESCE(MAX(CASE WHEN ranked.start_seconds IS NOT NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label IN ('customer_impact', 'revenue') THEN 1 ELSE 0 END), 0)
FROM meetings
LEFT OUTER JOIN (
    SELECT meeting_id, label, is_question, nsp_mention, start_seconds, position, since_start,
           CASE WHEN speaker_score = MAX(speaker_score) OVER (PARTITION BY meeting_id)
                  OR MAX(CASE WHEN speaker IS NULL THEN speaker_score ELSE -1 END)
                         OVER (PARTITION BY meeting_id)
                     = MAX(speaker_score) OVER (PARTITION BY meeting_id)
                THEN 1 ELSE 0 END AS by_lead
    FROM (
        SELECT meeting_id, speaker, label, is_question, nsp_mention, start_seconds,
               ROW_NUMBER() OVER (PARTITION BY meeting_id ORDER BY seq) AS position,
               start_seconds - MIN(start_seconds) OVER (PARTITION BY meeting_id) AS since_start,
               COUNT(*) OVER (PARTITION BY meeting_id, speaker) * 1000000000
                   - MIN(seq) OVER (PARTITION BY meeting_id, speaker) AS speaker_score
        FROM utterances
    ) AS scored
) AS ranked ON ranked.meeting_id = meetings.id
GROUP BY meetings.id, meetings.team_id, meetings.held_at, meetings.kind
"""

# What 0004 filled, for the way back.
FILL_0004 = """
INSERT INTO meeting_talk (
    meeting_id, team_id, held_at, kind, utterances, labelled, customer_impact, revenue, other,
    customer_questions, nsp_mentions, labelled_nsp_mentions, first_customer_position
)
SELECT
    meetings.id, meetings.team_id, meetings.held_at, meetings.kind,
    COUNT(ranked.meeting_id),
    COALESCE(SUM(CASE WHEN ranked.label IS NOT NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'customer_impact' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'revenue' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'other' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'customer_impact' AND ranked.is_question IS TRUE
                      THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.nsp_mention IS TRUE THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label IS NOT NULL AND ranked.nsp_mention IS TRUE
                      THEN 1 ELSE 0 END), 0),
    MIN(CASE WHEN ranked.label = 'customer_impact' THEN ranked.position END)
FROM meetings
LEFT OUTER JOIN (
    SELECT meeting_id, label, is_question, nsp_mention,
           ROW_NUMBER() OVER (PARTITION BY meeting_id ORDER BY seq) AS position
    FROM utterances
) AS ranked ON ranked.meeting_id = meetings.id
GROUP BY meetings.id, meetings.team_id, meetings.held_at, meetings.kind
"""


def upgrade() -> None:
    with op.batch_alter_table("meeting_talk") as batch:
        batch.add_column(sa.Column("first_customer_seconds", sa.Float(), nullable=True))
        batch.add_column(sa.Column("timed", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("purpose_relevant", sa.Integer(), nullable=False, server_default="0"))
    op.execute("DELETE FROM meeting_talk")
    op.execute(FILL)


def downgrade() -> None:
    op.execute("DELETE FROM meeting_talk")
    with op.batch_alter_table("meeting_talk") as batch:
        batch.drop_column("purpose_relevant")
        batch.drop_column("timed")
        batch.drop_column("first_customer_seconds")
    op.execute(FILL_0004)
