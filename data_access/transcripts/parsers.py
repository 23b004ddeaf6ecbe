"""Reading meeting transcripts: WebVTT (Zoom, Teams), SRT, plain text and JSON.

Every parser returns a :class:`ParsedTranscript` or raises :class:`TranscriptError` with one sentence
naming the file and the problem. Parsing touches no database: a file is read whole and checked before
anything is written, so a bad file writes nothing.

Formats
-------
WebVTT
    Parsed with webvtt-py. The speaker is the cue's voice tag (``<v Jane Doe>``, as Teams and the AMI
    corpus write it) or a ``Name: words`` prefix (as Zoom writes it). Cue ids, cue settings, NOTE,
    STYLE and REGION blocks are ignored; a multi-line cue is one utterance.
SRT
    Parsed with the ``srt`` package; the speaker is a ``Name: words`` prefix when there is one.
Plain text
    One utterance per ``Speaker: words`` line, optionally preceded (or followed) by a ``[00:01:02]``
    timestamp; a line without a speaker continues the previous utterance. A prefix is a speaker only
    when it looks like a name or role: short, no digits, and repeated across the file (a name said
    once counts when it is capitalised like a name and others speak too), so "Our targets for 2022: 5%
    growth" stays words. ``speaker_pattern`` (``--speaker-pattern REGEX``) overrides the rule.
JSON
    A list of ``{"speaker", "start", "end", "text"}`` objects (or ``{"utterances": [...]}``); start and
    end are seconds or ``HH:MM:SS(.mmm)`` strings and may be missing or null. QMSum's meeting files
    (``{"meeting_transcripts": [{"speaker", "content"}]}``) and speech-to-text exports with
    ``segments`` / ``start_time`` read the same way.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("vtt", "srt", "txt", "json")
_EXTENSIONS = {".vtt": "vtt", ".webvtt": "vtt", ".srt": "srt", ".txt": "txt", ".text": "txt", ".json": "json"}

# "Jane Doe: words" — a speaker label is short, starts with a letter and holds no sentence punctuation.
_SPEAKER_PREFIX = re.compile(r"^\s*(?P<speaker>[A-Za-zÀ-ÿ][\w .'’()&@-]{0,59}?)\s*:\s+(?P<text>\S.*)$", re.S)
_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TXT_STAMP = re.compile(rf"^\s*[\[(](?P<clock>{_CLOCK})[\])]\s*")
_TXT_STAMP_AFTER_SPEAKER = re.compile(
    rf"^(?P<speaker>[^:\[\]]{{1,60}}?)\s*[\[(](?P<clock>{_CLOCK})[\])]\s*:\s*(?P<text>.*)$"
)
_TXT_LINE = re.compile(r"^(?P<speaker>[A-Za-zÀ-ÿ][^:\[\]]{0,119}?)\s*:\s*(?P<text>.*)$")
_TAGS = re.compile(r"</?[a-z][^>]*>", re.I)
# Words that look like a speaker label but are the start of a sentence ("Note: ...", "Update: ...").
_NOT_SPEAKERS = frozenset({"note", "notes", "update", "agenda", "action", "todo", "re", "http", "https"})


class TranscriptError(ValueError):
    """A transcript that cannot be read; the message is one sentence naming the file and the problem."""


@dataclass(frozen=True, slots=True)
class ParsedUtterance:
    seq: int
    speaker: str | None
    start_seconds: float | None
    end_seconds: float | None
    text: str


@dataclass(frozen=True)
class ParsedTranscript:
    """A whole transcript, checked: at least one utterance, every utterance with text."""

    file_name: str
    format: str
    sha256: str
    utterances: tuple[ParsedUtterance, ...]

    @property
    def speakers(self) -> list[str]:
        """The distinct speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for u in self.utterances:
            if u.speaker:
                seen.setdefault(u.speaker, None)
        return list(seen)

    @property
    def duration_seconds(self) -> float | None:
        ends = [u.end_seconds for u in self.utterances if u.end_seconds is not None]
        starts = [u.start_seconds for u in self.utterances if u.start_seconds is not None]
        if not ends or not starts:
            return None
        return max(ends) - min(starts)


