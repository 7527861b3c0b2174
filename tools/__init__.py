"""Command-line helpers behind the Makefile targets (run as ``python -m tools.X``)."""
