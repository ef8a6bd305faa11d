import factory

from github_sync.models import GitHubIssue, IssueLink


class GitHubIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GitHubIssue

    repository = "ops/service"
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Issue {n}")
    html_url = factory.LazyAttribute(
        lambda o: f"https://github.com/{o.repository}/issues/{o.number}"
    )
    synced_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").UTC)


class IssueLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueLink

    issue = factory.SubFactory(GitHubIssueFactory)
    repository = factory.LazyAttribute(lambda o: o.issue.repository)
    status = IssueLink.Status.LINKED
    team = factory.LazyAttribute(lambda o: (o.action_item or o.incident).team)
    action_item = None
    incident = None
