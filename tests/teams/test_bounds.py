"""Sane bounds for dates and times: validators, DRF fields, form fields, filters."""

import datetime as dt
import zoneinfo

import django_filters
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from teams.bounds import (
    EARLIEST_AT,
    LATEST_AT,
    SaneDateField,
    SaneDateFilter,
    SaneDateFormField,
    SaneDateTimeField,
    SaneDateTimeFormField,
    SaneIsoDateTimeFilter,
    local_time_problem,
    validate_sane_date,
    validate_sane_datetime,
)
from teams.models import Team

UTC = dt.UTC
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    "value", [dt.date(1, 1, 1), dt.date(1969, 12, 31), dt.date(2201, 1, 1), dt.date(9999, 12, 31)]
)
def test_dates_outside_the_range_are_refused_with_the_range_named(value):
    with pytest.raises(ValidationError, match="between 1970-01-01 and 2200-12-31") as caught:
        validate_sane_date(value)
    assert caught.value.code == "date_out_of_range"


@pytest.mark.parametrize(
    "value", [dt.date(1970, 1, 1), dt.date(2026, 12, 14), dt.date(2200, 12, 31)]
)
def test_dates_inside_the_range_pass(value):
    validate_sane_date(value)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
        dt.datetime(1, 1, 1),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_datetimes_at_the_ends_of_time_are_refused_without_overflowing(value):
    with pytest.raises(ValidationError, match="between 1970-01-01 and 2200-12-31"):
        validate_sane_datetime(value)


def test_the_range_as_instants():
    validate_sane_datetime(EARLIEST_AT)
    validate_sane_datetime(LATEST_AT - dt.timedelta(microseconds=1))
    with pytest.raises(ValidationError):
        validate_sane_datetime(LATEST_AT)


# --- DRF fields --------------------------------------------------------------------------


class MoveSerializer(serializers.Serializer):
    start_at = SaneDateTimeField()
    on = SaneDateField(required=False)


def _validate(data, zone_name="Europe/Zurich", active="UTC"):
    context = {"team": Team(name="Ops", slug="ops", time_zone=zone_name)}
    with timezone.override(zoneinfo.ZoneInfo(active)):
        serializer = MoveSerializer(data=data, context=context)
        valid = serializer.is_valid()
    return serializer, valid


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
)
def test_api_datetime_at_the_ends_of_time_is_a_400_naming_the_range(value):
    serializer, valid = _validate({"start_at": value})
    assert not valid
    assert "between 1970-01-01 and 2200-12-31" in str(serializer.errors["start_at"][0])


def test_api_date_out_of_range_is_a_400():
    serializer, valid = _validate({"start_at": "2027-01-04T16:00", "on": "0001-01-01"})
    assert not valid
    assert "between 1970-01-01 and 2200-12-31" in str(serializer.errors["on"][0])


@pytest.mark.parametrize("active", ["UTC", "America/Chicago", "Asia/Tokyo"])
def test_api_datetime_without_offset_means_the_team_zone_whatever_the_client(active):
    """Token clients ran in UTC, session clients in the viewer's zone: now one meaning."""
    serializer, valid = _validate({"start_at": "2027-03-29T16:00"}, active=active)
    assert valid, serializer.errors
    start = serializer.validated_data["start_at"]
    assert start == dt.datetime(2027, 3, 29, 14, 0, tzinfo=UTC)
    assert serializer.data["start_at"] == "2027-03-29T14:00:00Z"  # output: always UTC


def test_api_datetime_with_offset_is_that_instant():
    serializer, valid = _validate({"start_at": "2027-03-29T16:00:00Z"})
    assert valid
    assert serializer.validated_data["start_at"] == dt.datetime(2027, 3, 29, 16, tzinfo=UTC)


def test_api_datetime_without_a_team_uses_the_active_zone():
    with timezone.override(CHICAGO):
        serializer = MoveSerializer(data={"start_at": "2027-01-04T09:00"})
        assert serializer.is_valid()
    assert serializer.validated_data["start_at"] == dt.datetime(2027, 1, 4, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone_name", "value", "message"),
    [
        ("Europe/Zurich", "2027-03-28T02:30", "does not exist in Europe/Zurich"),
        ("Europe/Zurich", "2027-10-31T02:30", "happens twice in Europe/Zurich"),
        ("America/Chicago", "2027-03-14T02:30", "does not exist in America/Chicago"),
        ("America/Chicago", "2027-11-07T01:30", "happens twice in America/Chicago"),
    ],
)
def test_api_gap_and_fold_times_are_a_400_that_says_so(zone_name, value, message):
    serializer, valid = _validate({"start_at": value}, zone_name=zone_name)
    assert not valid
    error = serializer.errors["start_at"][0]
    assert message in str(error)
    assert error.code == "invalid_local_time"


