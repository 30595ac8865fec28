from django.db import migrations

from salvaguarda.core.rls import EnableRowLevelSecurity

TABLES = ["figure", "signaturerequest"]


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_letter_fields_figures_signing")]

    operations = [EnableRowLevelSecurity(name) for name in TABLES]
