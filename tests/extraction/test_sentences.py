"""The extractor sentence by sentence: each test is a sentence (our own) and what it yields.

No database: the gazetteer is built here. The spaCy model loads once per test session.
"""

import datetime

from quotes.extraction import extract
from quotes.extraction.gazetteer import Entry, Gazetteer

GAZETTEER = Gazetteer(
    [
        Entry("Lloyd Austin", speaker_id=1, aliases=["Lloyd J. Austin III"]),
        Entry("Dmitry Peskov", speaker_id=2),
        Entry("Joe Biden", speaker_id=3, aliases=["President Biden"]),
        Entry("U.S. Department of State", True, organization_id=10, aliases=["State Department"]),
        Entry(
            "U.S. Department of Defense",
            True,
            organization_id=11,
            aliases=["Pentagon", "Department of Defense"],
        ),
        Entry(
            "The Washington Post", True, organization_id=20, aliases=["the Post"], is_outlet=True
        ),
        Entry("BBC", True, organization_id=21, is_outlet=True),
    ]
)
TUESDAY = datetime.date(2024, 11, 19)


def run(text: str, published_on: datetime.date | None = TUESDAY):
    return extract(text, published_on=published_on, gazetteer=GAZETTEER)


def only(text: str, **kwargs):
    (candidate,) = run(text, **kwargs)
    return candidate


def test_told_the_post_marks_the_relay() -> None:
    candidate = only("A senior U.S. official told the Post that the mines would arrive soon.")
    assert candidate.via.name == "The Washington Post"
    assert candidate.via.organization_id == 20
    assert candidate.text == "that the mines would arrive soon."
    assert candidate.kind == "paraphrase"


def test_tells_the_bbc_marks_the_relay() -> None:
    candidate = only("An official for the Department of Defense tells the BBC that it is over.")
    assert candidate.via.name == "BBC"
    assert candidate.speaker.anonymous
    assert candidate.speaker.organization == "U.S. Department of Defense"


def test_according_to_the_bbc_marks_the_relay() -> None:
    candidate = only("The talks have stalled, according to the BBC.")
    assert candidate.via.name == "BBC"
    assert candidate.text == "The talks have stalled"


def test_direct_quote_with_curly_marks_and_its_speaker() -> None:
    candidate = only("“We will not back down,” Lloyd Austin said.")
    assert candidate.kind == "direct"
    assert candidate.text == "“We will not back down,”"
    assert candidate.speaker.name == "Lloyd Austin"
    assert candidate.speaker.speaker_id == 1
    assert candidate.cue.text == "said"


def test_straight_quotes_work_like_curly_ones() -> None:
    candidate = only('"We will not back down," Lloyd Austin said.')
    assert candidate.kind == "direct"
    assert candidate.text == '"We will not back down,"'


def test_quote_split_around_its_attribution_is_one_candidate() -> None:
    text = "“The plan is dead,” the senator said. “We will write another one.”"
    candidate = only(text)
    assert candidate.text == text
    assert [q.text for q in candidate.quotes] == [
        "“The plan is dead,”",
        "“We will write another one.”",
    ]
    assert candidate.kind == "direct"


def test_quote_over_several_paragraphs_is_one_candidate() -> None:
    text = (
        "The minister said: “We have counted every vote.\n\n"
        "“We will count them again if we must.”\n\nThe count resumed on Monday."
    )
    candidate = only(text)
    assert candidate.start == text.index("“We have")
    assert candidate.end == text.index("must.”") + len("must.”")
    assert candidate.quotes[0].text.count("\n\n") == 1


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "“We will fight for every village, the mayor said on Sunday.\n\nThe army left."
    candidate = only(text)
    assert candidate.end <= text.index("\n\n")
    assert candidate.speaker.mention.text == "the mayor"


def test_scare_quotes_are_not_proposed() -> None:
    assert run("The so-called “peace plan” was never published, and the “summit” was short.") == []


def test_partial_quote_covers_the_reported_speech_around_it() -> None:
    candidate = only("The senator said the bill was “dead on arrival” in the House.")
    assert candidate.kind == "partial"
    assert candidate.text == "the bill was “dead on arrival” in the House."
    assert [q.text for q in candidate.quotes] == ["“dead on arrival”"]


