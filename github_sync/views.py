"""HTML pages: an item's (or incident's) GitHub issues with the create and link forms,
the links partial (HTMX refresh while a creation runs), Retry, and the sync status
page for leads. Reading needs `readable` access to the team; writing, membership."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from github_sync import forms, selectors
from github_sync.client import IssueTemplate
from github_sync.models import IssueLink
from github_sync.services import creation, linking
from github_sync.services.templates import issue_templates_cached
from incidents import selectors as incident_selectors
from incidents.models import ActionItem, Incident
from teams.access import team_access
from teams.forms import add_service_error
from teams.models import Membership, Team
from teams.requests import AuthenticatedRequest

KINDS = {"action-items": "action item", "incidents": "incident"}


def _target(team: Team, kind: str, pk: int) -> ActionItem | Incident:
    if kind == "action-items":
        return incident_selectors.action_item_get(team=team, pk=pk)
    return get_object_or_404(Incident.objects.filter(team=team).select_related("team"), pk=pk)


def _urls(team: Team, kind: str, target: ActionItem | Incident) -> dict[str, str]:
    args = [team.slug, kind, target.pk]
    return {
        "issues_url": reverse("github_sync:issues", args=args),
        "create_url": reverse("github_sync:create", args=args),
        "link_url": reverse("github_sync:link", args=args),
        "refresh_url": reverse("github_sync:links", args=args),
        "target_url": target.get_absolute_url(),
    }


def _next_url(request: AuthenticatedRequest) -> str:
    """Where the page the form was opened from asked to come back to (`?next=`), if safe."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return ""


def _context(
    request: AuthenticatedRequest, slug: str, kind: str, pk: int, *, write: bool
) -> tuple[Team, ActionItem | Incident, dict[str, Any]]:
    access = team_access(user=request.user, slug=slug)
    if write:
        access.require(min_role=Membership.Role.MEMBER)
    else:
        access.require(readable=True)
    team = access.team
    target = _target(team, kind, pk)
    links = list(selectors.links_for_target(target=target))
    context = {
        "team": team,
        "kind": kind,
        "kind_label": KINDS[kind],
        "target": target,
        "links": links,
        "can_write": access.can_write,
        "next_url": _next_url(request),
        **_urls(team, kind, target),
    }
    return team, target, context


def issues(request: AuthenticatedRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """The item's GitHub issues, with the ways to add one."""
    _, _, context = _context(request, slug, kind, pk, write=False)
    return render(request, "github_sync/issues.html", context)


def links(request: AuthenticatedRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """The `_issue_links.html` fragment alone (HTMX refreshes it while creating)."""
    _, _, context = _context(request, slug, kind, pk, write=False)
    return render(request, "github_sync/_issue_links.html", context)


def _chosen_template(
    request: AuthenticatedRequest, repository: str
) -> tuple[list[IssueTemplate], IssueTemplate | None, str]:
    templates, error = issue_templates_cached(repository=repository)
    chosen = request.GET.get("template", "")
    template = next((t for t in templates if t.filename == chosen), None)
    return templates, template, error


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    team, target, context = _context(request, slug, kind, pk, write=True)
    repositories = selectors.team_repositories(team=team)
    if not repositories:
        messages.error(request, "This team has no GitHub repository: set one on the team first.")
        return redirect(context["issues_url"])
    repository = request.GET.get("repository") or repositories[0]
    if repository not in repositories:
        repository = repositories[0]
    templates, template, template_error = _chosen_template(request, repository)
    initial = {
        "repository": repository,
        "title": target.title,
        "body": creation.default_body(target=target),
        "assignee": creation.default_assignee(target=target),
    }
    if template is not None:
        initial["title"] = f"{template.title}{target.title}" if template.title else target.title
        initial["body"] = template.body
        initial["labels"] = ", ".join(template.labels)
    form = forms.IssueCreateForm(request.POST or None, initial=initial, repositories=repositories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, new = creation.issue_create_request(
                target=target,
                repository=data["repository"],
                by=request.user,
                title=data["title"],
                body=data["body"],
                labels=data["labels"],
                assignee=data["assignee"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if new:
                messages.success(request, f"Opening the issue in {link.repository}…")
            else:
                messages.info(
                    request,
                    f"An issue in {link.repository} is already "
                    f"{link.get_status_display().lower()} for this {KINDS[kind]}: no second one.",
                )
            return redirect(context["next_url"] or context["issues_url"])
    context |= {
        "form": form,
        "repository": repository,
        "repositories": repositories,
        "template_form": forms.TemplateChoiceForm(
            initial={"template": template.filename if template else ""}, templates=templates
        ),
        "templates": templates,
        "template_error": template_error,
    }
    return render(request, "github_sync/create_form.html", context)


@require_http_methods(["GET", "POST"])
def link(request: AuthenticatedRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    _, target, context = _context(request, slug, kind, pk, write=True)
    form = forms.IssueLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue_link, new = linking.issue_link_existing(
                target=target, reference=form.cleaned_data["reference"], by=request.user
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "link" in error.error_dict:
                error = ValidationError({"reference": error.error_dict["link"]})
            elif hasattr(error, "error_dict") and "repository" in error.error_dict:
                error = ValidationError({"reference": error.error_dict["repository"]})
            add_service_error(form, error)
        else:
            issue = issue_link.issue
            label = issue.reference if issue else issue_link.repository
            messages.success(request, f"Linked {label}." if new else f"{label} was linked already.")
            return redirect(context["next_url"] or context["issues_url"])
    context["form"] = form
    return render(request, "github_sync/link_form.html", context)


@require_POST
def retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Retry a failed creation (from the partial or the status page)."""
    issue_link = get_object_or_404(IssueLink.objects.select_related("team"), pk=pk)
    team_access(user=request.user, team=issue_link.team).require(min_role=Membership.Role.MEMBER)
    creation.issue_create_retry(link=issue_link)
    messages.success(request, "Trying again.")
    next_url = _next_url(request)
    if next_url:
        return redirect(next_url)
    kind = "action-items" if issue_link.action_item_id else "incidents"
    target_pk = issue_link.action_item_id or issue_link.incident_id
    return redirect("github_sync:issues", issue_link.team.slug, kind, target_pk)


def status(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The sync status page (leads)."""
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD)
    context = {"team": access.team, "status": selectors.sync_status(team=access.team)}
    return render(request, "github_sync/status.html", context)
