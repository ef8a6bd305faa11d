from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseForm

from teams.models import Membership, Profile, Team
from teams.timezones import time_zone_choices


class TeamForm(forms.ModelForm[Team]):
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    support_target_hours = forms.IntegerField(
        label="Support response target (working hours)",
        min_value=1,
        max_value=200,
        required=False,
        help_text="How soon a support request should get a first answer: working hours are"
        " Monday to Friday, 09:00 to 17:00 in the team's zone. Empty: keep it as it is"
        " (4 for a new team).",
    )

    class Meta:
        model = Team
        fields = [
            "name",
            "slug",
            "time_zone",
            "mailing_list",
            "github_repo",
            "visibility",
            "support_target_hours",
        ]

    def clean_support_target_hours(self) -> int:
        value: int | None = self.cleaned_data.get("support_target_hours")
        if value is None:
            return self.instance.support_target_hours
        return value


class MembershipAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MembershipEditForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
    is_active = forms.BooleanField(required=False, label="Active")


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Display time zone",
        choices=lambda: [("", "My first team's zone"), *time_zone_choices()],
        required=False,
    )
    github_login = forms.CharField(label="GitHub login", max_length=39, required=False)
    feed_meetings = forms.ChoiceField(
        label="Meetings in my personal calendar feed", choices=Profile.FeedMeetings.choices
    )
    notify_shift_tomorrow = forms.BooleanField(
        label="Email me the day before my shift starts", required=False
    )
    notify_assigned = forms.BooleanField(
        label="Email me when someone hands me an incident or an action item", required=False
    )
    notify_shift_moved = forms.BooleanField(
        label="Email me when a re-plan moves my shifts", required=False
    )
    notify_support_overdue = forms.BooleanField(
        label="Email me, while on shift, when a support request passes the team's target",
        required=False,
    )


def add_service_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form field it names (else above the form).

    Views validate with the form, then call a service; what only the service can check
    (rules across rows, permissions of the people named) comes back this way."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
