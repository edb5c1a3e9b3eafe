"""The web-search query parser (quotes/search.py), below any database."""

import pytest

from quotes.search import MAX_TERMS, Term, initialisms, parse_web_search, to_fts5


def test_words_phrases_alternatives_and_exclusions() -> None:
    assert parse_web_search('mines "waves of troops" or Kyiv -embassy') == [
        [Term("mines"), Term("waves of troops")],
        [Term("Kyiv"), Term("embassy", negated=True)],
    ]


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse_web_search('"land mines') == [[Term("land mines")]]


@pytest.mark.parametrize("q", ["", "   ", "-war", "or", '""', "!!! ???", "\x00"])
def test_a_query_without_required_words_has_no_alternatives(q: str) -> None:
    assert parse_web_search(q) == []


def test_or_inside_a_phrase_is_a_word() -> None:
    assert parse_web_search('"war or peace"') == [[Term("war or peace")]]


def test_the_number_of_terms_is_bounded() -> None:
    parsed = parse_web_search(" ".join(f"w{n}" for n in range(100)))
    assert sum(len(terms) for terms in parsed) == MAX_TERMS


def test_fts5_expression_quotes_every_term() -> None:
    expression = to_fts5(parse_web_search('NEAR(a b) "x""y" -c'))
    assert expression == '(("NEAR(a" AND "b)" AND "x" AND "y") NOT "c")'
    assert to_fts5([[Term('say "no"')]]) == '(("say ""no"""))'


@pytest.mark.parametrize(
    ("typed", "other"),
    [
        ("US", ["U.S."]),
        ("U.K.", ["UK"]),
        ("U.K", ["UK"]),
        ("NATO", ["N.A.T.O."]),
        ("us", []),
        ("U.S.", []),  # "US" would be the pronoun "us" too
        ("a.m.", []),
        ("e.g.", []),
    ],
)
def test_an_initialism_is_also_searched_with_or_without_dots(typed: str, other: list) -> None:
    assert initialisms(typed) == other
