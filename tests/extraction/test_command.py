"""manage.py extract_quotes: the evaluation's interface (jsonl), the table, bad input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ARTICLE = (
    "<TITLE>Mines</TITLE>\n<PUBLISHED_DATE>2024-11-19</PUBLISHED_DATE>\n<CONTENT>\n"
    "“They have asked for these,” Defense Secretary Lloyd Austin told reporters on Wednesday."
    "\r\nOne US official told the Post that the mines would arrive soon.\n</CONTENT>\n"
)
JSONL_FIELDS = {
    "file",
    "start",
    "end",
    "text",
    "kind",
    "speaker",
    "cue",
    "via",
    "said_on",
    "said_on_precision",
    "matches_statement",
}
SPEAKER_FIELDS = {
    "start",
    "end",
    "text",
    "name",
    "anonymous",
    "description",
    "organization",
    "speaker_id",
}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("extract_quotes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_jsonl_has_the_fields_and_offsets_into_the_file(tmp_path) -> None:
    call_command("loaddata", "seed", verbosity=0)
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    out, _ = run(str(path), "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2
    raw = path.read_bytes().decode("utf-8")  # as read with newline=""
    for row in rows:
        assert set(row) >= JSONL_FIELDS
        assert raw[row["start"] : row["end"]] == row["text"]
        assert set(row["speaker"]) >= SPEAKER_FIELDS
        speaker = row["speaker"]
        assert raw[speaker["start"] : speaker["end"]] == speaker["text"]
    austin, official = rows
    assert (austin["kind"], austin["speaker"]["name"], austin["said_on"]) == (
        "direct",
        "Lloyd Austin",
        "2024-11-20",
    )
    assert austin["speaker"]["speaker_id"] is not None
    assert austin["said_on_precision"] == "day"
    assert (official["via"], official["speaker"]["anonymous"]) == ("The Washington Post", True)


def test_table_lists_each_candidate(tmp_path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    out, _ = run(str(path))
    assert out.splitlines()[0] == f"{path}: 2 candidates"
    assert "Lloyd Austin" in out
    assert "via The Washington Post" in out


def test_html_offsets_point_into_the_extracted_text(tmp_path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Mines</title></head><body><nav>Home | World</nav><article>"
        "<p>The decision was announced on Tuesday in Washington after weeks of debate.</p>"
        "<p>“We will not back down,” the minister said at a news conference.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    out, _ = run(str(path), "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    # The first paragraph's passive announcement is a candidate of its own (credited to no one).
    (row,) = [r for r in rows if r["kind"] == "direct"]
    assert row["text"] == "“We will not back down,”"
    assert row["speaker"]["text"] == "the minister"
    assert "Home" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"caf\xe9 said", "not UTF-8 text (byte 0xe9 at offset 3)"),
    ],
)
def test_bad_input_is_named_and_fails(tmp_path, content, message) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("“Yes,” she said.", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files could not be read"):
        call_command("extract_quotes", str(path), str(good), stdout=out, stderr=err)
    assert err.getvalue().strip().endswith(f"{path}: {message}")
    assert "“Yes,”" in out.getvalue()
