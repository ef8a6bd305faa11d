"""`manage.py seed_demo`: idempotent demo data, gathered from every app's demo.py."""

import importlib
import importlib.util
import os
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from teams.demo import DemoContext


class Command(BaseCommand):
    help = "Create or refresh the demo team (wmcore) and its data. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo users with a known password!).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo users have a known "
                "password; pass --force if you really want them here."
            )
        password = os.environ.get("DEMO_PASSWORD", "demo")
        context = DemoContext(password=password, log=lambda line: self.stdout.write(f"  {line}"))
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"Log in as {', '.join(context.users)} with password {password!r} (alice is the lead)."
        )
