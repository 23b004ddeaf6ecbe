"""Meeting transcripts: parsing WebVTT, SRT, plain text and JSON, and storing them as meetings."""

from data_access.transcripts.parsers import (
    FORMATS,
    ParsedTranscript,
    ParsedUtterance,
    TranscriptError,
    parse_bytes,
    parse_file,
)
from data_access.transcripts.store import (
    StoredMeeting,
    format_evidence,
    meeting_key,
    store_transcript,
    team_id_named,
)

__all__ = [
    "FORMATS",
    "ParsedTranscript",
    "ParsedUtterance",
    "StoredMeeting",
    "TranscriptError",
    "format_evidence",
    "meeting_key",
    "parse_bytes",
    "parse_file",
    "store_transcript",
    "team_id_named",
]
