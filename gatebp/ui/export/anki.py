"""An Anki deck (.apkg): one note per question, for spaced repetition away from the CLI.

The front is the question as the paper shows it (text, network diagram as inline SVG, values
table, options); the back is the GATE key and, with `solutions`, the worked steps. A deck always
carries its answers, whatever `answers` says. Deck and note-type ids come from a hash of fixed
text (not `random`), and each note's GUID from the question id, so importing a re-export of the
same set updates the existing cards instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from gatebp.gate.question import Question
from gatebp.ui.export.common import tag_text
from gatebp.ui.export.html import CSS, options_html, solution_html, stem_html

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

MODEL_NAME = "gatebp question v1"
CARD_CSS = CSS.split("@media print")[0] + ".card { text-align: left; background: #fff; }\n"


def stable_id(text: str) -> int:
    """A 31-bit id from a hash, in the range genanki recommends ([2**30, 2**31))."""
    digest = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


def render(questions: Sequence[Question], options: ExportOptions, *, paper: bool = True,
           key: bool = True) -> bytes:
    """The .apkg bytes; `paper`/`key` are ignored, since a card holds both sides."""
    import genanki

    deck = genanki.Deck(stable_id("gatebp deck: " + options.title), _deck_name(options))
    model = _model(genanki)
    for question in questions:
        deck.add_note(_note(genanki, model, question, options.solutions))
    return _package_bytes(genanki.Package(deck))


def _package_bytes(package: Any) -> bytes:
    """genanki's `write_to_file`, but into memory and without leaving its temp database behind."""
    import itertools
    import sqlite3
    import tempfile
    import time
    import zipfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="gatebp-anki-") as folder:
        db_path = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(db_path)
        try:
            now = time.time()
            package.write_to_db(connection.cursor(), now, itertools.count(int(now * 1000)))
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
    return buffer.getvalue()


def _deck_name(options: ExportOptions) -> str:
    name = options.title.replace("::", ":")
    return f"{name} (version {options.version})" if options.version else name


def _model(genanki: Any) -> Any:
    return genanki.Model(
        stable_id(MODEL_NAME), MODEL_NAME,
        fields=[{"name": "Id"}, {"name": "Front"}, {"name": "Back"}, {"name": "Topic"}],
        templates=[{"name": "Question",
                    "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=CARD_CSS)


def _note(genanki: Any, model: Any, q: Question, solutions: bool) -> Any:
    front = f'<p class="tag">{escape(tag_text(q))}</p>\n{stem_html(q)}\n{options_html(q)}'
    key = f'<p>Key: <span class="answer">{escape(q.key_text())}</span></p>'
    back = solution_html(q) if solutions else key
    tags = [_tag(q.topic), q.type]
    return genanki.Note(model=model, fields=[q.id, front, back, q.topic], tags=tags,
                        guid=genanki.guid_for("gatebp", q.id))


def _tag(text: str) -> str:
    """Anki tags cannot hold spaces."""
    return "_".join(text.split()) or "untagged"
