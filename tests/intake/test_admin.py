"""The review queue in the admin: import, the queue, one source's review page with its
candidates highlighted, accept, edit then accept, merge, reject, accept the confident
ones, create a proposed outlet, and the extraction statistics."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quotes import services
from quotes.intake import articles
from quotes.intake.models import Candidate
from quotes.models import Organization, Source, Statement
from tests.factories import SpeakerFactory, StatementFactory, UserFactory
from tests.intake.conftest import ARTICLE
from tests.intake.test_articles import HTML

pytestmark = pytest.mark.django_db
QUEUE = "/admin/quotes/candidate/"
IMPORT = "/admin/quotes/candidate/import/"


def review_url(source: Source) -> str:
    return f"/admin/quotes/candidate/source/{source.pk}/"


@pytest.fixture
def source() -> Source:
    return services.source_import(article=articles.from_text(ARTICLE), by=None).source


def test_curator_imports_pasted_text_and_lands_on_its_review(curator_client: Client) -> None:
    response = curator_client.post(IMPORT, {"text": ARTICLE.replace("\n", "\r\n")})
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review_url(source)
    assert source.text == ARTICLE
    assert source.candidates.count() == 2


def test_curator_uploads_an_html_file(curator_client: Client) -> None:
    upload = SimpleUploadedFile("harbour.html", HTML.encode(), content_type="text/html")
    response = curator_client.post(IMPORT, {"file": upload})
    assert response.status_code == 302
    assert Source.objects.get().title == "Harbour row"


def test_curator_imports_a_url(curator_client: Client, article_server) -> None:
    url = article_server.serve("/harbour", HTML)
    assert curator_client.post(IMPORT, {"url": url}).status_code == 302
    assert Source.objects.get().source_import.fetched_url == url


def test_an_unreadable_article_is_shown_on_the_form_and_nothing_saved(
    curator_client, article_server
) -> None:
    response = curator_client.post(IMPORT, {"url": article_server.url("/missing")})
    assert response.status_code == 200
    assert "answered 404" in response.content.decode()
    both = curator_client.post(IMPORT, {"url": "https://x.example/", "text": "Words"})
    assert "Give one of" in both.content.decode()
    assert Source.objects.count() == 0


def test_importing_the_same_article_again_says_so(curator_client, source) -> None:
    response = curator_client.post(IMPORT, {"text": ARTICLE}, follow=True)
    assert f"Already imported as source {source.pk} (same text)" in response.content.decode()


def test_the_queue_lists_sources_with_open_candidates_oldest_first(
    curator_client, source, django_assert_max_num_queries
) -> None:
    later = services.source_import(
        article=articles.from_text("Later\n\n“We go on,” she said."), by=None
    )
    with django_assert_max_num_queries(8):
        response = curator_client.get(QUEUE)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(source.title) < page.index(later.source.title)
    services.candidate_reject(
        candidate=later.source.candidates.get(), reason="No", by=UserFactory()
    )
    assert later.source.title not in curator_client.get(QUEUE).content.decode()


def test_the_review_page_highlights_every_candidate_in_place(
    curator_client, source, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(10):
        response = curator_client.get(review_url(source))
    page = response.content.decode()
    quote, paraphrase = source.candidates.order_by("start")
    assert f'data-candidates="{quote.pk}">We will not back down on the harbour</mark>' in page
    assert f'id="candidate-{paraphrase.pk}"' in page
    assert "accept the confident ones" in page


def test_accept_and_reject_from_the_review_page(curator_client, source) -> None:
    quote, paraphrase = source.candidates.order_by("start")
    accepted = curator_client.post(
        f"/admin/quotes/candidate/{quote.pk}/decide/", {"decision": "accept"}
    )
    assert accepted["Location"] == f"{review_url(source)}#at-{quote.pk}"
    assert Statement.objects.get().status == "draft"
    curator_client.post(
        f"/admin/quotes/candidate/{paraphrase.pk}/decide/", {"decision": "reject", "reason": ""}
    )
    assert Candidate.objects.get(pk=paraphrase.pk).status == "open"  # a reason is needed
    curator_client.post(
        f"/admin/quotes/candidate/{paraphrase.pk}/decide/",
        {"decision": "reject", "reason": "Vague"},
    )
    assert Candidate.objects.get(pk=paraphrase.pk).reason == "Vague"
    again = curator_client.post(
        f"/admin/quotes/candidate/{quote.pk}/decide/", {"decision": "accept"}, follow=True
    )
    assert "already accepted by casey" in again.content.decode()
    assert Statement.objects.count() == 1
    history = curator_client.get(
        f"/admin/quotes/candidate/{paraphrase.pk}/history/"
    ).content.decode()
    assert "Vague" in history


def test_edit_then_accept_with_a_new_speaker(curator_client, source) -> None:
    quote = source.candidates.order_by("start").first()
    form = curator_client.get(f"/admin/quotes/candidate/{quote.pk}/edit/")
    assert form.status_code == 200
    assert "Jane Porter" in form.content.decode()
    response = curator_client.post(
        f"/admin/quotes/candidate/{quote.pk}/edit/",
        {
            "accept": "1", "new_speaker": "Jane Q. Porter", "kind": "direct_quote",
            "start": quote.start, "end": quote.end, "said_on": "", "said_on_precision": "unknown",
            "reason": "Her full name",
        },
    )  # fmt: skip
    assert response.status_code == 302
    accepted = Candidate.objects.get(pk=quote.pk)
    assert accepted.edited_fields == ["speaker"]
    assert accepted.statement.speaker.name == "Jane Q. Porter"


def test_a_bad_span_is_shown_and_nothing_saved(curator_client, source) -> None:
    quote = source.candidates.order_by("start").first()
    data = {
        "accept": "1",
        "kind": "direct_quote",
        "start": 50,
        "end": 10,
        "said_on_precision": "unknown",
    }
    response = curator_client.post(f"/admin/quotes/candidate/{quote.pk}/edit/", data, follow=True)
    assert "Not saved" in response.content.decode()
    assert Statement.objects.count() == 0


def test_merge_into_a_chosen_statement(curator_client, source) -> None:
    quote = source.candidates.order_by("start").first()
    chosen = StatementFactory(speaker=SpeakerFactory())
    response = curator_client.post(
        f"/admin/quotes/candidate/{quote.pk}/edit/", {"merge": "1", "statement": chosen.pk}
    )
    assert response.status_code == 302
    assert Candidate.objects.get(pk=quote.pk).statement == chosen


def test_accept_the_confident_ones(curator_client, source) -> None:
    # Confidences set here: the test is of the bulk action, not of the extractor's scores.
    Candidate.objects.filter(text__startswith="We will").update(confidence=0.95)
    Candidate.objects.filter(text__startswith="the works").update(confidence=0.3)
    response = curator_client.post(
        f"/admin/quotes/candidate/source/{source.pk}/accept/", follow=True
    )
    assert "1 candidate(s) accepted" in response.content.decode()
    assert list(source.candidates.values_list("status", flat=True).order_by("start")) == [
        "accepted",
        "open",
    ]


def test_create_the_proposed_outlet(curator_client) -> None:
    outcome = services.source_import(
        article=articles.Article(
            "“We go on,” she said.", "Title", site_name="The Kyiv Independent"
        ),
        by=None,
    )
    page = curator_client.get(review_url(outcome.source)).content.decode()
    assert 'value="The Kyiv Independent"' in page
    curator_client.post(
        f"/admin/quotes/candidate/source/{outcome.source.pk}/outlet/",
        {"name": "The Kyiv Independent"},
    )
    assert Source.objects.get().outlet == Organization.objects.get(name="The Kyiv Independent")


def test_the_statistics_page_counts_reviews(curator_client, source) -> None:
    services.candidate_reject(candidate=source.candidates.first(), reason="No", by=UserFactory())
    page = curator_client.get("/admin/quotes/candidate/statistics/").content.decode()
    assert "1 (100 %)" in page


def test_the_queue_is_for_curators(client, source) -> None:
    assert client.get(QUEUE).status_code == 302  # to the login page
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    assert staff.get(review_url(source)).status_code == 403
    assert staff.post(IMPORT, {"text": ARTICLE}).status_code == 403
