from django.db import migrations

from salvaguarda.core.rls import EnableRowLevelSecurity

TABLES = ["letter", "letterversion", "signatory"]


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [EnableRowLevelSecurity(name) for name in TABLES]
