"""The app's pages, declared once: title, section, icon and file. The app registers them."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.settings import REPO_ROOT

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

    @property
    def path(self):
        return PAGES_DIR / self.file


PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec("home.py", "Home", "Leadership", ":material/home:", "home", default=True),
)


def pages_by_section(specs=PAGE_SPECS) -> dict[str, list[PageSpec]]:
    grouped: dict[str, list[PageSpec]] = {section: [] for section in SECTIONS}
    for spec in specs:
        grouped[spec.section].append(spec)
    return {section: specs for section, specs in grouped.items() if specs}
