"""Exports that load into other programs: Moodle's MSQ marking, Anki's cards, bank versions.

Moodle is checked by parsing the XML and grading every possible tick pattern the way the
question type's own code grades it (qtype_multichoiceset: full marks for exactly the correct
set, else 0; core multichoice: the sum of the ticked fractions, floored at 0), against
gatebp's GATE grading.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from gatebp.gate.grade import Response, grade
from gatebp.gate.question import Option, Question
from gatebp.ui.export import ExportError, ExportOptions, render_export


def msq(correct: list[int], marks: int = 2) -> Question:
    options = tuple(Option(label, f"statement {label}") for label in "ABCD")
    return Question(id=f"m{len(correct)}", topic="t", type="MSQ", marks=marks, text="Which?",
                    answer={"correct": correct}, solution=(), options=options)


def parsed(questions: list[Question], mode: str) -> tuple[str, list[ET.Element]]:
    data = render_export(questions, "moodle", ExportOptions(moodle_msq=mode)).main.decode()
    items = [q for q in ET.fromstring(data).iter("question") if q.get("type") != "category"]
    return data, items


def plugin_score(item: ET.Element, ticked: set[int]) -> Fraction:
    """qtype_multichoiceset's grade_response: 1 when no wrong tick and every correct one."""
    correct = {i for i, a in enumerate(item.iter("answer")) if float(a.get("fraction", "0"))}
    return Fraction(1) if ticked == correct else Fraction(0)


def core_score(item: ET.Element, ticked: set[int]) -> Fraction:
    """Core multichoice (multiple): the ticked fractions summed, between 0 and 1."""
    fractions = [Fraction(a.get("fraction", "0")) / 100 for a in item.iter("answer")]
    return min(Fraction(1), max(Fraction(0), sum((fractions[i] for i in ticked), Fraction(0))))


SETS = [[1], [0, 2], [0, 1, 3], [0, 1, 2, 3]]


def test_msq_is_all_or_nothing_through_the_plugin_by_default() -> None:
    questions = [msq(correct) for correct in SETS]
    data, items = parsed(questions, "all-or-nothing")
    assert "qtype_multichoiceset" in data.split("<quiz>")[0]  # the file says which it holds
    for question, item in zip(questions, items, strict=True):
        assert item.get("type") == "multichoiceset" and item.find("single") is None
        assert [a.get("fraction") for a in item.iter("answer")] == [
            "100" if i in question.answer["correct"] else "0" for i in range(4)]
        assert item.findtext("answernumbering") == "ABCD" and item.findtext("shuffleanswers") == "0"
        for size in range(1, 5):  # an empty response is "not answered" in both
            for ticked in map(set, itertools.combinations(range(4), size)):
                gate = grade(question, Response.pick(*ticked)).score / question.marks
                assert plugin_score(item, ticked) == gate, (question.answer, ticked)


def test_partial_is_the_documented_core_fallback_and_differs_from_gate() -> None:
    question = msq([0, 1, 3])
    data, (item,) = parsed([question], "partial")
    assert item.get("type") == "multichoice" and item.findtext("single") == "false"
    assert "partial credit" in data.split("<quiz>")[0] or "part of the marks" in data
    assert abs(core_score(item, {0}) - Fraction(1, 3)) < Fraction(1, 10**6)  # GATE gives 0,
    # which is why the plugin is the default
    assert grade(question, Response.pick(0)).score == 0
    assert 1 - core_score(item, {0, 1, 3}) < Fraction(1, 10**5) and core_score(item, {0, 2}) == 0


def test_mcq_and_nat_do_not_depend_on_the_msq_mode() -> None:
    from tests.test_export_formats import sample_questions

    nat_mcq = sample_questions()[:2]
    assert parsed(nat_mcq, "partial")[1][0].get("type") == "numerical"
    plugin = [ET.tostring(q) for q in parsed(nat_mcq, "all-or-nothing")[1]]
    assert plugin == [ET.tostring(q) for q in parsed(nat_mcq, "partial")[1]]