def test_paraphrase_with_a_cue_has_no_quotes() -> None:
    candidate = only("Russian President Vladimir Putin has warned that Moscow will retaliate.")
    assert candidate.kind == "paraphrase"
    assert candidate.text == "that Moscow will retaliate."
    assert candidate.speaker.name == "Vladimir Putin"
    assert candidate.speaker.title == "Russian President"


def test_said_in_a_statement_is_a_written_statement() -> None:
    candidate = only("The State Department said in a statement that the embassy would close.")
    assert candidate.kind == "written"
    assert candidate.statement_kind == "written_statement"
    assert candidate.setting == "in a statement"
    assert candidate.speaker.is_organization
    assert candidate.speaker.organization_id == 10


def test_quoted_written_statement_is_a_direct_quote_and_a_written_statement() -> None:
    candidate = only("“The embassy will be closed,” the State Department said in a statement.")
    assert candidate.kind == "direct"
    assert candidate.written
    assert candidate.statement_kind == "written_statement"


def test_pronoun_resolves_to_the_earlier_speaker() -> None:
    first, second = run(
        "Defense Secretary Lloyd Austin told reporters that Ukraine needed the mines. "
        "“They have a need for things,” he said."
    )
    assert second.speaker.mention.text == "he"
    assert second.speaker.name == "Lloyd Austin"
    assert second.speaker.key == first.speaker.key
    assert first.speaker.title == "Defense Secretary"


def test_the_official_refers_back_to_the_latest_unnamed_official() -> None:
    first, second, third = run(
        "One official said the mines were safe. The official said they would be sent soon. "
        "One of the officials said that Russia was advancing."
    )
    assert first.speaker.anonymous
    assert first.speaker.name == "official"
    assert second.speaker.key == first.speaker.key
    assert third.speaker.key != first.speaker.key


def test_an_unnamed_group_is_one_speaker_however_often_cited() -> None:
    first, second = run(
        "U.S. officials said the decision was final. U.S. officials said the mines would help."
    )
    assert first.speaker.key == second.speaker.key
    assert first.speaker.anonymous
    assert first.speaker.country == "United States"


def test_anonymity_reason_is_kept() -> None:
    candidate = only(
        "“Russia uses them anyway,” the official said, speaking on the condition of "
        "anonymity because of the subject’s sensitivity."
    )
    assert candidate.anonymity_reason == "because of the subject’s sensitivity"
    assert candidate.text == "“Russia uses them anyway,”"


def test_organization_speaks_as_a_body() -> None:
    candidate = only("The Pentagon announced another arms package for Ukraine on Wednesday.")
    assert candidate.speaker.is_organization
    assert candidate.speaker.name == "U.S. Department of Defense"
    assert candidate.speaker.organization_id == 11


def test_on_wednesday_resolves_to_a_day_near_publication() -> None:
    candidate = only("Austin told reporters on Wednesday during a visit to Laos that it was time.")
    assert candidate.said_on == datetime.date(2024, 11, 20)
    assert candidate.said_on_precision == "day"
    assert candidate.setting == "told reporters during a visit to Laos"
    assert candidate.location == "Laos"


def test_in_2020_resolves_to_a_year() -> None:
    candidate = only("The State Department said in 2020 that the mines had not been used.")
    assert (candidate.said_on, candidate.said_on_precision) == (datetime.date(2020, 1, 1), "year")


def test_no_date_is_unknown() -> None:
    candidate = only("The minister said the talks would resume.", published_on=None)
    assert (candidate.said_on, candidate.said_on_precision) == (None, "unknown")


def test_misspelt_name_resolves_with_a_score() -> None:
    candidate = only("“We reserve the right,” Kremlin spokesman Dmitry Perskov said on Tuesday.")
    assert candidate.speaker.name == "Dmitry Peskov"
    assert candidate.speaker.speaker_id == 2
    assert 0.86 <= candidate.speaker.match_score < 1
    assert candidate.said_on == TUESDAY


