"""The models of referrals: the network's service directory (`directory/models.py`) and the
referrals to its services (`referring/models.py`), and each person's access to rights
(`rights/models.py`).
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
from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure
from salvaguarda.referrals.referring.models import Referral, ReferralStep, ReferredPerson
from salvaguarda.referrals.rights.models import RightRecord

__all__ = [
    "ComarStep",
    "DocumentProcedure",
    "DirectoryImport",
    "Location",
    "Phone",
    "Provider",
    "Referral",
    "ReferralStep",
    "ReferredPerson",
    "RightRecord",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "ServiceEligibility",
    "ServiceLanguage",
]
