"""`import_articles` (files, folders, JSONL; a summary; failures named and a non-zero
exit; safe to interrupt and rerun) and `extraction_stats`."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quotes import services
from quotes.intake import proposals
from quotes.models import Source
from tests.factories import UserFactory
from tests.intake.conftest import ARTICLE, seed_text
from tests.intake.test_articles import HTML

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "003.txt").write_text(seed_text(3), encoding="utf-8", newline="")
    (tmp_path / "seeds" / "notes.md").write_text("not an article", encoding="utf-8")
    records = [
        {"text": ARTICLE, "url": "https://news.example/harbour"},
        {"html": HTML},
    ]
    (tmp_path / "batch.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records), encoding="utf-8"
    )
    return tmp_path


def test_it_imports_files_folders_and_jsonl_records(folder: Path) -> None:
    out, _ = run(str(folder), "--processes", "0")
    assert "3 imported, 0 duplicates, 0 failed, of 3 articles" in out
    assert Source.objects.filter(url="https://news.example/harbour").exists()
    assert Source.objects.filter(outlet__isnull=True).count() == 3


def test_a_rerun_finds_everything_imported_without_extracting_again(
    folder: Path, monkeypatch
) -> None:
    run(str(folder), "--processes", "0")

    def refuse(*args, **kwargs):
        raise AssertionError("extracted again")

    monkeypatch.setattr(proposals, "extracted", refuse)
    out, _ = run(str(folder), "--processes", "0")
    assert "0 imported, 3 duplicates, 0 failed" in out
    assert Source.objects.count() == 3


def test_failures_are_named_and_the_exit_is_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9")
    (tmp_path / "lines.jsonl").write_text(
        '{"url": "http://127.0.0.1:9/"}\nnot json\n{}\n', encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="6 of 6 articles failed"):
        call_command(
            "import_articles",
            str(tmp_path),
            str(tmp_path / "missing.txt"),
            "--processes",
            "0",
            stdout=out,
            stderr=err,
        )
    assert "0 imported, 0 duplicates, 6 failed" in out.getvalue()
    reasons = err.getvalue()
    for expected in (
        "empty.txt: empty.txt is empty",
        "latin.txt: latin.txt is not UTF-8",
        "lines.jsonl:1: 127.0.0.1 resolves to 127.0.0.1, a loopback address",
        "lines.jsonl:2: not JSON",
        "lines.jsonl:3: Give url, text or html",
        "missing.txt: no such file",
    ):
        assert expected in reasons, expected
    assert Source.objects.count() == 0


def test_an_interrupted_run_keeps_what_it_finished_and_a_rerun_goes_on(
    folder: Path, monkeypatch
) -> None:
    real, calls = services.source_import, []

    def interrupted(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(**kwargs)

    monkeypatch.setattr(services, "source_import", interrupted)
    with pytest.raises(CommandError):
        run(str(folder), "--processes", "0")
    assert Source.objects.count() == 1
    monkeypatch.setattr(services, "source_import", real)
    out, _ = run(str(folder), "--processes", "0")
    assert "2 imported, 1 duplicates, 0 failed" in out


def test_worker_processes_extract_as_the_import_itself_would(folder: Path) -> None:
    user = UserFactory(username="batch")
    out, _ = run(str(folder), "--processes", "2", "--user", "batch")
    assert "3 imported" in out
    source = Source.objects.get(url="https://news.example/harbour")
    assert [c.text for c in source.candidates.order_by("start")] == [
        "We will not back down on the harbour",
        "the works would start in the spring",
    ]
    assert source.source_import.imported_by == user


def test_an_unknown_user_is_refused() -> None:
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("x.txt", "--user", "nobody")


def test_extraction_stats_reports_each_version(folder: Path, curator) -> None:
    run(str(folder), "--processes", "0")
    source = Source.objects.get(url="https://news.example/harbour")
    quote, paraphrase = source.candidates.order_by("start")
    services.candidate_accept(candidate=quote, by=curator)
    services.candidate_reject(candidate=paraphrase, reason="Vague", by=curator)
    out = io.StringIO()
    call_command("extraction_stats", stdout=out)
    assert "accepted unchanged 1 (50 %)" in out.getvalue()
    assert "rejected 1 (50 %)" in out.getvalue()
    out = io.StringIO()
    call_command("extraction_stats", "--format", "json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert (row["accepted_unchanged"], row["rejected"], row["precision"]) == (1, 1, 0.5)
