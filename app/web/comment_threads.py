"""Comment threads as a page shows them: anchors in words, replies under their thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.assessments import service as assessments
from app.core.errors import NotFound
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.reviews.models import Comment
from app.templates import service as templates
from app.web.matrix import Labels, labels_for
from app.web.rendering import translator
from app.web.session import WebContext


@dataclass
class Thread:
    root: Comment
    anchor: str
    replies: list[Comment] = field(default_factory=list)


def draft_labels(web: WebContext, draft: DecisionDraft) -> Labels | None:
    """The names of the draft's matrix (None before it has one), for anchors and diffs."""
    try:
        av = assessments.get_assessment(web.session, principal=web.principal, draft_id=draft.id)
    except NotFound:
        return None
    definition = templates.definition_of(av.template)
    return labels_for(
        definition, drafts.alternatives(web.session, draft.id), web.lang, translator(web.lang)
    )


def anchor_label(anchor: dict[str, Any], labels: Labels | None, lang: str) -> str:
    """A comment's anchor in words: the section, or the cell with its names."""
    t = translator(lang)
    section = anchor.get("section")
    if section:
        return t("comment.section." + str(section))
    alternative, area, group, gender = (
        str(anchor.get(k, "")) for k in ("alternative", "area", "group", "gender")
    )
    if labels is not None:
        parts = [
            labels.areas.get(area, area),
            labels.groups.get(group, group),
            labels.genders.get(gender, gender),
        ]
        name = labels.alternatives.get(alternative, alternative)
    else:
        parts, name = [area, group, gender], alternative
    return t("comment.cell", cell=" – ".join(parts), alternative=name)


def threads_of(items: Sequence[Comment], labels: Labels | None, lang: str) -> list[Thread]:
    """Top-level comments with their replies (a reply to a reply joins the same thread)."""
    root_of: dict[str, str] = {}
    threads: dict[str, Thread] = {}
    for comment in items:
        if comment.parent_id is None or comment.parent_id not in root_of:
            root_of[comment.id] = comment.id
            threads[comment.id] = Thread(comment, anchor_label(comment.anchor, labels, lang))
        else:
            root = root_of[comment.parent_id]
            root_of[comment.id] = root
            threads[root].replies.append(comment)
    return list(threads.values())
