"""A team's monthly status report setting and its reports, one per calendar month."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from teams.models import Team


class StatusReportSettings(models.Model):
    """Whether the team reports monthly, and who beyond its mailing list hears of it."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="status_report_settings"
    )
    reports_monthly = models.BooleanField(
        default=False, help_text="Draft a status report for the lead on the first of each month."
    )
    stakeholders = models.JSONField(
        default=list,
        blank=True,
        help_text="Email addresses that receive published reports, besides the mailing list.",
    )

    class Meta:
        verbose_name = "status report settings"
        verbose_name_plural = "status report settings"

    def __str__(self) -> str:
        return f"{self.team}: {'monthly' if self.reports_monthly else 'no'} status reports"

    def clean(self) -> None:
        from statusreports.months import stakeholders_check

        self.stakeholders = stakeholders_check(self.stakeholders)


class StatusReport(models.Model):
    """The report of one team for one calendar month (`month` is its first day, in the
    team's zone). Drafts show the summary as built now; publishing stores what was
    rendered then (`published_*`), so a published report stays as it was sent."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="status_reports")
    month = models.DateField(help_text="The first day of the month reported on.")
    summary = models.TextField(blank=True, help_text="The lead's summary, in Markdown.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_text = models.TextField(blank=True, help_text="As emailed (text part).")
    published_html = models.TextField(blank=True, help_text="As emailed (sanitized HTML).")
    emailed_to = models.TextField(blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="one_status_report_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.team} status report, {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse(
            "statusreports:report",
            kwargs={"slug": self.team.slug, "month": f"{self.month:%Y-%m}"},
        )

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED
