"""The relevance suite: searches a journalist makes on the seed corpus, with the
statements each must find (and some it must not, or must rank first), run through the
API on both databases. Ids are the seed fixture's (fixtures/seed.json)."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# q -> (must find, must not find)
FINDS = {
    # Compounds and hyphens, both ways and inside phrases.
    "landmines": ({1, 3, 4, 21, 34, 35}, set()),
    "land mines": ({1, 3, 4, 21, 34, 35}, set()),
    "land-mines": ({1, 3, 4, 21, 34, 35}, set()),
    # The singular, which the corpus never prints joined.
    "landmine": ({1, 3, 4, 21, 34, 35}, set()),
    "land mine": ({1, 3, 4, 21, 34, 35}, set()),
    '"landmine policy"': ({3}, {4}),
    "anti personnel": ({4, 5, 21, 33, 34, 35}, {31, 32}),
    "mines": ({4, 10, 11, 13, 34, 35}, {6, 31, 32}),
    "nonpersistent": ({11, 13, 23, 34, 35}, {22}),
    "non-persistent": ({11, 13, 23, 34, 35}, {22}),
    "antipersonnel": ({4, 5, 21, 33, 34, 35}, {31, 32}),
    "anti-personnel": ({4, 5, 21, 33, 34, 35}, {31, 32}),
    '"anti-personnel landmines"': ({4, 34, 35}, {5, 13}),
    '"antipersonnel land mines"': ({4, 21, 34, 35}, {13}),
    # Places, settings, organizations and their parents, titles, topics.
    "Laos": ({9, 10, 28, 29}, {14, 31}),
    "Kremlin": ({31}, {6, 37}),
    "Pentagon": ({34, 35, 36, 43, 44}, {31, 32}),
    "Defense Department": ({9, 26, 27, 34, 43}, {31}),
    "State Department": ({5, 32, 40, 41, 42}, {31}),
    "Secretary of Defense": ({9, 10, 28, 29}, {31}),
    "Kremlin spokesman": ({31}, {9}),
    "Human Rights Watch": ({22, 23}, {4}),
    "HRW": ({22, 23}, {4}),
    "Amnesty International": ({4}, {22}),
    "press briefing": ({40, 41, 42}, {9}),
    "told reporters": ({9, 10, 28, 29}, {40}),
    "emailed statement": ({34, 35, 36}, {4}),
    "Ottawa Convention": ({4, 21}, {31}),
    "nuclear warnings": ({30, 31}, {9}),
    "embassy closure": ({32}, {9}),
    "Russian government": ({6, 30, 31, 37}, {32}),
    "Russia": ({6, 30, 31, 37}, set()),
    # Initialisms with and without dots.
    "US official": ({7, 8, 11, 12, 14, 15, 16, 18, 24, 26, 27}, {31}),
    "U.S. official": ({7, 8, 11, 12, 14, 15, 16, 18, 24, 26, 27}, {31}),
    # Possessives, straight and curly.
    "Austin's": ({9, 10, 28, 29}, {31}),
    "Putin’s threat": ({30}, {6, 31}),
    "Biden's decision": ({3}, {31}),
    # Names, aliases, misspellings kept as aliases.
    "Perskov": ({31}, {30}),
    "Peskov nuclear": ({31}, {30}),
    "Lloyd Austin": ({9, 10, 28, 29}, {31}),
    "Biden reckless": ({3}, {31}),
    # Phrases, or, exclusions.
    '"waves of troops"': ({14}, {6, 30}),
    "ATACMS or HIMARS": ({6, 30, 37, 44}, {9}),
    "ATACMS -nuclear": ({6, 37}, {30, 31}),
    "drawdown authority": ({40, 41, 43}, {9}),
}
# q -> the statement that must come first in relevance order.
FIRST = {
    '"waves of troops"': 14,
    "Perskov": 31,
    "reckless": 3,
    "inert after a preset period": 35,
    "shocking and devastating": 22,
}


@pytest.fixture
def api(db) -> APIClient:
    call_command("load_seed", verbosity=0, stdout=io.StringIO())
    return APIClient()


def found(api: APIClient, q: str, **params: str) -> list[int]:
    response = api.get("/api/v1/statements/", {"q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_a_journalists_searches_find_what_they_mean(api: APIClient) -> None:
    wrong = []
    for q, (wanted, unwanted) in FINDS.items():
        ids = set(found(api, q))
        if missed := sorted(wanted - ids):
            wrong.append(f"{q!r} misses {missed}")
        if extra := sorted(unwanted & ids):
            wrong.append(f"{q!r} finds {extra}")
    assert not wrong, "\n".join(wrong)


def test_the_statement_itself_ranks_first(api: APIClient) -> None:
    firsts = {q: found(api, q)[:1] for q in FIRST}
    assert firsts == {q: [pk] for q, pk in FIRST.items()}


def test_a_statements_own_words_rank_above_its_context(api: APIClient) -> None:
    # Statement 13 says "mines"; statement 7 is found by its topic's name alone.
    ranked = found(api, "mines")
    assert ranked.index(13) < ranked.index(7)


def test_a_misspelled_name_is_corrected_and_said_so(api: APIClient) -> None:
    response = api.get("/api/v1/statements/", {"q": "Lloyd Austen"})
    body = response.json()
    assert body["corrected_query"] == "Lloyd Austin"
    assert body["original_query"] == "Lloyd Austen"
    assert {row["id"] for row in body["results"]} == {9, 10, 28, 29}


def test_exact_turns_correction_off(api: APIClient) -> None:
    body = api.get("/api/v1/statements/", {"q": "Lloyd Austen", "exact": "true"}).json()
    assert body["results"] == []
    assert body["corrected_query"] is None


def test_a_real_word_is_never_corrected(api: APIClient) -> None:
    body = api.get("/api/v1/statements/", {"q": "mines"}).json()
    assert body["corrected_query"] is None
    assert body["original_query"] is None


def test_report_dates_place_undated_statements(api: APIClient) -> None:
    # 26 statements have no date said; 18 of them were printed by a dated source.
    said = found(api, "", said_after="2024-11-19", said_before="2024-11-19")
    reported = found(api, "", reported_after="2024-11-19", reported_before="2024-11-19")
    assert 14 not in said
    assert 14 in reported