def detect_format(path: Path, text: str) -> str:
    """The format from the file's extension, or from its content when the extension says nothing."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    head = text.lstrip()[:200]
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith(("[", "{")):
        return "json"
    if re.match(r"\d+\s*\n\s*\d{1,2}:\d{2}:\d{2},\d{3}\s*-->", head):
        return "srt"
    if not path.suffix:
        return "txt"
    # A file named like something else (notes.md, deck.pdf) is not read as a transcript on a guess.
    raise TranscriptError(
        f"{path.name} is not a transcript this product reads: use WebVTT (.vtt), SRT (.srt), "
        "plain text 'Speaker: words' (.txt) or JSON (.json)."
    )


def decode(data: bytes, name: str) -> str:
    """The text of a transcript file: UTF-8 (with or without a byte-order mark) or UTF-16 with one.

    Raises
    ------
    TranscriptError
        For a binary file or text in another encoding (which would store garbled words).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TranscriptError(f"{name}: the UTF-16 text is damaged at byte {exc.start}.") from None
    if b"\x00" in data[:4096]:
        raise TranscriptError(f"{name} is a binary file, not a transcript (VTT, SRT, TXT or JSON).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); "
            "save it as UTF-8 and import it again."
        ) from None


def parse_file(path: Path, fmt: str | None = None, speaker_pattern: str | None = None) -> ParsedTranscript:
    """Read and parse one transcript file; ``fmt`` (vtt, srt, txt, json) overrides the detection by extension."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise TranscriptError(f"{path} is a folder, not a transcript file.") from None
    except OSError as exc:
        raise TranscriptError(f"{path} cannot be read: {exc.strerror}.") from None
    return parse_bytes(data, path.name, fmt=fmt, speaker_pattern=speaker_pattern)


def parse_bytes(
    data: bytes, name: str, fmt: str | None = None, speaker_pattern: str | None = None
) -> ParsedTranscript:
    """Parse a transcript held in memory (an upload); ``name`` is used in messages and for detection."""
    if not data.strip():
        raise TranscriptError(f"{name} is empty.")
    text = decode(data, name)
    kind = fmt or detect_format(Path(name), text)
    if kind not in FORMATS:
        raise TranscriptError(
            f"{name}: unknown transcript format {kind!r} (use one of {', '.join(FORMATS)})."
        )
    if kind == "txt":
        rows = _parse_txt(text, name, compile_speaker_pattern(speaker_pattern) if speaker_pattern else None)
    else:
        parser = {"vtt": _parse_vtt, "srt": _parse_srt, "json": _parse_json}[kind]
        rows = parser(text, name)
    utterances = tuple(
        ParsedUtterance(seq, speaker, start, end, body)
        for seq, (speaker, start, end, body) in enumerate(
            (r for r in rows if r[3]),
            start=1,
        )
    )
    if not utterances:
        raise TranscriptError(f"{name} holds no utterances (is it a {kind.upper()} transcript?).")
    return ParsedTranscript(name, kind, hashlib.sha256(data).hexdigest(), utterances)


Row = tuple[str | None, float | None, float | None, str]


def _clean(text: str) -> str:
    return " ".join(_TAGS.sub("", text).split())


def split_speaker(text: str) -> tuple[str | None, str]:
    """``("Jane Doe", "words")`` for ``"Jane Doe: words"``; ``(None, text)`` when there is no label."""
    match = _SPEAKER_PREFIX.match(text)
    if not match:
        return None, text
    speaker = match.group("speaker").strip()
    if speaker.lower() in _NOT_SPEAKERS or len(speaker.split()) > 5:
        return None, text
    return speaker, match.group("text")


def _parse_vtt(text: str, name: str) -> list[Row]:
    import webvtt
    from webvtt.errors import MalformedFileError

    if not text.lstrip().startswith("WEBVTT"):
        raise TranscriptError(f"{name} is not a WebVTT file: it does not start with the WEBVTT header.")
    _check_vtt_timings(text, name)
    try:
        captions = webvtt.from_string(text).captions
    except MalformedFileError as exc:
        raise TranscriptError(f"{name} is not a valid WebVTT file ({exc}).") from None
    rows: list[Row] = []
    for cue in captions:
        body = _clean(cue.text)
        if not body:
            # A cue holding only a non-speech event (the AMI corpus writes <vocalsound>, <laugh>) is still
            # a turn in the meeting: keep it, named, so the transcript imports whole.
            events = [t for t in _EVENT_TAG.findall(cue.raw_text) if t.lower() not in _VTT_TAGS]
            body = " ".join(f"[{t}]" for t in events)
        speaker = cue.voice.strip() if cue.voice else None
        if speaker is None:
            speaker, body = split_speaker(body)
        rows.append(
            (
                speaker,
                cue.start_time.in_milliseconds() / 1000,
                cue.end_time.in_milliseconds() / 1000,
                body.strip(),
            )
        )
    return rows


_EVENT_TAG = re.compile(r"<([A-Za-z][\w-]*)")
_VTT_TAGS = frozenset({"v", "c", "i", "b", "u", "lang", "ruby", "rt"})
_VTT_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_VTT_STAMP = re.compile(r"^(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}$")


def _check_vtt_timings(text: str, name: str) -> None:
    """Refuse a damaged timing line (a truncated file) instead of silently dropping that cue."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        match = _VTT_TIMING.match(line)
        if not match or not _VTT_STAMP.match(match.group(1)) or not _VTT_STAMP.match(match.group(2)):
            raise TranscriptError(
                f"{name}, line {number}: the cue timing {line.strip()!r} is damaged or cut off."
            )
        following = lines[number] if number < len(lines) else ""
        if not following.strip():
            raise TranscriptError(f"{name}, line {number}: the cue has no text (is the file cut off?).")


