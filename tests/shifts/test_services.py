import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from outbox import tasks as outbox_tasks
from outbox.models import OutboundEmail
from shifts.models import Shift, ShiftEvent, SwapRequest, Unavailability
from shifts.selectors import fairness, oncall
from shifts.selectors import rotations as rotation_selectors
from shifts.services import leave, rotations, swaps
from shifts.services import shifts as shift_services
from tests.shifts.factories import people, rotation
from tests.teams.factories import MembershipFactory, TeamFactory

UTC = dt.UTC
ZURICH = ZoneInfo("Europe/Zurich")
NOW = dt.datetime(2027, 1, 1, 12, tzinfo=UTC)


def zurich(*args):
    return dt.datetime(*args, tzinfo=ZURICH)


@pytest.fixture
def crew(team):
    return people(team, 4)


def test_generation_fills_the_horizon_and_is_idempotent(team, crew, django_assert_num_queries):
    rot = rotation(team, crew, now=NOW)
    shifts = list(Shift.objects.filter(rotation=rot))
    assert len(shifts) == 26
    assert [s.assignee for s in shifts[:5]] == [*crew, crew[0]]
    assert shifts[0].start_at == zurich(2027, 1, 4, 9)
    before = list(Shift.objects.values_list("pk", "assignee_id", "start_at", "end_at"))
    result = rotations.rotation_generate(rotation=rot, now=NOW)
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert list(Shift.objects.values_list("pk", "assignee_id", "start_at", "end_at")) == before
    # a week later, the daily job adds exactly one week at the far end
    result = rotations.rotation_generate(rotation=rot, now=NOW + dt.timedelta(days=7))
    assert (result.created, result.updated, result.deleted) == (1, 0, 0)


@pytest.mark.parametrize("weeks", [20, 120])
def test_generation_is_a_constant_number_of_queries(team, crew, weeks, django_assert_num_queries):
    """Bulk writes: the count does not grow with the number of shifts (SQLite splits an
    INSERT every 142 rows by its 999-variable limit; PostgreSQL sends one)."""
    rot = rotation(team, crew, now=NOW, horizon_weeks=1)
    Shift.objects.all().delete()
    rot.horizon_weeks = weeks
    rot.save()
    # savepoint, rotation lock, participants, current, existing, last served, leave,
    # insert shifts, release
    with django_assert_num_queries(9):
        result = rotations.rotation_generate(rotation=rot, now=NOW)
    assert result.created == weeks


def test_changing_the_rotation_replans_only_future_untouched_shifts(team, crew):
    rot = rotation(team, crew, now=NOW)
    now = zurich(2027, 2, 10, 12)  # week 5 is current (starts Mon 8 Feb)
    past = list(Shift.objects.filter(start_at__lte=now).values_list("pk", "assignee_id", "end_at"))
    swapped = Shift.objects.get(rotation=rot, slot=8)
    shift_services.shift_assign(shift=swapped, assignee=crew[3], actor=crew[0], now=now)
    rotations.rotation_set_participants(rotation=rot, participants=[crew[2], crew[1]], now=now)
    assert (
        list(Shift.objects.filter(start_at__lte=now).values_list("pk", "assignee_id", "end_at"))
        == past
    )
    future = Shift.objects.filter(rotation=rot, start_at__gt=now).order_by("slot")
    by_slot = {s.slot: s.assignee for s in future}
    assert by_slot[8] == crew[3]  # set by hand: kept
    assert {by_slot[s] for s in by_slot if s != 8} == {crew[1], crew[2]}
    assert ShiftEvent.objects.filter(kind=ShiftEvent.Kind.REASSIGNED).exists()

    # handover moves to 10:00: future shifts (and the current one's end) follow, past ones stay
    rotations.rotation_update(rotation=rot, handover_time=dt.time(10, 0), now=now)
    current = Shift.objects.get(rotation=rot, slot=5)
    assert current.start_at == zurich(2027, 2, 8, 9)
    assert current.end_at == zurich(2027, 2, 15, 10)
    assert Shift.objects.get(rotation=rot, slot=8).start_at == zurich(2027, 3, 1, 10)
    assert Shift.objects.get(rotation=rot, slot=8).assignee == crew[3]


