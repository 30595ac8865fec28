from django.db import migrations

from salvaguarda.core.rls import EnableRowLevelSecurity

TABLES = [
    "household",
    "contactchannel",
    "personlocation",
    "nametoken",
    "returnevent",
    "identitydocument",
    "screening",
    "specificneed",
    "consent",
    "safeguardcheck",
]


class Migration(migrations.Migration):
    dependencies = [("people", "0003_reception")]

    operations = [EnableRowLevelSecurity(name) for name in TABLES]
