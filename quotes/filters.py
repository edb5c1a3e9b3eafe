"""Query-string filters, one FilterSet per resource, shared by the API and the site.

Malformed values (dates, enums, numbers, booleans, ordering) are form errors naming the
parameter (a 400 from the API, the form re-rendered with the message on the site);
unknown slugs simply match nothing.
"""

import copy
import datetime
from typing import Any

from django import forms
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override

from quotes import correction, search
from quotes.models import Appearance, Organization, Source, Speaker, Statement, Topic


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not silently ignored."""

    widget = forms.TextInput
    values = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        try:
            return self.values[str(value).strip().lower()]
        except KeyError:
            # A parameter, not an f-string: forms %-format messages, and values may hold "%".
            raise forms.ValidationError(
                "Enter true or false; got %(value)r.", params={"value": value}
            ) from None


class StrictBooleanFilter(filters.Filter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Documented as the values it takes, with this filter's own help text.
        schema = {"type": "string", "enum": list(StrictBooleanField.values)}
        set_override(self, "field", {**schema, "description": self.extra.get("help_text", "")})


class IdFilter(filters.NumberFilter):
    """A row id: a whole number in the database's range, not 1.9 or 1e0."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)
        schema = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        set_override(self, "field", {**schema, "description": self.extra.get("help_text", "")})


