"""A history that cannot be read or written is one line naming the file and the remedy, exit 2,
and the file is never changed by the attempt (a damaged file is reported and left alone)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatebp.app.history import DB_NAME, SCHEMA_VERSION, Attempt, History, HistoryError
from gatebp.cli.main import cli
from gatebp.core.errors import GatebpError

GATEBP = str(Path(sys.executable).with_name("gatebp"))


def make_history(directory: Path, rows: int = 200) -> Path:
    """A history with one drill of `rows` attempts (several pages, so damage can hit data)."""
    with History.open(directory) as history:
        sid = history.start_session("drill", 1, rows)
        history.record_attempts([Attempt(sid, f"relu-gate:MCQ1:{i}", "relu-gate", "MCQ", 1, "A",
                                         True, 1.0, 10.0) for i in range(rows)])
    return directory / DB_NAME


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    db.execute(sql)
    db.commit()
    db.close()


def corrupt_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * 2: 4096 * 2 + 3000] = b"\xab" * 3000
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def invoke(*args: str) -> BaseException | None:
    result = CliRunner().invoke(cli, list(args), input="q\n")
    return result.exception


@pytest.mark.parametrize("damage, says", [
    (corrupt_pages, "cannot be read (database disk image is malformed"),
    (truncate, "cannot be read (database disk image is malformed"),
    (lambda p: edit(p, "UPDATE attempts SET at = 'yesterday\x1b[2J' WHERE id = 5"),
     "row 5 of attempts cannot be read (bad time 'yesterday\\x1b[2J')"),
    (lambda p: edit(p, "UPDATE attempts SET state = 'weird' WHERE id = 7"),
     "row 7 of attempts cannot be read (unknown state 'weird')"),
])
@pytest.mark.parametrize("command", [["stats"], ["practice", "--count", "1"]])
def test_a_damaged_history_is_one_line_and_left_as_it_was(tmp_path: Path, damage, says: str,
                                                          command: list[str]) -> None:
    path = make_history(tmp_path)
    damage(path)
    before = digest(path)
    error = invoke(*command, "--data-dir", str(tmp_path))
    assert isinstance(error, HistoryError), error
    message = str(error)
    assert message.startswith(f"{path}: ") and says in message and "\n" not in message
    assert "\x1b" not in message  # a stored escape is quoted, never sent to the terminal
    assert "move it aside" in message or "move the file aside" in message
    if "row" not in says:  # rows were readable: a drill may add its session; damage: nothing
        assert digest(path) == before


def test_a_bad_review_card_names_the_topic_and_the_remedy(tmp_path: Path) -> None:
    path = make_history(tmp_path, rows=3)
    with History.open(tmp_path) as history:
        history.save_card("relu-gate", "{not json")
    error = invoke("practice", "--count", "1", "--data-dir", str(tmp_path))
    assert isinstance(error, HistoryError)
    assert str(error).startswith(f"{path}: the review card of topic 'relu-gate' cannot be read")
    assert "DELETE FROM cards WHERE topic = 'relu-gate'" in str(error)


def test_a_folder_in_place_of_the_file_or_a_file_in_place_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / DB_NAME).mkdir(parents=True)
    for command in (["stats"], ["practice"]):
        error = invoke(*command, "--data-dir", str(tmp_path / "a"))
        assert isinstance(error, HistoryError) and "this is a folder, not a history file" in str(error)
    (tmp_path / "b").write_text("x")
    for command in (["stats"], ["practice"]):  # --data-dir refuses a file itself; GATEBP_HOME
        result = CliRunner().invoke(cli, command, input="q\n",
                                    env={"GATEBP_HOME": str(tmp_path / "b")})
        assert isinstance(result.exception, HistoryError)
        assert "this is a file, not a folder" in str(result.exception)
    assert (tmp_path / "b").read_text() == "x"


def test_an_older_schema_is_migrated_in_place_keeping_its_rows(tmp_path: Path) -> None:
    path = make_history(tmp_path, rows=5)
    edit(path, "DROP TABLE mock_slots")
    edit(path, "DROP TABLE mocks")
    edit(path, "PRAGMA user_version = 1")
    assert len(History.open_read_only(tmp_path).attempts()) == 5  # type: ignore[union-attr]
    assert History.open_read_only(tmp_path).schema_version == 1  # type: ignore[union-attr]
    with History.open(tmp_path) as history:
        assert history.schema_version == SCHEMA_VERSION == 3
        assert history.has_table("mocks") and history.has_table("mock_slots")
        assert history.has_table("step_attempts")
        assert len(history.attempts()) == 5


def test_stats_reads_without_writing(tmp_path: Path) -> None:
    path = make_history(tmp_path, rows=5)
    edit(path, "PRAGMA user_version = 1")  # an old file: stats must not migrate it
    before = digest(path)
    assert invoke("stats", "--data-dir", str(tmp_path)) is None
    assert digest(path) == before
    with History.open_read_only(tmp_path) as history:  # type: ignore[union-attr]
        assert history.schema_version == 1


def test_the_real_command_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    corrupt_pages(make_history(tmp_path))
    for command in (["stats"], ["practice", "--count", "1", "--plain"]):
        done = subprocess.run([GATEBP, *command, "--data-dir", str(tmp_path)], input="q\n",
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / DB_NAME}: ")


def test_rollback_never_hides_the_real_error(tmp_path: Path) -> None:
    """After SQLite rolled back by itself (as on a full disk), the error is the first one."""
    with History.open(tmp_path) as history:
        with pytest.raises(HistoryError, match="no such table: nowhere"):
            with history.transaction() as db:
                db.execute("INSERT INTO nowhere VALUES (1)")
        with pytest.raises(HistoryError, match="disk full"):
            with history.transaction() as db:
                db.execute("ROLLBACK")  # what SQLite does itself on SQLITE_FULL
                raise sqlite3.OperationalError("database or disk is full")
        history.record_attempt(Attempt(None, "q", "t", "NAT", 1, "1", True, 1.0, 1.0))
        assert len(history.attempts()) == 1  # the connection is still usable


# -- file systems that fail (root only: a small tmpfs mounted for the test) ------------------
@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "mnt"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(mount: Path) -> Path:
    """Write a file until the file system is full; returns it (delete it to free the space)."""
    filler = mount / "filler"
    with open(filler, "wb", buffering=0) as out:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                continue
    return filler


def test_a_read_only_history_can_be_read_but_practice_says_so(tmpfs: Path) -> None:
    make_history(tmpfs / "home", rows=5)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    assert invoke("stats", "--data-dir", str(tmpfs / "home")) is None
    error = invoke("practice", "--count", "1", "--data-dir", str(tmpfs / "home"))
    assert isinstance(error, HistoryError) and "read-only" in str(error)
    assert "--data-dir" in str(error)


def test_a_full_disk_keeps_the_earlier_rows_and_says_disk_full(tmpfs: Path) -> None:
    home = tmpfs / "home"
    make_history(home, rows=5)
    with History.open(home) as history:
        filler = fill(tmpfs)
        with pytest.raises(GatebpError, match="disk full"):
            history.record_attempts([Attempt(None, f"x{i}", "t", "NAT", 1, "1" * 500, True, 1.0,
                                             1.0) for i in range(400)])
    error = invoke("practice", "--count", "1", "--data-dir", str(home))  # full before it starts
    assert isinstance(error, HistoryError) and "disk full" in str(error)
    filler.unlink()
    assert len(History.open_read_only(home).attempts()) == 5  # type: ignore[union-attr]
