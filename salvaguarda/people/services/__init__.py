"""Writes of reception. Views, the API, commands and tasks call only these functions."""

from salvaguarda.people.services.persons import (
    EDITABLE,
    Arrival,
    Contact,
    MemberData,
    check_family,
    contact_add,
    household_register,
    person_move,
    person_register,
    person_update,
)
from salvaguarda.people.services.screening import screening_record

__all__ = [
    "EDITABLE",
    "Arrival",
    "Contact",
    "MemberData",
    "check_family",
    "contact_add",
    "household_register",
    "person_move",
    "person_register",
    "person_update",
    "screening_record",
]
