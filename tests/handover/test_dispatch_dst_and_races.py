"""The weekly email at the handover wall-clock time across a DST change (Europe/Zurich and
America/Chicago), and exactly once when two senders race on a real database."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from handover import dispatch
from handover.models import HandoverDispatch
from outbox.models import OutboundEmail
from shifts.models import Shift
from tests.handover.dispatching import deliver_all, handover_messages, parts, run_beat, subject
from tests.shifts.factories import people, rotation
from tests.teams.factories import TeamFactory


@pytest.mark.parametrize(
    ("zone", "handover_utc", "label"),
    [
        # Zurich: CET -> CEST on Sun 28 Mar 2027; the Monday 09:00 handover is 07:00 UTC.
        ("Europe/Zurich", dt.datetime(2027, 3, 29, 7, tzinfo=dt.UTC), "Mon 29 Mar 2027 09:00 CEST"),
        # Chicago: CST -> CDT on Sun 14 Mar 2027; the Monday 09:00 handover is 14:00 UTC.
        (
            "America/Chicago",
            dt.datetime(2027, 3, 15, 14, tzinfo=dt.UTC),
            "Mon 15 Mar 2027 09:00 CDT",
        ),
    ],
)
def test_the_dst_week_handover_goes_at_nine_local_time(
    db, zone, handover_utc, label, monkeypatch, smtp_server
):
    team = TeamFactory(slug="dst", name="DST", time_zone=zone)
    crew = people(team, 2)
    start = handover_utc.date() - dt.timedelta(days=14)
    rotation(team, crew, now=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC), start_on=start)
    shift = Shift.objects.get(team=team, end_at=handover_utc)
    assert shift.start_at.astimezone(ZoneInfo(zone)).hour == 9  # a week before, other offset
    assert shift.end_at - shift.start_at == dt.timedelta(days=7, hours=-1)

    # One hour before (09:00 by the old offset) nothing goes; at 09:00 local it does.
    with time_machine.travel(handover_utc - dt.timedelta(hours=1)):
        run_beat(monkeypatch)
    assert not HandoverDispatch.objects.filter(shift=shift).exists()
    with time_machine.travel(handover_utc + dt.timedelta(seconds=30)):
        run_beat(monkeypatch)
    record = HandoverDispatch.objects.get(shift=shift)
    assert not record.late
    deliver_all()
    (message,) = handover_messages(smtp_server, shift)
    assert f"handover {label}." in parts(message)["text/plain"]
    first = shift.start_at.astimezone(ZoneInfo(zone))
    assert subject(message).startswith(f"[DST] Handover Mon {first:%d} Mar to Mon {label[4:15]}:")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_dispatches_send_one_email(team, smtp_server):
    crew = people(team, 3)
    rotation(team, crew, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    shift = Shift.objects.get(team=team, end_at=dt.datetime(2027, 1, 18, 8, tzinfo=dt.UTC))
    start = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            start.wait(5)
            _, created = dispatch.handover_dispatch_send(
                shift=shift, now=shift.end_at, via="schedule"
            )
            results.append(created)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results) == [False, True]
    assert HandoverDispatch.objects.count() == 1
    assert OutboundEmail.objects.filter(key=f"handover-email:{shift.pk}").count() == 1
    deliver_all()
    assert len(handover_messages(smtp_server, shift)) == 1
