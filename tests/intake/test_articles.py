"""Reading articles: the text offsets refer to, kept as given (or as extracted from
HTML), and the metadata each shape carries; and which outlet published it."""

import datetime
import re

import pytest

from quotes.intake import articles, inputs
from quotes.intake.articles import Article, ArticleError
from quotes.intake.outlets import KnownOutlet, OutletIndex, find_outlet
from tests.intake.conftest import seed_text

HTML = """<!doctype html><html lang="en-GB"><head><title>Harbour row | Daily Planet</title>
<meta name="author" content="Lois Lane; Clark Kent">
<meta property="og:site_name" content="The Daily Planet">
<meta property="article:published_time" content="2024-11-19T10:00:00Z">
<link rel="canonical" href="https://www.dailyplanet.example/news/harbour?utm_source=feed">
</head><body><nav>Home | World</nav><article><h1>Harbour row</h1>
<p>“We will not back down on the harbour,” said Jane Porter, the transport minister, on
Tuesday, as the row over the new port deepened across the city.</p>
<p>A port official said that the works would start in the spring and last two years.</p>
</article><footer>© 2024 Daily Planet Media Group, Inc. All rights reserved.</footer>
</body></html>"""


def test_the_seed_format_keeps_its_tags_and_gives_its_metadata() -> None:
    text = seed_text(1)
    article = articles.from_text(text)
    assert article.text == text  # offsets refer to the text as given, tags included
    assert article.title == "Biden approves antipersonnel mines for Ukraine, undoing his own policy"
    assert article.published_on == datetime.date(2024, 11, 19)
    assert article.authors == ["Michael Birnbaum", "Alex Horton"]
    assert article.url.startswith("https://www.washingtonpost.com/national-security/2024/11/19/")


def test_plain_text_is_titled_by_its_first_line_and_credits_its_byline() -> None:
    article = articles.from_text("Harbour row\nBy Lois Lane and Clark Kent\n\nThe minister spoke.")
    assert article.title == "Harbour row"
    assert article.authors == ["Lois Lane", "Clark Kent"]
    assert article.published_on is None


def test_a_closing_bio_gives_the_author_and_the_outlet() -> None:
    article = articles.from_text(seed_text(4))
    assert article.authors == ["Ryan Morgan"]
    assert article.byline_outlet == "The Epoch Times"


def test_a_copyright_line_names_the_outlet_without_its_company_form() -> None:
    assert articles.from_text(seed_text(3)).copyright_holder == "The New York Sun"


def test_html_gives_its_article_text_and_metadata() -> None:
    article = articles.from_html(HTML)
    assert "“We will not back down on the harbour,” said Jane Porter" in article.text
    assert "Home | World" not in article.text
    assert article.title == "Harbour row"
    assert article.authors == ["Lois Lane", "Clark Kent"]
    assert article.published_on == datetime.date(2024, 11, 19)
    assert article.language == "en-GB"
    assert article.url == "https://www.dailyplanet.example/news/harbour"
    assert article.site_name == "The Daily Planet"
    assert article.copyright_holder == "Daily Planet"


def test_an_upload_is_read_by_its_name() -> None:
    assert articles.from_upload("story.html", HTML.encode()).method == "file"
    text = articles.from_upload("C:\\news\\story.txt", b"<p>kept as text</p> words")
    assert (text.text, text.filename) == ("<p>kept as text</p> words", "story.txt")


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (
            lambda: articles.from_upload("a.txt", b"caf\xe9 au lait"),
            "not UTF-8 text (byte 0xe9 at offset 3)",
        ),
        (lambda: articles.from_upload("a.txt", b"   \n"), "a.txt is empty"),
        (lambda: articles.from_text("  \n\t "), "empty"),
        (lambda: articles.from_text("<TITLE></TITLE><CONTENT>\n</CONTENT>"), "empty"),
        (
            lambda: articles.from_html("<html><body><nav>Home</nav></body></html>"),
            "No article text",
        ),
        (lambda: articles.decode(b"abc", "no-such-charset", "page"), "unknown character set"),
    ],
)
def test_unreadable_input_is_refused_saying_why(read, message: str) -> None:
    with pytest.raises(ArticleError, match=re.escape(message)):
        read()


def test_a_declared_charset_is_honoured() -> None:
    assert articles.decode("café".encode("latin-1"), "iso-8859-1", "page") == "café"
    assert articles.decode(b"\xef\xbb\xbfhello", None, "page") == "hello"


def test_urls_are_compared_without_tracking_fragments_or_default_ports() -> None:
    assert (
        articles.normalise_url("HTTPS://WWW.News.example:443/a/b?utm_source=x&id=3&fbclid=y#top")
        == "https://www.news.example/a/b?id=3"
    )


def test_the_same_text_with_other_line_breaks_has_the_same_digest() -> None:
    assert articles.text_digest("A  quote.\r\n\r\nMore.") == articles.text_digest("A quote. More.")
    assert articles.text_digest("A quote.") != articles.text_digest("A quote!")


def test_a_batch_record_takes_text_or_html_with_metadata() -> None:
    article = inputs.from_record(
        {"text": "Harbour row\n\nWords.", "url": "https://x.example/a?utm_medium=m",
         "published_on": "2024-11-19", "authors": ["Lois Lane"], "title": "Given title"}
    )  # fmt: skip
    assert article.url == "https://x.example/a"
    assert (article.title, article.published_on) == ("Given title", datetime.date(2024, 11, 19))
    assert article.authors == ["Lois Lane"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "JSON object"),
        ({}, "Give url, text or html"),
        ({"text": "a", "html": "<p>b</p>"}, "not both"),
        ({"text": 5}, "must be strings"),
        ({"text": "words", "published_on": "soon"}, "published_on must be a date"),
        ({"text": "words", "authors": "Lois"}, "list of names"),
    ],
)
def test_a_bad_batch_record_is_refused_saying_why(record: object, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        inputs.from_record(record)


OUTLETS = OutletIndex(
    [
        KnownOutlet(1, "The Washington Post", ("WP",)),
        KnownOutlet(2, "The New York Sun"),
        KnownOutlet(3, "BBC", ("bbc.co.uk",)),
        KnownOutlet(4, "The Epoch Times"),
    ]
)


def article(**metadata: str) -> Article:
    return Article(metadata.pop("text", "Words."), "Title", **metadata)


@pytest.mark.parametrize(
    ("article", "found"),
    [
        (article(url="https://www.washingtonpost.com/a"), ("The Washington Post", "domain", 1)),
        (article(url="https://www.bbc.co.uk/news/a"), ("BBC", "domain", 3)),
        (article(site_name="the washington post"), ("The Washington Post", "site name", 1)),
        (article(copyright_holder="The New York Sun"), ("The New York Sun", "copyright line", 2)),
        (article(byline_outlet="The Epoch Times"), ("The Epoch Times", "author's bio", 4)),
        (
            article(text="A\n\nWords.\n\nThe New York Sun\n"),
            ("The New York Sun", "masthead line", 2),
        ),
        (article(site_name="The Kyiv Independent"), ("The Kyiv Independent", "site name", None)),
        (article(url="https://kyivindependent.com/a"), ("kyivindependent.com", "domain", None)),
    ],
)
def test_the_outlet_is_found_by_domain_site_name_copyright_bio_or_masthead(article, found) -> None:
    finding = find_outlet(article, OUTLETS)
    assert (finding.name, finding.found_by, finding.outlet_id) == found
    assert finding.proposed == (found[2] is None)


def test_an_article_naming_no_outlet_has_none() -> None:
    assert find_outlet(article(), OUTLETS) is None
