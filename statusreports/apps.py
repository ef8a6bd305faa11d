from django.apps import AppConfig


class StatusReportsConfig(AppConfig):
    """Monthly status reports: drafted from the period summary builder, published and kept."""

    name = "statusreports"
    verbose_name = "Monthly status reports"