def _parse_srt(text: str, name: str) -> list[Row]:
    import srt

    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text[: exc.expected_start].count("\n") + 1
        raise TranscriptError(f"{name}, line {line}: not a valid SRT block (is the file cut off?).") from None
    rows: list[Row] = []
    for sub in subtitles:
        speaker, body = split_speaker(_clean(sub.content))
        rows.append((speaker, sub.start.total_seconds(), sub.end.total_seconds(), body.strip()))
    return rows


def clock_seconds(value: str) -> float:
    """Seconds of ``HH:MM:SS(.mmm)`` or ``MM:SS``; raises ValueError for anything else."""
    parts = value.strip().replace(",", ".").split(":")
    if not 2 <= len(parts) <= 3:
        raise ValueError(value)
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def compile_speaker_pattern(pattern: str) -> re.Pattern:
    """A ``--speaker-pattern``: a regex matched at the start of each line whose group ``speaker`` (or
    first group) is the speaker; the words are group ``text`` or the rest of the line."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise TranscriptError(f"--speaker-pattern {pattern!r} is not a regular expression ({exc}).") from None
    if compiled.groups < 1:
        raise TranscriptError(
            f"--speaker-pattern {pattern!r} has no group: put the speaker in (?P<speaker>...)."
        )
    return compiled


_NAME_WORD = re.compile(r"^[A-ZÀ-Þ][\w.'’&-]*$|^[A-Z]\.?$|^(?:de|van|von|der|da|di|la|le|du|bin|al)$")


def _candidate(line: str) -> tuple[str, str] | None:
    """(prefix, words) when the line starts like ``Name: words`` and the prefix could be a name or role."""
    match = _TXT_LINE.match(line)
    if not match:
        return None
    speaker = match.group("speaker").strip()
    name_part = re.sub(r"\s*\([^)]*\)\s*", " ", speaker).strip()  # "Jane Doe (CFO)" -> "Jane Doe"
    if (
        not name_part
        or any(ch.isdigit() for ch in speaker)
        or speaker.lower() in _NOT_SPEAKERS
        or len(name_part.split()) > 5
        or len(speaker) > 120
        or re.search(r"[?!;\"]", name_part)
    ):
        return None
    return speaker, match.group("text")


def _looks_like_name(speaker: str) -> bool:
    name_part = re.sub(r"\s*\([^)]*\)\s*", " ", speaker).strip()
    return len(name_part.split()) <= 4 and all(_NAME_WORD.match(w) for w in name_part.split())


def _parse_txt(text: str, name: str, pattern: re.Pattern | None = None) -> list[Row]:
    lines: list[tuple[float | None, str, tuple[str, str] | None]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = None
        stamp = _TXT_STAMP.match(line)
        if stamp:
            start = clock_seconds(stamp.group("clock"))
            line = line[stamp.end() :]
        candidate = None
        if pattern is not None:
            found = pattern.match(line)
            if found:
                groups = found.groupdict()
                speaker = (groups.get("speaker") or found.group(1) or "").strip()
                body = groups["text"] if groups.get("text") is not None else line[found.end() :]
                candidate = (speaker, body) if speaker else None
        else:
            after = _TXT_STAMP_AFTER_SPEAKER.match(line)
            if after:
                start = clock_seconds(after.group("clock"))
                candidate = (after.group("speaker").strip(), after.group("text"))
            else:
                candidate = _candidate(line)
        lines.append((start, line, candidate))
    if pattern is None:
        counts: dict[str, int] = {}
        for _, _, candidate in lines:
            if candidate:
                counts[candidate[0].casefold()] = counts.get(candidate[0].casefold(), 0) + 1
        repeated = {k for k, n in counts.items() if n >= 2}
        accepted = repeated | {
            k
            for k, n in counts.items()
            if n == 1 and (repeated or len(counts) > 1) and _looks_like_name(k.title())
        }
        # A single-speaker file or a file of one-off names: a capitalised name still counts.
        lines = [(start, line, c if c and c[0].casefold() in accepted else None) for start, line, c in lines]
    rows: list[list] = []
    for start, line, candidate in lines:
        speaker, body = candidate if candidate else (None, line)
        if speaker is None and start is None and rows:
            rows[-1][3] = f"{rows[-1][3]} {line}".strip()
            continue
        rows.append([speaker, start, None, body.strip()])
    # An utterance ends where the next timed one starts.
    for i, row in enumerate(rows):
        if row[1] is None:
            continue
        later = next((r[1] for r in rows[i + 1 :] if r[1] is not None), None)
        if later is not None and later >= row[1]:
            row[2] = later
    if not any(r[0] for r in rows):
        raise TranscriptError(
            f"{name} has no 'Speaker: words' lines, so no utterance has a speaker "
            "(use --speaker-pattern REGEX if the file marks speakers another way)."
        )
    return [(r[0], r[1], r[2], _clean(r[3])) for r in rows]


def _json_time(value, name: str, index: int, key: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TranscriptError(f"{name}, item {index}: {key} must be seconds or HH:MM:SS, not {value!r}.")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value) if re.fullmatch(r"\d+(\.\d+)?", value.strip()) else clock_seconds(value)
        except ValueError:
            pass
    raise TranscriptError(f"{name}, item {index}: {key} must be seconds or HH:MM:SS, not {value!r}.")


# The keys transcript JSON files use: our own, QMSum's ("meeting_transcripts", "content") and common
# speech-to-text exports ("segments", "start_time").
_JSON_LISTS = ("utterances", "meeting_transcripts", "segments", "transcript", "results")
_JSON_TEXT = ("text", "content", "utterance", "transcript")
_JSON_SPEAKER = ("speaker", "speaker_name", "speaker_label", "name")
_JSON_START = ("start", "start_time", "startTime")
_JSON_END = ("end", "end_time", "endTime")


def _first(item: dict, keys: tuple[str, ...]):
    return next((item[k] for k in keys if k in item), None)


def _parse_json(text: str, name: str) -> list[Row]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise TranscriptError(f"{name}: the JSON is nested too deeply to be a transcript.") from None
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"{name}, line {exc.lineno}: not valid JSON ({exc.msg}; is the file cut off?)."
        ) from None
    if isinstance(data, dict):
        data = next((data[k] for k in _JSON_LISTS if isinstance(data.get(k), list)), data)
    if not isinstance(data, list):
        raise TranscriptError(f"{name}: expected a JSON list of {{speaker, start, end, text}} objects.")
    rows: list[Row] = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise TranscriptError(
                f"{name}, item {index}: expected an object with speaker, start, end and text."
            )
        body = _first(item, _JSON_TEXT)
        if not isinstance(body, str):
            raise TranscriptError(f"{name}, item {index}: 'text' is missing or not a string.")
        speaker = _first(item, _JSON_SPEAKER)
        if speaker is not None and not isinstance(speaker, str):
            speaker = str(speaker)
        start = _json_time(_first(item, _JSON_START), name, index, "start")
        end = _json_time(_first(item, _JSON_END), name, index, "end")
        if start is not None and end is not None and end < start:
            raise TranscriptError(f"{name}, item {index}: it ends ({end}) before it starts ({start}).")
        rows.append(((speaker or "").strip() or None, start, end, _clean(body)))
    return rows