def test_unknown_person_is_proposed_as_a_new_speaker() -> None:
    candidate = only("“It is a good day,” said Maria Gonzalez, a farmer in Iowa.")
    assert candidate.speaker.name == "Maria Gonzalez"
    assert candidate.speaker.speaker_id is None
    assert candidate.speaker.description == "a farmer in Iowa"


def test_seed_format_offsets_point_into_the_file() -> None:
    text = (
        "<TITLE>Mines for Ukraine</TITLE>\n<PUBLISHED_DATE>2024-11-19</PUBLISHED_DATE>\n"
        "<URL>https://example.com/a</URL>\n<CONTENT>\n"
        "“They asked for these,” Lloyd Austin said on Wednesday.\n</CONTENT>\n"
    )
    candidate = only(text, published_on=None)
    assert text[candidate.start : candidate.end] == candidate.text == "“They asked for these,”"
    assert candidate.said_on == datetime.date(2024, 11, 20)


def test_every_candidate_records_the_extractor_version_and_a_confidence() -> None:
    candidate = only("“We will not back down,” Lloyd Austin said.")
    assert candidate.extractor_version
    assert 0 < candidate.confidence < 1


def test_quote_before_the_cue_wins_over_a_clause_after_it() -> None:
    candidate = only("“The talks will go on,” Dmitry Peskov said, as reporters waited outside.")
    assert candidate.text == "“The talks will go on,”"
    assert candidate.speaker.name == "Dmitry Peskov"


def test_a_quoted_word_taken_for_the_subject_gives_way_to_the_name_beside_the_cue() -> None:
    candidate = only("“Like Kyiv. Or Odesa,” Peskov said.")
    assert candidate.text == "“Like Kyiv. Or Odesa,”"
    assert candidate.speaker.mention.text == "Peskov"


def test_by_saying_is_credited_to_the_subject_of_the_verb() -> None:
    candidate = only("Lloyd Austin ended his briefing by saying “We are not done.”")
    assert candidate.speaker.name == "Lloyd Austin"


def test_a_claim_with_its_owner_is_an_attribution() -> None:
    candidate = only("Peskov’s claim that the mines were never delivered drew scorn.")
    assert candidate.text == "that the mines were never delivered"
    assert candidate.speaker.name == "Dmitry Peskov"
    assert candidate.rule == "nominal"


def test_a_lead_in_a_poll_is_the_polls_finding() -> None:
    candidate = only("The president holds a narrow lead among older voters in a new Gallup poll.")
    assert candidate.speaker.mention.text == "a new Gallup poll"
    assert candidate.rule == "poll"


def test_a_headline_label_keeps_its_first_person_words() -> None:
    (candidate, *_) = run("Lloyd Austin: I Told Them the Mines Were Coming.\n\nThe talks went on.")
    assert candidate.rule == "label"
    assert candidate.speaker.name == "Lloyd Austin"


def test_asked_if_is_the_question_asked() -> None:
    candidate = only("Lloyd Austin shook hands and asked workers if they planned to vote.")
    assert candidate.text == "if they planned to vote."
    assert candidate.speaker.name == "Lloyd Austin"


def test_a_long_attribution_between_two_quotes_keeps_them_one_candidate() -> None:
    text = (
        '"Do these people read newspapers?" said Bob Mulholland, a California superdelegate'
        " and Clinton supporter who has accused Sanders supporters of harassing his peers."
        ' "Are they reading some chain email with bogus numbers?"'
    )
    # The accusation inside the attribution is a candidate of its own.
    candidate = run(text)[0]
    assert candidate.text.startswith('"Do these')
    assert candidate.text.endswith('numbers?"')
    assert candidate.speaker.name == "Bob Mulholland"


def test_apostrophe_quotes_widen_the_content_but_keep_the_kind() -> None:
    text = "''You hear that a lot,'' said Dan Kildee. ''This is a complicated world.''"
    candidate = only(text)
    assert candidate.text.startswith("''You hear")
    assert candidate.text.endswith("complicated world.'")
    assert candidate.kind == "paraphrase"


def test_a_cue_closing_its_sentence_after_a_comma_reports_all_before_it() -> None:
    candidate = only('Those who take on heavy debt struggle, even with a "good" job, he said.')
    assert candidate.text == 'Those who take on heavy debt struggle, even with a "good" job'
    assert candidate.rule == "trailing"


