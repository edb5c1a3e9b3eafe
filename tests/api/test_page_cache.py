"""The public page cache: rendered statement lists and facets, reused until the data
changes (quotes/api/pagecache.py, migration 0008)."""

import time
from collections.abc import Callable

import psycopg
import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from quotes import generation
from quotes.api import pagecache
from quotes.api.pagecache import HEADER, data_generation
from quotes.models import SearchVariant, Statement
from quotes.services import statement_update
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    OrganizationFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    TopicFactory,
    VerifiedStatementFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("changes_counted_at_once")]
URL = "/api/v1/statements/"
FACETS = "/api/v1/statements/facets/"


def texts(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["text"] for row in response.json()["results"]]


def test_second_anonymous_request_is_served_from_the_page_cache(
    client: Client, django_assert_num_queries
) -> None:
    VerifiedStatementFactory.create_batch(3)
    first = client.get(URL)
    with django_assert_num_queries(1):  # the data generation, nothing else
        second = client.get(URL)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert "Accept" in second["Vary"]


def test_statement_created_after_a_cached_page_is_listed_at_once(client: Client) -> None:
    VerifiedStatementFactory(text="Before.")
    assert texts(client.get(URL)) == ["Before."]
    VerifiedStatementFactory(text="After.")
    response = client.get(URL)
    assert response[HEADER] == "miss"
    assert sorted(texts(response)) == ["After.", "Before."]


def test_edit_through_the_services_replaces_the_cached_page(client: Client, curator) -> None:
    statement = VerifiedStatementFactory(text="We will talk.")
    client.get(URL)
    statement_update(
        statement=statement,
        expected_version=statement.version,
        fields={"text": "We will not talk."},
        by=curator,
    )
    assert texts(client.get(URL)) == ["We will not talk."]


def test_change_made_in_sql_by_hand_replaces_the_cached_page(client: Client) -> None:
    statement = VerifiedStatementFactory(text="Original wording.")
    client.get(URL)
    with connection.cursor() as cursor:  # as a fix made in psql would be
        cursor.execute(
            "UPDATE quotes_statement SET text = %s WHERE id = %s", ["Fixed.", statement.pk]
        )
    assert texts(client.get(URL)) == ["Fixed."]


def test_change_to_a_speaker_replaces_cached_pages_that_show_them(client: Client) -> None:
    statement = VerifiedStatementFactory()
    client.get(URL)
    statement.speaker.name = "Renamed Person"
    statement.speaker.save()
    assert client.get(URL).json()["results"][0]["speaker"]["name"] == "Renamed Person"


def test_data_generation_moves_only_with_committed_changes() -> None:
    before = data_generation("default")
    seen_inside = []

    def change_then_fail() -> None:
        with transaction.atomic():
            StatementFactory()
            seen_inside.append(data_generation("default"))  # its own change, uncommitted
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen_inside[0] > before
    assert data_generation("default") == before
    StatementFactory()
    assert data_generation("default") > before


def test_curators_are_never_served_or_given_cached_pages(
    client: Client, curator_client: Client
) -> None:
    VerifiedStatementFactory(text="Public.")
    StatementFactory(text="Draft.")
    client.get(URL)  # the public page, now cached
    curated = curator_client.get(URL)
    assert HEADER not in curated
    assert sorted(texts(curated)) == ["Draft.", "Public."]
    assert texts(client.get(URL)) == ["Public."]


