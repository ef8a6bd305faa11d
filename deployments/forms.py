from typing import Any

from django import forms
from django.db.models import QuerySet

from deployments.models import Campaign, CampaignHost, Change, Host, HostChange
from teams.models import Team

DEFAULT_HOST_STEPS = (
    "Stop pulling new work (drain the agent)\n"
    "Wait until no job is running\n"
    "Back up the configuration\n"
    "Redeploy on the target release\n"
    "Check the components are up and jobs run"
)


class _TeamHostsMixin:
    def _team_hosts(self, team: Team) -> QuerySet[Host]:
        return Host.objects.filter(team=team).active().order_by("site", "name")


class HostForm(forms.ModelForm[Host]):
    class Meta:
        model = Host
        fields = ["name", "site", "role", "release", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        """Uniqueness is the service's to check (any letter case, worded per team)."""


class HostStateForm(forms.Form):
    state = forms.ChoiceField(choices=Host.State.choices)
    release = forms.CharField(
        max_length=50, required=False, help_text="When redeployed: the release it now runs."
    )
    note = forms.CharField(max_length=500, required=False)


class ChangeForm(_TeamHostsMixin, forms.ModelForm[Change]):
    link = forms.URLField(
        required=False, assume_scheme="https", help_text="The pull request or the release notes."
    )
    hosts = forms.ModelMultipleChoiceField(
        queryset=Host.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty: every active host on the target release (else every host).",
    )

    class Meta:
        model = Change
        fields = ["kind", "title", "link", "target_release", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = self._team_hosts(team)  # type: ignore[attr-defined]


class CellForm(forms.Form):
    state = forms.ChoiceField(choices=HostChange.State.choices)
    note = forms.CharField(max_length=500, required=False)


class MatrixFilterForm(forms.Form):
    site = forms.ChoiceField(required=False)
    release = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, sites: list[str], releases: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All sites"), *((s, s) for s in sites)]  # type: ignore[attr-defined]
        self.fields["release"].choices = [("", "All releases"), *((r, r) for r in releases)]  # type: ignore[attr-defined]


class CampaignForm(_TeamHostsMixin, forms.ModelForm[Campaign]):
    hosts = forms.ModelMultipleChoiceField(
        queryset=Host.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    host_steps = forms.CharField(
        label="Checklist per host",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        initial=DEFAULT_HOST_STEPS,
        help_text="One step a line; ticked for each host.",
    )
    campaign_steps = forms.CharField(
        label="Checklist for the campaign",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One step a line; ticked once (e.g. announce the downtime).",
    )

    class Meta:
        model = Campaign
        fields = ["title", "kind", "reason", "target_release", "starts_on", "ends_on"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 2}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = self._team_hosts(team)  # type: ignore[attr-defined]

    def checklist(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [(line, True) for line in data.get("host_steps", "").splitlines()] + [
            (line, False) for line in data.get("campaign_steps", "").splitlines()
        ]


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=CampaignHost.Stage.choices)
    note = forms.CharField(max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Patch-status table (.csv)",
        help_text="Columns host, change (id or exact title), state, and optionally note.",
    )
