"""Atom feeds of searches: /feed/ takes the search page's parameters and lists the
same first page of statements, in the same order."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from . import searching
from .display import Card


class SearchFeed(Feed):
    feed_type = Atom1Feed
    title = "Quote and Attribution Database"
    subtitle = "Statements matching a search, as the search page lists them."

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.results = searching.run(request.GET, request.user)
        if self.results.errors:
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in self.results.errors.items()
            )
            return HttpResponse(
                f"Bad parameters. {problems}\n", status=400, content_type="text/plain"
            )
        self.query = searching.query_string(searching.filter_pairs(request.GET))
        return super().__call__(request, *args, **kwargs)

    def link(self) -> str:
        return reverse("site:search") + self.query

    def feed_url(self) -> str:
        return reverse("site:feed") + self.query

    def items(self) -> list[Card]:
        return self.results.cards

    def item_title(self, item: Card) -> str:
        text = item.statement.text
        return f"{item.who}: “{text if len(text) <= 100 else text[:99] + '…'}”"

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