@pytest.mark.parametrize(
    ("zone_name", "value", "utc"),
    [
        (
            "Europe/Zurich",
            "2027-10-31T02:30:00+02:00",
            dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        ),
        (
            "Europe/Zurich",
            "2027-10-31T02:30:00+01:00",
            dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
        ),
        (
            "America/Chicago",
            "2027-11-07T01:30:00-06:00",
            dt.datetime(2027, 11, 7, 7, 30, tzinfo=UTC),
        ),
        ("Europe/Zurich", "2027-03-28T03:30", dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
    ],
)
def test_api_fold_time_with_an_offset_or_a_time_past_the_gap_is_fine(zone_name, value, utc):
    serializer, valid = _validate({"start_at": value}, zone_name=zone_name)
    assert valid, serializer.errors
    # In the team's zone a fold time never equals another zone's datetime (PEP 495):
    # compare as UTC, as the database stores it.
    assert serializer.validated_data["start_at"].astimezone(UTC) == utc


def test_local_time_problem_is_none_for_ordinary_times():
    assert local_time_problem(dt.datetime(2027, 7, 1, 9), ZURICH) is None  # noqa: DTZ001
    assert "out of range" in local_time_problem(dt.datetime(1, 1, 1), ZURICH)  # noqa: DTZ001


# --- form fields -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2026-12-14", "14/12/2026", "14.12.2026", "14-12-2026"])
def test_form_date_reads_iso_and_the_common_typed_forms(typed):
    assert SaneDateFormField().clean(typed) == dt.date(2026, 12, 14)


@pytest.mark.parametrize("typed", ["12/14/2026", "2026/12/14", "next monday", "14 Dec 2026"])
def test_form_date_says_exactly_what_it_expects(typed):
    with pytest.raises(ValidationError) as caught:
        SaneDateFormField().clean(typed)
    message = caught.value.messages[0]
    assert "YYYY-MM-DD (e.g. 2026-12-14)" in message
    assert "DD/MM/YYYY, DD.MM.YYYY or DD-MM-YYYY" in message


def test_form_date_out_of_range():
    with pytest.raises(ValidationError, match="between 1970-01-01 and 2200-12-31"):
        SaneDateFormField().clean("0001-01-01")


@pytest.mark.parametrize("typed", ["2027-01-04T16:00", "2027-01-04 16:00", "04/01/2027 16:00"])
def test_form_datetime_reads_in_the_active_zone(typed):
    with timezone.override(ZURICH):
        value = SaneDateTimeFormField().clean(typed)
    assert value == dt.datetime(2027, 1, 4, 15, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31 23:00"])
def test_form_datetime_out_of_range(typed):
    with timezone.override(CHICAGO), pytest.raises(ValidationError, match="between 1970-01-01"):
        SaneDateTimeFormField().clean(typed)


def test_form_datetime_garbage_says_what_is_expected():
    with pytest.raises(ValidationError, match="YYYY-MM-DD HH:MM"):
        SaneDateTimeFormField().clean("soon")


# --- query filters -----------------------------------------------------------------------


class JoinedFilter(django_filters.FilterSet):
    joined_after = SaneIsoDateTimeFilter(field_name="date_joined", lookup_expr="gte")
    joined_on_or_after = SaneDateFilter(field_name="date_joined__date", lookup_expr="gte")


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("joined_after", "0001-01-01T00:00:00+14:00"),
        ("joined_after", "9999-12-31T23:59:59-12:00"),
        ("joined_on_or_after", "0001-01-01"),
    ],
)
def test_filter_out_of_range_is_a_form_error_not_an_overflow(db, param, value):
    filterset = JoinedFilter({param: value}, queryset=User.objects.all())
    assert not filterset.is_valid()
    assert "between 1970-01-01 and 2200-12-31" in filterset.errors[param][0]


def test_filter_in_range_filters(db):
    User.objects.create(username="old", date_joined=dt.datetime(2020, 1, 1, tzinfo=UTC))
    User.objects.create(username="new", date_joined=dt.datetime(2027, 1, 1, tzinfo=UTC))
    filterset = JoinedFilter(
        {"joined_after": "2026-01-01T00:00:00+01:00"}, queryset=User.objects.all()
    )
    assert filterset.is_valid()
    assert [user.username for user in filterset.qs] == ["new"]


@pytest.mark.parametrize(
    "path",
    [
        "handover-notes/?shift=",
        "action-items/?incident=",
        "meeting-reports/?series=",
        "shifts/?rotation=",
    ],
)
@pytest.mark.parametrize("value", ["-1.1504432991630882e+143", "99999999999999999999", "0", "1.5"])
def test_an_id_filter_out_of_range_or_not_whole_is_a_400(api_as, member, path, value):
    response = api_as(member).get(f"/api/v1/teams/ops/{path}{value}")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [path.split("=")[0].split("?")[1]]


def test_an_id_filter_filters(api_as, member):
    response = api_as(member).get("/api/v1/teams/ops/shifts/?rotation=9223372036854775807")
    assert response.status_code == 200
    assert response.json()["results"] == []