def test_unavailability_fairness_over_a_year(team, crew):
    rot = rotation(team, crew, now=NOW, horizon_weeks=60)
    # everyone takes two weeks of leave at different times, bob also a conference
    for person, start in zip(
        crew, ["2027-02-01", "2027-05-10", "2027-08-02", "2027-10-11"], strict=True
    ):
        first = dt.date.fromisoformat(start)
        leave.unavailability_create(
            team=team,
            actor=person,
            user=person,
            starts_on=first,
            ends_on=first + dt.timedelta(days=13),
            now=NOW,
        )
    leave.unavailability_create(
        team=team,
        actor=crew[1],
        user=crew[1],
        kind=Unavailability.Kind.CONFERENCE,
        starts_on=dt.date(2027, 6, 15),
        ends_on=dt.date(2027, 6, 17),
        now=NOW,
    )
    shifts = Shift.objects.filter(rotation=rot, start_at__year=2027).select_related("assignee")
    tz = ZURICH
    for shift in shifts:
        for period in Unavailability.objects.filter(user=shift.assignee):
            start, end = period.bounds(tz)
            assert not (start < shift.end_at and shift.start_at < end), (shift, period)
    counts = {p.username: 0 for p in crew}
    for shift in shifts:
        counts[shift.assignee.username] += 1
    # 52 weeks for 4 people: everyone within one shift of the fair share of 13, leave or not
    assert sum(counts.values()) == 52
    assert all(abs(count - 13) <= 1 for count in counts.values()), counts
    # p0, away 1-14 February, takes the first week they can: from Monday 15 February
    after_leave = shifts.filter(assignee=crew[0], start_at__gte=zurich(2027, 1, 25, 9)).first()
    assert after_leave.start_at == zurich(2027, 2, 15, 9)
    report = fairness.fairness_report(
        rotation=rotation_selectors.rotation_get(team=team, pk=rot.pk), year=2027
    )
    assert [row.year.shifts for row in report] == [counts[row.person.username] for row in report]
    assert [row.year.unavailable_days for row in report] == [14, 17, 14, 14]


def test_public_holidays_count_apart_and_do_not_block(team, crew, lead):
    rot = rotation(team, crew[:2], now=NOW)
    leave.unavailability_create(
        team=team,
        actor=lead,
        user=None,
        kind=Unavailability.Kind.PUBLIC_HOLIDAY,
        starts_on=dt.date(2027, 1, 6),
        ends_on=dt.date(2027, 1, 6),
        now=NOW,
    )
    assert Shift.objects.get(rotation=rot, slot=0).assignee == crew[0]
    report = fairness.fairness_report(
        rotation=rotation_selectors.rotation_get(team=team, pk=rot.pk), year=2027
    )
    first = report[0].quarters[0]
    assert first.holiday == 24.0
    with pytest.raises(PermissionDenied):
        leave.unavailability_create(
            team=team,
            actor=crew[0],
            user=None,
            kind=Unavailability.Kind.PUBLIC_HOLIDAY,
            starts_on=dt.date(2027, 1, 7),
            ends_on=dt.date(2027, 1, 7),
        )


def test_oncall_has_no_gap_or_overlap_across_dst(team, crew):
    chicago = TeamFactory(slug="chi", time_zone="America/Chicago")
    chi_crew = [MembershipFactory(team=chicago).user for _ in range(2)]
    rotation(team, crew, now=NOW, start_on=dt.date(2027, 3, 1), horizon_weeks=52)
    rotation(chicago, chi_crew, now=NOW, start_on=dt.date(2027, 3, 1), horizon_weeks=52)
    for which, edge in ((team, zurich(2027, 3, 29, 9)), (team, zurich(2027, 11, 1, 9))):
        before = oncall.oncall_at(team=which, at=edge - dt.timedelta(seconds=1))
        after = oncall.oncall_at(team=which, at=edge)
        assert before.end_at == after.start_at == edge
        assert before.person != after.person
    chi = ZoneInfo("America/Chicago")
    for day in (dt.datetime(2027, 3, 15, 9, tzinfo=chi), dt.datetime(2027, 11, 8, 9, tzinfo=chi)):
        assert oncall.oncall_at(team=chicago, at=day).start_at == day
        assert oncall.oncall_at(team=chicago, at=day - dt.timedelta(minutes=1)).end_at == day
    # every hour across the DST weekends has exactly one person
    hour = zurich(2027, 3, 27, 0)
    while hour < zurich(2027, 3, 30, 0):
        assert Shift.objects.filter(team=team, start_at__lte=hour, end_at__gt=hour).count() == 1
        hour += dt.timedelta(hours=1)


def test_overrides_at_shift_edges_and_overlaps(team, crew, lead):
    rot = rotation(team, crew, now=NOW)
    shift = Shift.objects.get(rotation=rot, slot=1)  # Mon 11 Jan 09:00 to Mon 18 Jan 09:00
    assert shift.assignee == crew[1]
    tail = shift_services.override_create(
        shift=shift,
        user=crew[2],
        start_at=zurich(2027, 1, 13, 9),
        end_at=shift.end_at,
        created_by=crew[1],
        reason="Wednesday to Monday",
    )
    assert (
        oncall.oncall_at(team=team, at=tail.start_at - dt.timedelta(seconds=1)).person.id
        == crew[1].pk
    )
    covered = oncall.oncall_at(team=team, at=tail.start_at)
    assert covered.person.id == crew[2].pk
    assert covered.covering_for.id == crew[1].pk
    assert (covered.start_at, covered.end_at) == (tail.start_at, shift.end_at)
    assert (
        oncall.oncall_at(team=team, at=shift.end_at).person.id == crew[2].pk
    )  # next shift: crew[2]
    assert oncall.oncall_at(team=team, at=shift.end_at).covering_for is None

    with pytest.raises(ValidationError, match="overlaps the cover by"):
        shift_services.override_create(
            shift=shift,
            user=crew[3],
            start_at=zurich(2027, 1, 12, 9),
            end_at=zurich(2027, 1, 14, 9),
            created_by=lead,
        )
    with pytest.raises(ValidationError, match="within the shift"):
        shift_services.override_create(
            shift=shift,
            user=crew[3],
            start_at=zurich(2027, 1, 10, 9),
            end_at=zurich(2027, 1, 12, 9),
            created_by=lead,
        )
    with pytest.raises(ValidationError, match="after the start"):
        shift_services.override_create(
            shift=shift,
            user=crew[3],
            start_at=zurich(2027, 1, 12, 9),
            end_at=zurich(2027, 1, 12, 9),
            created_by=lead,
        )
    with pytest.raises(PermissionDenied):
        shift_services.override_create(
            shift=shift,
            user=crew[3],
            start_at=shift.start_at,
            end_at=zurich(2027, 1, 12, 9),
            created_by=crew[0],
        )
    head = shift_services.override_create(
        shift=shift, user=crew[3], start_at=shift.start_at, end_at=tail.start_at, created_by=lead
    )
    assert oncall.oncall_at(team=team, at=shift.start_at).person.id == crew[3].pk
    shift_services.override_delete(override=head, actor=crew[1])
    kinds = list(ShiftEvent.objects.filter(shift=shift).values_list("kind", flat=True))
    assert kinds == ["override_added", "override_added", "override_removed"]


def test_past_shifts_stay_queryable(team, crew):
    rotation(team, crew, now=dt.datetime(2027, 6, 1, tzinfo=UTC), start_on=dt.date(2027, 1, 4))
    on_3_march = oncall.oncall_at(team=team, at=zurich(2027, 3, 3, 12))
    assert on_3_march.person.id == crew[0].pk  # week 8 since 4 January
    assert on_3_march.start_at == zurich(2027, 3, 1, 9)


def send_all():
    for email in OutboundEmail.objects.filter(sent_at__isnull=True):
        outbox_tasks.email_send(email.pk)


