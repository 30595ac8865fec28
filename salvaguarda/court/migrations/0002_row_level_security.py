from django.db import migrations

from salvaguarda.core.rls import EnableRowLevelSecurity

TABLES = [
    "immigrationcase",
    "nonrefoulementinterview",
    "representation",
    "hearing",
    "hearingchange",
    "reminder",
    "reminderplan",
    "remindertext",
    "hearingimport",
]


class Migration(migrations.Migration):
    dependencies = [("court", "0001_initial")]

    operations = [EnableRowLevelSecurity(name) for name in TABLES]
