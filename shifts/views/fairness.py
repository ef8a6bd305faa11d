"""The fairness report of a rotation (with its SVG charts) and its CSV export."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from shifts.charts import fairness_chart, quarter_chart
from shifts.selectors import fairness as fairness_selectors
from shifts.selectors import rotations as rotation_selectors
from teams.access import team_access
from teams.requests import AuthenticatedRequest


def _year(request: AuthenticatedRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def fairness(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(readable=True).team
    rotation = rotation_selectors.rotation_get(team=team, pk=pk)
    year = _year(request)
    report = fairness_selectors.fairness_report(rotation=rotation, year=year)
    context = {
        "team": team,
        "rotation": rotation,
        "year": year,
        "report": report,
        "chart": fairness_chart(report),
        "quarters": quarter_chart(report),
        "csv_url": reverse("shifts:fairness-csv", kwargs={"slug": slug, "pk": pk})
        + f"?year={year}",
    }
    return render(request, "shifts/fairness.html", context)


def fairness_csv(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(readable=True).team
    rotation = rotation_selectors.rotation_get(team=team, pk=pk)
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{team.slug}-fairness-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "person",
            "period",
            "shifts",
            "hours",
            "weekday_hours",
            "weekend_hours",
            "public_holiday_hours",
            "days_unavailable",
        ]
    )
    for row in fairness_selectors.fairness_report(rotation=rotation, year=year):
        periods = [(str(year), row.year)] + [
            (f"{year}-Q{n + 1}", hours) for n, hours in enumerate(row.quarters)
        ]
        for label, hours in periods:
            writer.writerow(
                [
                    row.person.get_username(),
                    label,
                    hours.shifts,
                    f"{hours.total:.1f}",
                    f"{hours.weekday:.1f}",
                    f"{hours.weekend:.1f}",
                    f"{hours.holiday:.1f}",
                    hours.unavailable_days,
                ]
            )
    return response