def test_swap_exchange_accept_emails_both_and_keeps_history(
    team, crew, django_capture_on_commit_callbacks
):
    rot = rotation(team, crew, now=NOW)
    mine, theirs = (Shift.objects.get(rotation=rot, slot=s) for s in (1, 2))
    swap = swaps.swap_request_create(
        requester=crew[1],
        shift=mine,
        recipient=crew[2],
        counter_shift=theirs,
        message="dentist",
        now=NOW,
    )
    swaps.swap_request_accept(swap=swap, actor=crew[2], now=NOW)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.assignee, theirs.assignee) == (crew[2], crew[1])
    assert mine.origin == theirs.origin == Shift.Origin.SWAPPED
    assert ShiftEvent.objects.filter(shift=mine, kind="swapped").count() == 1
    send_all()
    keys = sorted(m.extra_headers["X-Shiftdesk-Key"] for m in mail.outbox)
    assert keys == [
        f"swap-accepted:{swap.pk}:{crew[1].pk}",
        f"swap-accepted:{swap.pk}:{crew[2].pk}",
        f"swap-requested:{swap.pk}:{crew[2].pk}",
    ]
    with pytest.raises(ValidationError, match="already accepted"):
        swaps.swap_request_accept(swap=swap, actor=crew[2], now=NOW)
    # planning again keeps the swap
    rotations.rotation_generate(rotation=rot, now=NOW)
    mine.refresh_from_db()
    assert mine.assignee == crew[2]


def test_swap_rules(team, crew, lead):
    rot = rotation(team, crew, now=NOW)
    first, second = (Shift.objects.get(rotation=rot, slot=s) for s in (0, 1))
    later = NOW + dt.timedelta(days=5)
    with pytest.raises(ValidationError, match="already started"):
        swaps.swap_request_create(requester=crew[0], shift=first, recipient=crew[1], now=later)
    with pytest.raises(ValidationError, match="only offer a shift you are on"):
        swaps.swap_request_create(requester=crew[1], shift=first, recipient=crew[2], now=NOW)
    outsider = MembershipFactory().user
    with pytest.raises(ValidationError, match="Not a member"):
        swaps.swap_request_create(requester=crew[0], shift=first, recipient=outsider, now=NOW)
    giveaway = swaps.swap_request_create(
        requester=crew[1], shift=second, recipient=crew[3], now=NOW
    )
    with pytest.raises(PermissionDenied):
        swaps.swap_request_accept(swap=giveaway, actor=crew[0], now=NOW)
    with pytest.raises(PermissionDenied):
        swaps.swap_request_cancel(swap=giveaway, actor=crew[3], now=NOW)
    swaps.swap_request_accept(swap=giveaway, actor=lead, now=NOW)  # a lead decides for dave
    second.refresh_from_db()
    assert second.assignee == crew[3]
    declined = swaps.swap_request_create(
        requester=crew[3], shift=second, recipient=crew[0], now=NOW
    )
    swaps.swap_request_decline(swap=declined, actor=crew[0], now=NOW)
    cancelled = swaps.swap_request_create(
        requester=crew[3], shift=second, recipient=crew[0], now=NOW
    )
    swaps.swap_request_cancel(swap=cancelled, actor=crew[3], now=NOW)
    assert list(SwapRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "accepted",
        "declined",
        "cancelled",
    ]
    stale = swaps.swap_request_create(requester=crew[3], shift=second, recipient=crew[0], now=NOW)
    shift_services.shift_assign(shift=second, assignee=crew[2], actor=lead, now=NOW)
    with pytest.raises(ValidationError, match="changed hands"):
        swaps.swap_request_accept(swap=stale, actor=crew[0], now=NOW)


def test_rotation_validation(team, crew, outsider):
    with pytest.raises(ValidationError, match="Not a member"):
        rotation(team, [crew[0], outsider], now=NOW)
    with pytest.raises(ValidationError, match="only once"):
        rotation(team, [crew[0], crew[0]], now=NOW)
    with pytest.raises(ValidationError, match="at least one"):
        rotation(team, [], now=NOW)
    rotation(team, crew, now=NOW)
    with pytest.raises(ValidationError, match="already has a rotation"):
        rotation(team, crew, now=NOW)
    with pytest.raises(ValidationError, match="before the start"):
        leave.unavailability_create(
            team=team,
            actor=crew[0],
            user=crew[0],
            starts_on=dt.date(2027, 2, 2),
            ends_on=dt.date(2027, 2, 1),
        )
    assert not Unavailability.objects.exists()
