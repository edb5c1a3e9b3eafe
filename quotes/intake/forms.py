"""The admin's intake forms: importing an article, and correcting a candidate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from quotes.forms import NameListField
from quotes.models import (
    DatePrecision,
    Organization,
    OrganizationKind,
    Source,
    Speaker,
    Statement,
    StatementKind,
)

from . import inputs
from .articles import Article
from .models import Candidate
from .review import KEEP, CandidateEdits, NewSpeaker


def autocomplete(model: type, field: str) -> AutocompleteSelect:
    """The admin's search-as-you-type select, for `model.field`'s related rows."""
    return AutocompleteSelect(model._meta.get_field(field), admin.site)


class ImportForm(forms.Form):
    """One of: a URL, an uploaded .html/.txt file, or pasted text; metadata optional."""

    url = forms.URLField(
        label="URL", required=False, max_length=2000, assume_scheme="https",
        help_text="Fetched now: the page's article text is kept.",
    )  # fmt: skip
    file = forms.FileField(
        required=False, help_text=".html or .txt (the seed format with <TITLE>… too)."
    )
    text = forms.CharField(
        label="Pasted text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="The article's text; its first line is the title.",
    )
    title = forms.CharField(required=False, max_length=500, help_text="Instead of the article's.")
    published_on = forms.DateField(required=False, help_text="YYYY-MM-DD.")
    authors = NameListField(required=False, help_text="One per line.")
    language = forms.CharField(required=False, max_length=20, help_text="BCP 47, e.g. en.")
    outlet = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind=OrganizationKind.NEWS_OUTLET),
        required=False,
        widget=autocomplete(Source, "outlet"),
        help_text="Leave empty to match it by domain, site name or copyright line.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [name for name in ("url", "file", "text") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError("Give one of: a URL, a file, or pasted text.")
        return data

    def article(self) -> Article:
        """The article the form names (fetched or read). Raises ArticleError."""
        data = self.cleaned_data
        if data.get("url"):
            article = inputs.from_url(data["url"])
        elif data.get("file"):
            article = inputs.from_file(data["file"].name, data["file"])
        else:
            article = inputs.from_pasted(data["text"])
        return inputs.given(
            article,
            title=data.get("title") or "",
            published_on=data.get("published_on"),
            authors=data.get("authors") or None,
            language=data.get("language") or "",
        )


class CandidateEditForm(forms.Form):
    """Corrections before accepting: each field starts as proposed."""

    speaker = forms.ModelChoiceField(
        queryset=Speaker.objects.all(), required=False, widget=autocomplete(Candidate, "speaker"),
        help_text="A known speaker; or name a new one below.",
    )  # fmt: skip
    new_speaker = forms.CharField(label="New speaker", required=False, max_length=200)
    new_speaker_anonymous = forms.BooleanField(label="An unnamed source", required=False)
    new_speaker_description = forms.CharField(
        label="Described as", required=False, max_length=300,
        help_text='For an unnamed source, as the outlet described them ("a U.S. official").',
    )  # fmt: skip
    kind = forms.ChoiceField(choices=StatementKind.choices)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    said_on = forms.DateField(required=False)
    said_on_precision = forms.ChoiceField(choices=DatePrecision.choices)
    via = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind=OrganizationKind.NEWS_OUTLET),
        required=False,
        widget=autocomplete(Candidate, "via"),
        label="Relayed via",
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        required=False,
        widget=autocomplete(Candidate, "organization"),
        help_text="The organization spoken for (or speaking).",
    )
    reason = forms.CharField(
        required=False, max_length=500, help_text="Optional; kept in the history."
    )

    @classmethod
    def proposed(cls, candidate: Candidate) -> dict[str, Any]:
        return {
            "speaker": candidate.speaker_id,
            "new_speaker": "" if candidate.speaker_id else candidate.speaker_name,
            "new_speaker_anonymous": candidate.speaker_anonymous,
            "new_speaker_description": candidate.speaker_description,
            "kind": candidate.kind,
            "start": candidate.start,
            "end": candidate.end,
            "said_on": candidate.said_on,
            "said_on_precision": candidate.said_on_precision,
            "via": candidate.via_id,
            "organization": candidate.organization_id,
        }

    def edits(self, candidate: Candidate) -> CandidateEdits:
        """What differs from the proposal, as corrections; the rest is KEEP."""
        data, proposed = self.cleaned_data, self.proposed(candidate)
        return CandidateEdits(
            speaker=self._speaker(data, proposed),
            kind=data["kind"] if data["kind"] != proposed["kind"] else KEEP,
            span=(data["start"], data["end"])
            if (data["start"], data["end"]) != (proposed["start"], proposed["end"])
            else KEEP,
            said_on=(data["said_on"], data["said_on_precision"])
            if (data["said_on"], data["said_on_precision"])
            != (proposed["said_on"], proposed["said_on_precision"])
            else KEEP,
            via=data["via"] if _pk(data["via"]) != proposed["via"] else KEEP,
            organization=data["organization"]
            if _pk(data["organization"]) != proposed["organization"]
            else KEEP,
        )

    def _speaker(self, data: dict[str, Any], proposed: dict[str, Any]) -> Any:
        if data["speaker"] is not None:
            return data["speaker"] if data["speaker"].pk != proposed["speaker"] else KEEP
        name = data["new_speaker"].strip()
        unchanged = (name, data["new_speaker_anonymous"], data["new_speaker_description"]) == (
            proposed["new_speaker"],
            proposed["new_speaker_anonymous"],
            proposed["new_speaker_description"],
        )
        if unchanged and not proposed["speaker"]:
            return KEEP
        if not name:
            return None  # credited to the organization alone
        return NewSpeaker(
            name=name,
            is_anonymous=data["new_speaker_anonymous"],
            description=data["new_speaker_description"],
        )


def _pk(row: Any) -> int | None:
    return row.pk if row is not None else None


class MergeForm(forms.Form):
    statement = forms.ModelChoiceField(
        queryset=Statement.objects.all(), widget=autocomplete(Candidate, "statement"),
        help_text="The statement this wording is another printing of.",
    )  # fmt: skip
    reason = forms.CharField(required=False, max_length=500)
