"""One settings object, resolved at the edge (environment, ``.streamlit/secrets.toml``, defaults).

Nothing deeper in the code reads ``os.environ``; the CLI and the app build :class:`Settings`
once and pass what is needed down.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "purpose_pulse.db"
SECRETS_PATH = REPO_ROOT / ".streamlit" / "secrets.toml"


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo_seed: int = 7
    auth_configured: bool = False
    # Problems with the [auth] section that must stop the app at start-up, as one sentence.
    auth_problem: str | None = None
    # Identity-provider group -> role, from [purpose_pulse.group_roles] in secrets.toml.
    group_roles: tuple[tuple[str, str], ...] = ()

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


def load_settings(environ: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Settings:
    """Resolve settings: the environment wins over secrets.toml, which wins over defaults."""
    env = os.environ if environ is None else environ
    sec = read_secrets() if secrets is None else secrets
    url = env.get("DATABASE_URL") or sec.get("DATABASE_URL") or default_database_url()
    seed = int(env.get("PURPOSE_PULSE_DEMO_SEED") or sec.get("demo_seed") or 7)
    auth = sec.get("auth")
    problem = None
    if auth is not None and not str(auth.get("cookie_secret") or "").strip():
        problem = (
            "Sign-in is configured in .streamlit/secrets.toml ([auth]) but cookie_secret is missing: "
            "set it to a long random string (the same on every replica)."
        )
    roles = (sec.get("purpose_pulse") or {}).get("group_roles") or {}
    return Settings(
        database_url=url,
        demo_seed=seed,
        auth_configured=auth is not None,
        auth_problem=problem,
        group_roles=tuple(sorted((str(k), str(v)) for k, v in roles.items())),
    )
