"""Statement.anonymous follows its speaker's flag whatever writes it (quotes/anonymity.py)."""

import pytest

from quotes.models import Statement
from tests.factories import (
    AnonymousSpeakerFactory,
    OrganizationFactory,
    SpeakerFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def flag(statement: Statement) -> bool:
    return Statement.objects.values_list("anonymous", flat=True).get(pk=statement.pk)


def test_a_statement_takes_its_speakers_flag() -> None:
    assert flag(StatementFactory(speaker=AnonymousSpeakerFactory())) is True
    assert flag(StatementFactory(speaker=SpeakerFactory())) is False
    assert flag(StatementFactory(speaker=None, organization=OrganizationFactory())) is False


def test_the_flag_follows_a_new_speaker_and_a_speaker_that_changes() -> None:
    statement = StatementFactory(speaker=SpeakerFactory())
    statement.speaker = AnonymousSpeakerFactory()
    statement.save()
    assert flag(statement) is True
    speaker = statement.speaker
    speaker.is_anonymous = False
    speaker.save()
    assert flag(statement) is False


def test_a_stale_flag_written_back_is_corrected() -> None:
    speaker = SpeakerFactory()
    statement = StatementFactory(speaker=speaker)
    stale = Statement.objects.get(pk=statement.pk)
    speaker.is_anonymous, speaker.description = True, "an official"
    speaker.save()
    stale.setting = "briefing"
    stale.save()  # writes anonymous = False back
    assert flag(statement) is True
