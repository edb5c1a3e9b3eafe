"""Atom feeds of searches: /feed/ takes the search page's parameters and lists the
same first page of statements, in the same order."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from quotes import reads

from . import searching
from .display import Card

SITE_TITLE = "Quote and Attribution Database"


@dataclass
class FeedSearch:
    """One request's search: the feed instance is shared by every request (and thread)
    of the process, so nothing of a request may be kept on it."""

    results: searching.Results
    query: str
    described: str


class BadParameters(Exception):
    pass


def describe(params: Any, user: reads.User) -> str:
    """The search in words, for the feed's title: its text and what it is narrowed to."""
    q = params.get("q", "").strip()
    # A phrase search already carries its quotation marks.
    parts = [q if q.startswith('"') else f"“{q}”"] if q else []
    if slug := params.get("speaker"):
        speaker = reads.speakers(user).filter(slug=slug).first()
        parts.append(speaker.label if speaker else slug)
    for name in ("organization", "outlet", "via"):
        if slug := params.get(name):
            found = reads.organizations().filter(slug=slug).prefetch_related(None).first()
            parts.append(found.name if found else slug)
    if slug := params.get("topic"):
        topic = reads.topics().filter(slug=slug).first()
        parts.append(topic.name if topic else slug)
    return ", ".join(parts)


class SearchFeed(Feed):
    feed_type = Atom1Feed
    subtitle = "Statements matching a search, as the search page lists them."

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except BadParameters as bad:
            return HttpResponse(f"Bad parameters. {bad}\n", status=400, content_type="text/plain")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSearch:
        if request.GET.get(searching.SPEAKER_NAME):
            # A feed reader follows no redirect to a resolved name: subscribe to ?speaker=.
            raise BadParameters(f"{searching.SPEAKER_NAME}: give the speaker's slug as speaker=.")
        results = searching.run(request.GET, request.user)
        if results.errors:
            raise BadParameters(
                "; ".join(f"{name}: {' '.join(m)}" for name, m in results.errors.items())
            )
        query = searching.query_string(searching.filter_pairs(request.GET))
        return FeedSearch(results, query, describe(request.GET, request.user))

    def title(self, obj: FeedSearch) -> str:
        return f"{obj.described} — {SITE_TITLE}" if obj.described else SITE_TITLE

    def link(self, obj: FeedSearch) -> str:
        return reverse("site:search") + obj.query

    def feed_url(self, obj: FeedSearch) -> str:
        return reverse("site:feed") + obj.query

    def items(self, obj: FeedSearch) -> list[Card]:
        return obj.results.cards

    def item_title(self, item: Card) -> str:
        text = item.statement.text
        # Only curators' feeds carry these: the public's list verified statements only.
        mark = "[Draft] " if item.draft else "[Retracted] " if item.retracted else ""
        return f"{mark}{item.who}: “{text if len(text) <= 100 else text[:99] + '…'}”"

    def item_description(self, item: Card) -> str:
        return f"{item.statement.text} ({item.date})"

    def item_link(self, item: Card) -> str:
        return item.url

    def item_author_name(self, item: Card) -> str:
        return item.who

    def item_pubdate(self, item: Card) -> datetime.datetime | None:
        day = item.statement.first_reported_on or item.statement.said_on
        if day is None:
            return None
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item: Card) -> datetime.datetime:
        return item.statement.updated_at or timezone.now()
