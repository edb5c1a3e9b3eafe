"""Integrity rules are enforced by the database itself, on SQLite and PostgreSQL alike."""

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from quotes.models import Appearance, Organization, Source, Speaker, Statement, locate_wording
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    OrganizationFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(write: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_speaker_slug_is_unique() -> None:
    SpeakerFactory(slug="lloyd-austin")
    assert_rejected(lambda: SpeakerFactory(slug="lloyd-austin"))


def test_organization_and_topic_slugs_are_unique() -> None:
    OrganizationFactory(slug="pentagon")
    TopicFactory(slug="mines")
    assert_rejected(lambda: OrganizationFactory(slug="pentagon"))
    assert_rejected(lambda: TopicFactory(slug="mines"))


def test_source_url_is_unique_when_present() -> None:
    SourceFactory(url="https://example.com/a")
    assert_rejected(lambda: SourceFactory(url="https://example.com/a"))


def test_sources_without_url_may_coexist() -> None:
    SourceFactory(url="")
    SourceFactory(url="")
    assert Source.objects.filter(url="").count() == 2


@pytest.mark.parametrize("wording", ["", "   "])
def test_appearance_without_wording_is_rejected(wording: str) -> None:
    assert_rejected(lambda: AppearanceFactory(quoted_text=wording, offset=0))


def test_one_appearance_per_statement_source_and_offset() -> None:
    first = AppearanceFactory()
    assert_rejected(
        lambda: AppearanceFactory(
            statement=first.statement, source=first.source, offset=first.offset
        )
    )


def test_appearance_offset_cannot_be_negative() -> None:
    appearance = AppearanceFactory()
    assert_rejected(lambda: Appearance.objects.filter(pk=appearance.pk).update(offset=-1))


@pytest.mark.parametrize(
    ("said_on", "precision"),
    [
        (None, "day"),
        (datetime.date(2024, 11, 20), "unknown"),
        (datetime.date(2024, 6, 7), "month"),
        (datetime.date(2020, 3, 1), "year"),
        (datetime.date(2020, 1, 1), "decade"),
    ],
)
def test_date_precision_must_agree_with_the_date(
    said_on: datetime.date | None, precision: str
) -> None:
    assert_rejected(lambda: StatementFactory(said_on=said_on, said_on_precision=precision))


@pytest.mark.parametrize(
    ("said_on", "precision"),
    [
        (None, "unknown"),
        (datetime.date(2024, 11, 20), "day"),
        (datetime.date(2022, 6, 1), "month"),
        (datetime.date(2020, 1, 1), "year"),
    ],
)
def test_consistent_dates_are_accepted(said_on: datetime.date | None, precision: str) -> None:
    statement = StatementFactory(said_on=said_on, said_on_precision=precision)
    statement.full_clean()


def test_statement_needs_a_speaker_or_an_organization() -> None:
    assert_rejected(lambda: StatementFactory(speaker=None, organization=None))


def test_organization_may_speak_as_a_body() -> None:
    embassy = OrganizationFactory(name="U.S. Embassy in Kyiv", kind="diplomatic_mission")
    statement = StatementFactory(speaker=None, organization=embassy)
    assert statement.credited_to == embassy


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "rumour"), ("status", "published"), ("text", "  ")],
)
def test_statement_field_values_are_checked(field: str, value: str) -> None:
    assert_rejected(lambda: StatementFactory(**{field: value}))


def test_verified_statement_records_who_and_when() -> None:
    assert_rejected(lambda: StatementFactory(status="verified"))


def test_anonymous_speaker_needs_a_description() -> None:
    assert_rejected(lambda: SpeakerFactory(is_anonymous=True, description=""))


def test_affiliation_cannot_end_before_it_starts() -> None:
    assert_rejected(
        lambda: AffiliationFactory(
            start_on=datetime.date(2021, 1, 22), end_on=datetime.date(2020, 1, 1)
        )
    )


def test_organization_kind_is_checked_and_cannot_be_its_own_parent() -> None:
    org = OrganizationFactory()
    assert_rejected(lambda: OrganizationFactory(kind="club"))
    assert_rejected(lambda: Organization.objects.filter(pk=org.pk).update(parent=org.pk))


def test_deleting_a_speaker_with_statements_is_refused() -> None:
    statement = StatementFactory()
    with pytest.raises(ProtectedError):
        statement.speaker.delete()
    assert Speaker.objects.filter(pk=statement.speaker.pk).exists()


def test_database_refuses_to_orphan_statements_even_bypassing_the_orm() -> None:
    statement = StatementFactory()

    # A raw DELETE skips Django's PROTECT check; the foreign key must still hold.
    def delete_then_check() -> None:
        Speaker.objects.filter(pk=statement.speaker_id)._raw_delete(connection.alias)
        connection.check_constraints()

    assert_rejected(delete_then_check)


def test_deleting_a_source_with_appearances_is_refused() -> None:
    appearance = AppearanceFactory()
    with pytest.raises(ProtectedError):
        appearance.source.delete()


def test_deleting_a_statement_takes_its_appearances_with_it() -> None:
    appearance = AppearanceFactory()
    appearance.statement.delete()
    assert not Appearance.objects.exists()


def test_appearance_clean_names_where_the_wording_really_is() -> None:
    appearance = AppearanceFactory.build(
        source=SourceFactory(), statement=StatementFactory(), offset=0
    )
    with pytest.raises(ValidationError) as error:
        appearance.full_clean()
    assert "It occurs at offset 20" in str(error.value)


def test_wording_is_located_across_line_breaks() -> None:
    text = "officials said “U.S.\n\nmines are safer” today"
    assert locate_wording(text, "U.S. mines are safer") == text.index("U.S.")
    assert locate_wording(text, "U.S. mines are safest") is None


def test_statement_clean_explains_precision_mismatch() -> None:
    statement = StatementFactory.build(
        speaker=SpeakerFactory(), said_on=datetime.date(2022, 6, 7), said_on_precision="month"
    )
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "first day of the month" in str(error.value)


def test_said_on_display_follows_precision() -> None:
    assert (
        StatementFactory.build(
            said_on=datetime.date(2022, 6, 1), said_on_precision="month"
        ).said_on_display
        == "Jun 2022"
    )
    assert (
        StatementFactory.build(said_on=None, said_on_precision="unknown").said_on_display
        == "unknown"
    )
    assert (
        Statement(said_on=datetime.date(2020, 1, 1), said_on_precision="year").said_on_display
        == "2020"
    )


def test_an_undated_role_is_not_recorded_twice() -> None:
    first = AffiliationFactory(start_on=None)
    assert_rejected(
        lambda: AffiliationFactory(
            speaker=first.speaker, organization=first.organization, title=first.title, start_on=None
        )
    )
