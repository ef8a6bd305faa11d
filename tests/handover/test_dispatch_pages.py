"""The weekly email's pages: preview and "send now" (leads), the state on the note page,
the chat webhook settings (a write-only secret); permissions and query counts."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from handover.models import ChatWebhook, HandoverDispatch
from outbox.models import OutboundEmail
from shifts.models import Shift
from tests.handover.dispatching import run_beat, utc
from tests.shifts.factories import people, rotation

HANDOVER = utc(2027, 1, 18, 8)
NOW = utc(2027, 1, 15, 12)  # during the shift, before its handover
SECRET_URL = "https://hooks.slack.com/services/T000/B000/XXXXsecretTOKENabcd"


@pytest.fixture
def shift(team, lead):
    crew = people(team, 3)
    rotation(team, crew, now=utc(2027, 1, 1))
    return Shift.objects.get(team=team, end_at=HANDOVER)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def urls(shift):
    kwargs = {"slug": "ops", "shift_id": shift.pk}
    return {
        "preview": reverse("handover:email-preview", kwargs=kwargs),
        "html": reverse("handover:email-html", kwargs=kwargs),
        "send": reverse("handover:email-send", kwargs=kwargs),
        "chat": reverse("handover:chat-settings", kwargs={"slug": "ops"}),
    }


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("outsider", 404), ("member", 403), ("lead", 200)]
)
@pytest.mark.parametrize("page", ["preview", "html", "chat"])
def test_only_leads_see_the_pages(client, user_client, shift, who, status, page, request):
    web = client if who == "anonymous" else user_client(request.getfixturevalue(who))
    assert web.get(urls(shift)[page]).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("outsider", 404), ("member", 403)]
)
def test_only_leads_may_send_now(client, user_client, shift, who, status, request):
    web = client if who == "anonymous" else user_client(request.getfixturevalue(who))
    assert web.post(urls(shift)["send"]).status_code == status
    assert not HandoverDispatch.objects.exists()


def test_send_now_sends_once_and_the_schedule_adds_nothing(user_client, shift, lead, monkeypatch):
    web = user_client(lead)
    page = web.get(urls(shift)["preview"])
    body = page.content.decode()
    assert "Not sent yet" in body
    assert "DRAFT, not finalised" in body  # the subject as it would go now
    assert "List-Id" in body
    assert "Message-ID" in body
    assert 'id="send-now"' in body
    response = web.post(urls(shift)["send"], follow=True)
    assert "Handover email queued for 3 recipient(s)." in response.content.decode()
    again = web.post(urls(shift)["send"], follow=True).content.decode()
    assert "Already sent: the handover email went out on Fri 15 Jan 2027 13:00." in again
    assert 'id="send-now"' not in again
    with time_machine.travel(HANDOVER + dt.timedelta(minutes=1)):
        run_beat(monkeypatch)
    assert HandoverDispatch.objects.count() == 1
    assert OutboundEmail.objects.filter(key=f"handover-email:{shift.pk}").count() == 1
    record = HandoverDispatch.objects.get()
    assert (record.via, record.created_by, record.late) == ("send-now", lead, False)
    note_page = web.get(reverse("handover:note", kwargs={"slug": "ops", "shift_id": shift.pk}))
    assert 'id="email-queued"' in note_page.content.decode()


def test_nobody_to_send_to_is_said_on_both_pages(user_client, team, shift, lead):
    team.mailing_list = ""
    team.save()
    User.objects.update(email="")
    web = user_client(lead)
    assert "Nobody to send it to" in web.get(urls(shift)["preview"]).content.decode()
    response = web.post(urls(shift)["send"], follow=True).content.decode()
    assert "Not sent: nobody to send it to." in response
    note_page = web.get(reverse("handover:note", kwargs={"slug": "ops", "shift_id": shift.pk}))
    assert 'id="no-recipients"' in note_page.content.decode()
    assert HandoverDispatch.objects.get().state == "no-recipients"


def test_the_html_part_is_framed_with_inline_styles_and_no_script(user_client, shift, lead):
    response = user_client(lead).get(urls(shift)["html"])
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy
    assert "Open the handover note" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 8])
def test_preview_query_count_is_constant(
    user_client, team, shift, lead, extra, django_assert_num_queries
):
    people(team, extra, prefix=f"extra{extra}-")
    web = user_client(lead)
    web.get(urls(shift)["preview"])  # drafts the note
    with django_assert_num_queries(33):  # the summary includes the rotation's duties
        web.get(urls(shift)["preview"])


def test_chat_settings_keep_the_url_secret(user_client, team, lead):
    web = user_client(lead)
    url = reverse("handover:chat-settings", kwargs={"slug": "ops"})
    bad = web.post(url, {"kind": "mattermost", "url": "not a url at all", "is_active": "on"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter a valid URL." in body
    assert 'value="not a url at all"' in body  # what was typed stays
    assert '<option value="mattermost" selected>' in body
    empty = web.post(url, {"kind": "slack", "url": ""})
    assert empty.status_code == 400
    assert "Paste the incoming webhook URL" in empty.content.decode()
    assert not ChatWebhook.objects.exists()

    saved = web.post(url, {"kind": "slack", "url": SECRET_URL, "is_active": "on"}, follow=True)
    body = saved.content.decode()
    assert "https://hooks.slack.com/…abcd" in body
    assert "secretTOKEN" not in body
    assert "T000" not in body
    # Saving again without a URL keeps it; the kind and switch change.
    web.post(url, {"kind": "mattermost", "url": ""})
    webhook = ChatWebhook.objects.get()
    assert (webhook.url, webhook.kind, webhook.is_active) == (SECRET_URL, "mattermost", False)
    assert "secretTOKEN" not in str(webhook)
    web.post(url, {"remove": "1"})
    assert not ChatWebhook.objects.exists()


def test_chat_settings_query_count(user_client, team, lead, django_assert_num_queries):
    ChatWebhook.objects.create(team=team, url=SECRET_URL)
    web = user_client(lead)
    with django_assert_num_queries(6):
        web.get(reverse("handover:chat-settings", kwargs={"slug": "ops"}))
