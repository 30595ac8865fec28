from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_row_level_security_figures_signing")]

    operations = [
        migrations.AddField(
            model_name="letterversion",
            name="signatory_lists",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
