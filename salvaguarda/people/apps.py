from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "salvaguarda.people"
    label = "people"

    def ready(self) -> None:
        from salvaguarda.core import rotation, upkeep
        from salvaguarda.people.saved_searches import expired_searches_delete
        from salvaguarda.people.search import rebuild_organization_tokens

        # Name-search tokens are keyed with the data key: rebuild them when it changes.
        if rebuild_organization_tokens not in rotation.AFTER_ORGANIZATION_ROTATION:
            rotation.AFTER_ORGANIZATION_ROTATION.append(rebuild_organization_tokens)
        # Searches kept for their results page go when they expire.
        if expired_searches_delete not in upkeep.PERIODIC:
            upkeep.PERIODIC.append(expired_searches_delete)
