from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("letters", "0005_version_signatory_lists")]

    operations = [
        migrations.AddField(
            model_name="letterversion",
            name="formula",
            field=models.CharField(
                blank=True, max_length=60, verbose_name="formula under the addressees"
            ),
        ),
    ]
