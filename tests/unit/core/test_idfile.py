"""Files of task ids: .txt and .csv, with or without a header; bounded and explained."""

from __future__ import annotations

import codecs

import pytest

from bot.core.form import FieldProblem
from bot.core.idfile import MAX_FILE_BYTES, kind_of, read_ids


@pytest.mark.parametrize(
    ("name", "filetype", "kind"),
    [
        ("ids.txt", None, "txt"),
        ("IDS.CSV", None, "csv"),
        ("export", "csv", "csv"),
        ("notes", "text", "txt"),
        ("ids.xlsx", "xlsx", None),
        ("noextension", None, None),
    ],
)
def test_kind(name: str, filetype: str | None, kind: str | None) -> None:
    assert kind_of(name, filetype) == kind


def read(content: bytes, kind: str = "txt", max_ids: int = 100) -> list[str]:
    return read_ids(content, kind=kind, max_ids=max_ids)  # type: ignore[arg-type]


def problem(content: bytes, kind: str = "txt", max_ids: int = 100) -> str:
    with pytest.raises(FieldProblem) as caught:
        read(content, kind, max_ids)
    return caught.value.message


def test_text_file_of_ids_in_any_layout() -> None:
    assert read(b"t1\nt2, t3;t4\r\n\n  t5\tt1\n") == ["t1", "t2", "t3", "t4", "t5", "t1"]


def test_csv_with_a_header_takes_the_task_id_column() -> None:
    content = b"status,Task ID,id\nPENDING,t1,x1\nDONE,t2,x2\n,,\nPENDING,,x4\n"
    assert read(content, "csv") == ["t1", "t2"]


@pytest.mark.parametrize(
    "content",
    [b"id\nt1\nt2\n", b"ID;name\nt1;a\nt2;b\n", b"name\tid\na\tt1\nb\tt2\n", b'"id"\n"t1"\n"t2"'],
)
def test_csv_id_column_and_delimiters(content: bytes) -> None:
    assert read(content, "csv") == ["t1", "t2"]


def test_csv_without_header_is_a_list() -> None:
    assert read(b"t1\nt2\nt3\n", "csv") == ["t1", "t2", "t3"]
    assert read(b"t1,t2,t3\n", "csv") == ["t1", "t2", "t3"]


def test_csv_table_without_an_id_column_is_refused() -> None:
    assert "no task_id or id column" in problem(b"name,status\nt1,PENDING\n", "csv")


def test_encodings() -> None:
    assert read(codecs.BOM_UTF8 + b"id\nt1\n", "csv") == ["t1"]
    assert read("id\nt1\n".encode("utf-16"), "csv") == ["t1"]
    assert "not UTF-8 text" in problem(b"\xff\xfe\x00")
    assert "not UTF-8 text" in problem(b"t1\n\xc3\x28")
    assert "not a text file" in problem(b"t1\x00t2")


def test_bad_ids_are_named_with_a_count() -> None:
    content = b"t1\n" + b"\n".join(f"bad#{i}".encode() for i in range(8))
    message = problem(content)
    assert message.startswith("In the file, \u201cbad#0\u201d")
    assert "and 3 more are not valid task ids" in message


def test_empty_file() -> None:
    assert "holds no task ids" in problem(b"  \n\n")
    assert "holds no task ids" in problem(b"task_id\n", "csv")


def test_too_many_ids_stops_early() -> None:
    assert read(b"a b c a b c", max_ids=3) == ["a", "b", "c", "a", "b", "c"]
    assert "more than 3 task ids" in problem(b"a b c d", max_ids=3)


def test_too_large_is_refused_before_reading() -> None:
    assert "files up to 4 MB" in problem(b"t" * (MAX_FILE_BYTES + 1))
