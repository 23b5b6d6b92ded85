"""An Anki deck (.apkg): one note per question, for spaced repetition away from the CLI.

The front is the question as the paper shows it (text, network figure, values, options); the
back is the GATE key and, with `solutions`, the worked steps. A deck always carries its answers,
whatever `answers` says.

Made for how Anki shows and searches cards:

- maths in the values grid and in numeric options is MathJax (`\\( ... \\)`), which Anki
  renders on desktop and phone;
- a layered network too wide to read on a 400 px phone card is also given as its weight
  matrices and bias vectors in MathJax, above the figure (gatebp.ui.export.anki_figure);
- the figure is a media file (`<img src="gatebp-<hash>.svg">`), not inline SVG, so its title and
  labels stay out of the browser's columns and of search, and the image can be zoomed;
- the card CSS has night-mode rules (Anki adds `.nightMode` / `.night_mode`); the figure keeps
  a white ground there, since its ink is dark.

Deck and note-type ids come from a hash of fixed text (not `random`), each note's GUID from the
question id and each media name from the figure's bytes, so importing a re-export of the same
set updates the existing cards instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from gatebp.gate.question import Question
from gatebp.ui.export.anki_figure import network_table
from gatebp.ui.export.common import tag_text
from gatebp.ui.export.html import CSS, figure_svg, options_html, solution_html, stem_html

if TYPE_CHECKING:
    from gatebp.ui.export import ExportOptions

MODEL_NAME = "gatebp question v1"
NIGHT = """
.card { text-align: left; background: #fff; color: #1b1b1b; }
.nightMode .card, .night_mode .card, .card.nightMode, .card.night_mode {
  background: #1e1e1e; color: #e4e4e4; }
.nightMode .card th, .night_mode .card th { background: #2c2c2c; }
.nightMode .answer, .night_mode .answer { color: #8cb4ff; }
.nightMode .tag, .nightMode .hint, .night_mode .tag, .night_mode .hint { color: #aaa; }
img.net { max-width: 100%; height: auto; background: #fff; border-radius: 4px; padding: 4px; }
p.tag { margin-left: 0; }
.network-table p { margin: .25rem 0; overflow-x: auto; }
"""
CARD_CSS = CSS.split("@media print")[0] + NIGHT.lstrip()

Media = dict[str, bytes]


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
    media: Media = {}
    for question in questions:
        deck.add_note(_note(genanki, model, question, options.solutions, media))
    return _package_bytes(genanki.Package(deck), media)


def _package_bytes(package: Any, media: Media) -> bytes:
    """genanki's `write_to_file`, but into memory, with the figures as media and without
    leaving its temp database behind."""
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
            names = sorted(media)
            for index, name in enumerate(names):
                archive.writestr(str(index), media[name])
            archive.writestr("media", json.dumps({str(i): n for i, n in enumerate(names)}))
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


def _note(genanki: Any, model: Any, q: Question, solutions: bool, media: Media) -> Any:
    picture = _figure(q, media) if q.graph else None
    table = network_table(q.graph) if q.graph else None
    stem = stem_html(q, diagram=picture, maths="mathjax", values=table)
    front = (f'<p class="tag">{escape(tag_text(q))}</p>\n'
             f"{stem}\n{options_html(q, maths='mathjax')}")
    key = f'<p>Key: <span class="answer">{escape(q.key_text())}</span></p>'
    back = solution_html(q, maths="mathjax") if solutions else key
    tags = [_tag(q.topic), q.type]
    return genanki.Note(model=model, fields=[q.id, front, back, q.topic], tags=tags,
                        guid=genanki.guid_for("gatebp", q.id))


def _figure(q: Question, media: Media) -> str:
    """The figure as a media file named by its bytes; the field holds only the <img>."""
    data = figure_svg(q).encode("utf-8")
    name = f"gatebp-{hashlib.sha256(data).hexdigest()[:16]}.svg"
    media[name] = data
    return f'<img class="net" src="{name}" alt="">'


def _tag(text: str) -> str:
    """Anki tags cannot hold spaces."""
    return "_".join(text.split()) or "untagged"
