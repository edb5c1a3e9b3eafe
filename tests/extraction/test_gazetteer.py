"""Names, aliases and misspellings against a small gazetteer."""

from quotes.extraction.gazetteer import Entry, Gazetteer, normalise

GAZETTEER = Gazetteer(
    [
        Entry("Dmitry Peskov", speaker_id=5, aliases=["Dmitri Peskov"]),
        Entry("Lloyd Austin", speaker_id=1),
        Entry("Matthew Miller", speaker_id=2),
        Entry("U.S. Department of State", True, organization_id=3, aliases=["State Department"]),
        Entry("The Washington Post", True, organization_id=9, aliases=["the Post"], is_outlet=True),
    ]
)


def test_normalise_drops_titles_possessives_and_punctuation() -> None:
    assert normalise("Dr. Dmitry  Peskov’s") == "dmitry peskov"


def test_an_alias_is_an_exact_match() -> None:
    match = GAZETTEER.person("Dmitri Peskov")
    assert (match.speaker_id, match.score) == (5, 1.0)


def test_a_misspelt_surname_matches_with_a_lower_score() -> None:
    match = GAZETTEER.person("Perskov")
    assert match.name == "Dmitry Peskov"
    assert 0.86 <= match.score < 0.95


def test_a_misspelt_full_name_matches() -> None:
    assert GAZETTEER.person("Lloyd Austen").speaker_id == 1


def test_another_first_name_is_another_person() -> None:
    assert GAZETTEER.person("Joe Miller") is None
    assert GAZETTEER.person("Justin") is None


def test_organizations_and_outlets_by_alias() -> None:
    assert GAZETTEER.organization("the State Department").organization_id == 3
    assert GAZETTEER.outlet("the Post").name == "The Washington Post"
    assert GAZETTEER.outlet("State Department") is None


def test_the_ratio_bound_never_skips_a_name_that_reaches_the_score() -> None:
    from itertools import product

    from quotes.extraction.gazetteer import MIN_SCORE, _may_reach, _similarity

    printed = ["perskov", "dmitry perskov", "lloyd austen", "austin", "joe miller", "austn"]
    known = ["dmitry peskov", "lloyd austin", "matthew miller", "austin", "justin"]
    reached = 0
    for a, b, surname_only in product(printed, known, (True, False)):
        if _similarity(a, b, surname_only=surname_only) >= MIN_SCORE:
            reached += 1
            assert _may_reach(a, b, surname_only=surname_only), (a, b)
    assert reached >= 4
    assert not _may_reach("ministry of foreign affairs", "austin", surname_only=False)
