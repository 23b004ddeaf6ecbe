"""``python -m dashboard``: the command line; the entry point is :mod:`dashboard.cli.main.main`, one module per command."""
