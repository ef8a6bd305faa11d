"""Forms for the incident pages; choices are scoped to the team in the URL.

Every picker (people, components, knowledge entries) lists only the URL's team's rows,
so another team's id is "not one of the available choices" like any unknown one.
"""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from incidents import selectors
from incidents.models import ActionItem, Component, Incident, KnowledgeEntry, SupportRequest
from teams.bounds import SaneDateFormField, SaneDateTimeFormField
from teams.models import Team
from teams.selectors import team_members


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


class LinksField(forms.CharField):
    """One http(s) URL per line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 2, "placeholder": "https://…"})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        url = forms.URLField(assume_scheme="https")
        for link in value:
            try:
                url.clean(link)
            except ValidationError as error:
                raise ValidationError(f"{link} is not a valid URL.") from error


class TeamForm(forms.Form):
    """A form whose people and component pickers come from one team."""

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        people = team_members(team=team)
        for name in ("owner", "reporter", "handled_by"):
            if name in self.fields:
                self.fields[name].queryset = people  # type: ignore[attr-defined]
        if "components" in self.fields:
            self.fields["components"].queryset = selectors.components_for_team(team=team)  # type: ignore[attr-defined]


def _person_field(label: str, *, required: bool = False) -> forms.ModelChoiceField[User]:
    return forms.ModelChoiceField(
        queryset=User.objects.none(), required=required, label=label, to_field_name="username"
    )


class IncidentForm(TeamForm):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Incident.Kind.choices)
    severity = forms.ChoiceField(
        choices=Incident.Severity.choices, initial=Incident.Severity.MEDIUM
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="Markdown."
    )
    reporter = _person_field("Reported by (person)")
    reporter_team = forms.CharField(
        max_length=100,
        required=False,
        label="Reported by (team)",
        help_text='An external team, e.g. "P&R".',
    )
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    started_at = SaneDateTimeFormField(required=False, widget=DateTimeInput(), label="Started")
    detected_at = SaneDateTimeFormField(
        required=False, widget=DateTimeInput(), label="Detected", help_text="Empty: now."
    )
    links = LinksField(
        required=False, help_text="Logs, dashboards, error tracker: one URL per line."
    )


class IncidentCreateForm(IncidentForm):
    owner = _person_field("Owner", required=False)
    field_order = ["title", "kind", "severity", "owner"]


class IncidentQuickForm(TeamForm):
    title = forms.CharField(
        max_length=300, widget=forms.TextInput(attrs={"placeholder": "What is going on?"})
    )
    kind = forms.ChoiceField(choices=Incident.Kind.choices)
    severity = forms.ChoiceField(
        choices=Incident.Severity.choices, initial=Incident.Severity.MEDIUM
    )
    reporter_team = forms.CharField(max_length=100, required=False, label="Reported by (team)")


class IncidentFilterForm(TeamForm):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Incident.Kind.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("active", "Not resolved"), *Incident.Status.choices],
        required=False,
    )
    severity = forms.ChoiceField(
        choices=[("", "Any severity"), *Incident.Severity.choices], required=False
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    component = forms.ModelChoiceField(
        queryset=Component.objects.none(), required=False, empty_label="Any component"
    )
    since = SaneDateFormField(required=False, widget=DateInput(), label="Detected from")
    until = SaneDateFormField(required=False, widget=DateInput(), label="until (before)")

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, team=team, **kwargs)
        self.fields["component"].queryset = selectors.components_for_team(team=team)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The end is before the start.")
        return data

    def selector_filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data.get("kind"),
            "status": data.get("status"),
            "severity": data.get("severity"),
            "owner": data["owner"].pk if data.get("owner") else None,
            "component": data["component"].pk if data.get("component") else None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


class IncidentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Incident.Status.choices)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Resolving: the resolution. Reopening: the reason.",
    )


class IncidentTransferForm(TeamForm):
    owner = _person_field("New owner", required=True)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Handover note"
    )


class TimelineEntryForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What did you see or do? (Markdown)"}
        ),
        label="Entry",
    )
    occurred_at = SaneDateTimeFormField(
        required=False, widget=DateTimeInput(), label="At", help_text="Empty: now."
    )


class TimelineEntryEditForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Entry")


class ComponentForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False)


class SupportRequestForm(TeamForm):
    asked_by = forms.CharField(max_length=150, label="Who asked")
    asking_team = forms.CharField(max_length=100, required=False, label="Their team")
    channel = forms.ChoiceField(choices=SupportRequest.Channel.choices)
    link = forms.URLField(required=False, max_length=500, assume_scheme="https")
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    asked_at = SaneDateTimeFormField(
        required=False, widget=DateTimeInput(), label="Asked", help_text="Empty: now."
    )
    first_response_at = SaneDateTimeFormField(
        required=False,
        widget=DateTimeInput(),
        label="First response",
        help_text="Empty with an answer: now.",
    )
    resolved_at = SaneDateTimeFormField(required=False, widget=DateTimeInput(), label="Resolved")
    handled_by = _person_field("Handled by")


class ActionItemForm(TeamForm):
    title = forms.CharField(max_length=300)
    owner = _person_field("Owner")
    due_on = SaneDateFormField(required=False, widget=DateInput(), label="Due")
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Markdown."
    )
    status = forms.ChoiceField(choices=ActionItem.Status.choices, initial=ActionItem.Status.OPEN)
    source_label = forms.CharField(max_length=300, required=False, label="Source")
    source_url = forms.CharField(max_length=500, required=False, label="Source link")
    needs_github_issue = forms.BooleanField(required=False, label="Needs a GitHub issue")


class ActionItemQuickForm(TeamForm):
    title = forms.CharField(
        max_length=300, widget=forms.TextInput(attrs={"placeholder": "What needs doing?"})
    )
    owner = _person_field("Owner")
    due_on = SaneDateFormField(required=False, widget=DateInput(), label="Due")
    needs_github_issue = forms.BooleanField(required=False, label="Needs a GitHub issue")


class ActionItemFilterForm(TeamForm):
    mine = forms.BooleanField(required=False, label="Mine")
    overdue = forms.BooleanField(required=False, label="Overdue")
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    source = forms.ChoiceField(
        choices=[("", "Any source"), *ActionItem.Source.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ActionItem.Status.choices], required=False
    )

    def selector_filters(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["owner"] = data["owner"].pk if data.get("owner") else None
        return data


class KnowledgeEntryForm(TeamForm):
    title = forms.CharField(max_length=300)
    symptom = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Markdown: what you see."
    )
    diagnosis = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Markdown: why it happens.",
    )
    mitigation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="Markdown: what to do."
    )
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    links = LinksField(required=False, help_text="One URL per line.")
    expert_only = forms.BooleanField(
        required=False,
        label="Expert-only procedure",
        help_text="Only experts and leads may mark or edit it.",
    )

    def __init__(self, *args: Any, team: Team, is_expert: bool, **kwargs: Any) -> None:
        super().__init__(*args, team=team, **kwargs)
        # A member cannot tick the box (so is never refused after typing the entry).
        self.fields["expert_only"].disabled = not is_expert


class KnowledgeLinkForm(TeamForm):
    entry = forms.ModelChoiceField(
        queryset=KnowledgeEntry.objects.none(), label="Knowledge-base entry"
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, team=team, **kwargs)
        self.fields["entry"].queryset = KnowledgeEntry.objects.filter(team=team).order_by("title")  # type: ignore[attr-defined]
