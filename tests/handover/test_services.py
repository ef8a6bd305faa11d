"""Drafting a note (people from the effective schedule), saving with versions,
finalising and acknowledging with their permissions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from handover import services
from handover.models import HandoverNote
from shifts.models import Shift
from shifts.services import shifts as shift_services
from shifts.services import swaps
from teams.errors import VersionConflict
from tests.shifts.factories import people, rotation

ZURICH = ZoneInfo("Europe/Zurich")
PLANNED = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def crew(team):
    return people(team, 4)


@pytest.fixture
def shift(team, crew):
    rotation(team, crew, now=PLANNED)
    return Shift.objects.get(team=team, start_at=dt.datetime(2027, 1, 11, 9, tzinfo=ZURICH))


def test_draft_takes_people_from_the_schedule_once(shift, crew):
    note = services.handover_note_get_or_draft(shift=shift)
    assert (note.outgoing, note.incoming, note.version, note.state) == (
        crew[1],
        crew[2],
        1,
        "draft",
    )
    assert note.team_id == shift.team_id
    again = services.handover_note_get_or_draft(shift=shift)
    assert again.pk == note.pk
    assert HandoverNote.objects.count() == 1


def test_covers_and_swaps_at_the_handover_instant_decide_the_people(team, shift, crew, lead):
    note = services.handover_note_get_or_draft(shift=shift)
    # crew[3] covers the last day of the outgoing shift ...
    shift_services.override_create(
        shift=shift,
        user=crew[3],
        start_at=shift.end_at - dt.timedelta(days=1),
        end_at=shift.end_at,
        created_by=lead,
    )
    # ... and the next shift (crew[2]'s) is given away to crew[0].
    following = Shift.objects.get(team=team, start_at=shift.end_at)
    swap = swaps.swap_request_create(requester=crew[2], shift=following, recipient=crew[0])
    swaps.swap_request_accept(swap=swap, actor=crew[0])
    note = services.handover_note_get_or_draft(shift=shift)
    assert (note.outgoing, note.incoming) == (crew[3], crew[0])


def test_a_cover_starting_at_the_handover_makes_the_incoming(team, shift, crew, lead):
    following = Shift.objects.get(team=team, start_at=shift.end_at)
    shift_services.override_create(
        shift=following,
        user=crew[3],
        start_at=following.start_at,
        end_at=following.start_at + dt.timedelta(days=2),
        created_by=lead,
    )
    note = services.handover_note_get_or_draft(shift=shift)
    assert note.incoming == crew[3]


def test_save_bumps_the_version_and_a_stale_one_conflicts(shift, crew):
    note = services.handover_note_get_or_draft(shift=shift)
    saved = services.handover_note_update(
        note=note, user=crew[1], version=1, data={"watch_out_for": "tape queue"}
    )
    assert (saved.version, saved.watch_out_for, saved.updated_by) == (2, "tape queue", crew[1])
    same = services.handover_note_update(
        note=saved, user=crew[2], version=2, data={"watch_out_for": "tape queue"}
    )
    assert same.version == 2  # nothing changed, no new version
    with pytest.raises(VersionConflict) as conflict:
        services.handover_note_update(
            note=saved, user=crew[2], version=1, data={"watch_out_for": "mine"}
        )
    assert conflict.value.version == 2
    assert conflict.value.current["watch_out_for"] == "tape queue"
    assert HandoverNote.objects.get(pk=note.pk).watch_out_for == "tape queue"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"summary": "x"}, "Unknown handover note fields: summary."),
        ({"next_week": "x" * 50_001}, "Keep it under 50000 characters."),
    ],
)
def test_bad_input_is_a_validation_error(shift, crew, data, message):
    note = services.handover_note_get_or_draft(shift=shift)
    with pytest.raises(ValidationError) as error:
        services.handover_note_update(note=note, user=crew[1], version=1, data=data)
    assert error.value.messages == [message]
    assert HandoverNote.objects.get(pk=note.pk).version == 1


def test_strangers_may_not_write(shift, outsider):
    note = services.handover_note_get_or_draft(shift=shift)
    with pytest.raises(Http404):
        services.handover_note_update(note=note, user=outsider, version=1, data={})


def test_finalise_by_the_outgoing_or_a_lead_only(shift, crew, lead):
    note = services.handover_note_get_or_draft(shift=shift)
    with pytest.raises(PermissionDenied):
        services.handover_note_finalise(note=note, user=crew[2])
    with pytest.raises(ValidationError):
        services.handover_note_acknowledge(note=note, user=crew[2])
    done = services.handover_note_finalise(note=note, user=crew[1])
    assert (done.state, done.finalised_by) == ("finalised", crew[1])
    first = done.finalised_at
    assert services.handover_note_finalise(note=done, user=lead).finalised_at == first
    by_lead = services.handover_note_get_or_draft(shift=shift)
    assert by_lead.finalised_by == crew[1]


def test_acknowledge_by_the_incoming_or_a_lead_only(shift, crew, lead):
    note = services.handover_note_finalise(
        note=services.handover_note_get_or_draft(shift=shift), user=lead
    )
    assert note.finalised_by == lead
    with pytest.raises(PermissionDenied):
        services.handover_note_acknowledge(note=note, user=crew[1])
    acked = services.handover_note_acknowledge(note=note, user=crew[2])
    assert (acked.state, acked.acknowledged_by) == ("acknowledged", crew[2])
    assert services.handover_note_acknowledge(note=acked, user=lead).acknowledged_by == crew[2]


def test_people_stay_fixed_after_finalising(team, shift, crew, lead):
    note = services.handover_note_finalise(
        note=services.handover_note_get_or_draft(shift=shift), user=crew[1]
    )
    following = Shift.objects.get(team=team, start_at=shift.end_at)
    swap = swaps.swap_request_create(requester=crew[2], shift=following, recipient=crew[0])
    swaps.swap_request_accept(swap=swap, actor=crew[0])
    assert services.handover_note_get_or_draft(shift=shift).incoming == note.incoming == crew[2]


def test_editing_after_finalising_is_marked(shift, crew):
    note = services.handover_note_finalise(
        note=services.handover_note_get_or_draft(shift=shift), user=crew[1]
    )
    assert not note.edited_after_finalising
    edited = services.handover_note_update(
        note=note, user=crew[1], version=note.version, data={"next_week": "late finding"}
    )
    assert edited.edited_after_finalising
    assert edited.finalised_at == note.finalised_at
