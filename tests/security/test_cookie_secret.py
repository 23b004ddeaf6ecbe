"""A guessable cookie_secret stops the app and every command at start-up: Streamlit signs the
sign-in cookie with it, so whoever knows it can sign in as anyone."""

from __future__ import annotations

import secrets

import pytest

from dashboard.cli import main as cli
from dashboard.config import EXAMPLE_SECRETS_PATH, load_settings, read_secrets

EXAMPLE = read_secrets(EXAMPLE_SECRETS_PATH)["auth"]["cookie_secret"]


def _auth(cookie_secret: str) -> dict:
    return {
        "auth": {"cookie_secret": cookie_secret, "client_id": "purpose-pulse", "redirect_uri": "http://x/cb"}
    }


@pytest.mark.parametrize(
    ("cookie_secret", "why"),
    [
        (EXAMPLE, "placeholder from secrets.example.toml"),
        ("", "missing"),
        ("s3cr3t-but-only-31-characters!!", "fewer than 32"),
        ("x" * 64, "too easy to guess"),
        ("ab" * 32, "too easy to guess"),
        ("Tr0ub4dor&3" * 4, "too easy to guess"),
        ("aaaaaaaabbbbbbbbccccccccdddddddd", "too easy to guess"),
    ],
)
def test_weak_cookie_secrets_are_refused_in_one_sentence(cookie_secret, why):
    problem = load_settings(environ={}, secrets=_auth(cookie_secret)).auth_problem
    assert problem is not None and why in problem
    assert problem.count(". ") == 0 and "\n" not in problem


@pytest.mark.parametrize(
    "make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(16)], ids=["urlsafe", "hex"]
)
def test_random_cookie_secrets_are_accepted(make):
    for _ in range(50):
        assert load_settings(environ={}, secrets=_auth(make())).auth_problem is None


def test_local_mode_needs_no_secret():
    assert load_settings(environ={}, secrets={}).auth_problem is None


@pytest.mark.parametrize("command", [["status", "--json"], ["report"], ["init"], ["rejects", "1"]])
def test_every_command_refuses_to_run_with_the_example_secret(command, tmp_path, capsys):
    settings = load_settings(
        environ={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}, secrets=_auth(EXAMPLE)
    )
    assert cli.main(command, settings=settings) == 2
    err = capsys.readouterr().err
    assert "placeholder" in err and err.count("\n") == 1
    assert not (tmp_path / "x.db").exists()  # nothing ran, not even `init`
