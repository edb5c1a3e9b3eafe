"""The curators' admin: every page renders for a curator, none for anonymous users."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from quotes.models import Statement
from tests.factories import (
    AffiliationFactory,
    AnonymousSpeakerFactory,
    AppearanceFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["organization", "speaker", "affiliation", "source", "statement", "appearance", "topic"]


@pytest.fixture
def one_of_each() -> dict[str, object]:
    appearance = AppearanceFactory(statement__speaker=AnonymousSpeakerFactory())
    appearance.statement.topics.add(TopicFactory())
    return {
        "organization": appearance.source.outlet,
        "speaker": appearance.statement.speaker,
        "affiliation": AffiliationFactory(),
        "source": appearance.source,
        "statement": appearance.statement,
        "appearance": appearance,
        "topic": appearance.statement.topics.get(),
    }


@pytest.mark.parametrize("model", MODELS)
def test_admin_pages_render_for_a_curator(
    curator_client: Client, one_of_each: dict, model: str
) -> None:
    obj = one_of_each[model]
    for url in [
        reverse(f"admin:quotes_{model}_changelist"),
        reverse(f"admin:quotes_{model}_add"),
        reverse(f"admin:quotes_{model}_change", args=[obj.pk]),
    ]:
        assert curator_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", MODELS)
def test_admin_pages_are_refused_to_anonymous_users(client: Client, model: str) -> None:
    response = client.get(reverse(f"admin:quotes_{model}_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_curators_group_can_add_change_and_view_but_not_delete_sources() -> None:
    perms = set(Group.objects.get(name="Curators").permissions.values_list("codename", flat=True))
    for model in MODELS:
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= perms
    assert "delete_source" not in perms
    assert "delete_speaker" not in perms
    assert not any(p.endswith("_user") or p.endswith("_group") for p in perms)


def test_curator_cannot_reach_user_administration(curator_client: Client) -> None:
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_curator_cannot_delete_a_source(curator_client: Client) -> None:
    source = SourceFactory()
    response = curator_client.get(reverse("admin:quotes_source_delete", args=[source.pk]))
    assert response.status_code == 403


def test_curator_enters_a_statement_with_two_appearances_from_two_outlets(
    curator_client: Client,
) -> None:
    speaker = SpeakerFactory(name="Lloyd Austin")
    post = SourceFactory(outlet=OutletFactory(name="The Washington Post"))
    sun = SourceFactory(
        outlet=OutletFactory(name="The New York Sun"),
        text="“They have a need for things,” he said.",
    )
    response = curator_client.post(
        reverse("admin:quotes_statement_add"),
        {
            "text": "We will not back down.",
            "kind": "direct_quote",
            "speaker": speaker.pk,
            "said_on": "2024-11-20",
            "said_on_precision": "day",
            "status": "draft",
            "appearances-TOTAL_FORMS": "2",
            "appearances-INITIAL_FORMS": "0",
            "appearances-0-source": post.pk,
            "appearances-0-quoted_text": "We will not back down.",
            "appearances-0-attribution": "the minister said",
            "appearances-1-source": sun.pk,
            "appearances-1-quoted_text": "They have a need for things",
            "appearances-1-offset": "1",
            "appearances-1-attribution": "he said",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    statement = Statement.objects.get()
    offsets = {a.source.outlet.name: a.offset for a in statement.appearances.all()}
    assert offsets == {"The Washington Post": post.text.index("We will"), "The New York Sun": 1}
    page = curator_client.get(reverse("admin:quotes_statement_change", args=[statement.pk]))
    assert "The New York Sun" in page.text
    assert "They have a need for things" in page.text


def test_appearance_wording_absent_from_the_source_is_refused(curator_client: Client) -> None:
    source = SourceFactory()
    response = curator_client.post(
        reverse("admin:quotes_appearance_add"),
        {
            "statement": StatementFactory().pk,
            "source": source.pk,
            "quoted_text": "Words the outlet never printed",
        },
    )
    assert response.status_code == 200
    assert "does not occur in the source" in response.text


def test_mark_verified_action_records_who_and_when(curator_client: Client, curator) -> None:
    statement = StatementFactory()
    response = curator_client.post(
        reverse("admin:quotes_statement_changelist"),
        {"action": "mark_verified", "_selected_action": [statement.pk]},
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "verified"
    assert statement.verified_by == curator
    assert statement.verified_at is not None


@pytest.mark.parametrize("term", ["back down", "Perskov", "outlet-only wording"])
def test_statement_search_covers_text_aliases_and_appearance_wording(
    curator_client: Client, term: str
) -> None:
    speaker = SpeakerFactory(name="Dmitry Peskov", aliases=["Dmitry Perskov"])
    source = SourceFactory(text="He said outlet-only wording here.")
    AppearanceFactory(statement__speaker=speaker, source=source, quoted_text="outlet-only wording")
    StatementFactory(text="Something else entirely")
    response = curator_client.get(reverse("admin:quotes_statement_changelist"), {"q": term})
    assert response.context["cl"].result_count == 1


def test_statement_changelist_filters_by_outlet(curator_client: Client) -> None:
    appearance = AppearanceFactory()
    StatementFactory()
    response = curator_client.get(
        reverse("admin:quotes_statement_changelist"),
        {"outlet": appearance.source.outlet_id},
    )
    assert list(response.context["cl"].result_list) == [appearance.statement]


def test_aliases_are_edited_one_per_line(curator_client: Client) -> None:
    speaker = SpeakerFactory(aliases=["Dmitry Perskov"])
    url = reverse("admin:quotes_speaker_change", args=[speaker.pk])
    assert "Dmitry Perskov" in curator_client.get(url).text
    response = curator_client.post(
        url,
        {
            "name": speaker.name,
            "slug": speaker.slug,
            "aliases": "Dmitry Perskov\r\n Dmitri Peskov \r\n\r\nDmitry Perskov",
            "description": "Kremlin spokesman",
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.aliases == ["Dmitry Perskov", "Dmitri Peskov"]


def test_choosing_verified_in_the_form_records_who_and_when(
    curator_client: Client, curator
) -> None:
    speaker = SpeakerFactory()
    response = curator_client.post(
        reverse("admin:quotes_statement_add"),
        {
            "text": "We will not back down.",
            "kind": "direct_quote",
            "speaker": speaker.pk,
            "said_on_precision": "unknown",
            "status": "verified",
            "appearances-TOTAL_FORMS": "0",
            "appearances-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.verified_by == curator
    assert statement.verified_at is not None


def test_retracting_in_the_form_needs_a_reason(curator_client: Client) -> None:
    statement = StatementFactory()
    response = curator_client.post(
        reverse("admin:quotes_statement_change", args=[statement.pk]),
        {
            "text": statement.text,
            "kind": statement.kind,
            "speaker": statement.speaker_id,
            "said_on": "2024-11-19",
            "said_on_precision": "day",
            "status": "retracted",
            "expected_version": 1,
            "appearances-TOTAL_FORMS": "0",
            "appearances-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Say why the statement is retracted" in response.text


def test_outlet_filter_ignores_malformed_values(curator_client: Client) -> None:
    for value in ["abc", "99999999999999999999999"]:
        response = curator_client.get(
            reverse("admin:quotes_statement_changelist"), {"outlet": value}
        )
        assert response.status_code == 200


def test_source_page_costs_at_most_one_query_per_appearance(
    curator_client: Client, django_assert_max_num_queries
) -> None:
    # The autocomplete widget of each inline looks up its statement: one query each.
    source = SourceFactory(text="“We will not back down.” " * 30)
    for index in range(30):
        AppearanceFactory(source=source, offset=index * 25 + 1)
    with django_assert_max_num_queries(30 + 15):
        response = curator_client.get(reverse("admin:quotes_source_change", args=[source.pk]))
    assert response.status_code == 200


def test_offset_left_empty_finds_the_next_unused_printing(curator_client: Client) -> None:
    source = SourceFactory(text="“Hold the line.” Later, in full: “Hold the line.”")
    first = AppearanceFactory(source=source, quoted_text="Hold the line.", offset=1)
    response = curator_client.post(
        reverse("admin:quotes_appearance_add"),
        {"statement": first.statement_id, "source": source.pk, "quoted_text": "Hold the line."},
    )
    assert response.status_code == 302
    assert sorted(first.statement.appearances.values_list("offset", flat=True)) == [
        1,
        source.text.rindex("Hold"),
    ]
