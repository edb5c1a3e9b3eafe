"""The statement, speaker, organization, outlet, topic, source and index pages."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from quotes import services
from quotes.models import Organization, Source, Speaker, Statement, Topic
from tests.factories import (
    AffiliationFactory,
    AnonymousSpeakerFactory,
    AppearanceFactory,
    OrganizationFactory,
    SourceFactory,
    SpeakerFactory,
    StatementFactory,
    VerifiedStatementFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def seed_urls() -> list[str]:
    statement = Statement.objects.published().first()
    anonymous = Speaker.objects.filter(is_anonymous=True).first()
    organization = Organization.objects.exclude(kind=Organization.Kind.NEWS_OUTLET).first()
    outlet = Organization.objects.filter(kind=Organization.Kind.NEWS_OUTLET).first()
    return [
        "/",
        f"/statements/{statement.pk}/",
        "/speakers/",
        "/speakers/lloyd-austin/",
        f"/speakers/{anonymous.slug}/",
        "/organizations/",
        f"/organizations/{organization.slug}/",
        "/organizations/defense-department/",
        "/outlets/",
        f"/outlets/{outlet.slug}/",
        "/topics/",
        f"/topics/{Topic.objects.first().slug}/",
        f"/sources/{Source.objects.first().pk}/",
        "/about/",
    ]


def test_every_page_renders_the_seed(seed) -> None:
    client = Client()
    for url in seed_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main"' in html, url


def test_list_pages_query_counts_are_bounded(seed, django_assert_max_num_queries) -> None:
    client = Client()
    for url in seed_urls():
        with django_assert_max_num_queries(30):
            assert client.get(url, HTTP_CACHE_CONTROL="no-cache").status_code == 200, url


def test_statement_page_shows_each_outlets_wording_with_differences_marked(db) -> None:
    statement = VerifiedStatementFactory(text="We will not back down.")
    source = SourceFactory(text="He said: “We will back down now.” Then left.")
    AppearanceFactory(statement=statement, source=source, quoted_text="We will back down now.")
    html = Client().get(f"/statements/{statement.pk}/").content.decode()
    assert "We will <del>not</del> back down <ins>now</ins>." in html
    assert 'class="legend"' in html
    assert "Reported first" in html
    assert 'id="citation"' in html


def test_statement_page_has_quotation_json_ld_and_open_graph(seed) -> None:
    printed = Statement.objects.published().filter(appearances__source__url__gt="")
    statement = printed.filter(speaker__is_anonymous=False, said_on__isnull=False).first()
    html = Client().get(f"/statements/{statement.pk}/").content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["@type"] == "Quotation"
    assert data["text"] == statement.text
    assert data["creator"] == {"@type": "Person", "name": statement.speaker.name}
    assert data["dateCreated"].startswith(str(statement.said_on.year))
    assert {article["@type"] for article in data["citation"]} == {"NewsArticle"}
    dated = [a for a in data["citation"] if {"url", "datePublished", "publisher"} <= set(a)]
    assert dated
    assert dated[0]["publisher"]["@type"] == "Organization"
    assert '<meta property="og:title"' in html


def test_organization_statement_is_credited_to_an_organization_in_json_ld(db) -> None:
    ministry = OrganizationFactory(name="Ministry of Truth")
    statement = VerifiedStatementFactory(speaker=None, organization=ministry)
    html = Client().get(f"/statements/{statement.pk}/").content.decode()
    data = json.loads(re.search(r"ld\+json\">(.*?)</script>", html, re.S).group(1))
    assert data["creator"] == {"@type": "Organization", "name": "Ministry of Truth"}


def test_retracted_statement_is_410_with_its_reason(db, curator) -> None:
    statement = VerifiedStatementFactory()
    services.statement_retract(
        statement=statement,
        reason="Misattributed by the outlet.",
        by=curator,
        expected_version=statement.version,
    )
    response = Client().get(f"/statements/{statement.pk}/")
    assert response.status_code == 410
    assert "Misattributed by the outlet." in response.content.decode()


def test_statement_retracted_before_it_was_ever_published_is_404(db, curator) -> None:
    statement = StatementFactory()
    services.statement_retract(
        statement=statement,
        reason="Our source asked us not to use it.",
        by=curator,
        expected_version=statement.version,
    )
    response = Client().get(f"/statements/{statement.pk}/")
    assert response.status_code == 404
    assert "Our source asked us not to use it." not in response.content.decode()


def test_organization_page_lists_only_people_with_a_published_statement(db, curator_client) -> None:
    ministry = OrganizationFactory(name="Ministry of Mines")
    published, unreported = SpeakerFactory(name="Anna Published"), SpeakerFactory(name="Ivan Draft")
    for speaker in (published, unreported):
        AffiliationFactory(speaker=speaker, organization=ministry)
    VerifiedStatementFactory(speaker=published)
    StatementFactory(speaker=unreported)
    public = Client().get(f"/organizations/{ministry.slug}/").content.decode()
    assert "Anna Published" in public
    assert "Ivan Draft" not in public
    assert "Ivan Draft" in curator_client.get(f"/organizations/{ministry.slug}/").content.decode()


def test_outlet_page_lists_only_articles_with_a_published_passage(db, curator_client) -> None:
    outlet = OrganizationFactory(name="Daily Mines", kind=Organization.Kind.NEWS_OUTLET)
    printed = SourceFactory(outlet=outlet, title="Printed and published")
    pending = SourceFactory(outlet=outlet, title="Printed for a draft")
    AppearanceFactory(source=printed, statement=VerifiedStatementFactory())
    AppearanceFactory(source=pending, statement=StatementFactory())
    public = Client().get(f"/outlets/{outlet.slug}/").content.decode()
    assert "Printed and published" in public
    assert "Printed for a draft" not in public
    assert "Printed for a draft" in curator_client.get(f"/outlets/{outlet.slug}/").content.decode()


def test_source_urls_other_than_http_are_shown_but_not_linked(db) -> None:
    source = SourceFactory(url="javascript:alert(document.cookie)")
    statement = VerifiedStatementFactory()
    AppearanceFactory(source=source, statement=statement)
    for url in (f"/statements/{statement.pk}/", f"/sources/{source.pk}/"):
        html = Client().get(url).content.decode()
        assert 'href="javascript:' not in html, url
        assert "javascript:alert(document.cookie)" in html, url
    html = Client().get(f"/sources/{SourceFactory(url='https://e.example/a').pk}/").content
    assert b'href="https://e.example/a"' in html


def test_a_speaker_with_a_non_ascii_slug_is_linked_and_opens(db) -> None:
    from django.urls import reverse

    speaker = SpeakerFactory(name="Sergéy Lavrov", slug="sergéy-lavrov")
    VerifiedStatementFactory(speaker=speaker)
    url = reverse("site:speaker", args=[speaker.slug])
    for page in ("/", "/speakers/"):
        response = Client().get(page)
        assert response.status_code == 200, page
        assert url in response.content.decode(), page
    assert Client().get(url).status_code == 200
    assert Client().get("/speakers/sergéy-lavrov/extra/").status_code == 404


@override_settings(ROOT_URLCONF="tests.site.prefixed_urls")
def test_pages_link_the_api_and_search_wherever_they_are_mounted(db) -> None:
    statement = VerifiedStatementFactory()
    html = Client().get(f"/public/statements/{statement.pk}/").content.decode()
    assert f'href="/data/api/statements/{statement.pk}/"' in html
    assert 'href="/data/api/docs/"' in html
    about = Client().get("/public/about/").content.decode()
    assert 'href="/api/' not in about
    search = Client().get("/public/").content.decode()
    assert 'action="/public/" method="get" hx-get="/public/"' in search


def test_a_source_page_cut_short_says_so_and_links_the_full_search(db, monkeypatch) -> None:
    from quotes.site import pages

    monkeypatch.setattr(pages, "SOURCE_PASSAGES", 2)
    source = SourceFactory()
    for _ in range(3):
        AppearanceFactory(source=source, statement=VerifiedStatementFactory())
    html = Client().get(f"/sources/{source.pk}/").content.decode()
    assert html.count('class="appearance"') == 2
    assert "first 2 of 3 statements" in html
    assert f'href="/?source={source.pk}"' in html
    whole = SourceFactory()
    AppearanceFactory(source=whole, statement=VerifiedStatementFactory())
    assert "All statements quoting" not in Client().get(f"/sources/{whole.pk}/").content.decode()


def test_draft_statement_is_404_to_the_public(db) -> None:
    statement = VerifiedStatementFactory(status=Statement.Status.DRAFT)
    assert Client().get(f"/statements/{statement.pk}/").status_code == 404
    assert Client().get("/statements/987654/").status_code == 404
    assert Client().get(f"/statements/{2**64}/").status_code == 404


def test_curator_sees_a_draft_marked_with_an_edit_link(db, curator_client) -> None:
    statement = VerifiedStatementFactory(text="Not out yet.", status=Statement.Status.DRAFT)
    page = curator_client.get(f"/statements/{statement.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "the public cannot see it" in html
    assert f'href="/admin/quotes/statement/{statement.pk}/change/">Edit in admin' in html
    listed = curator_client.get("/").content.decode()
    assert "Draft: not public" in listed


def test_speaker_page_shows_aliases_affiliations_timeline_and_feed(seed) -> None:
    html = Client().get("/speakers/dmitry-peskov/").content.decode()
    assert "Also printed as" in html
    assert "Perskov" in html
    assert "<svg" in html
    assert "<table>" in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/?speaker=dmitry-peskov"' in html


def test_anonymous_source_page_says_how_the_outlet_described_them(db) -> None:
    source = AnonymousSpeakerFactory(description="a U.S. official who was not authorized")
    statement = VerifiedStatementFactory(speaker=source, anonymity_reason="not authorized")
    AppearanceFactory(statement=statement, attribution="one US official told the Post")
    html = Client().get(f"/speakers/{source.slug}/").content.decode()
    assert "a U.S. official who was not authorized" in html
    assert "one US official told the Post" in html
    assert "An anonymous source" in html


def test_organization_page_has_breadcrumbs_and_departments(db) -> None:
    parent = OrganizationFactory(name="Government")
    ministry = OrganizationFactory(name="Ministry", parent=parent)
    OrganizationFactory(name="Press office", parent=ministry)
    html = Client().get(f"/organizations/{ministry.slug}/").content.decode()
    assert f'href="/organizations/{parent.slug}/">Government</a>' in html
    assert "Press office" in html
    assert 'type="application/atom+xml"' in html


def test_source_page_marks_passages_in_the_text_for_curators(db, curator_client) -> None:
    appearance = AppearanceFactory(statement=VerifiedStatementFactory())
    url = f"/sources/{appearance.source_id}/"
    curated = curator_client.get(url).content.decode()
    link = f'<a href="/statements/{appearance.statement_id}/"><mark>We will not back down.</mark>'
    assert link in curated
    public = Client().get(url).content.decode()
    assert "Officials agreed." not in public  # the full text stays with curators, as in the API
    assert "<mark>We will not back down.</mark>" in public


def test_search_feed_is_atom_listing_the_pages_statements(seed) -> None:
    client = Client()
    response = client.get("/feed/?q=mines&kind=direct_quote")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    page = client.get("/?q=mines&kind=direct_quote").content.decode()
    ids = re.findall(r'data-id="(\d+)"', page)
    assert [link.rsplit("/", 2)[-2] for link in links] == ids


def test_feed_with_malformed_parameters_is_400(db) -> None:
    assert Client().get("/feed/?said_before=soon").status_code == 400


def test_feed_keeps_no_request_state_on_its_shared_instance(db, curator) -> None:
    # One instance serves every thread: a curator's drafts kept on it could reach the
    # next anonymous reader's feed.
    from django.test import RequestFactory

    from quotes.site.feeds import SearchFeed

    StatementFactory(text="A draft only curators see.")
    feed = SearchFeed()
    before = dict(vars(feed))
    request = RequestFactory().get("/feed/")
    request.user = curator
    assert b"A draft only curators see." in feed(request).content
    assert vars(feed) == before


def test_feed_title_names_the_search_and_marks_drafts_for_curators(db, curator_client) -> None:
    speaker = SpeakerFactory(name="Maria Zakharova")
    StatementFactory(speaker=speaker, text="Mines are a draft.")
    VerifiedStatementFactory(speaker=speaker, text="Mines are published.")
    public = ET.fromstring(Client().get(f"/feed/?q=mines&speaker={speaker.slug}").content)
    assert public.find(f"{ATOM}title").text.startswith("“mines”, Maria Zakharova")
    titles = [e.find(f"{ATOM}title").text for e in public.findall(f"{ATOM}entry")]
    assert titles == ["Maria Zakharova: “Mines are published.”"]
    curated = ET.fromstring(curator_client.get(f"/feed/?speaker={speaker.slug}").content)
    titles = sorted(e.find(f"{ATOM}title").text for e in curated.findall(f"{ATOM}entry"))
    assert titles == [
        "Maria Zakharova: “Mines are published.”",
        "[Draft] Maria Zakharova: “Mines are a draft.”",
    ]


def test_admin_view_on_site_opens_the_public_page(db, curator_client) -> None:
    statement = VerifiedStatementFactory()
    on_site = re.compile(r'href="([^"]+)" class="viewsitelink"')

    def opened(change_page: str) -> str:
        page = curator_client.get(change_page)
        assert page.status_code == 200
        # Django's "View on site" goes through its shortcut view to get_absolute_url.
        location = curator_client.get(on_site.search(page.content.decode()).group(1))["Location"]
        return urlsplit(location).path

    assert opened(f"/admin/quotes/statement/{statement.pk}/change/") == (
        f"/statements/{statement.pk}/"
    )
    assert opened(f"/admin/quotes/speaker/{statement.speaker.pk}/change/") == (
        f"/speakers/{statement.speaker.slug}/"
    )


def test_statements_and_organizations_absolute_urls_are_their_public_pages(db) -> None:
    statement = VerifiedStatementFactory()
    ministry = OrganizationFactory(slug="ministry")
    outlet = OrganizationFactory(slug="daily", kind=Organization.Kind.NEWS_OUTLET)
    assert statement.get_absolute_url() == f"/statements/{statement.pk}/"
    assert ministry.get_absolute_url() == "/organizations/ministry/"
    assert outlet.get_absolute_url() == "/outlets/daily/"
    assert Client().get(statement.get_absolute_url()).status_code == 200


def test_admin_statement_page_marks_wording_differences(db, curator_client) -> None:
    statement = VerifiedStatementFactory(text="We will not back down.")
    source = SourceFactory(text="“We will back down.”")
    AppearanceFactory(statement=statement, source=source, quoted_text="We will back down.")
    html = curator_client.get(f"/admin/quotes/statement/{statement.pk}/change/").content.decode()
    assert "We will <del>not</del> back down." in html


def test_a_data_change_replaces_the_cached_page_at_once(db) -> None:
    statement = VerifiedStatementFactory(text="First words.")
    client = Client()
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    Statement.objects.filter(pk=statement.pk).update(
        text="Second words.", updated_at=timezone.now()
    )
    fresh = client.get("/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "Second words." in fresh.content.decode()
    detail = f"/statements/{statement.pk}/"
    assert client.get(detail)["X-Page-Cache"] == "miss"
    assert client.get(detail)["X-Page-Cache"] == "hit"


def test_curators_pages_are_never_cached(db, curator_client) -> None:
    VerifiedStatementFactory()
    curator_client.get("/")
    assert "X-Page-Cache" not in curator_client.get("/")


def test_curator_sees_edit_links_on_speaker_and_organization_pages(seed, curator_client) -> None:
    speaker = Speaker.objects.get(slug="lloyd-austin")
    html = curator_client.get("/speakers/lloyd-austin/").content.decode()
    assert f'href="/admin/quotes/speaker/{speaker.pk}/change/">Edit in admin' in html
    public = Client().get("/speakers/lloyd-austin/").content.decode()
    assert "Edit in admin" not in public


def test_unknown_pages_say_what_was_not_found(db) -> None:
    response = Client().get("/speakers/nobody-at-all/")
    assert response.status_code == 404
    assert "There is no such speaker" in response.content.decode()


def test_timeline_counts_every_month_between_the_first_and_the_last(db) -> None:
    import datetime

    from quotes.site.timeline import timeline

    speaker = VerifiedStatementFactory(said_on=datetime.date(2024, 1, 5)).speaker
    VerifiedStatementFactory(speaker=speaker, said_on=datetime.date(2024, 3, 9))
    chart = timeline(Statement.objects.filter(speaker=speaker))
    assert chart["unit"] == "month"
    assert chart["rows"] == [("Jan 2024", 1), ("Feb 2024", 0), ("Mar 2024", 1)]


def test_detail_pages_read_as_many_queries_for_many_rows_as_for_one(db) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AffiliationFactory, OutletFactory

    ministry = OrganizationFactory()
    statement = VerifiedStatementFactory(organization=ministry)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url, HTTP_CACHE_CONTROL="no-cache").status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            AppearanceFactory(statement=statement, via=OutletFactory())
            AffiliationFactory(organization=ministry)
            VerifiedStatementFactory(speaker=statement.speaker, organization=ministry)

    urls = [
        f"/statements/{statement.pk}/",
        f"/organizations/{ministry.slug}/",
        f"/speakers/{statement.speaker.slug}/",
    ]
    add(1)
    few = [queries(url) for url in urls]
    add(9)
    assert [queries(url) for url in urls] == few


def test_statement_page_links_what_it_answers_and_what_answered_it(db) -> None:
    question = VerifiedStatementFactory(text="Will you back down?")
    answer = VerifiedStatementFactory(text="We will not back down.", in_response_to=question)
    asked = Client().get(f"/statements/{question.pk}/").content.decode()
    answered = Client().get(f"/statements/{answer.pk}/").content.decode()
    assert f'href="/statements/{answer.pk}/"' in asked
    assert "Answered by" in asked
    assert f'href="/statements/{question.pk}/"' in answered
    assert "In response to" in answered