class SlugsField(forms.MultipleChoiceField):
    """Repeatable slugs (``?topic=a&topic=b``) accepted without a lookup: unknown ones
    match nothing instead of being an error."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        # `?speaker=` (an empty value) means no speaker filter, as for every parameter.
        return [slug for slug in super().to_python(value) if slug]

    def valid_value(self, value: str) -> bool:
        return True


class SlugsFilter(filters.MultipleChoiceFilter):
    field_class = SlugsField


ORDERINGS = {
    "said_on": ["said_on", "id"],
    "-said_on": ["-said_on", "-id"],
    "reported_on": ["first_reported_on", "id"],
    "-reported_on": ["-first_reported_on", "-id"],
    "relevance": ["-search_rank", "-id"],
}


class ShallowCopied(dict):
    """Filters or form fields that a FilterSet or form copies for each request with
    copy.deepcopy (django-filter's and Django's habit; the statement filters alone took
    0.26 ms, 0.03 copied so): copied one level deep instead. Nothing here changes a
    filter or a field once built; each copy still carries its own per-request state (the
    filter's model and parent, the bound field's form, a method filter's binding)."""

    def __deepcopy__(self, memo: dict) -> dict:
        copies = {}
        for name, item in self.items():
            twin = copy.copy(item)
            if isinstance(item, filters.Filter):
                # Its own options: a model choice filter writes its queryset into them.
                twin.extra = item.extra.copy()
                if item.method is not None:
                    twin.method = item.method  # its FilterMethod bound to the copy
            copies[name] = twin
        return copies


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, building its form class once per FilterSet class.

    The stock one builds a new form class (and a form field per filter) on every request;
    the filters' fields never change, and each form instance copies its fields anyway.
    A filter whose field depended on the request (a ModelChoiceFilter with a callable
    queryset) would be frozen at its first request's: give such a FilterSet the stock
    get_form_class back.
    """

    @classmethod
    def get_filters(cls) -> dict[str, filters.Filter]:
        # What the metaclass sets as base_filters, after the class is made (a wrapper set
        # in __init_subclass__ was overwritten by it: each request deep-copied them all).
        return ShallowCopied(super().get_filters())

    def get_form_class(self) -> type[forms.Form]:
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = ShallowCopied(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class


class StatementFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("ordering") == "relevance" and not data.get("q"):
            self.add_error("ordering", "relevance ordering needs a `q` search.")
        return data


class StatementFilter(FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        help_text='Full-text search, web-search syntax: words (all must match), "exact '
        'phrase", `or`, -excluded. Finds a statement by its own words first, then every '
        "outlet's wording, then who said it (name, aliases, description, title then, the "
        "organization with its parents) and the context (setting, location, anonymity "
        "reason, topics). Compounds match their other spellings (landmines = land mines = "
        "land-mines; mines also finds landmines). A misspelled name is corrected "
        "(`corrected_query` in the response) unless `exact=true`.",
    )
    exact = StrictBooleanFilter(
        method="filter_nothing",
        help_text="With `q`: true searches the words exactly as typed, without correcting "
        "misspelled names.",
    )
    speaker = SlugsFilter(
        method="filter_speaker", help_text="Speaker slug; repeat for any of several."
    )
    organization = filters.CharFilter(
        method="filter_organization",
        help_text="Slug of the organization the speaker spoke for (or that spoke).",
    )
    include_children = StrictBooleanFilter(
        method="filter_nothing",
        help_text="With `organization`: include its child organizations, at any depth.",
    )
    outlet = filters.CharFilter(
        method="filter_outlet", help_text="Slug of an outlet that printed the statement."
    )
    source = IdFilter(
        method="filter_source", help_text="Id of a source that printed the statement."
    )
    kind = filters.ChoiceFilter(choices=Statement.Kind.choices, help_text="Kind of statement.")
    anonymous = StrictBooleanFilter(
        method="filter_anonymous",
        help_text="true: anonymous sources only; false: named speakers and organizations.",
    )
    topic = SlugsFilter(method="filter_topic", help_text="Topic slug; repeat for any of several.")
    said_after = filters.DateFilter(
        method="filter_said_after",
        help_text="ISO date, inclusive. A statement dated to a month or year matches when "
        "that period reaches this date. Statements whose date is unknown are left out: "
        "`reported_after` filters by the date outlets reported them.",
    )
    said_before = filters.DateFilter(
        method="filter_said_before",
        help_text="ISO date, inclusive. A statement dated to a month or year matches when "
        "that period starts by this date. Statements whose date is unknown are left out: "
        "see `reported_before`.",
    )
    reported_after = filters.DateFilter(
        field_name="first_reported_on",
        lookup_expr="gte",
        help_text="ISO date, inclusive: first reported (the earliest publication date of "
        "its sources) on or after it. Statements no dated source printed are left out.",
    )
    reported_before = filters.DateFilter(
        field_name="first_reported_on",
        lookup_expr="lte",
        help_text="ISO date, inclusive: first reported on or before it.",
    )
    status = filters.ChoiceFilter(
        choices=Statement.Status.choices,
        help_text="Review status. Only curators see drafts and retracted statements.",
    )
    via = filters.CharFilter(
        method="filter_via",
        help_text="Slug of the outlet a second-hand report relayed the statement from.",
    )
    ordering = filters.ChoiceFilter(
        method="filter_nothing",
        choices=[(key, key) for key in ORDERINGS],
        empty_label=None,
        help_text="said_on, -said_on (newest first; the default without `q`), "
        "reported_on, -reported_on (by first report date), or relevance (the default with "
        "`q`; needs `q`). Undated statements come last either way.",
    )

    class Meta:
        model = Statement
        fields: list[str] = []
        form = StatementFilterForm

    def filter_queryset(self, queryset: QuerySet[Statement]) -> QuerySet[Statement]:
        data = self.form.cleaned_data
        ordering = data.get("ordering") or ("relevance" if data.get("q") else "-said_on")
        return super().filter_queryset(queryset).order_by(*ORDERINGS[ordering])

    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # read by another filter or by filter_queryset

    # (the original, the corrected) when `q` named someone misspelled.
    correction: tuple[str, str] | None = None

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        exact = self.form.cleaned_data.get("exact")
        if not exact and (fixed := correction.corrected(value, queryset)):
            self.correction = (value, fixed)
            value = fixed
        return search.search_statements(queryset, value)

    def filter_speaker(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # The speakers' ids as constants, not a join on slugs: one speaker's statements
        # then come off the (speaker, said_on) index in page order, and the planner
        # knows from its statistics how many statements the speaker has.
        return queryset.by_speakers(ids_of(Speaker, value))

    def filter_organization(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if self.form.cleaned_data.get("include_children"):
            # The subtree's ids as constants: the planner then walks the newest-first
            # index and stops after a page, instead of joining and sorting the subtree.
            subtree = Organization.objects.filter(
                pk__in=Organization.objects.subtree_ids(value)
            ).values_list("pk", flat=True)
            return queryset.filter(organization_id__in=list(subtree))
        organization = Organization.objects.filter(slug=value).order_by().values("pk")[:1]
        return queryset.filter(organization_id=Subquery(organization))

    def filter_outlet(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Ids as constants again: a large outlet prints a quarter of the archive, and
        # only knowing which one lets the planner walk the newest statements and stop.
        outlet = organization_id(value)
        return queryset.filter(printed(source__outlet_id=outlet)) if outlet else queryset.none()

    def filter_source(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(printed(source_id=value))

    def filter_via(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        outlet = organization_id(value)
        return queryset.filter(printed(via_id=outlet)) if outlet else queryset.none()

    def filter_anonymous(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # The statement's own copy of its speaker's flag (quotes/anonymity.py): one index
        # range with the kind, where a semi-join probed every anonymous speaker.
        # `IN (true)`, not `anonymous = true`, which Django writes as the bare column:
        # SQLite then cannot use the column of the index.
        return queryset.filter(anonymous__in=[value])

    def filter_topic(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # Ids as constants, as for speakers: a topic may tag a seventh of the archive.
        tagged = Statement.topics.through.objects.filter(
            statement=OuterRef("pk"), topic_id__in=ids_of(Topic, value)
        )
        return queryset.filter(Exists(tagged))

    def filter_said_after(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        # A period overlaps [value, …) when it starts on or after the start of the
        # period (month or year) that contains `value`.
        # Any period starting on or after `value` overlaps, whatever its precision (an
        # undated statement has no said_on), so a month or year needs its own condition
        # only when its start falls before `value`. For the first of a year (as the year
        # facets' links ask) that leaves said_on alone: the newest-first index answers,
        # counting included, without reading the table.
        P = Statement.Precision
        overlaps = Q(said_on__gte=value)
        for precision, start in (
            (P.MONTH, value.replace(day=1)),
            (P.YEAR, value.replace(month=1, day=1)),
        ):
            if start < value:
                overlaps |= Q(said_on_precision=precision, said_on__gte=start)
        return queryset.filter(overlaps)

    def filter_said_before(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        # Every period starts at said_on, so it overlaps (…, value] when it starts by then.
        return queryset.filter(said_on__lte=value)


def ids_of(model: type[Model], slugs: list[str]) -> list[int]:
    """The ids of the rows with these slugs, to filter on as constants (see filter_speaker)."""
    return list(model.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def organization_id(slug: str) -> int | None:
    return next(iter(ids_of(Organization, [slug])), None)


def printed(**lookups: Any) -> Exists:
    """Statements with an appearance matching `lookups`; EXISTS so none is listed twice."""
    return Exists(Appearance.objects.filter(statement=OuterRef("pk"), **lookups))


class SpeakerFilter(FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        help_text="Name or alias, tolerant of misspellings (“Perskov”, “Lloyd Austen”).",
    )
    anonymous = StrictBooleanFilter(field_name="is_anonymous", help_text="Anonymous sources.")
    organization = filters.CharFilter(
        field_name="organization__slug", help_text="For anonymous sources: organization slug."
    )

    class Meta:
        model = Speaker
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.search_speakers(queryset, value).order_by("-similarity", "-id")


class OrganizationFilter(FilterSet):
    kind = filters.ChoiceFilter(choices=Organization.Kind.choices, help_text="Kind.")
    parent = filters.CharFilter(field_name="parent__slug", help_text="Slug of the parent.")
    q = filters.CharFilter(
        method="filter_q", max_length=200, help_text="Part of the name or an alias."
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Aliases are searched in their JSON text: a query of punctuation alone would
        # match the brackets and quotes of every list.
        if not any(character.isalnum() for character in value):
            return queryset.none()
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value))


class SourceFilter(FilterSet):
    outlet = filters.CharFilter(method="filter_outlet", help_text="Outlet slug.")
    published_after = filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="ISO date, inclusive."
    )
    published_before = filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="ISO date, inclusive."
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_outlet(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The outlet's id as a constant, not a join on its slug: the planner then knows
        # how many sources the outlet has and pages a large one off its newest-first index.
        outlet = organization_id(value)
        return queryset.filter(outlet_id=outlet) if outlet else queryset.none()
