from salvaguarda.people.models.person import (
    ContactChannel,
    Household,
    NameToken,
    Person,
    PersonLocation,
)
from salvaguarda.people.models.protection import Consent, SafeguardCheck
from salvaguarda.people.models.reception import Answer, IdentityDocument, ReturnEvent
from salvaguarda.people.models.screening import Screening, SpecificNeed
from salvaguarda.people.models.search import SavedSearch

__all__ = [
    "Answer",
    "Consent",
    "ContactChannel",
    "Household",
    "IdentityDocument",
    "NameToken",
    "Person",
    "PersonLocation",
    "ReturnEvent",
    "SafeguardCheck",
    "SavedSearch",
    "Screening",
    "SpecificNeed",
]
