import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from shifts.models import Rotation, Shift, Unavailability
from shifts.services.rotations import ROTATION_FIELDS
from teams.bounds import SaneDateFormField, SaneDateTimeFormField
from teams.models import Team
from teams.selectors import person_name, team_members


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return person_name(obj)


class RotationForm(forms.ModelForm[Rotation]):
    class Meta:
        model = Rotation
        fields = ROTATION_FIELDS
        field_classes = {"start_on": SaneDateFormField}
        widgets = {
            "handover_time": forms.TimeInput(attrs={"type": "time"}),
            "start_on": forms.DateInput(attrs={"type": "date"}),
        }

    def validate_unique(self) -> None:
        """The service checks the (team, name) rule; the team is not a form field."""


class RotationCreateForm(RotationForm):
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="In the order shown; reorder them on the rotation's settings page.",
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = team_members(team=team)  # type: ignore[attr-defined]


class ParticipantAddForm(forms.Form):
    user = PersonChoiceField(queryset=User.objects.none(), label="Add a participant")

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_members(team=team)  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    user = PersonChoiceField(queryset=User.objects.none(), label="Who covers")
    start_at = SaneDateTimeFormField(
        label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end_at = SaneDateTimeFormField(
        label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_members(team=team)  # type: ignore[attr-defined]


class ShiftChoiceField(forms.ModelChoiceField[Shift]):
    def label_from_instance(self, obj: Shift) -> str:
        start = timezone.localtime(obj.start_at)
        who = obj.assignee.get_username() if obj.assignee else "nobody"
        return f"{start:%a %d %b %Y %H:%M} ({who})"


class SwapRequestForm(forms.Form):
    recipient = PersonChoiceField(queryset=User.objects.none(), label="Ask")
    counter_shift = ShiftChoiceField(
        queryset=Shift.objects.none(),
        required=False,
        label="In exchange for",
        empty_label="nothing (give my shift away)",
    )
    message = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, shift: Shift, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = team_members(team=shift.team).exclude(  # type: ignore[attr-defined]
            shifts=shift
        )
        self.fields["counter_shift"].queryset = (  # type: ignore[attr-defined]
            Shift.objects.filter(
                rotation_id=shift.rotation_id,
                start_at__gt=now,
                start_at__lt=now + dt.timedelta(weeks=26),
            )
            .exclude(assignee_id=shift.assignee_id)
            .select_related("assignee")
            .order_by("start_at")
        )


class UnavailabilityForm(forms.Form):
    user = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who",
        help_text="Empty for a public holiday.",
    )
    kind = forms.ChoiceField(choices=Unavailability.Kind.choices)
    starts_on = SaneDateFormField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = SaneDateFormField(
        label="Until (inclusive)", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, team: Team, user: User, is_lead: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_lead:
            self.fields["user"].queryset = team_members(team=team)  # type: ignore[attr-defined]
            return
        # Members enter their own leave; public holidays are for leads.
        self.fields["user"].queryset = team_members(team=team).filter(pk=user.pk)  # type: ignore[attr-defined]
        self.fields["user"].required = True
        self.fields["user"].help_text = ""
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            choice
            for choice in Unavailability.Kind.choices
            if choice[0] != Unavailability.Kind.PUBLIC_HOLIDAY
        ]


class UnavailabilityImportForm(UnavailabilityForm):
    """Upload an .ics file (public holidays, a vacation export) for one person or, for
    leads, as team-wide public holidays. Shares its page with the leave form: use
    `prefix="import"`."""

    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="At most 1 MiB. You will see what it contains before anything is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on", "note"):
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        holiday = data.get("kind") == Unavailability.Kind.PUBLIC_HOLIDAY
        if holiday and data.get("user") is not None:
            self.add_error("user", "A public holiday applies to the whole team; leave it empty.")
        if not holiday and "kind" in data and data.get("user") is None:
            self.add_error("user", "Say who is unavailable.")
        return data
