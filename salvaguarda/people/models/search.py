"""A search of the people list kept on the server, so that its results page has an address
(Back and reload show the results again) that holds no name."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import EncryptedJSONField
from salvaguarda.core.models import OrgScopedModel


class SavedSearch(OrgScopedModel):
    """What a caseworker searched (name, birth date, filters: encrypted), for a short while.

    Addressed by its random `uuid`; only its author may open it (`created_by`), and only until
    `expires_at`. Expired rows are deleted by the periodic database upkeep task.
    """

    query = EncryptedJSONField(_("search"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return str(self.uuid)
