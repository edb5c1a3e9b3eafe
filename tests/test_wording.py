"""The wording matcher and word differences (quotes/models.py), below any database."""

from quotes.models import locate_wording, word_differences, wording_matches

TEXT = "Officials said:  “We will\nnot back down,” adding more. We will not back down."


def test_a_wording_matches_at_its_offset_whatever_the_whitespace() -> None:
    at = TEXT.index("“We")
    assert wording_matches(TEXT, at, "“We will not back down,”")
    assert not wording_matches(TEXT, at + 1, "“We will not back down,”")


def test_an_offset_outside_the_text_never_matches() -> None:
    assert not wording_matches(TEXT, len(TEXT) + 5, "We")
    assert not wording_matches(TEXT, 0, "   ")


def test_locating_finds_the_next_occurrence_from_a_start() -> None:
    first = locate_wording(TEXT, "We will not back down")
    assert first == TEXT.index("We will")
    assert locate_wording(TEXT, "We will not back down", first + 1) == TEXT.rindex("We will")
    assert locate_wording(TEXT, "never printed") is None


def test_differences_name_dropped_added_and_changed_words() -> None:
    changes = word_differences(
        "It will help slow down that effort.", "It would help that effort, officials said."
    )
    assert changes == [
        {"change": "changed", "canonical": "will", "printed": "would"},
        {"change": "dropped", "canonical": "slow down", "printed": ""},
        {"change": "added", "canonical": "", "printed": "officials said"},
    ]


def test_differences_ignore_case_punctuation_and_apostrophes() -> None:
    assert word_differences("We don't know.", "we don’t know") == []
