"""Pairing quotation marks, without a parse."""

from quotes.extraction.quotemarks import find_quotes


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_curly_and_straight_marks_pair() -> None:
    text = '“We will fight,” he said. "We will win."'
    assert quoted(text) == ["“We will fight,”", '"We will win."']


def test_a_wrongly_curled_opening_mark_still_pairs() -> None:
    assert quoted("”Wrong,” he said.") == ["”Wrong,”"]


def test_a_quote_resumed_in_the_next_paragraph_is_one_quote() -> None:
    text = "“First paragraph.\n\n“Second paragraph.”"
    (quote,) = find_quotes(text)
    assert (quote.start, quote.end, quote.paragraphs, quote.closed) == (0, len(text), 2, True)


def test_a_quote_never_closed_ends_with_its_paragraph() -> None:
    text = 'He said "yes and no\n\nThen he left.'
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == '"yes and no'
    assert not quote.closed


def test_marks_inside_markup_are_not_quotes() -> None:
    assert quoted('<tweet id="7479" author="@someone">Hello</tweet> “Yes.”') == ["“Yes.”"]


def test_two_apostrophes_pair_as_a_quotation_mark() -> None:
    text = "''We will fight,'' he said. ''We will win.''"
    quotes = find_quotes(text)
    assert quoted(text) == ["'We will fight,'", "'We will win.'"]
    assert all(q.apostrophes for q in quotes)


def test_an_apostrophe_pair_after_a_word_closes_the_quote() -> None:
    (quote,) = find_quotes("He called it ''a disaster'' on Monday.")
    assert quote.closed
    assert quote.apostrophes


def test_an_invisible_direction_mark_before_a_quote_counts_as_a_space() -> None:
    assert quoted("\u202a”This is why,” said John.") == ["”This is why,”"]
