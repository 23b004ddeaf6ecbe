"""Sign-in with Streamlit's native OpenID Connect, and the viewer's access for this run.

Without an ``[auth]`` section in ``.streamlit/secrets.toml`` the app runs in local mode as a single
executive and says so. With one, the viewer signs in; their email is looked up in the roster
(:mod:`data_access.access`) and the resulting scope is what every query of this run receives.
"""

from __future__ import annotations

import streamlit as st

from dashboard.config import Settings
from dashboard.escaping import escape_markdown
from data_access.access import Access
from data_access.scope import Scope

LOCAL_ACCESS = Access("local executive", "executive", Scope.everything("local executive"), "Local executive")


# Someone removed or demoted in the roster loses access within this long even without an import
# (an edit straight in the database); any import, the roster's included, takes effect at once.
ACCESS_TTL_SECONDS = 60


def _roster_version(url: str) -> str:
    """Moves with every import batch and recorded change: read each run, it keys the cached access
    so the access is resolved again right after a roster import."""
    from dashboard.shell.state import _engine_for
    from data_access.result_store import data_version

    with _engine_for(url).connect() as conn:
        return data_version(conn)


@st.cache_data(ttl=ACCESS_TTL_SECONDS, show_spinner=False)
def _access(
    url: str,
    email: str,
    groups: tuple[str, ...],
    group_roles: tuple[tuple[str, str], ...],
    roster_version: str,
) -> Access:
    from dashboard.shell.state import _engine_for
    from data_access.access import access_for_email

    with _engine_for(url).connect() as conn:
        return access_for_email(conn, email, groups=groups, group_roles=dict(group_roles))


def _claim_list(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


def resolve_access(settings: Settings) -> Access:
    """The viewer's access; stops the run with the right screen when there is none."""
    if not settings.auth_configured:
        return LOCAL_ACCESS
    if settings.auth_problem:
        st.error(settings.auth_problem, icon=":material/key_off:")
        st.stop()
    if not st.user.is_logged_in:
        _login_screen()
        st.stop()
    email = str(st.user.get("email") or "")
    if not _email_verified(st.user.get("email_verified")):
        _no_access_screen(
            Access(
                email,
                None,
                Scope.teams([], viewer=email),
                None,
                (
                    "Your identity provider says this e-mail address is not verified, so it cannot be matched to the "
                    "roster; verify it with your identity provider and sign in again."
                ),
            )
        )
        st.stop()
    access = _access(
        settings.database_url,
        email,
        _claim_list(st.user.get("groups")),
        settings.group_roles,
        _roster_version(settings.database_url),
    )
    if not access.allowed:
        _no_access_screen(access)
        st.stop()
    return access


def _email_verified(claim) -> bool:
    """False only when the provider says so (``email_verified: false``, as a boolean or as text);
    providers that send no such claim verify addresses themselves (Entra ID, most SAML bridges)."""
    if claim is None:
        return True
    if isinstance(claim, str):
        return claim.strip().lower() not in ("false", "0", "no", "")
    return bool(claim)


def _login_screen() -> None:
    st.title("Purpose Pulse")
    st.write("Sign in with your company account to see your teams.")
    st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")


def _no_access_screen(access: Access) -> None:
    st.title("No access")
    st.warning(escape_markdown(access.denied_reason), icon=":material/block:")
    st.caption(f"Signed in as {escape_markdown(access.email)}.")
    st.button("Sign out", on_click=st.logout)


def sidebar_identity(settings: Settings, access: Access) -> None:
    with st.sidebar:
        if settings.auth_configured:
            st.caption(
                f"Signed in as **{escape_markdown(access.person_name or access.email)}** ({access.role})."
            )
            st.button("Sign out", on_click=st.logout, key="pp.signout")
        else:
            st.info(
                "Local mode: no sign-in is configured, so you are the **local executive** and see every team.",
                icon=":material/person:",
            )
