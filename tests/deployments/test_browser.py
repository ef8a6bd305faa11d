import pytest
from django.core.management import call_command

from deployments.models import CampaignHost, Change, HostChange
from tests.conftest import browser_login


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_matrix_shows_the_drift_and_a_cell_flips_in_place(page, screenshot, demo):
    browser_login(page, "bob", "demo")
    page.click("nav.mainnav >> text=Deployments")
    page.click("main >> text=Patch matrix")
    page.wait_for_url("**/deployments/wmcore/")
    assert page.locator("#matrix tbody tr").count() == 10
    assert page.locator("#matrix td.cell.state-pending").count() > 0
    assert page.locator("#matrix td.cell.state-failed").count() == 1
    screenshot("deployments-matrix")  # docs/screenshots/deployments-matrix.png is a copy

    change = Change.objects.get(title__startswith="RucioInjector")
    cell = HostChange.objects.select_related("host").get(change=change, state="failed")
    selector = f"#cell-{change.pk}-{cell.host.pk}"
    page.evaluate("window.notReloaded = true")
    page.click(f"{selector} summary")
    page.fill(f"{selector} input[name=note]", "re-applied after reverting the local edit")
    page.click(f"{selector} button[value=applied]")
    page.wait_for_selector(f"{selector}.state-applied")
    assert page.evaluate("window.notReloaded") is True
    cell.refresh_from_db()
    assert (cell.state, cell.updated_by.username) == ("applied", "bob")
    screenshot("deployments-matrix-after-flip")

    # Filters: one site, one release.
    page.select_option("#id_site", "FNAL")
    page.click("#matrix-filters button[type=submit]")
    page.wait_for_url("**site=FNAL**")
    assert page.locator("#matrix tbody tr").count() == 4


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_draining_campaign_moves_on_and_shows_on_the_dashboard(page, screenshot, demo):
    browser_login(page, "bob", "demo")
    panel = page.locator("#campaigns-panel")
    assert "Drain CERN agents" in panel.inner_text()
    assert "1/3" in panel.inner_text()  # drained or further: two of three; redeployed: one
    screenshot("deployments-dashboard-panel")
    panel.locator("a").first.click()
    page.wait_for_url("**/deployments/wmcore/campaigns/*/")
    row = page.locator("#campaign-host-vocms0256")
    row.locator("select[name=stage]").select_option("drained")
    row.locator(".stage-form button").click()
    page.wait_for_selector("text=vocms0256: drained.")
    row = page.locator("#campaign-host-vocms0256")
    assert row.locator(".badge").inner_text() == "Drained"
    row.locator("button.tickbox").nth(2).click()
    page.wait_for_load_state()
    assert page.locator("#campaign-host-vocms0256 button.tickbox.done").count() == 3
    screenshot("deployments-campaign")
    assert CampaignHost.objects.get(host__name="vocms0256").stage == "drained"
    page.goto("/")
    assert "3/3" in page.locator("#campaigns-panel").inner_text()
