import pytest

from teams.markdown import render_markdown
from teams.models import Team
from teams.search import text_search
from tests.teams.factories import TeamFactory


def test_markdown_renders_and_strips_script():
    html = render_markdown("**bold** [link](https://example.org) <script>alert(1)</script>")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<script" not in html


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x"])
def test_markdown_drops_dangerous_links(href):
    assert href.split(":")[0] not in render_markdown(f"[x]({href})")


def test_text_search_matches_all_words(db):
    TeamFactory(name="Workload management developers")
    TeamFactory(name="Alert pipeline on-call")
    found = text_search(Team.objects.all(), query="workload developers", fields=["name"])
    assert [team.name for team in found] == ["Workload management developers"]
    assert text_search(Team.objects.all(), query="  ", fields=["name"]).count() == 2
