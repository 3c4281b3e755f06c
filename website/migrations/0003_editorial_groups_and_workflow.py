"""Editors write and submit; Moderators approve and publish through the "Curriculum review" workflow.

Wagtail's own migrations create the two groups and a default "Moderators approval" workflow on the
root page; this gives that workflow our name, runs law references through it too, and grants both
groups the snippet, setting and image permissions our content needs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODEL_PERMISSIONS = {
    ("lessons", "lawreference"): ["add", "change"],
    ("support", "helpchannel"): ["add", "change"],
    ("support", "reportguide"): ["add", "change"],
    ("lessons", "curriculumimage"): ["add", "change", "choose"],
}
MODERATOR_MODEL_PERMISSIONS = {
    ("lessons", "lawreference"): ["add", "change", "delete", "publish"],
    ("support", "helpchannel"): ["add", "change", "delete"],
    ("support", "reportguide"): ["add", "change", "delete"],
    ("support", "safetysettings"): ["change"],
    ("lessons", "curriculumimage"): ["add", "change", "choose", "delete"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    Page = apps.get_model("wagtailcore.Page")

    root_collection = Collection.objects.filter(depth=1).first()
    for group_name, table in (("Editors", EDITOR_MODEL_PERMISSIONS), ("Moderators", MODERATOR_MODEL_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=group_name)
        admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
        if admin:
            group.permissions.add(admin)
        for (app_label, model), actions in table.items():
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type, codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                if model == "curriculumimage" and root_collection:
                    # Image permissions are granted per collection.
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
                else:
                    group.permissions.add(permission)

    workflow = Workflow.objects.filter(name="Moderators approval").first() or Workflow.objects.first()
    if workflow is None:
        return
    workflow.name = "Curriculum review"
    workflow.active = True
    workflow.save()
    root = Page.objects.filter(depth=1).first()
    if root and not WorkflowPage.objects.filter(page=root).exists():
        WorkflowPage.objects.create(page=root, workflow=workflow)
    law_type, _ = ContentType.objects.get_or_create(app_label="lessons", model="lawreference")
    WorkflowContentType.objects.get_or_create(content_type=law_type, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0002_home_pages"),
        ("lessons", "0001_initial"),
        ("support", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
