"""One module per command of ``python -m dashboard``; see ``dashboard.cli``."""
