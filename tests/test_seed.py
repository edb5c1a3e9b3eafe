"""The seed corpus (fixtures/seed.json): it loads, reloads, passes the provenance check,
and says what the four seed articles say (spot checks a reader can confirm in them)."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db.models import F

from quotes.models import (
    Affiliation,
    Appearance,
    Organization,
    Source,
    Speaker,
    Statement,
    Topic,
)

pytestmark = pytest.mark.django_db

SEED_MODELS = [Topic, Organization, Speaker, Affiliation, Source, Statement, Appearance]
WP_URL = (
    "https://www.washingtonpost.com/national-security/2024/11/19/biden-landmines-ukraine-russia/"
)


@pytest.fixture
def seed() -> None:
    call_command("loaddata", "seed", verbosity=0)


def verify(*args: str) -> tuple[str, str]:
    """Run verify_appearances; return what it wrote to stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_appearances", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_failing(*args: str) -> str:
    """Run verify_appearances expecting it to fail; return what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_appearances", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def snapshot() -> str:
    rows = [row for model in SEED_MODELS for row in model.objects.order_by("pk")]
    rows += list(get_user_model().objects.order_by("pk"))
    return serializers.serialize("json", rows, use_natural_foreign_keys=True)


def wp() -> Source:
    return Source.objects.get(url=WP_URL)


def unknown_outlet_source() -> Source:
    return Source.objects.get(
        title="White House approves controversial antipersonnel mine for Ukraine"
    )


def appearance(source: Source, wording: str) -> Appearance:
    return Appearance.objects.get(source=source, quoted_text__contains=wording)


def test_seed_fixture_loads_twice_without_duplicates(seed: None) -> None:
    counts = {model: model.objects.count() for model in SEED_MODELS}
    before = snapshot()
    call_command("loaddata", "seed", verbosity=0)
    assert {model: model.objects.count() for model in SEED_MODELS} == counts
    assert snapshot() == before
    assert counts[Source] == 4
    assert counts[Statement] > 40
    assert get_user_model().objects.filter(username="seed-curator").count() == 1


def test_verify_appearances_passes_on_seed(seed: None) -> None:
    out, err = verify()
    checked = Appearance.objects.count()
    assert (
        out.strip()
        == f"Checked {checked} appearances of {Statement.objects.count()} statements: all match."
    )
    assert err == ""


def test_verify_appearances_fails_naming_the_corrupted_appearance(seed: None) -> None:
    target = appearance(wp(), "They have a need for things")
    Appearance.objects.filter(pk=target.pk).update(offset=F("offset") + 1)
    err = verify_failing()
    assert err.splitlines() == [
        f"appearance {target.pk} (statement {target.statement_id}, source {target.source_id} "
        f"at offset {target.offset + 1}): wording not found at offset; "
        f"it occurs at offset {target.offset}"
    ]


def test_verify_appearances_names_only_the_wordings_a_changed_source_no_longer_carries(
    seed: None,
) -> None:
    source = wp()
    Source.objects.filter(pk=source.pk).update(
        # Same length, so no other offset moves.
        text=source.text.replace("waves of troops", "lines of troops")
    )
    err = verify_failing()
    changed = appearance(source, "waves of troops")
    assert err.splitlines() == [
        f"appearance {changed.pk} (statement {changed.statement_id}, source {source.pk} "
        f"at offset {changed.offset}): wording not found at offset; "
        "it does not occur in the source"
    ]
    # The same remark relayed by another outlet still checks out.
    assert changed.statement.appearances.exclude(source=source).exists()


def test_verify_appearances_reports_a_statement_without_appearance(seed: None) -> None:
    statement = Statement.objects.get(text__startswith="Russia uses them anyway")
    statement.appearances.all().delete()
    assert verify_failing().splitlines() == [f"statement {statement.pk} has no appearance"]


def test_verify_appearances_checks_only_the_sources_asked_for(seed: None) -> None:
    source = unknown_outlet_source()
    out, _ = verify("--source", str(source.pk))
    assert out.startswith(f"Checked {source.appearances.count()} appearances of ")
    with pytest.raises(CommandError, match="No source with id 999"):
        verify("--source", "999")


def test_seed_wordings_are_the_exact_printed_characters_at_their_offsets(seed: None) -> None:
    for row in Appearance.objects.select_related("source"):
        assert row.source.text[row.offset : row.end_offset] == row.quoted_text, row.pk


def test_austin_laos_remark_is_one_statement_with_two_appearances(seed: None) -> None:
    sun = Source.objects.get(outlet__slug="the-new-york-sun")
    in_wp = appearance(wp(), "They have a need for things")
    in_sun = appearance(sun, "They have a need for things")
    statement = in_wp.statement
    assert in_sun.statement == statement
    assert statement.appearances.count() == 2
    assert in_wp.quoted_text.endswith("on the part of the of the Russians")
    assert in_sun.quoted_text == (
        "They have a need for things that can help that effort on the part of the Russians"
    )
    assert statement.text == in_wp.quoted_text
    assert statement.speaker.slug == "lloyd-austin"
    assert statement.speaker_title == "Secretary of Defense"
    assert statement.organization.slug == "defense-department"
    assert (statement.said_on, statement.said_on_precision) == (datetime.date(2024, 11, 20), "day")
    assert statement.location == "Laos"


def test_peskov_is_credited_despite_the_misspelling_which_the_attribution_keeps(
    seed: None,
) -> None:
    statement = Statement.objects.get(text__startswith="The Russian Federation reserves the right")
    assert statement.speaker.name == "Dmitry Peskov"
    assert "Dmitry Perskov" in statement.speaker.aliases
    assert statement.organization.slug == "kremlin"
    assert (statement.said_on, statement.said_on_precision) == (datetime.date(2024, 11, 19), "day")
    (printed,) = statement.appearances.all()
    assert printed.attribution == "Kremlin spokesman, Dmitry Perskov said on Tuesday"


def test_waves_of_troops_quote_relayed_by_the_unknown_outlet_is_via_the_post(seed: None) -> None:
    relayed = appearance(unknown_outlet_source(), "waves of troops")
    original = appearance(wp(), "waves of troops")
    assert relayed.statement == original.statement
    assert relayed.via.slug == "the-washington-post"
    assert relayed.attribution == "one US official told the Post"
    assert original.via is None
    speaker = original.statement.speaker
    assert speaker.is_anonymous
    assert speaker.name == "U.S. official"
    assert original.statement.anonymity_reason == (
        "to candidly discuss sensitive internal White House deliberations"
    )


def test_linden_quote_appears_in_the_posts_highlights_and_its_content(seed: None) -> None:
    source = wp()
    statement = Statement.objects.get(speaker__slug="ben-linden")
    offsets = sorted(statement.appearances.filter(source=source).values_list("offset", flat=True))
    highlights, content = source.text.index("<HIGHLIGHTS>"), source.text.index("<CONTENT>")
    assert len(offsets) == 2
    assert highlights < offsets[0] < content < offsets[1]
    assert statement.kind == "written_statement"
    assert statement.organization.slug == "amnesty-international-usa"
    assert statement.organization.parent.slug == "amnesty-international"


def test_sources_record_only_what_their_text_establishes(seed: None) -> None:
    unknown = unknown_outlet_source()
    assert unknown.outlet is None
    assert unknown.published_on is None
    post = wp()
    assert post.outlet.slug == "the-washington-post"
    assert post.published_on == datetime.date(2024, 11, 19)
    assert post.authors == ["Michael Birnbaum", "Alex Horton"]
    epoch = Source.objects.get(outlet__slug="the-epoch-times")
    assert (epoch.authors, epoch.published_on, epoch.url) == (["Ryan Morgan"], None, "")


def test_every_statement_is_verified_by_the_seed_curator(seed: None) -> None:
    curator = get_user_model().objects.get(username="seed-curator")
    assert not curator.has_usable_password()
    assert curator.is_staff
    assert list(curator.groups.values_list("name", flat=True)) == ["Curators"]
    statements = Statement.objects.all()
    assert (
        statements.count()
        == statements.filter(
            status="verified", verified_by=curator, verified_at__isnull=False
        ).count()
    )


def test_biden_2020_remark_has_year_precision_and_answers_the_trump_reversal(seed: None) -> None:
    statement = Statement.objects.get(text__startswith="It will put more civilians at risk")
    assert (statement.said_on, statement.said_on_precision) == (datetime.date(2020, 1, 1), "year")
    assert statement.speaker_title == "presidential candidate"
    assert statement.organization.kind == "campaign"
    answered = statement.in_response_to
    assert answered.organization.slug == "us-government"
    assert answered.said_on_display == "2020"
    assert statement.appearances.count() == 3


def test_embassy_alert_is_credited_to_the_embassy_under_the_state_department(seed: None) -> None:
    statement = Statement.objects.get(text__startswith="The U.S. Embassy in Kyiv has received")
    embassy = statement.organization
    assert statement.speaker is None
    assert statement.kind == "written_statement"
    assert [org.slug for org in embassy.ancestors()] == ["state-department", "us-government"]
    assert statement.appearances.values("source").distinct().count() == 2
    assert "Pentagon" in Organization.objects.get(slug="defense-department").aliases


def test_bbc_report_relayed_by_the_sun_is_via_the_bbc(seed: None) -> None:
    relayed = Appearance.objects.filter(
        statement__speaker__slug="nysun-ukraine-mines-bbc-defense-official"
    )
    assert relayed.count() == 2
    assert set(relayed.values_list("via__slug", flat=True)) == {"bbc"}
    assert relayed.first().statement.speaker.organization.slug == "defense-department"
