"""Unavailability import from an .ics file: upload → preview → confirm."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from shifts.models import Unavailability
from tests.shifts.factories import rotation

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
HOLIDAYS = (Path(__file__).parent.parent / "teams" / "ics" / "holidays.ics").read_bytes()
URL = "/shifts/ops/unavailability/import/"
CONFIRM = "/shifts/ops/unavailability/import/confirm/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def upload(client, data: bytes, *, user="", kind="vacation", name="cal.ics"):
    return client.post(
        URL,
        {
            "import-user": user,
            "import-kind": kind,
            "import-file": SimpleUploadedFile(name, data, content_type="text/calendar"),
        },
    )


def payload_of(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


def test_preview_then_confirm_creates_periods_once(user_client, team, member, lead):
    rotation(team, [member, lead], now=NOW)
    client = user_client(member)
    preview = upload(client, HOLIDAYS, user=member.pk)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Good Friday" in page
    assert "CHEP conference" in page
    assert "Cancelled trip" not in page
    assert Unavailability.objects.count() == 0  # a preview saves nothing

    done = client.post(CONFIRM, {"payload": payload_of(preview)}, follow=True)
    assert done.status_code == 200
    rows = {(u.starts_on, u.ends_on, u.note) for u in Unavailability.objects.filter(user=member)}
    assert (dt.date(2027, 3, 26), dt.date(2027, 3, 26), "Good Friday") in rows
    assert (dt.date(2028, 1, 1), dt.date(2028, 1, 1), "New Year") in rows
    # 28 Oct 08:00 to 1 Nov 17:00 Chicago time is 28 Oct to 1 Nov in Zurich.
    assert (dt.date(2027, 10, 28), dt.date(2027, 11, 1), "CHEP conference") in rows
    count = len(rows)
    assert "Imported" in done.content.decode()

    again = client.post(CONFIRM, {"payload": payload_of(upload(client, HOLIDAYS, user=member.pk))})
    assert again.status_code == 302
    assert Unavailability.objects.count() == count  # exact duplicates are skipped


def test_lead_imports_public_holidays_member_cannot(user_client, team, member, lead):
    preview = upload(user_client(lead), HOLIDAYS, kind="public_holiday")
    assert preview.status_code == 200
    user_client(lead).post(CONFIRM, {"payload": payload_of(preview)})
    assert Unavailability.objects.filter(user=None, kind="public_holiday").count() >= 3
    refused = upload(user_client(member), HOLIDAYS, kind="public_holiday")
    assert refused.status_code == 400


def test_member_cannot_import_for_a_teammate(user_client, team, member, lead):
    assert upload(user_client(member), HOLIDAYS, user=lead.pk).status_code == 400
    assert Unavailability.objects.count() == 0


def test_tampered_or_foreign_payload_is_refused(user_client, team, member, lead):
    preview = upload(user_client(member), HOLIDAYS, user=member.pk)
    payload = payload_of(preview)
    forged = payload[:-2] + ("AA" if not payload.endswith("AA") else "BB")
    assert user_client(member).post(CONFIRM, {"payload": forged}).status_code == 400
    assert user_client(lead).post(CONFIRM, {"payload": payload}).status_code == 400
    unsigned = signing.dumps({"actor": member.pk}, salt="other")
    assert user_client(member).post(CONFIRM, {"payload": unsigned}).status_code == 400
    assert Unavailability.objects.count() == 0


NESTED = "BEGIN:VCALENDAR\r\n" + "BEGIN:VEVENT\r\n" * 5 + "END:VEVENT\r\n" * 5 + "END:VCALENDAR\r\n"
BROKEN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
    "DTSTART:2027XX01T000000\r\nSUMMARY:Bad\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
EMPTY = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (1024 * 1024 + 10), "larger than 1024 KiB"),
        (b"<!doctype html><html><body>Hello</body></html>", "not an iCalendar"),
        (NESTED.encode(), "nests components"),
        (BROKEN.encode(), "unreadable time"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "ends before its calendar is closed"),
        (EMPTY.encode(), "no events"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
    ],
)
def test_bad_files_show_the_reason_and_create_nothing(user_client, team, member, data, message):
    response = upload(user_client(member), data, user=member.pk)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Unavailability.objects.count() == 0
