from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "salvaguarda.court"
    label = "court"

    def ready(self) -> None:
        # `channels` registers the system check that refuses a half-configured reminder
        # channel. The at-risk list's kept scores follow the person's channels, consents and
        # location, and the periodic upkeep scores again those whose days are over (`risk`).
        from salvaguarda.core import upkeep
        from salvaguarda.court import channels, risk  # noqa: F401
        from salvaguarda.people import dependents

        dependents.listen(risk.refresh_person)
        if risk.refresh_stale not in upkeep.PERIODIC:
            upkeep.PERIODIC.append(risk.refresh_stale)
