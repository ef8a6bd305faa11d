"""The schema declares, for every operation, a summary, a resource group and the error
responses it can give; an unrouted API URL answers in the API's JSON error format."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@pytest.fixture(scope="module")
def operations():
    document = json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]


def test_every_operation_has_a_summary_a_group_and_its_errors(operations):
    assert len(operations) > 50
    for method, path, operation in operations:
        label = f"{method} {path}"
        assert operation.get("summary"), label
        assert operation.get("tags"), label
        assert {"401", "403", "429"} <= set(operation["responses"]), label
        if "{" in path:
            assert "404" in operation["responses"], label
        if method in {"POST", "PATCH", "PUT"}:
            assert "400" in operation["responses"], label
        error = operation["responses"]["401"]["content"]["application/json"]["schema"]
        assert "detail" in error["properties"], label


def test_who_is_on_shift_is_found_by_its_group(operations):
    oncall = [op for method, path, op in operations if path.endswith("/oncall/")]
    assert oncall[0]["tags"] == ["who is on shift"]
    assert oncall[0]["summary"].startswith("Who is on shift")


@pytest.mark.parametrize(
    "path", ["/api/v1/teams/ops/incidents/abc/", "/api/v1/nothing-here/", "/api/v1/teams/o%20ps/"]
)
def test_an_unrouted_api_url_is_a_json_404(api_as, member, path):
    response = api_as(member).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_unrouted_page_is_still_an_html_404(user_client, member):
    response = user_client(member).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "is_json"),
    [
        ("/api/v1/teams/ops/incidents/?owner=a%00b", True),
        ("/api/v1/teams/ops/shifts/?ordering=%00", True),
        ("/api/v1/teams/ops/incidents/?x%00=1", True),
        ("/incidents/ops/?q=tape%00", False),
    ],
)
def test_a_nul_character_in_the_query_string_is_a_400(user_client, member, path, is_json):
    """PostgreSQL refuses NUL in any string: it must never reach a query (it was a 500)."""
    response = user_client(member).get(path)
    assert response.status_code == 400
    if is_json:
        assert "NUL" in response.json()["detail"]


def test_a_nul_character_in_a_form_field_is_a_400(api_as, member):
    response = api_as(member).post(
        "/api/v1/teams/ops/knowledge/",
        {"title": "t", "components": "a\x00b"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_character_in_a_json_lookup_is_a_400(api_as, member):
    response = api_as(member).post(
        "/api/v1/teams/ops/knowledge/", {"title": "t", "components": ["a\x00b"]}, format="json"
    )
    assert response.status_code == 400
