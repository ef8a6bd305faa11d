from typing import cast

from django import forms

from github_sync.client import IssueTemplate


class IssueCreateForm(forms.Form):
    repository = forms.ChoiceField()
    title = forms.CharField(max_length=256)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=60_000,
        help_text="Markdown. A link back to Shiftdesk is added below it.",
    )
    labels = forms.CharField(required=False, max_length=1000, help_text="Comma separated.")
    assignee = forms.CharField(
        required=False, max_length=39, help_text="A GitHub login (default: the owner's)."
    )

    def __init__(self, *args: object, repositories: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ChoiceField, self.fields["repository"])
        field.choices = [(name, name) for name in repositories]

    def clean_labels(self) -> list[str]:
        text: str = self.cleaned_data.get("labels") or ""
        return [label.strip() for label in text.split(",") if label.strip()]


class TemplateChoiceForm(forms.Form):
    """GET form: start the body from one of the repository's issue templates."""

    template = forms.ChoiceField(required=False, label="Start from a template")

    def __init__(self, *args: object, templates: list[IssueTemplate], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ChoiceField, self.fields["template"])
        field.choices = [("", "—")] + [(t.filename, t.name) for t in templates]


class IssueLinkForm(forms.Form):
    reference = forms.CharField(
        label="Issue", max_length=300, help_text="owner/repo#123 or the issue's GitHub URL."
    )
