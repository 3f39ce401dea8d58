"""`python -m app.cli …` (the supervisor starts the worker this way)."""

from app.cli import app

app()
