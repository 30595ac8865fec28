from django.db import migrations

from salvaguarda.core.rls import EnableRowLevelSecurity

TABLES = [
    "incident",
    "act",
    "victim",
    "perpetrator",
    "incidentconsent",
    "complaint",
    "evidencefile",
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [EnableRowLevelSecurity(name) for name in TABLES]
