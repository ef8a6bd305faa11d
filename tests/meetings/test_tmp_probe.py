from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.meetings.htmlform import form_fields, only_changed
from tests.meetings.test_editor_size import HTMX, _fill, _url, report  # noqa: F401


def test_probe(user_client, member, report):  # noqa: F811
    _fill(report, member, 3)
    client = user_client(member)
    fields = form_fields(client.get(_url(report)).content.decode())
    first = fields["topic"][0]
    sent = only_changed(fields, first)
    sent[f"topic-{first}-discussion"] = ["Typed"]
    with CaptureQueriesContext(connection) as q:
        response = client.post(f"{_url(report)}autosave/", sent, **HTMX)
    assert response.status_code == 200
    for i, x in enumerate(q.captured_queries):
        print(i + 1, x["sql"][:400])
