"""An annex a secretary attaches without edits: words instead of codes and ids."""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf
from fastapi.testclient import TestClient
from reportlab.lib.units import mm

from app.annexes.builder import SUMMARY_CHARS, _abridged
from app.annexes.record import AnnexRecord
from app.annexes.render import render_html, render_pdf
from app.annexes.render.labels import labels
from app.annexes.render.theme import BOLD, register_fonts, wrap
from app.annexes.render.view import build_view
from app.annexes.service import file_name
from app.drafts.models import DecisionDraft
from examples.make_large_record import build_record
from tests.factories import World
from tests.reviews.helpers import issued

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _html(client: TestClient, world: World, annex: dict[str, Any]) -> str:
    response = client.get(f"/api/v1/annexes/{annex['id']}.html", headers=world.secretary.headers)
    assert response.status_code == 200, response.text
    return response.text


def test_without_a_case_id_the_annex_says_so_in_its_language(
    client: TestClient, world: World
) -> None:
    draft, annexes = issued(client, world)
    by_lang = {a["language"]: a for a in annexes}
    fi, sv = _html(client, world, by_lang["fi"]), _html(client, world, by_lang["sv"])
    assert "Ei asiatunnusta" in fi
    assert "Inget diarienummer" in sv
    for text in (fi, sv):
        assert draft["id"] not in text
        assert ">ennakko<" not in text
        assert "impact_assessment_annex" not in text
    assert "Päätöksen vaikutusten ennakkoarviointi (liite)" in fi
    assert "Asiantuntija" in fi  # the reviewer's role, not "expert"
    assert ">expert<" not in fi
    assert "Expert" in sv


def test_file_names_come_from_the_case_id_title_and_language(
    client: TestClient, world: World
) -> None:
    _, annexes = issued(client, world)
    names = {f["file_name"] for a in annexes for f in a["files"]}
    assert "Koulukuljetusten_uudistaminen_eva1_fi.pdf" in names
    # the Swedish files take the Swedish title (the test translation prefixes "På svenska: ")
    assert "Pa_svenska_Koulukuljetusten_uudistaminen_eva1_sv.html" in names
    assert not any(UUID.search(name) for name in names)


def test_a_case_id_leads_the_file_name_and_letters_are_folded() -> None:
    draft = DecisionDraft(
        organisation_id="o",
        title="Äänekosken kirjastoverkko – Ö/å 🏫",
        proposal="x",
        external_system="ahjo",
        external_case_id="HEL 2021-011830",
    )
    assert file_name(draft, 2, "sv", "pdf") == (
        "HEL_2021-011830_Aanekosken_kirjastoverkko_O_a_eva2_sv.pdf"
    )


def test_headers_hyphenate_between_syllables() -> None:
    register_fonts()
    assert wrap("Muunsukupuoliset", 17 * mm - 4, BOLD, 6.5) == "Muunsuku-\npuoliset"
    assert wrap("Hyvinvointikoordinaattori", 30 * mm, BOLD) == "Hyvinvointikoordi-\nnaattori"


def test_findings_and_comparison_come_before_the_full_matrices() -> None:
    record = AnnexRecord.model_validate(build_record(alternatives=3, areas=4, groups=3, genders=3))
    html = render_html(record)
    order = [html.index(f'<section id="{s}"') for s in ("comparison", "findings", "matrix")]
    assert order == sorted(order)
    with pikepdf.open(io.BytesIO(render_pdf(record))) as pdf:
        outline = [str(item.title) for item in pdf.open_outline().root[0].children]
    t = labels("fi")
    first = {t(f"section.{s}"): i for i, s in enumerate(("comparison", "findings", "matrix"))}
    shown = [title for title in outline if title in first]
    assert shown == sorted(first, key=first.__getitem__)
    assert len(shown) == 3


def test_the_annex_summarises_the_decision_proposal(client: TestClient, world: World) -> None:
    _, annexes = issued(client, world)
    fi = _html(client, world, next(a for a in annexes if a["language"] == "fi"))
    section = fi[fi.index('<section id="proposal"') : fi.index('<section id="screening"')]
    assert "<h2" in section
    assert "Päätösehdotus" in section
    assert "Lautakunta päättää uudistaa koulukuljetukset." in section


def test_a_long_proposal_is_abridged_at_a_sentence_and_says_so() -> None:
    sentence = "Lautakunta päättää asiasta. "
    text, cut = _abridged(sentence * 200)
    assert cut
    assert text is not None
    assert text.endswith("asiasta. …")
    assert len(text) <= SUMMARY_CHARS + 2
    assert _abridged("Lyhyt.") == ("Lyhyt.", False)


def test_groups_not_assessed_in_an_area_read_as_not_applicable() -> None:
    data = build_record(alternatives=2, areas=2, groups=3, genders=2)
    first = data["groups"][0]["key"]
    data["areas"][0]["groups"] = [first]
    for matrix in data["matrix"]:
        matrix["cells"] = [
            c
            for c in matrix["cells"]
            if c["area"] != data["areas"][0]["key"] or c["group"] == first
        ]
    view = build_view(AnnexRecord.model_validate(data))
    area = data["areas"][0]["name"]
    rows = [
        row
        for chunk in view.alternatives[0].chunks
        for _, section in chunk.sections
        for row in section
        if row.header == area
    ]
    labels_shown = {m.label for row in rows for m in row.marks}
    assert "Ei sovellu" in labels_shown
    assert "–" in {m.symbol for m in view.legend}
    html = render_html(AnnexRecord.model_validate(data))
    assert "Ei sovellu" in html


def test_an_annex_in_a_language_the_texts_lack_says_so_and_marks_them_finnish(
    client: TestClient, world: World
) -> None:
    draft, annexes = issued(client, world)
    fi = _html(client, world, next(a for a in annexes if a["language"] == "fi"))
    response = client.post(
        f"/api/v1/drafts/{draft['id']}/annexes",
        json={"languages": ["en"]},
        headers=world.secretary.headers,
    )
    assert response.status_code == 201, response.text
    en = _html(client, world, response.json()[0])
    assert '<html lang="en">' in en
    assert "shown in their original language (Finnish)" in en
    assert '<p lang="fi">Lautakunta päättää uudistaa koulukuljetukset.</p>' in en
    assert '<span lang="fi">Uudistus</span>' in en
    assert "original language" not in fi
    assert "alkuperäisellä kielellään" not in fi
    assert 'lang="fi"' not in fi[fi.index("<main") :]
