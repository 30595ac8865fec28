from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "salvaguarda.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from salvaguarda.core import (
            anchors,
            checks,  # noqa: F401 - registers the system checks
            upkeep,
        )

        # Planner statistics after every migration, and the periodic upkeep queued.
        post_migrate.connect(upkeep.after_migrate, sender=self, dispatch_uid="core-upkeep")
        # The periodic anchoring of the audit trail queued too (core.anchors).
        post_migrate.connect(anchors.after_migrate, sender=self, dispatch_uid="core-anchors")
