"""The web tests' shared set-up (tests/web/fixtures.py)."""

from tests.web.fixtures import (  # noqa: F401 (fixtures)
    api,
    browser,
    expert,
    people,
    preparer,
    secretary,
    web_app,
)
