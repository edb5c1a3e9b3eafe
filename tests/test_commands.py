"""Management commands: create_curator and load_seed."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

STRONG = "kyiv-embassy-closed-nov-20"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_curator_takes_password_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATOR_PASSWORD", STRONG)
    assert "Created curator 'sam'" in run("create_curator", "sam")
    user = get_user_model().objects.get(username="sam")
    assert user.is_staff
    assert user.check_password(STRONG)
    assert list(user.groups.values_list("name", flat=True)) == ["Curators"]


def test_create_curator_again_updates_the_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATOR_PASSWORD", STRONG)
    run("create_curator", "sam")
    monkeypatch.setenv("CURATOR_PASSWORD", STRONG + "-rotated")
    assert "Updated curator 'sam'" in run("create_curator", "sam")
    users = get_user_model().objects.filter(username="sam")
    assert users.count() == 1
    assert users.get().check_password(STRONG + "-rotated")


def test_create_curator_without_password_or_terminal_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CURATOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(CommandError, match="CURATOR_PASSWORD"):
        run("create_curator", "sam")
    assert not get_user_model().objects.exists()


def test_create_curator_prompts_on_a_terminal_without_echo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CURATOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or STRONG)
    run("create_curator", "sam")
    assert prompts == ["Password: ", "Password (again): "]
    assert get_user_model().objects.get(username="sam").check_password(STRONG)


def test_create_curator_refuses_a_weak_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        run("create_curator", "sam")
    assert not get_user_model().objects.exists()


def test_load_seed_loads_an_empty_database_once() -> None:
    from quotes.models import Source, Statement

    run("load_seed")
    statements = Statement.objects.count()
    assert Source.objects.count() == 4
    Statement.objects.filter(pk=Statement.objects.first().pk).update(notes="curator's edit")
    assert "not loaded" in run("load_seed")
    assert Statement.objects.filter(notes="curator's edit").count() == 1
    run("load_seed", "--force")
    assert Statement.objects.count() == statements
    assert not Statement.objects.filter(notes="curator's edit").exists()