def test_an_inverted_source_after_the_cue_is_the_speaker() -> None:
    candidate = only(
        'The rejection of the treaty signals "the beginning of the end" for the EU, said'
        " Geert Wilders, founder of the Party for Freedom."
    )
    assert candidate.speaker.name == "Geert Wilders"


def test_a_quote_closing_on_an_inner_quote_hands_over_to_its_cue() -> None:
    text = "“Her response has been, ‘What can we do to help?’” Renteria told reporters."
    candidate = only(text)
    assert candidate.text == "“Her response has been, ‘What can we do to help?’”"
    assert candidate.speaker.name == "Renteria"


def test_a_sentence_ending_in_a_colon_leads_into_the_quote_below() -> None:
    text = (
        "The committee said about the inclusion of the clinics in the latest draft of its"
        " platform:\n\n“The platform goes further than previous platforms.”"
    )
    candidate = only(text)
    assert candidate.text == "“The platform goes further than previous platforms.”"
    assert candidate.kind == "direct"


def test_a_quote_paragraph_after_an_attributed_quote_continues_its_candidate() -> None:
    text = (
        "“The mines will arrive soon,” Austin said.\n\n"
        "“And when it comes to the sovereign assets, we will decide together.”\n\n"
        "The talks went on."
    )
    candidate = only(text)
    assert candidate.text == text[: text.index("\n\nThe talks")]
    assert candidate.speaker.name == "Lloyd Austin"


def test_a_quoted_sentence_without_a_cue_goes_to_the_name_beside_it() -> None:
    text = "Austin, smiling at the crowd in Laos, “We will win this war and we will rebuild.”"
    candidate = only(text)
    assert candidate.text == "“We will win this war and we will rebuild.”"
    assert candidate.rule == "unattributed-quote"


def test_an_owned_stance_noun_reports_its_object() -> None:
    candidate = only("The senator's attacks on the Pentagon budget grew sharper.")
    assert candidate.text == "the Pentagon budget"
    assert candidate.speaker.mention.text.startswith("The senator")


def test_an_expectation_is_an_attribution_without_a_source() -> None:
    candidate = only("Trump is expected to deliver a victory speech later tonight.")
    assert candidate.text == "Trump is expected to deliver a victory speech later tonight"
    assert candidate.speaker is None
    assert candidate.rule == "expectation"


def test_what_a_poll_shows_as_an_object_is_its_finding() -> None:
    candidate = only("A Fox News poll shows Sanders with 47 percent versus Clinton.")
    assert candidate.text == "Sanders with 47 percent versus Clinton"
    assert candidate.kind == "paraphrase"


def test_a_quote_right_after_reported_speech_goes_on_with_it() -> None:
    text = (
        "Greene added that the Fed wants to get out of the way before the election."
        " “They don’t like to talk about it.”"
    )
    candidate = only(text)
    assert candidate.text == text[len("Greene added ") :]
    assert candidate.kind == "partial"


def test_a_paragraph_ending_in_a_colon_stops_the_quote_going_on() -> None:
    text = (
        "“We are ready,” Austin said.\n\nTranscript as follows:\n\n"
        "“Tonight we arrived in Cleveland, and we went to a restaurant.”"
    )
    first = run(text)[0]
    assert first.text == "“We are ready,”"


def test_a_quote_credited_by_a_dash_and_a_name_is_that_persons() -> None:
    text = (
        "Readers wrote in.\n\n“We can still build a better city for everyone.” ― Ana Ruiz\n"
        "“I worry about my children.” ― Carlos Diaz, a nurse in Tucson."
    )
    first, second = run(text)
    assert first.text == "“We can still build a better city for everyone.”"
    assert first.speaker.name == "Ana Ruiz"
    assert first.kind == "direct"
    assert second.speaker.name == "Carlos Diaz"


def test_a_dash_credit_in_the_next_paragraph_names_the_speaker() -> None:
    candidate = only("“Taxes are far too high in this state.”\n\n- Maria Lopez.")
    assert candidate.speaker.name == "Maria Lopez"
    assert candidate.rule == "dash-credit"


