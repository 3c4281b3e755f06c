"""Create the safety settings of every site up front, so reading them on a page never writes."""

from django.db import migrations


def create_safety_settings(apps, schema_editor):
    Site = apps.get_model("wagtailcore.Site")
    SafetySettings = apps.get_model("support.SafetySettings")
    for site in Site.objects.all():
        SafetySettings.objects.get_or_create(site=site)


class Migration(migrations.Migration):
    dependencies = [("website", "0003_editorial_groups_and_workflow"), ("support", "0001_initial")]

    operations = [migrations.RunPython(create_safety_settings, migrations.RunPython.noop)]
