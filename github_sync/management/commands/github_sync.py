"""`manage.py github_sync [--repo owner/name]`: poll now (all repositories with linked
issues, or the one given), in this process, and print what each poll cost."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from github_sync import selectors
from github_sync.services import polling


class Command(BaseCommand):
    help = "Poll GitHub now for changes to linked issues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repo", help="Only this repository (owner/name).")

    def handle(self, *args: Any, repo: str | None = None, **options: Any) -> None:
        repositories = [repo] if repo else selectors.repositories_to_poll()
        if not repositories:
            self.stdout.write("No repository has linked issues: nothing to poll.")
        for repository in repositories:
            result = polling.repository_poll(repository=repository)
            style = self.style.ERROR if result.result in {"error", "rate limited"} else str
            self.stdout.write(style(str(result)))
