from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "salvaguarda.people"
    label = "people"

    def ready(self) -> None:
        from salvaguarda.core import rotation
        from salvaguarda.people.search import rebuild_organization_tokens

        # Name-search tokens are keyed with the data key: rebuild them when it changes.
        if rebuild_organization_tokens not in rotation.AFTER_ORGANIZATION_ROTATION:
            rotation.AFTER_ORGANIZATION_ROTATION.append(rebuild_organization_tokens)
