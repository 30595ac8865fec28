"""The models of referrals: today the network's service directory (`directory/models.py`).

Referrals between organizations and access to rights come later, each a sub-package of its own.
"""

from salvaguarda.referrals.directory.models import (
    DirectoryImport,
    Location,
    Phone,
    Provider,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceEligibility,
    ServiceLanguage,
)

__all__ = [
    "DirectoryImport",
    "Location",
    "Phone",
    "Provider",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "ServiceEligibility",
    "ServiceLanguage",
]
