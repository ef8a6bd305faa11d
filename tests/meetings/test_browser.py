"""The live report in a real browser: written with the keyboard only, reloaded mid-way,
and two people editing the same topic at once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from incidents.models import ActionItem
from meetings.models import MeetingReport, Topic
from meetings.recurrence import WEEKDAY_CODES
from meetings.services import report_editor, reports
from teams.models import Membership
from tests.conftest import ARTIFACTS, browser_login
from tests.meetings.factories import make_series, meeting_on
from tests.teams.factories import PASSWORD, MembershipFactory, ProfileFactory, TeamFactory

MONDAY = dt.date(2027, 3, 22)


def _autosaved(page, key="Tab"):
    """Press `key` (leaving the field saves it) and wait until everything typed is saved."""
    page.keyboard.press(key)
    page.wait_for_selector("#report-form[data-state='saved']")
    assert page.locator("#save-state").inner_text().startswith("Saved")


def _wait_focus(page, condition):
    """Wait until the focused element `el` meets `condition` (HTMX focuses after settling)."""
    page.wait_for_function(
        f"() => {{ const el = document.activeElement; return !!el && {condition}; }}"
    )


def _people():
    team = TeamFactory(slug="wmcore", name="WMCore", time_zone="Europe/Zurich")
    shifter = MembershipFactory(team=team, user__username="carol", role=Membership.Role.MEMBER)
    lead = MembershipFactory(team=team, user__username="alice", role=Membership.Role.LEAD)
    ProfileFactory(user=lead.user, time_zone="America/Chicago")
    return team, shifter.user, lead.user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_write_a_whole_report_with_the_keyboard_only(page, screenshot):
    team, carol, _ = _people()
    series = make_series(team, video_url="https://zoom.example.org/j/1")
    meeting = meeting_on(series, MONDAY)
    browser_login(page, "carol", PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/report/")
    keyboard = page.keyboard

    # "Start the report" has the focus once the page has loaded (autofocus).
    _wait_focus(page, "el.textContent.trim() === 'Start the report'")
    keyboard.press("Enter")
    page.wait_for_selector("#report-form")
    _wait_focus(page, "el.id === 'attendees'")
    keyboard.type("carol, alice, CompOPS people")
    keyboard.press("Tab")  # -> "Add topic"
    keyboard.press("Enter")
    page.wait_for_selector(".topic-title")
    _wait_focus(page, "el.classList.contains('topic-title')")
    keyboard.type("WMAgent draining for the upgrade")
    keyboard.press("Tab")
    keyboard.type("CompOPS")
    keyboard.press("Tab")
    keyboard.type("Operations contact")
    keyboard.press("Tab")
    keyboard.type("Agents at **FNAL** need draining.")
    keyboard.press("Enter")
    keyboard.type("- vocms0256 still has 1.2k jobs")
    keyboard.press("Tab")  # -> our reply
    keyboard.type("Follow")
    keyboard.press("Tab")  # -> decision
    keyboard.type("Drain by Wednesday")
    keyboard.press("Tab")  # -> new action item
    keyboard.type("Drain vocms0256")
    keyboard.press("Tab")  # -> owner
    keyboard.type("carol")
    keyboard.press("Tab")  # -> due date: the browser's date input (month, day, year here)
    keyboard.type("03242027")
    keyboard.press("Tab")  # -> the date input's calendar button
    keyboard.press("Tab")  # -> needs a GitHub issue
    keyboard.press("Space")
    keyboard.press("Tab")  # -> Add
    keyboard.press("Enter")
    page.wait_for_selector("input[name$='-title'][value='Drain vocms0256']")
    _wait_focus(page, "el.name.endsWith('-new-title')")
    keyboard.type("Tell P&R about the drain")
    keyboard.press("Enter")  # Enter in a new action item adds it
    page.wait_for_selector("input[value='Tell P&R about the drain']")
    screenshot("meetings-report-editor")

    # From the new-item row, Tab to "Add topic": owner, due (in chromium Tab walks the date
    # input's month, day, year and calendar button), GitHub, Add, Remove topic, Add topic.
    for _ in range(9):
        keyboard.press("Tab")
    keyboard.press("Enter")
    page.wait_for_selector("#report-form fieldset.topic:nth-of-type(2)")
    _wait_focus(page, "el.classList.contains('topic-title') && el.value === ''")
    keyboard.type("MSUnmerged slow on T2 sites")
    keyboard.press("Enter")  # Enter in a topic title adds the next topic
    page.wait_for_selector("#report-form fieldset.topic:nth-of-type(3)")
    _wait_focus(page, "el.classList.contains('topic-title') && el.value === ''")
    keyboard.type("Tape staging backlog")
    _autosaved(page)

    # Reload mid-way: everything typed so far is there.
    page.reload()
    page.wait_for_selector("#report-form")
    assert page.locator("fieldset.topic").count() == 3
    assert page.locator("#attendees").input_value() == "carol, alice, CompOPS people"
    first, second, third = Topic.objects.order_by("position", "pk")
    assert page.locator(f"#topic-{first.pk}-title").input_value() == (
        "WMAgent draining for the upgrade"
    )
    assert page.locator(f"#topic-{first.pk}-discussion").input_value() == (
        "Agents at **FNAL** need draining.\n- vocms0256 still has 1.2k jobs"
    )
    assert page.locator(f"#topic-{first.pk}-reply").input_value() == "follow_up"
    assert page.locator(f"#topic-{first.pk}-decision").input_value() == "Drain by Wednesday"
    assert page.locator(f"#topic-{second.pk}-title").input_value() == (
        "MSUnmerged slow on T2 sites"
    )
    assert page.locator(f"#topic-{third.pk}-title").input_value() == "Tape staging backlog"
    drain = ActionItem.objects.get(title="Drain vocms0256")
    assert (drain.owner, drain.needs_github_issue, drain.source) == (carol, True, "meeting")
    assert drain.due_on == dt.date(2027, 3, 24)
    assert "WMCore weekly, Mon 22 Mar 2027 — WMAgent draining" in drain.source_label

    # Go on after the reload (the cursor is back in the last topic), then publish.
    _wait_focus(page, f"el.id === 'topic-{third.pk}-title'")
    for _ in range(3):  # team, person, discussion
        keyboard.press("Tab")
    keyboard.type("Rules for the 2018 reprocessing are stuck in staging.")
    _autosaved(page)  # -> reply
    keyboard.type("Could")
    _autosaved(page)  # -> decision
    assert Topic.objects.get(pk=third.pk).reply == "could_not_answer"
    # new item, owner, due (4 stops), GitHub, Add, Remove topic, Add topic, notes
    for _ in range(11):
        keyboard.press("Tab")
    keyboard.type("Next week: CHEP.")
    keyboard.press("Tab")  # -> Save
    keyboard.press("Tab")  # -> Publish
    with page.expect_navigation():
        keyboard.press("Enter")
    page.wait_for_selector(".published-report")
    report = MeetingReport.objects.get()
    assert report.is_published
    assert report.notes == "Next week: CHEP."
    assert page.locator(".published-report strong", has_text="FNAL").is_visible()
    screenshot("meetings-report-published")

    # A meeting that started half an hour ago: the dashboard offers its report.
    started = timezone.localtime(timezone.now(), ZoneInfo("Europe/Zurich")) - dt.timedelta(
        minutes=30
    )
    make_series(
        team,
        title="CompOPS",
        rrule=f"FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[started.weekday()]}",
        starts_on=started.date(),
        start_time=started.time().replace(second=0, microsecond=0),
        now=timezone.now(),
    )
    page.goto("/")
    page.wait_for_selector("#current-meeting")
    assert "CompOPS" in page.locator("#current-meeting").inner_text()
    screenshot("meetings-dashboard")
    page.goto(f"/meetings/series/{series.pk}/")
    screenshot("meetings-series")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_people_editing_the_same_topic_get_a_conflict(browser, live_server, page):
    team, carol, alice = _people()
    series = make_series(team)
    meeting = meeting_on(series, MONDAY)
    report = reports.report_open(meeting=meeting, user=carol)
    topic = reports.topic_add(report=report, user=carol, title="Tape staging backlog")
    url = f"/meetings/{meeting.pk}/report/"
    discussion = f"#topic-{topic.pk}-discussion"

    browser_login(page, "carol", PASSWORD)
    page.goto(url)
    other_context = browser.new_context(base_url=live_server.url)
    other_context.set_default_timeout(10_000)
    other = other_context.new_page()
    try:
        browser_login(other, "alice", PASSWORD)
        other.goto(url)

        page.focus(discussion)
        page.keyboard.type("Carol: the rules are stuck in staging.")
        _autosaved(page)

        other.focus(discussion)
        other.keyboard.type("Alice: ask the tape team.")
        with other.expect_response(lambda response: "/autosave/" in response.url) as answer:
            other.keyboard.press("Tab")
        assert answer.value.status == 409
        other.wait_for_selector(".conflict")
        conflict = other.locator(".conflict").inner_text()
        assert "Carol: the rules are stuck in staging." in conflict
        assert "Alice: ask the tape team." in conflict
        assert "Conflict" in other.locator("#save-state").inner_text()
        other.screenshot(path=str(_shot_path("meetings-conflict")), full_page=True)
        topic.refresh_from_db()
        assert topic.discussion == "Carol: the rules are stuck in staging."

        with other.expect_navigation():
            other.click("text=Keep mine")
        assert other.locator(discussion).input_value() == "Alice: ask the tape team."
        topic.refresh_from_db()
        assert topic.discussion == "Alice: ask the tape team."
        assert MeetingReport.objects.get().updated_by == alice
    finally:
        other_context.close()


def _shot_path(name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_series_occurrence_archive_and_history_pages(page, screenshot):
    team, carol, _ = _people()
    series = make_series(
        team, location="CERN 31-S-023", agenda_url="https://indico.example.org/e/1"
    )
    meeting = meeting_on(series, MONDAY)
    report = reports.report_open(meeting=meeting, user=carol)
    topic = reports.topic_add(report=report, user=carol, title="WMAgent draining")
    report_editor.topic_update(topic=topic, user=carol, version=1, discussion="Drain *FNAL* first.")
    reports.topic_action_item_add(topic=topic, user=carol, title="Drain vocms0256", owner=carol)
    reports.report_publish(report=report, user=carol)

    browser_login(page, "alice", PASSWORD)  # a lead, shown times in America/Chicago
    page.goto("/meetings/")
    screenshot("meetings-index")
    page.goto(f"/meetings/series/{series.pk}/edit/")
    assert page.locator("#id_frequency_0").is_checked()
    screenshot("meetings-series-form")
    page.goto(f"/meetings/{meeting.pk}/")
    # 16:00 CET is 10:00 in Chicago in the week only the US is on summer time.
    assert "Mon 22 Mar 10:00" in page.locator(".facts").inner_text()
    assert "16:00" in page.locator(".when-own").inner_text()
    screenshot("meetings-occurrence")
    page.goto("/meetings/teams/wmcore/reports/")
    page.fill("#id_q", "draining")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#reports tbody tr").count() == 1
    screenshot("meetings-archive")
    page.goto(f"/meetings/series/{series.pk}/compile/?start=2027-03-01&end=2027-03-31")
    assert page.locator(".compiled").count() == 1
    screenshot("meetings-compiled")
    page.goto(f"/meetings/{meeting.pk}/report/revisions/")
    assert page.locator(".revision").count() >= 2
    screenshot("meetings-revisions")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_nothing_typed_is_lost_bad_date_unadded_item_offline_and_reload(page, screenshot):
    team, carol, _ = _people()
    meeting = meeting_on(make_series(team), MONDAY)
    report = reports.report_open(meeting=meeting, user=carol)
    topic = reports.topic_add(report=report, user=carol, title="Tape staging backlog")
    new = f"topic-{topic.pk}-new-"
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved text?"
    browser_login(page, "carol", PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/report/")
    keyboard = page.keyboard

    # An unadded action item with a due date the browser cannot read (month only), then
    # Tab on to the discussion: leaving a field saves, the date is refused at its field.
    page.focus(f"#{new}title")
    keyboard.type("Ask the tape team")
    keyboard.press("Tab")
    keyboard.type("carol")
    keyboard.press("Tab")
    keyboard.type("12")
    page.focus(f"#topic-{topic.pk}-discussion")
    keyboard.type("Rules are stuck in staging.")
    keyboard.press("Tab")
    page.wait_for_selector("#report-form[data-state='invalid']")  # saved, but for the date
    page.wait_for_selector(f"[id='{new}due_on-error']")
    assert "DD/MM/YYYY" in page.locator(f"[id='{new}due_on-error']").inner_text()
    assert "not saved" in page.locator("#save-state").inner_text()
    assert page.locator("#report-form").count() == 1  # the editor is still there
    topic.refresh_from_db()
    assert topic.discussion == "Rules are stuck in staging."
    # The row was saved when the cursor left its title (once); its date is still refused.
    assert list(ActionItem.objects.values_list("title", "due_on")) == [("Ask the tape team", None)]
    screenshot("meetings-editor-bad-date")

    # The server cannot be reached: the text stays in the browser.
    page.route("**/autosave/", lambda route: route.abort())
    page.focus(f"#topic-{topic.pk}-decision")
    keyboard.type("Escalate on Friday")
    keyboard.press("Tab")
    page.wait_for_selector("#report-form[data-state='error']")
    assert "cannot be reached" in page.locator("#save-state").inner_text()
    topic.refresh_from_db()
    assert topic.decision == ""

    # A reload in the middle (still offline): everything comes back into its field.
    page.reload()
    page.wait_for_selector("#local-copy:not([hidden])")
    assert "was restored" in page.locator("#local-copy").inner_text()
    assert page.locator(f"#topic-{topic.pk}-decision").input_value() == "Escalate on Friday"
    item = ActionItem.objects.get()  # saved before going offline: now an item row
    assert page.locator(f"[name='item-{item.pk}-title']").input_value() == "Ask the tape team"
    assert page.locator(f"[name='item-{item.pk}-owner']").input_value() == "carol"
    assert page.locator(f"#topic-{topic.pk}-discussion").input_value() == (
        "Rules are stuck in staging."
    )
    screenshot("meetings-editor-restored")

    # Back online: the retry saves it all; then a good date for the item.
    page.unroute("**/autosave/")
    page.wait_for_selector("#report-form[data-state='saved']", timeout=15_000)  # retried
    topic.refresh_from_db()
    assert topic.decision == "Escalate on Friday"
    page.focus(f"[name='item-{item.pk}-due_on']")
    keyboard.type("03242027")
    keyboard.press("Enter")  # Enter elsewhere saves
    page.wait_for_function("() => window.localStorage.length === 0")
    item.refresh_from_db()
    assert (item.title, item.owner, item.due_on) == (
        "Ask the tape team",
        carol,
        MONDAY.replace(day=24),
    )

    page.reload()
    page.wait_for_selector("#report-form")
    assert page.locator("#local-copy").is_hidden()
    assert page.locator(f"#topic-{topic.pk}-decision").input_value() == "Escalate on Friday"
    assert page.locator(f"#topic-{topic.pk}-discussion").input_value() == (
        "Rules are stuck in staging."
    )
    assert page.locator(f"input[name='item-{item.pk}-title']").input_value() == "Ask the tape team"
    assert ActionItem.objects.count() == 1
    screenshot("meetings-editor-after-reload")
