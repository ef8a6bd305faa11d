import factory
from django.utils import timezone

from deployments.models import Campaign, Change, Host, HostChange
from tests.teams.factories import TeamFactory


class HostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Host

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"vocms{n:04d}")
    site = "CERN"
    release = "2.3.4"


class ChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Change

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Patch {n}")
    created_at = factory.LazyFunction(timezone.now)


class HostChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostChange

    change = factory.SubFactory(ChangeFactory)
    host = factory.SubFactory(HostFactory, team=factory.SelfAttribute("..change.team"))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")


def fleet(team, sites=("CERN", "FNAL"), per_site=2, release="2.3.4"):
    """Agents named <site>-<n> on `release`, created in bulk (no history rows)."""
    return Host.objects.bulk_create(
        Host(team=team, name=f"{site.lower()}-{number}", site=site, release=release)
        for site in sites
        for number in range(per_site)
    )
