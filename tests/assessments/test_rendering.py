"""The matrix and summary rendered from rows give the very bytes and counts the old
computation gave (tests/assessments/oracle.py), on generated matrices and through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessments import service
from app.assessments.models import Assessment, AssessmentCell, AssessmentState
from app.assessments.rendering import (
    CELL_FIELDS,
    matrix_document,
    matrix_json,
    summary_document,
    summary_json,
)
from app.assessments.router import to_read
from app.assessments.shape import MatrixShape
from app.assessments.summary import CellState, summarise_rows
from app.auth.service import user_principal
from app.core.db import transaction
from app.templates.models import AssessmentTemplate
from tests.assessments import oracle
from tests.assessments.test_summary import SCALE, scopes, shapes
from tests.factories import World
from tests.flows import screened_assessment, write

# Text as people paste it: accents, quotes, backslashes, controls, emoji, line breaks.
TEXTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    max_size=40,
) | st.sampled_from(["", "  \n\t", 'Lainaus "näin" \\ ja /', "Åland 👩‍👧 ≥ 5 %"])
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXTS, inner, max_size=3),
    max_leaves=8,
)
MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
) | st.just(datetime(2026, 12, 6, 7, 0, tzinfo=UTC))


@st.composite
def stored_cells(draw: st.DrawFn, shape: MatrixShape) -> list[tuple[Any, ...]]:
    """Rows as the database gives them (CELL_FIELDS order), a stray one outside the shape
    included now and then."""
    keys = draw(st.lists(st.sampled_from(shape.cell_keys()), unique=True))
    if draw(st.booleans()):
        keys.append(("removed_alternative", shape.areas[0], shape.groups[0], shape.genders[0]))
    rows = []
    for key in keys:
        cannot = draw(st.booleans())
        value = None if cannot else draw(st.sampled_from(sorted(SCALE)))
        rows.append(
            (
                *key,
                value,
                cannot,
                draw(st.none() | st.sampled_from(["short", "long"])),
                draw(st.none() | st.sampled_from(["low", "high"])),
                draw(TEXTS),
                draw(TEXTS),
                draw(TEXTS),
                _as_stored(draw(MOMENTS), naive=draw(st.booleans())),
                draw(TEXTS),
            )
        )
    return rows


def _as_stored(moment: datetime, *, naive: bool) -> datetime:
    """As the database gives it: aware, or the UTC wall time (SQLite, see cell_rows)."""
    return moment.replace(tzinfo=None) if naive else moment


def _cell(row: tuple[Any, ...]) -> AssessmentCell:
    fields = dict(zip(CELL_FIELDS, row, strict=True))
    fields["grp"] = fields.pop("group")
    fields["updated_at"] = fields["updated_at"].replace(tzinfo=UTC)
    return AssessmentCell(assessment_id="a1", **fields)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_matrix_bytes_are_those_of_the_pydantic_models(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    rows = data.draw(stored_cells(shape))
    assessment = Assessment(
        id="a1",
        draft_id="d1",
        organisation_id="o1",
        template_id="t1",
        state=data.draw(st.sampled_from(list(AssessmentState))),
        cycle=data.draw(st.integers(1, 5)),
        mitigation=data.draw(TEXTS),
        comparison=data.draw(TEXTS),
        recommended_alternative=data.draw(st.none() | st.sampled_from(shape.alternatives)),
        participation=data.draw(TEXTS),
        statements=data.draw(st.lists(st.dictionaries(TEXTS, JSON_VALUES, max_size=3))),
        sources=data.draw(st.lists(st.dictionaries(TEXTS, JSON_VALUES, max_size=3))),
        indicators=[],
        version=data.draw(st.integers(1, 10**6)),
        updated_at=data.draw(MOMENTS),
        updated_by=data.draw(TEXTS),
    )
    template = AssessmentTemplate.model_construct(id="t1", key="iva", version=3)
    cells = [_cell(r) for r in rows if r[:4] in shape.key_set]
    old = to_read(service.AssessmentView(assessment, template, shape, cells))
    new = matrix_json(matrix_document(assessment, template, shape, rows))
    assert new == old.model_dump_json().encode()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_summary_counts_and_bytes_are_those_of_the_old_computation(data: st.DataObject) -> None:
    shape = data.draw(shapes())
    rows = [(*r[:6], r[8]) for r in data.draw(stored_cells(shape))]
    scope = data.draw(scopes(shape))
    old = oracle.summarise(shape, [CellState(*r) for r in rows if r[:4] in shape.key_set], scope)
    new = summarise_rows(shape, rows, scope)
    assert new == old
    version = data.draw(st.integers(1, 1000))
    document = summary_document(assessment_id="a1", version=version, shape=shape, summary=new)
    assert summary_json(document) == oracle.summary_bytes("a1", version, shape, old)


def _tricky_cells(alternative: str, n: int) -> list[dict[str, Any]]:
    areas = ("mental_health", "safety", "participation")
    texts = ['"Lainaus" \\ /', "rivi\nrivi\ttab \u2028", "Åland 👩‍👧 ≥ 5 %", "  "]
    return [
        {
            "alternative": alternative,
            "area": areas[i % 3],
            "group": "children_13_17",
            "gender": ("women", "men", "other")[i // 3 % 3],
            "value": (-2, 0, 1)[i % 3],
            "horizon": "short",
            "justification": texts[i % 4],
            "evidence": texts[(i + 1) % 4],
            "mitigation": texts[(i + 2) % 4],
        }
        for i in range(n)
    ]


def test_the_api_answers_the_old_bytes_plain_gzipped_and_304(
    client: TestClient, world: World
) -> None:
    draft, assessment = screened_assessment(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}/assessment"
    written = write(client, world.expert, draft["id"], 1, _tricky_cells("reform", 3))
    assert written.status_code == 200, written.text
    plain = client.get(url, headers=world.expert.headers | {"Accept-Encoding": "identity"})
    zipped = client.get(url, headers=world.expert.headers | {"Accept-Encoding": "gzip"})
    with transaction() as session:
        principal = user_principal(session, world.expert.id)
        view = service.get_assessment(session, principal=principal, draft_id=draft["id"])
        old_matrix = to_read(view).model_dump_json().encode()
        states = [
            CellState(
                c.alternative, c.area, c.grp, c.gender, c.value, c.cannot_assess, c.justification
            )
            for c in view.cells
        ]
        old_summary = oracle.summary_bytes(
            assessment["id"],
            view.assessment.version,
            view.shape,
            oracle.summarise(view.shape, states, view.scope),
        )
    assert plain.content == old_matrix
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.content == old_matrix  # the client decoded it
    assert plain.headers["etag"] == zipped.headers["etag"] == '"v2"'
    again = client.get(url, headers=world.expert.headers | {"If-None-Match": '"v2"'})
    assert (again.status_code, again.content) == (304, b"")
    summary = client.get(
        url + "/summary", headers=world.expert.headers | {"Accept-Encoding": "gzip"}
    )
    assert (summary.content, summary.headers["etag"]) == (old_summary, '"v2"')
    assert summary.headers["content-encoding"] == "gzip"
    plain_summary = client.get(
        url + "/summary", headers=world.expert.headers | {"Accept-Encoding": "identity"}
    )
    assert plain_summary.content == old_summary
    assert "content-encoding" not in plain_summary.headers


def test_a_write_is_seen_by_the_next_read_and_summary(client: TestClient, world: World) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    url = f"/api/v1/drafts/{draft['id']}/assessment"
    before = client.get(url + "/summary", headers=world.expert.headers).json()
    assert before["by_alternative"]["reform"]["negative"] == 0
    client.get(url, headers=world.expert.headers)  # cached at v1
    assert write(client, world.expert, draft["id"], 1, _tricky_cells("reform", 1)).is_success
    after = client.get(url, headers=world.expert.headers)
    assert (after.headers["etag"], len(after.json()["cells"])) == ('"v2"', 1)
    summary = client.get(url + "/summary", headers=world.expert.headers).json()
    assert (summary["version"], summary["by_alternative"]["reform"]["negative"]) == (2, 1)
    other = client.get(url + "/summary", headers=world.other_preparer.headers)
    assert other.status_code == 404


def test_summary_at_a_known_answer_on_the_full_matrix(client: TestClient, world: World) -> None:
    draft, _ = screened_assessment(client, world.preparer)
    full = client.get(f"/api/v1/drafts/{draft['id']}/assessment", headers=world.expert.headers)
    size = full.json()["matrix_size"]
    cells = _tricky_cells("reform", 6)
    assert write(client, world.expert, draft["id"], 1, cells).is_success
    summary = client.get(
        f"/api/v1/drafts/{draft['id']}/assessment/summary", headers=world.expert.headers
    ).json()
    reform = summary["by_alternative"]["reform"]
    # Two of each value; the -2 written with "  " as its justification lacks one.
    assert (reform["negative"], reform["neutral"], reform["positive"]) == (2, 2, 2)
    assert summary["total"]["not_assessed"] == size - 6
    assert summary["total"]["completeness"] == round(100 * 6 / size, 1)
    assert [(m["area"], m["gender"]) for m in summary["missing_justifications"]] == [
        ("mental_health", "men")
    ]
