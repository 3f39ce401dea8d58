"""The expert reviews in the matrix: a comment on one cell shows in that cell of the review
matrix (found with "only commented") and as a marker in the preparer's editor, in Debian's
chromium."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_workflow import _person_page, assert_accessible
from tests.factories import World
from tests.reviews.helpers import in_review

pytestmark = pytest.mark.browser

COMMENT = "Perustelu ei kerro, miksi vaikutus on näin vahva."


def _chosen(page: Page, part: str) -> tuple[str, str]:
    """The cell part the comment form offers first: its key and its label."""
    option = page.locator(f"#f-comment-{part} option").first
    return str(option.get_attribute("value")), option.inner_text().strip()


def test_expert_comments_a_cell_and_both_see_it_in_the_matrix(
    context: BrowserContext, page: Page, people: World, live_server: LiveServer
) -> None:
    with httpx.Client(base_url=live_server.base_url) as api:
        draft = in_review(api, people)  # type: ignore[arg-type]
    review_url = f"/drafts/{draft['id']}/review"

    expert = _person_page(context, live_server, people.expert)
    try:
        expert.goto(review_url)
        expect(expert.locator(".cell-thread")).to_have_count(0)
        expert.get_by_label("Mitä kommentti koskee").select_option("cell")
        alternative, _ = _chosen(expert, "alternative")
        area, area_label = _chosen(expert, "area")
        expert.get_by_label(re.compile("^Kommentti.*pakollinen")).fill(COMMENT)
        expert.get_by_role("button", name="Lisää kommentti").click()
        expect(expert.get_by_role("status")).to_contain_text("Kommentti lisättiin.")

        # the commented cell's area of the review matrix, only the commented rows
        expert.goto(f"{review_url}?alternative={alternative}&area={area}&show=commented")
        table = expert.locator("table.matrix.read-only")
        expect(expert.locator("#review-matrix-table")).to_contain_text(area_label)
        expect(table.locator("tbody tr")).to_have_count(1)
        thread = table.locator(".cell-thread")
        expect(thread).to_have_count(1)
        expect(thread).to_contain_text(COMMENT)
        # its link leads to the thread in the list of comments
        thread.get_by_role("link").click()
        expect(expert).to_have_url(re.compile(r"#comment-"))
        assert_accessible(expert)
    finally:
        expert.context.close()

    # the preparer sees the marker on the same cell of the editor, and only that row
    sign_in(page, people.preparer)
    page.goto(
        f"/drafts/{draft['id']}/assessment?alternative={alternative}&area={area}&show=commented"
    )
    expect(page.locator("table.matrix tbody tr")).to_have_count(1)
    expect(page.locator(".cell-comment")).to_have_count(1)
    expect(page.locator(".cell-comment")).to_contain_text("solussa on avoin kommentti")
    assert_accessible(page)