def test_a_news_agency_credit_after_a_quote_names_no_speaker() -> None:
    assert run("“Taxes are far too high.”\n\n- Reuters.") == []


def test_a_gerund_clause_after_said_is_what_was_said() -> None:
    candidate = only("Tester said having Trump at the top of the ticket puts senators at risk.")
    assert candidate.text == "having Trump at the top of the ticket puts senators at risk"
    assert candidate.speaker.name == "Tester"


def test_a_cue_set_off_by_commas_credits_both_sides_of_the_sentence() -> None:
    text = (
        "Rather than seeing the tax burden rise further, said Marcia Smith, a vice president,"
        " Teck wants the gap narrowed."
    )
    candidate = only(text)
    assert candidate.text == text.rstrip(".") + "."
    assert candidate.speaker.name == "Marcia Smith"


def test_an_attribution_between_commas_credits_the_whole_sentence() -> None:
    text = "In contrast, Berkman said, there seem to be more voters “who think he will lose.”"
    candidate = only(text)
    assert candidate.text == text
    assert candidate.rule == "interrupted"
    assert candidate.kind == "partial"


def test_an_attribution_between_commas_followed_by_another_cue_keeps_its_quote() -> None:
    first, second = run("“We will win,” he said, adding that the polls were wrong.")
    assert first.text == "“We will win,”"
    assert second.text == "that the polls were wrong."


def test_a_learned_cue_inside_reported_speech_is_part_of_it() -> None:
    candidate = only("Greene said that the Fed wants to stay out of the way this year.")
    assert candidate.text == "that the Fed wants to stay out of the way this year."


def test_a_cues_object_inside_reported_speech_is_part_of_it() -> None:
    candidate = only("Smith said Trump called the deal a disaster for workers.")
    assert candidate.text == "Trump called the deal a disaster for workers."
    assert candidate.speaker.name == "Smith"


def test_a_quote_as_what_a_verb_names_its_object_is_an_attribution() -> None:
    candidate = only("Reid has gone after Trump as a “spoiled brat.”")
    assert candidate.text == "after Trump as a “spoiled brat.”"
    assert candidate.speaker.name == "Reid"
    assert candidate.rule == "quoted-complement"


def test_accused_of_a_gerund_is_what_was_said() -> None:
    candidate = only("He accused Clinton of being too cozy with Wall Street.")
    assert candidate.text == "Clinton of being too cozy with Wall Street"
    assert candidate.speaker.mention.text == "He"


def test_interview_labels_of_one_letter_credit_the_answer() -> None:
    first, second = run("Q: How did things go for you after that?\n\nA: Nobody called for weeks.")
    assert first.text == "How did things go for you after that?"
    assert first.rule == second.rule == "label"
    assert second.text == "Nobody called for weeks."


def test_a_remark_reported_inside_a_labels_words_keeps_the_label() -> None:
    candidates = run("SMITH: This is a man who said he would never run a negative ad.")
    assert [c.rule for c in candidates] == ["label", "clause"]
    assert candidates[0].speaker.name.lower() == "smith"


def test_a_quoted_paragraph_after_reported_speech_goes_on_with_it() -> None:
    text = "Kerry said that more refugees would be accepted.\n\n“That adds up to many more people.”"
    candidate = only(text)
    assert candidate.text == text[len("Kerry said ") :]
    assert candidate.kind == "partial"


def test_a_passive_cue_with_no_one_named_credits_no_one() -> None:
    candidate = only("On Thursday, the dissolution of the club was announced.")
    assert candidate.text == "the dissolution of the club"
    assert candidate.speaker is None
    assert candidate.rule == "passive"


def test_a_verb_of_naming_takes_its_object_as_what_was_said() -> None:
    candidate = only("Clinton thanked supporters, declaring it “another super Tuesday for us.”")
    assert candidate.text == "it “another super Tuesday for us.”"
    assert candidate.speaker.name == "Clinton"


def test_a_passive_belief_with_no_one_named_is_an_attribution() -> None:
    candidate = only("Most state laws were thought to be safe from challenge.")
    assert candidate.text == "Most state laws were thought to be safe from challenge"
    assert candidate.speaker is None
