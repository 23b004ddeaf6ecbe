"""One settings object, resolved at the edge (environment, ``.streamlit/secrets.toml``, defaults).

Nothing deeper in the code reads ``os.environ``; the CLI and the app build :class:`Settings`
once and pass what is needed down.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "purpose_pulse.db"
SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.toml"
EXAMPLE_SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.example.toml"
# The placeholder shipped in secrets.example.toml; anyone can read it, so a cookie signed with it
# would sign anyone in as anyone. Kept here too in case the example file is not deployed.
EXAMPLE_COOKIE_SECRET = "a-long-random-string-shared-by-every-replica"
MIN_COOKIE_SECRET_LENGTH = 32
# Below this many bits (length x Shannon entropy per character) a secret is guessable.
MIN_COOKIE_SECRET_BITS = 80


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo_seed: int = 7
    auth_configured: bool = False
    # Problems with the [auth] section that must stop the app at start-up, as one sentence.
    auth_problem: str | None = None
    # Identity-provider group -> role, from [purpose_pulse.group_roles] in secrets.toml.
    group_roles: tuple[tuple[str, str], ...] = ()
    # Where a deal's CRM record opens: an address holding {crm_id}, from [crm] record_url in
    # secrets.toml or CRM_RECORD_URL (docs/crm-links.md). None: deals are not linked.
    crm_record_url: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_label(self) -> str:
        """The database without credentials, safe to show on a page."""
        if self.is_sqlite:
            return "SQLite " + self.database_url.split("///", 1)[-1]
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_DB_PATH}"


def read_secrets(path: Path = SECRETS_PATH) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _example_cookie_secrets() -> set[str]:
    secrets = {EXAMPLE_COOKIE_SECRET}
    try:
        example = read_secrets(EXAMPLE_SECRETS_PATH).get("auth") or {}
        if example.get("cookie_secret"):
            secrets.add(str(example["cookie_secret"]))
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        pass
    return secrets


def _entropy_bits(text: str) -> float:
    counts = Counter(text)
    return -sum(n * math.log2(n / len(text)) for n in counts.values())


def cookie_secret_problem(secret) -> str | None:
    """One sentence saying why ``cookie_secret`` of the [auth] section must not be used, or None.

    Streamlit signs the sign-in cookie with this secret: whoever knows or guesses it can forge a
    cookie naming anyone, so the example's placeholder, short secrets and low-variety secrets
    (one repeated character, a repeated pattern) stop the app and every command at start-up.
    """
    text = str(secret or "").strip()
    fix = 'set it to a long random string, for example the output of python -c "import secrets; print(secrets.token_urlsafe(48))".'
    where = "the cookie_secret in the [auth] section of .streamlit/secrets.toml"
    if not text:
        return (
            f"Sign-in is configured in .streamlit/secrets.toml ([auth]) but cookie_secret is missing: {fix}"
        )
    if text in _example_cookie_secrets():
        return (
            f"{where.capitalize()} is the placeholder from secrets.example.toml, which anyone can read: {fix}"
        )
    if len(text) < MIN_COOKIE_SECRET_LENGTH:
        return (
            f"{where.capitalize()} has {len(text)} characters, fewer than {MIN_COOKIE_SECRET_LENGTH}: {fix}"
        )
    repeated = text in (text + text)[1:-1]
    if repeated or len(set(text)) < 8 or _entropy_bits(text) < MIN_COOKIE_SECRET_BITS:
        return f"{where.capitalize()} is too easy to guess (too little variety in its characters): {fix}"
    return None


def load_settings(environ: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Settings:
    """Resolve settings: the environment wins over secrets.toml, which wins over defaults."""
    env = os.environ if environ is None else environ
    sec = read_secrets() if secrets is None else secrets
    url = env.get("DATABASE_URL") or sec.get("DATABASE_URL") or default_database_url()
    seed = int(env.get("PURPOSE_PULSE_DEMO_SEED") or sec.get("demo_seed") or 7)
    auth = sec.get("auth")
    problem = cookie_secret_problem(auth.get("cookie_secret")) if isinstance(auth, Mapping) else None
    if auth is not None and not isinstance(auth, Mapping):
        problem = "The [auth] entry in .streamlit/secrets.toml must be a section, not a single value."
    roles = (sec.get("purpose_pulse") or {}).get("group_roles") or {}
    crm = sec.get("crm") if isinstance(sec.get("crm"), Mapping) else {}
    record_url = env.get("CRM_RECORD_URL") or crm.get("record_url") or None
    return Settings(
        database_url=url,
        demo_seed=seed,
        auth_configured=auth is not None,
        auth_problem=problem,
        group_roles=tuple(sorted((str(k), str(v)) for k, v in roles.items())),
        crm_record_url=str(record_url).strip() if record_url else None,
    )