def test_an_unknown_msq_mode_is_refused() -> None:
    with pytest.raises(ExportError, match="moodle_msq"):
        ExportOptions(moodle_msq="half")  # type: ignore[arg-type]


def test_the_command_says_which_msq_type_it_wrote(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gatebp.cli.main import cli

    out = tmp_path / "quiz.xml"
    args = ["export", "-n", "12", "--seed", "7", "--format", "moodle", "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0 and "qtype_multichoiceset" in result.stderr
    assert "as GATE marks them" in result.stderr and "--moodle-msq partial" in result.stderr
    assert 'type="multichoiceset"' in out.read_text(encoding="utf-8")
    partial = runner.invoke(cli, [*args, "--moodle-msq", "partial"])
    assert partial.exit_code == 0 and "core Moodle multichoice" in partial.stderr
    assert "part of the marks" in partial.stderr and 'type="multichoiceset"' not in out.read_text()


# --- Anki ------------------------------------------------------------------------------------

def read_apkg(data: bytes, folder) -> tuple[list[list[str]], dict[str, bytes], str]:  # type: ignore[no-untyped-def]
    """The notes' fields, the media files by name and the note type's CSS, read with sqlite."""
    import io
    import json
    import sqlite3
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(folder / "collection.anki2") as connection:
        notes = [row[0].split("\x1f") for row in connection.execute("SELECT flds FROM notes")]
        models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0])
    media = {name: archive.read(index) for index, name in json.loads(archive.read("media")).items()}
    return notes, media, " ".join(m["css"] for m in models.values())


def anki_set() -> list[Question]:
    from gatebp.questions.sets import build_set

    return build_set(7, 20, (), None, None)


def test_anki_cards_carry_mathjax_and_figures_as_media(tmp_path) -> None:  # type: ignore[no-untyped-def]
    questions = anki_set()
    notes, media, _ = read_apkg(render_export(questions, "anki", ExportOptions()).main, tmp_path)
    graphs = [q for q in questions if q.graph]
    fronts = {fields[0]: fields[1] for fields in notes}
    for q in graphs:
        front = fronts[q.id]
        assert "\\(" in front and "\\)" in front  # the values grid as MathJax
        name = front.split('<img class="net" src="', 1)[1].split('"', 1)[0]
        assert media[name].startswith(b"<svg")
    assert 0 < len(media) <= len(graphs)  # one file per distinct figure
    assert any("\\(-" in f or "\\(\\frac" in f or "\\(0" in f for f in fronts.values())


def test_anki_fields_hold_no_diagram_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    notes, media, _ = read_apkg(render_export(anki_set(), "anki", ExportOptions()).main, tmp_path)
    for fields in notes:
        for field in fields:
            assert "<svg" not in field and "<title>" not in field and "<text" not in field
            assert "Network:" not in field and "aria-label" not in field
    assert media  # the figures are there, as files


def test_anki_css_has_night_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, _, css = read_apkg(render_export(anki_set()[:3], "anki", ExportOptions()).main, tmp_path)
    assert ".nightMode .card" in css and ".night_mode .card" in css
    assert "@media print" not in css


# --- versions ----------------------------------------------------------------------------------

def test_versions_say_that_bank_questions_are_shared(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from gatebp.cli.main import cli

    out = tmp_path / "set.json"
    base = ["export", "-n", "3", "--seed", "5", "--versions", "2", "-o", str(out)]
    result = runner.invoke(cli, [*base, "--bank", "question_bank"])
    assert result.exit_code == 0, result.output
    a, b = (json.loads((tmp_path / f"set-{v}.json").read_text())["questions"] for v in "AB")
    shared = [q for q in a if q.get("source") == "bank"]
    assert shared and [q for q in b if q.get("source") == "bank"] == shared
    assert f"note: {len(shared)} bank questions are shared across versions" in result.stderr
    alone = runner.invoke(cli, base)
    assert alone.exit_code == 0 and "shared across versions" not in alone.stderr
