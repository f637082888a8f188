"""personae serve's app in-process: every route, saving into answers.yaml, its security."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from personae.demo import generate
from personae.dossier.answers import load_answers, skeleton
from personae.dossier.questionnaire import load_questionnaire
from personae.pipeline import compute_dossier
from personae.web import allowed_hosts, create_app
from tests.web.conftest import PORT, Web


def errors(page: str) -> list[str]:
    return [html.unescape(e) for e in re.findall(r'<p class="error"[^>]*>([^<]*)</p>', page)]


def form_of(page: str, aid: str) -> str:
    """The HTML of the form that saves ``aid``."""
    m = re.search(
        rf'<form class="answer" method="post" action="/answers/{re.escape(aid)}#f-{re.escape(aid)}">'
        r"(.*?)</form>",
        page,
        re.S,
    )
    assert m is not None, aid
    return m.group(1)


def yaml_doc(path: Path) -> dict[str, object]:
    return dict(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- pages


def test_index_shows_progress_and_what_is_missing(web: Web) -> None:
    page = web.get("/")
    assert page.status_code == 200
    text = page.text
    assert '<html lang="fr">' in text
    assert re.search(r'<meta name="csrf-token" content="[\w-]{40,}">', text)
    # the demo's manual answers only (no data): 2.1, 3.3, 4.3… are answered
    d = compute_dossier(answers=web.answers)
    assert f"<strong>{d.answered}/63</strong>" in text
    assert "Générer le dossier" in text
    assert "6.3</span> Quel % de vos clients actuels correspond à l&#39;ICP ?" in text
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_section_page_shows_answers_and_a_form_for_each_id(web: Web, answers_file: Path) -> None:
    with answers_file.open("a", encoding="utf-8") as fh:
        fh.write(
            '"7.persona1.objectifs":\n'
            "  - Fiabiliser la prévision de trésorerie à 13 semaines\n"
            "  - Réduire le temps de clôture mensuelle\n"
            "  - Préparer les levées et les échanges avec les banques\n"
        )
    page = web.get("/sections/7")
    assert page.status_code == 200
    text = html.unescape(page.text)
    # a persona list from answers.yaml, one item per line in its form
    form = form_of(page.text, "7.persona1.objectifs")
    assert (
        "Fiabiliser la prévision de trésorerie à 13 semaines\nRéduire le temps de clôture "
        "mensuelle\nPréparer les levées et les échanges avec les banques</textarea>"
    ) in html.unescape(form)
    assert "saisi à la main" in text
    for aid in ("7.1", "7.10", "7.persona2.nom", "7.persona3.defis"):
        form_of(page.text, aid)
    assert "Sans réponse — manque :" in text


def test_section_page_of_a_table_has_a_grid(web: Web) -> None:
    page = web.get("/sections/2")
    form = form_of(page.text, "2.segments_identifies")
    assert 'name="cell-0-segment"' in form and 'name="cell-0-pct_ca"' in form
    assert "Ajouter une ligne" in form


def test_unknown_section_and_id_are_404(web: Web) -> None:
    assert web.get("/sections/99").status_code == 404
    assert web.save("99.1", value="x").status_code == 404


def test_static_css(web: Web) -> None:
    css = web.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


# ---------------------------------------------------------------- saving


def test_a_save_lands_in_answers_yaml_with_comments_kept(web: Web) -> None:
    before = web.answers.read_text(encoding="utf-8")
    r = web.save("6.3", value="40 %")
    assert r.status_code == 303 and r.headers["location"] == "/sections/6#f-6.3"
    after = web.answers.read_text(encoding="utf-8")
    assert '"6.3": "40 %"\n' in after
    # every line of the file is still there, comments and other ids included, in order
    kept = [line for line in after.splitlines() if line != '"6.3": "40 %"']
    assert kept == before.splitlines()
    # placed in template order: after 5.5, before the ICP block's slots
    assert after.index('"5.5"') < after.index('"6.3"') < after.index('"6.icp.probleme_principal"')
    assert load_answers(web.answers, load_questionnaire())["6.3"].value == "40 %"
    # and the page now shows it
    assert "40 %" in form_of(web.get("/sections/6").text, "6.3")


def test_a_list_and_a_table_are_saved_as_yaml(web: Web) -> None:
    assert web.save("7.persona2.objectifs", value="Un\r\n\r\nDeux\r\n").status_code == 303
    r = web.save(
        "2.segments_identifies",
        **{"cell-0-segment": "PME", "cell-0-pct_ca": "42 %", "cell-1-segment": ""},
    )
    assert r.status_code == 303
    doc = yaml_doc(web.answers)
    assert doc["7.persona2.objectifs"] == ["Un", "Deux"]
    assert doc["2.segments_identifies"] == [{"segment": "PME", "pct_ca": "42 %"}]
    answers = load_answers(web.answers, load_questionnaire())
    assert answers["2.segments_identifies"].value == [{"segment": "PME", "pct_ca": 0.42}]


def test_replacing_a_value_keeps_the_comment_after_it(web: Web) -> None:
    base = "Le produit est devenu l'outil de pilotage du DAF."
    assert (
        web.save("9.raison_fidelite", base=base, value="Le reporting au board.").status_code == 303
    )
    text = web.answers.read_text(encoding="utf-8")
    assert '"9.raison_fidelite": "Le reporting au board."' in text
    assert text.startswith("# Réponses qualitatives de la société de démonstration Quickfund")


def test_an_editor_edit_to_another_id_meanwhile_is_kept(web: Web) -> None:
    page = web.get("/sections/5").text  # the person opens the page …
    assert "5.3" in page
    text = web.answers.read_text(encoding="utf-8")  # … meanwhile, an editor changes 5.5
    web.answers.write_text(
        text.replace('"5.5": "Non, toute l\'équipe est à Paris."', '"5.5": "Oui, à Lyon."')
        + "# une note ajoutée dans l'éditeur\n",
        encoding="utf-8",
    )
    base = "Benelux et DACH, en s'appuyant sur des partenaires comptables."
    assert web.save("5.3", base=base, value="Benelux seulement.").status_code == 303
    doc = yaml_doc(web.answers)
    assert doc["5.5"] == "Oui, à Lyon." and doc["5.3"] == "Benelux seulement."
    assert "# une note ajoutée dans l'éditeur" in web.answers.read_text(encoding="utf-8")


def test_a_real_conflict_is_409_with_both_versions_and_nothing_written(web: Web) -> None:
    text = web.answers.read_text(encoding="utf-8")
    web.answers.write_text(text.replace("Benelux et DACH", "Italie et Espagne"), encoding="utf-8")
    edited = web.answers.read_text(encoding="utf-8")
    base = "Benelux et DACH, en s'appuyant sur des partenaires comptables."
    r = web.save("5.3", base=base, value="Benelux seulement.")
    assert r.status_code == 409
    assert web.answers.read_text(encoding="utf-8") == edited
    page = html.unescape(r.text)
    assert "Votre version" in page and "Version du fichier" in page
    assert ">Benelux seulement.</textarea>" in page  # the person's text is kept
    assert "Italie et Espagne, en s'appuyant sur des partenaires comptables." in page
    # saving from the conflict page (its base is the file's version) resolves it
    m = re.search(r'name="base" value="([^"]*)"', r.text)
    assert m is not None
    assert (
        web.save("5.3", base=html.unescape(m.group(1)), value="Benelux seulement.").status_code
        == 303
    )
    assert yaml_doc(web.answers)["5.3"] == "Benelux seulement."


def test_the_same_change_made_twice_is_no_conflict(web: Web) -> None:
    assert web.save("6.3", value="40 %").status_code == 303
    assert web.save("6.3", value="40 %").status_code == 303


def test_an_empty_value_clears_the_answer(web: Web) -> None:
    assert web.save("12.4", base=yaml_doc(web.answers)["12.4"], value="").status_code == 303
    assert yaml_doc(web.answers)["12.4"] is None
    assert "12.4" not in load_answers(web.answers, load_questionnaire())


def test_validation_error_beside_the_field_with_the_input_kept(web: Web) -> None:
    before = web.answers.read_text(encoding="utf-8")
    r = web.save("6.icp.taille", base="11-250", value="beaucoup")
    assert r.status_code == 422
    form = form_of(r.text, "6.icp.taille")
    assert 'value="beaucoup"' in form and 'name="base" value="11-250"' in form
    assert errors(form) == ["Attendu : une fourchette, ex. 10-50 employés."]
    assert web.answers.read_text(encoding="utf-8") == before


def test_a_table_cell_error_names_its_row_and_column(web: Web) -> None:
    r = web.save("2.segments_identifies", **{"cell-0-segment": "PME", "cell-0-pct_ca": "beaucoup"})
    assert r.status_code == 422
    form = form_of(r.text, "2.segments_identifies")
    assert errors(form) == [
        "Ligne 1, colonne « % CA » : Attendu : un pourcentage, ex. 42 % ou 42,3 %."
    ]
    assert 'name="cell-0-pct_ca" value="beaucoup"' in form


def test_add_a_row_keeps_the_input_and_writes_nothing(web: Web) -> None:
    before = web.answers.read_text(encoding="utf-8")
    r = web.save(
        "2.segments_identifies",
        action="add_row",
        **{"cell-0-segment": "PME", "cell-1-segment": ""},
    )
    assert r.status_code == 200
    form = form_of(r.text, "2.segments_identifies")
    assert 'name="cell-0-segment" value="PME"' in form
    assert 'name="cell-2-segment"' in form and 'name="cell-3-segment"' not in form
    assert web.answers.read_text(encoding="utf-8") == before


def test_an_answers_file_with_errors_is_shown_not_fatal(web: Web) -> None:
    web.answers.write_text('"6.3": "40 %"\n"6.icp.taille": "beaucoup"\n', encoding="utf-8")
    page = html.unescape(web.get("/").text)
    assert "answers.yaml contient des erreurs" in page and "6.icp.taille" in page
    assert web.save("6.4", value="12 000").status_code == 303
    assert yaml_doc(web.answers)["6.4"] == "12 000"


# ---------------------------------------------------------------- security


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1:9999", "localhost", "127.0.0.1"]
)
def test_a_foreign_host_header_is_refused(web: Web, host: str) -> None:
    assert web.get("/", headers={"host": host}).status_code == 400
    r = web.post("/answers/6.3", data={"value": "x", "base": ""}, headers={"host": host})
    assert r.status_code == 400


def test_the_three_local_hosts_are_accepted(web: Web) -> None:
    assert allowed_hosts(PORT) == {"127.0.0.1:8765", "localhost:8765", "[::1]:8765"}
    for host in allowed_hosts(PORT):
        assert web.get("/", headers={"host": host}).status_code == 200


def test_a_write_without_the_token_is_403_and_writes_nothing(web: Web) -> None:
    before = web.answers.read_text(encoding="utf-8")
    r = web.post("/answers/6.3", data={"value": "40 %", "base": ""})
    assert r.status_code == 403
    assert "40 %" in r.text  # the person's text, to copy
    r = web.post("/answers/6.3", data={"value": "40 %", "base": "", "csrf_token": "faux"})
    assert r.status_code == 403
    assert web.post("/report", data={}).status_code == 403
    assert web.answers.read_text(encoding="utf-8") == before
    assert not web.out.exists()


def test_a_write_from_another_origin_is_403(web: Web) -> None:
    r = web.post(
        "/answers/6.3",
        data={"value": "40 %", "base": "", "csrf_token": web.token},
        headers={"origin": "http://evil.example"},
    )
    assert r.status_code == 403


def test_each_server_start_has_its_own_token(web: Web, bare_dossier: object) -> None:
    other = Web(create_app(web.answers, port=PORT, dossier=bare_dossier), web.answers, web.out)  # type: ignore[arg-type]
    assert other.token != web.token


# ---------------------------------------------------------------- the report


def test_generate_writes_the_dossier_and_links_to_it(web: Web) -> None:
    assert web.get("/out/dossier.md").status_code == 404
    web.save("6.3", value="40 %")
    r = web.post("/report", data={"csrf_token": web.token})
    assert r.status_code == 200
    assert (web.out / "dossier.md").is_file() and (web.out / "dossier.json").is_file()
    link = "/out/report.html" if (web.out / "report.html").is_file() else "/out/dossier.md"
    assert f'href="{link}"' in r.text
    md = web.get("/out/dossier.md")
    assert md.status_code == 200 and md.headers["content-type"] == "text/plain; charset=utf-8"
    assert "correspond à l'ICP ?** — 40 %" in md.text
    assert f'href="{link}"' in web.get("/").text


def test_out_files_are_read_only_and_confined(web: Web) -> None:
    web.post("/report", data={"csrf_token": web.token})
    assert web.get("/out/../answers.yaml").status_code == 404
    assert web.get("/out/%2e%2e/answers.yaml").status_code == 404
    assert web.post("/out/dossier.md", data={"csrf_token": web.token}).status_code == 405


# ---------------------------------------------------------------- as a new user would


@pytest.mark.slow
def test_a_founder_answers_every_open_question_of_the_demo_from_the_page(
    tmp_path: Path,
) -> None:
    """Every question the demo's data leaves open, answered through the form from a fresh
    workspace: the next report shows all 63 answered, each with the founder's text, and no
    YAML was typed."""
    data = generate(tmp_path / "demo", size="S", seed=0)
    answers = tmp_path / "answers.yaml"
    # the answers file as `personae init` writes it: every id commented, nothing answered
    answers.write_text(skeleton(load_questionnaire()), encoding="utf-8")
    base = compute_dossier(data=data)
    web = Web(create_app(answers, port=PORT, dossier=base), answers, tmp_path / "out")
    before = base.with_manual(load_answers(answers, base.questionnaire))
    open_ids = [x.id for x in before.questionnaire.questions if x.id not in before.answers]
    assert open_ids  # what the data cannot answer, the founder answers on the page
    index = html.unescape(web.get("/").text)
    token = web.token
    for qid in open_ids:
        assert f"{qid}</span>" in index  # listed under « À compléter »
        r = web.post(
            f"/answers/{qid}",
            data={
                "value": f"Réponse du fondateur à la question {qid}.",
                "base": "",
                "csrf_token": token,
            },
        )
        assert r.status_code == 303, (qid, errors(r.text))
    after = compute_dossier(answers=answers, data=data)
    assert after.answered == after.total == 63
    for qid in open_ids:
        a = after.answers[qid]
        assert a.source == "manual" and a.value == f"Réponse du fondateur à la question {qid}."
    assert "<strong>63/63</strong>" in web.get("/").text


# ---------------------------------------------------------------- the command


def test_serve_command_binds_127_0_0_1_only(
    answers_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from personae.cli import app

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: calls.append({"app": web, **kw}))
    r = CliRunner().invoke(app, ["serve", "--answers", str(answers_file), "--port", "8123"])
    assert r.exit_code == 0, r.output
    assert "http://127.0.0.1:8123/" in r.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    missing = CliRunner().invoke(app, ["serve", "--answers", str(answers_file.parent / "no.yaml")])
    assert missing.exit_code == 2
