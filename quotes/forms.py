"""Form pieces shared by the curators' admin."""

from typing import Any

from django import forms

from .models import Appearance, locate_wording


class NameListField(forms.Field):
    """A list of names edited as one name per line (aliases, authors)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def __init__(self, *, encoder: Any = None, decoder: Any = None, **kwargs: Any) -> None:
        # JSONField.formfield() passes its encoder and decoder; plain names need neither.
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(value)
        return value or ""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        names = (line.strip() for line in (value or "").splitlines())
        # dict.fromkeys drops repeats and keeps the curator's order.
        return list(dict.fromkeys(name for name in names if name))


class AppearanceForm(forms.ModelForm):
    """Finds the offset of the wording in the source when the curator leaves it empty."""

    class Meta:
        model = Appearance
        fields = ["statement", "source", "quoted_text", "attribution", "via", "offset"]
        widgets = {"quoted_text": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offset"].required = False
        self.fields["offset"].help_text = "Leave empty to find the wording in the source's text."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source, wording = data.get("source"), data.get("quoted_text")
        if data.get("offset") is None and source and wording:
            offset = self.free_offset(source, wording, data.get("statement"))
            if offset is None:
                self.add_error("quoted_text", "This wording does not occur in the source's text.")
            else:
                data["offset"] = offset
        return data

    def free_offset(self, source: Any, wording: str, statement: Any) -> int | None:
        """The first place the wording occurs that this statement does not already use
        (an outlet may print the same words twice, e.g. in highlights and body)."""
        statement = statement or getattr(self.instance, "statement", None)
        taken = set()
        if statement is not None and statement.pk:
            others = statement.appearances.filter(source=source).exclude(pk=self.instance.pk)
            taken = set(others.values_list("offset", flat=True))
        offset = locate_wording(source.text, wording)
        while offset is not None and offset in taken:
            offset = locate_wording(source.text, wording, offset + 1)
        return offset
