from django.db import migrations

from salvaguarda.core.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [EnableRowLevelSecurity("person")]
