"""The models of referrals: the network's service directory (`directory/models.py`) and the
referrals to its services (`referring/models.py`). Access to rights comes later.
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
from salvaguarda.referrals.referring.models import Referral, ReferralStep, ReferredPerson

__all__ = [
    "DirectoryImport",
    "Location",
    "Phone",
    "Provider",
    "Referral",
    "ReferralStep",
    "ReferredPerson",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "ServiceEligibility",
    "ServiceLanguage",
]
