"""The app's pages, declared once: title, section, icon, file and the reads each page makes when it
opens (:mod:`dashboard.shell.page_reads`). The app registers them; ``precompute`` runs their reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dashboard.config import REPO_ROOT
from dashboard.shell import page_reads

PAGES_DIR = REPO_ROOT / "pages"
SECTIONS = ("Leadership", "Signals", "Coaching", "Data")


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    section: str
    icon: str
    url_path: str
    default: bool = False
    # Roles that get this page registered at all (hiding a page in a menu is not protection).
    roles: tuple[str, ...] = ("executive", "leader", "manager")
    # The reads the page makes when it opens, for a view: what precompute stores beforehand.
    reads: Callable[..., Iterable] | None = None

    @property
    def path(self):
        return PAGES_DIR / self.file


EVERYONE = ("executive", "leader", "manager", "admin")
DATA_ROLES = ("executive", "admin")

PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec(
        "overview.py",
        "Overview",
        "Leadership",
        ":material/dashboard:",
        "overview",
        default=True,
        reads=page_reads.overview,
    ),
    PageSpec(
        "nsp_adoption.py",
        "NSP adoption",
        "Leadership",
        ":material/flag:",
        "nsp-adoption",
        roles=("executive", "leader"),
        reads=page_reads.nsp_adoption,
    ),
    PageSpec(
        "home.py", "Home", "Leadership", ":material/home:", "home", roles=EVERYONE, reads=page_reads.home
    ),
    PageSpec(
        "meeting_health.py",
        "Meeting health",
        "Signals",
        ":material/forum:",
        "meeting-health",
        reads=page_reads.meeting_health,
    ),
    PageSpec(
        "discounting.py",
        "Discounting",
        "Signals",
        ":material/sell:",
        "discounting",
        reads=page_reads.discounting,
    ),
    PageSpec(
        "pipeline.py",
        "Pipeline behaviour",
        "Signals",
        ":material/waterfall_chart:",
        "pipeline",
        reads=page_reads.pipeline,
    ),
    PageSpec(
        "churn.py",
        "Churn and retention",
        "Signals",
        ":material/group_remove:",
        "churn",
        reads=page_reads.churn,
    ),
    PageSpec(
        "morale.py", "Morale and people", "Signals", ":material/mood:", "morale", reads=page_reads.morale
    ),
    PageSpec(
        "one_on_one.py",
        "One-on-one prep",
        "Coaching",
        ":material/record_voice_over:",
        "one-on-one",
        reads=page_reads.one_on_one,
    ),
    PageSpec("data_imports.py", "Imports", "Data", ":material/upload_file:", "imports", roles=DATA_ROLES),
    PageSpec(
        "settings.py",
        "Settings",
        "Data",
        ":material/tune:",
        "settings",
        roles=("executive", "leader", "admin"),
    ),
)


def pages_by_section(role: str, specs=PAGE_SPECS) -> dict[str, list[PageSpec]]:
    """The pages a role may open, grouped by section in the order of SECTIONS."""
    grouped: dict[str, list[PageSpec]] = {section: [] for section in SECTIONS}
    for spec in specs:
        if role in spec.roles:
            grouped[spec.section].append(spec)
    return {section: specs for section, specs in grouped.items() if specs}
