import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deployments.models import Campaign, Change, Host, HostChange, HostEvent
from deployments.services import campaigns, changes
from tests.deployments.factories import fleet

ROLES = ["outsider", "member", "lead"]


@pytest.fixture
def data(team, lead):
    agents = fleet(team)
    change = changes.change_create(team=team, title="Patch 1", by=lead)
    campaign = campaigns.campaign_create(
        team=team, title="Drain", by=lead, hosts=agents[:2], checklist=[("Stop pulling", True)]
    )
    return {"change": change, "campaign": campaign, "item": campaign.checklist.get()}


@pytest.fixture
def as_role(user_client, lead, member, outsider):
    users = {"outsider": outsider, "member": member, "lead": lead}
    return lambda role: user_client(users[role])


PAGES = [
    "/deployments/",
    "/deployments/ops/",
    "/deployments/ops/?site=CERN",
    "/deployments/ops/hosts/",
    "/deployments/ops/hosts/cern-0/",
    "/deployments/ops/changes/",
    "/deployments/ops/changes/{change}/",
    "/deployments/ops/campaigns/",
    "/deployments/ops/campaigns/{campaign}/",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_pages_open_for_the_team_and_are_404_for_others(as_role, data, role, path):
    url = path.format(change=data["change"].pk, campaign=data["campaign"].pk)
    expected = 404 if role == "outsider" and url != "/deployments/" else 200
    assert as_role(role).get(url).status_code == expected


def test_anonymous_is_sent_to_the_login(client, data):
    response = client.get("/deployments/ops/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# (path, payload, minimum role)
WRITES = [
    ("/deployments/ops/matrix/{change}/cern-0/", {"state": "applied"}, "member"),
    ("/deployments/ops/hosts/cern-0/", {"state": "draining", "note": "disk"}, "member"),
    ("/deployments/ops/campaigns/{campaign}/hosts/cern-0/stage/", {"stage": "draining"}, "member"),
    (
        "/deployments/ops/campaigns/{campaign}/checklist/{item}/tick/",
        {"host": "cern-0", "done": "1"},
        "member",
    ),
    ("/deployments/ops/hosts/", {"name": "new", "site": "CERN", "role": "agent"}, "lead"),
    ("/deployments/ops/changes/", {"kind": "patch", "title": "Patch 2"}, "lead"),
    ("/deployments/ops/changes/{change}/", {"closed": "1"}, "lead"),
    ("/deployments/ops/changes/{change}/apply-pending/", {}, "lead"),
    ("/deployments/ops/campaigns/{campaign}/", {"status": "done"}, "lead"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "payload", "minimum"), WRITES)
def test_write_matrix(as_role, data, role, path, payload, minimum):
    url = path.format(change=data["change"].pk, campaign=data["campaign"].pk, item=data["item"].pk)
    before = HostEvent.objects.count(), Change.objects.count(), Host.objects.count()
    response = as_role(role).post(url, payload)
    after = HostEvent.objects.count(), Change.objects.count(), Host.objects.count()
    if role == "outsider":
        assert response.status_code == 404
    elif role == "member" and minimum == "lead":
        assert response.status_code == 403
    else:
        assert response.status_code == 302, response.content
        return
    assert before == after


def test_flipping_a_cell_with_htmx_returns_the_cell(as_role, data):
    change = data["change"]
    response = as_role("member").post(
        f"/deployments/ops/matrix/{change.pk}/cern-0/",
        {"state": "failed", "note": "conflict"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<td")
    assert "state-failed" in body
    assert HostChange.objects.get(change=change, host__name="cern-0").note == "conflict"


def test_the_matrix_filters_by_site_and_release(as_role, team, lead):
    agents = fleet(team)
    Host.objects.filter(pk=agents[1].pk).update(release="2.3.3")
    changes.change_create(team=team, title="Everywhere", by=lead)
    page = as_role("member").get("/deployments/ops/?site=CERN&release=2.3.4").content.decode()
    assert "cern-0" in page
    assert "cern-1" not in page
    assert "fnal-0" not in page


def test_apply_to_all_pending_keeps_to_the_filtered_site(as_role, data):
    change = data["change"]
    response = as_role("lead").post(
        f"/deployments/ops/changes/{change.pk}/apply-pending/",
        {"site": "FNAL", "next": "/deployments/ops/?site=FNAL"},
    )
    assert response["Location"] == "/deployments/ops/?site=FNAL"
    states = dict(change.host_changes.values_list("host__name", "state"))
    assert states == {
        "cern-0": "pending",
        "cern-1": "pending",
        "fnal-0": "applied",
        "fnal-1": "applied",
    }


def test_campaign_page_moves_a_host_and_ticks_a_step(as_role, data):
    campaign, item = data["campaign"], data["item"]
    client = as_role("member")
    client.post(
        f"/deployments/ops/campaigns/{campaign.pk}/hosts/cern-0/stage/", {"stage": "drained"}
    )
    client.post(
        f"/deployments/ops/campaigns/{campaign.pk}/checklist/{item.pk}/tick/",
        {"host": "cern-0", "done": "1"},
    )
    assert Host.objects.get(name="cern-0").state == "drained"
    assert item.ticks.count() == 1
    page = client.get(f"/deployments/ops/campaigns/{campaign.pk}/").content.decode()
    assert "1/2" in page  # drained


def csv_file(text):
    data = text if isinstance(text, bytes) else text.encode()
    return SimpleUploadedFile("patches.csv", data, content_type="text/csv")


def test_import_previews_then_writes_everything(as_role, data, member):
    change = data["change"]
    client = as_role("lead")
    text = f"host,change,state,note\ncern-0,{change.pk},applied,by hand\nfnal-0,Patch 1,n/a,\n"
    preview = client.post("/deployments/ops/import/", {"file": csv_file(text)})
    assert preview.status_code == 200
    assert not HostEvent.objects.filter(kind="change").exists()
    payload = preview.context["payload"]
    assert payload
    done = client.post("/deployments/ops/import/confirm/", {"payload": payload})
    assert done.status_code == 302
    states = dict(change.host_changes.values_list("host__name", "state"))
    assert states["cern-0"] == "applied"
    assert states["fnal-0"] == "not_needed"
    # The signed preview belongs to its uploader.
    other = as_role("member").post("/deployments/ops/import/confirm/", {"payload": payload})
    assert other.status_code == 403


def test_import_with_a_bad_row_writes_nothing_and_names_each_problem(as_role, team, data, lead):
    other = changes.change_create(
        team=team, title="Only CERN", by=lead, hosts=list(Host.objects.filter(site="CERN"))
    )
    text = (
        "host,change,state\n"
        f"cern-0,{data['change'].pk},applied\n"
        "nohost,Patch 1,applied\n"
        "cern-1,Patch 99,applied\n"
        "cern-1,Patch 1,maybe\n"
        f"fnal-0,{other.pk},applied\n"
    )
    preview = as_role("lead").post("/deployments/ops/import/", {"file": csv_file(text)})
    body = preview.content.decode()
    assert "Unknown host &#x27;nohost&#x27;" in body
    assert "Unknown change &#x27;Patch 99&#x27;" in body
    assert "Bad state &#x27;maybe&#x27;" in body
    assert "fnal-0 is not in the scope" in body
    assert preview.context["payload"] == ""
    assert not HostChange.objects.exclude(state="pending").exists()


@pytest.mark.parametrize(
    "text",
    [b"", b"host;change\nx;y\n", b"\xff\xfe\x00", b"host,change,state\n"],
)
def test_unreadable_tables_are_a_form_error(as_role, data, text):
    response = as_role("lead").post("/deployments/ops/import/", {"file": csv_file(text)})
    assert response.status_code == 400


def test_the_dashboard_shows_active_campaigns(as_role, data):
    page = as_role("member").get("/").content.decode()
    assert 'id="campaigns-panel"' in page
    assert "Drain" in page
    Campaign.objects.update(status=Campaign.Status.DONE)
    page = as_role("member").get("/").content.decode()
    assert "No draining or redeployment campaign" in page
