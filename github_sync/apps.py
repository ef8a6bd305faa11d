from django.apps import AppConfig


class GithubSyncConfig(AppConfig):
    name = "github_sync"
    verbose_name = "GitHub issue sync"

    def ready(self) -> None:
        # incidents sits below this app: its pages show an item's GitHub issues through
        # the registry it offers (incidents.extensions), never by importing this app.
        from github_sync.selectors import links_for_items
        from incidents.extensions import register_item_extra

        register_item_extra(attach=links_for_items, template="github_sync/_item_issues.html")