def test_no_cache_request_is_rendered_afresh(client: Client) -> None:
    VerifiedStatementFactory()
    client.get(URL)
    response = client.get(URL, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    assert HEADER not in response


def test_browsable_api_and_exports_are_not_cached(client: Client) -> None:
    VerifiedStatementFactory()
    for _ in range(2):
        assert HEADER not in client.get(URL, HTTP_ACCEPT="text/html")
        assert HEADER not in client.get(URL, {"format": "csv"})


def test_each_host_gets_its_own_page_because_links_are_absolute(client: Client, settings) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    VerifiedStatementFactory.create_batch(3)
    client.get(URL, {"page_size": 1}, HTTP_HOST="testserver")
    other = client.get(URL, {"page_size": 1}, HTTP_HOST="localhost")
    assert other[HEADER] == "miss"
    assert other.json()["next"].startswith("http://localhost/")


def test_malformed_requests_are_never_cached(client: Client) -> None:
    for _ in range(2):
        response = client.get(URL, {"said_after": "yesterday"})
        assert response.status_code == 400
        assert HEADER not in response


def test_facets_are_cached_until_the_data_changes(client: Client) -> None:
    VerifiedStatementFactory(kind=Statement.Kind.PARAPHRASE)
    assert client.get(FACETS)[HEADER] == "miss"
    assert client.get(FACETS)[HEADER] == "hit"
    VerifiedStatementFactory(kind=Statement.Kind.PARAPHRASE)
    response = client.get(FACETS)
    assert response[HEADER] == "miss"
    kinds = {row["value"]: row["count"] for row in response.json()["kind"]}
    assert kinds["paraphrase"] == 2


def test_page_cache_off_when_its_lifetime_is_zero(client: Client, settings) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    VerifiedStatementFactory()
    client.get(URL)
    assert HEADER not in client.get(URL)


def test_every_quotes_table_but_the_history_is_watched() -> None:
    tables = {
        model._meta.db_table
        for model in apps.get_app_config("quotes").get_models(include_auto_created=True)
    }
    # Nor the intake's review queue: candidates are never public, and reviewing them
    # must not empty the public page cache.
    unwatched = {"quotes_revision", "quotes_candidate", "quotes_sourceimport"}
    assert set(generation.WATCHED) == tables - unwatched


def _changes() -> dict[str, Callable[[], object]]:
    """One insert, update and delete for each watched table."""
    statement, topic = VerifiedStatementFactory(), TopicFactory()
    appearance = AppearanceFactory(statement=statement)
    affiliation = AffiliationFactory()
    return {
        "insert quotes_statement": lambda: StatementFactory(speaker=statement.speaker),
        "update quotes_statement": lambda: statement.save(),
        "insert quotes_appearance": lambda: AppearanceFactory(statement=statement),
        "update quotes_appearance": lambda: appearance.save(),
        "delete quotes_appearance": lambda: appearance.delete(),
        "insert quotes_statement_topics": lambda: statement.topics.add(topic),
        "delete quotes_statement_topics": lambda: statement.topics.clear(),
        "insert quotes_speaker": lambda: SpeakerFactory(),
        "update quotes_speaker": lambda: statement.speaker.save(),
        "delete quotes_speaker": lambda: SpeakerFactory().delete(),
        "insert quotes_organization": lambda: OrganizationFactory(),
        "update quotes_organization": lambda: appearance.source.outlet.save(),
        "insert quotes_affiliation": lambda: AffiliationFactory(),
        "update quotes_affiliation": lambda: affiliation.save(),
        "delete quotes_affiliation": lambda: affiliation.delete(),
        "insert quotes_source": lambda: SourceFactory(),
        "update quotes_source": lambda: appearance.source.save(),
        "insert quotes_topic": lambda: TopicFactory(),
        "update quotes_topic": lambda: topic.save(),
        "delete quotes_topic": lambda: TopicFactory().delete(),
        "delete quotes_statement": lambda: StatementFactory().delete(),
        "delete quotes_source": lambda: SourceFactory().delete(),
        "delete quotes_organization": lambda: OrganizationFactory().delete(),
        "insert quotes_searchvariant": lambda: SearchVariant.objects.create(
            compound="landmines", modifier="land", head="mines"
        ),
        "update quotes_searchvariant": lambda: SearchVariant.objects.update(head="mine"),
        "delete quotes_searchvariant": lambda: SearchVariant.objects.all().delete(),
    }


def test_every_insert_update_and_delete_of_published_data_moves_the_generation() -> None:
    changes = _changes()
    assert {name.split()[1] for name in changes} == set(generation.WATCHED)
    for name, change in changes.items():
        before = data_generation("default")
        change()
        assert data_generation("default") > before, name


def ahead_of_the_clock() -> int:
    """Puts the generation an hour ahead of the clock, where each change moves it by
    exactly one (generation = greatest(generation + 1, now in µs), migration 0013), so
    that a test can count changes; returns it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {generation.TABLE} SET generation = %s",
            [time.time_ns() // 1000 + 3_600_000_000],
        )
    return data_generation("default")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit-time count")
def test_postgresql_counts_a_transaction_once_at_commit_without_blocking_other_writers() -> None:
    topic = TopicFactory()
    before = ahead_of_the_clock()  # at the clock, a change moves it to now, not by one
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other, psycopg.connect(**params, autocommit=True) as third:
        # A long transaction writing twice, not yet committed…
        other.execute("UPDATE quotes_topic SET description = 'a' WHERE id = %s", [topic.pk])
        other.execute("UPDATE quotes_topic SET description = 'b' WHERE id = %s", [topic.pk])
        assert data_generation("default") == before
        # …does not hold up another writer (counted at the first write, it would).
        third.execute("SET lock_timeout = '2s'")
        third.execute(
            "INSERT INTO quotes_topic (name, slug, description, version) "
            "VALUES ('Other', 'other', '', 1)"
        )
        assert data_generation("default") == before + 1
        other.commit()
    assert data_generation("default") == before + 2


def test_a_change_moves_the_generation_to_at_least_the_current_time() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {generation.TABLE} SET generation = 1")  # a fresh database's
    started = time.time_ns() // 1000
    TopicFactory()
    # SQLite's clock has millisecond resolution.
    assert data_generation("default") >= started - 1000


def test_a_generation_ahead_of_the_clock_still_moves_forward() -> None:
    before = ahead_of_the_clock()
    TopicFactory()
    assert data_generation("default") == before + 1


def test_indented_json_is_its_own_page(client: Client) -> None:
    VerifiedStatementFactory()
    plain = client.get(URL, HTTP_ACCEPT="application/json")
    indented = client.get(URL, HTTP_ACCEPT="application/json; indent=4")
    assert indented[HEADER] == "miss"
    assert indented.content != plain.content
    assert indented.json() == plain.json()


def test_pages_too_large_to_keep_are_rendered_each_time(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "MAX_PAGE_BYTES", 100)
    VerifiedStatementFactory()
    for _ in range(2):
        response = client.get(URL)
        assert response.status_code == 200
        assert HEADER not in response


@pytest.fixture
def published() -> dict[str, object]:
    """One of everything the public reads, with a way to change what each page shows."""
    statement = VerifiedStatementFactory(text="The first wording.")
    appearance = AppearanceFactory(statement=statement)
    statement.topics.add(TopicFactory(slug="mines", name="Mines"))
    affiliation = AffiliationFactory(speaker=statement.speaker)
    return {"statement": statement, "appearance": appearance, "affiliation": affiliation}


PAGES = {
    "statement detail": (lambda d: f"{URL}{d['statement'].pk}/", "text"),
    "statement history": (lambda d: f"{URL}{d['statement'].pk}/history/", "text"),
    "speaker list": (lambda d: "/api/v1/speakers/", "speaker"),
    "speaker detail": (lambda d: f"/api/v1/speakers/{d['statement'].speaker.slug}/", "speaker"),
    "speaker statements": (
        lambda d: f"/api/v1/speakers/{d['statement'].speaker.slug}/statements/",
        "text",
    ),
    "organization list": (lambda d: "/api/v1/organizations/", "organization"),
    "organization detail": (
        lambda d: f"/api/v1/organizations/{d['appearance'].source.outlet.slug}/",
        "organization",
    ),
    "outlet list": (lambda d: "/api/v1/outlets/", "organization"),
    "outlet detail": (
        lambda d: f"/api/v1/outlets/{d['appearance'].source.outlet.slug}/",
        "organization",
    ),
    "source list": (lambda d: "/api/v1/sources/", "source"),
    "source detail": (lambda d: f"/api/v1/sources/{d['appearance'].source_id}/", "source"),
    "topic list": (lambda d: "/api/v1/topics/", "topic"),
    "topic detail": (lambda d: "/api/v1/topics/mines/", "topic"),
    "affiliation list": (lambda d: "/api/v1/affiliations/", "affiliation"),
    "CSV export": (lambda d: f"{URL}?format=csv", "text"),
    "NDJSON export": (lambda d: f"{URL}?format=ndjson", "text"),
}
CHANGES = {
    "text": lambda d: (
        d["statement"]
        .__class__.objects.filter(pk=d["statement"].pk)
        .update(text="A second wording, verified later.")
    ),
    "speaker": lambda d: (
        d["statement"]
        .speaker.__class__.objects.filter(pk=d["statement"].speaker_id)
        .update(name="A Renamed Speaker")
    ),
    "organization": lambda d: (
        d["appearance"]
        .source.outlet.__class__.objects.filter(pk=d["appearance"].source.outlet_id)
        .update(name="A Renamed Outlet")
    ),
    "source": lambda d: (
        d["appearance"]
        .source.__class__.objects.filter(pk=d["appearance"].source_id)
        .update(title="A Renamed Source")
    ),
    "topic": lambda d: TopicFactory._meta.model.objects.filter(slug="mines").update(
        name="A Renamed Topic"
    ),
    "affiliation": lambda d: (
        d["affiliation"]
        .__class__.objects.filter(pk=d["affiliation"].pk)
        .update(title="A Renamed Title")
    ),
}
SHOWN = {
    "text": "A second wording",
    "speaker": "A Renamed Speaker",
    "organization": "A Renamed Outlet",
    "source": "A Renamed Source",
    "topic": "A Renamed Topic",
    "affiliation": "A Renamed Title",
}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("page", PAGES)
def test_every_public_read_is_cached_until_what_it_shows_changes(
    client: Client, published: dict, page: str
) -> None:
    url, shows = PAGES[page][0](published), PAGES[page][1]
    if page == "statement history":  # the public history shows published versions
        statement_update(
            statement=published["statement"],
            expected_version=None,
            fields={"setting": "press briefing"},
            by=published["statement"].verified_by,
        )
    first = client.get(url)
    assert first.status_code == 200
    body(first)  # an export is kept once it has been sent in full
    second = client.get(url)
    assert second[HEADER] == "hit"
    CHANGES[shows](published)
    if page == "statement history":
        statement_update(
            statement=published["statement"],
            expected_version=None,
            fields={"text": "A second wording, verified later."},
            by=published["statement"].verified_by,
        )
    third = client.get(url)
    assert third.get(HEADER) != "hit"
    assert SHOWN[shows].encode() in body(third)


def test_a_cached_detail_keeps_its_etag_and_answers_if_none_match(
    client: Client, published: dict
) -> None:
    url = f"{URL}{published['statement'].pk}/"
    etag = client.get(url)["ETag"]
    assert client.get(url)["ETag"] == etag
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (not_modified.status_code, not_modified[HEADER]) == (304, "hit")


def test_an_export_larger_than_a_page_is_streamed_and_not_kept(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "MAX_PAGE_BYTES", 100)
    VerifiedStatementFactory.create_batch(3)
    assert body(client.get(f"{URL}?format=ndjson")).count(b"\n") == 3
    assert client.get(f"{URL}?format=ndjson").get(HEADER) != "hit"
