"""Article intake and the review queue.

An article comes in by URL (quotes.intake.fetch), uploaded file or pasted text
(quotes.intake.articles turns each into the text offsets refer to, with its metadata);
its outlet is matched (quotes.intake.outlets); the extractor's candidates are kept as
proposals attached to the source (quotes.intake.models.Candidate, built by
quotes.intake.proposals), never public, until a curator accepts, edits, merges or
rejects each. Every write is a function in quotes/services.py ("Article intake").
"""
