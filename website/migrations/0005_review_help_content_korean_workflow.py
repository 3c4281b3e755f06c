"""Help channels and report guides go through the review workflow too, and it gets Korean names.

- "교육과정 검토" (Curriculum review) now also covers HelpChannel and ReportGuide, so a hotline or a
  report link changes only when a moderator approves. Existing rows stay live: the new `live`
  field defaults to True (support/0002, lessons/0003).
- Moderators get the publish, lock and unlock permissions the snippet mixins add; editors may lock
  and unlock what they edit but never publish, so their only way to publish is to submit.
- The workflow and its task get Korean names, because our editors work in Korean and Wagtail shows
  the names inside its own sentences ("… 에 제출"); the English names are in the README.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WORKFLOW_NAME = "교육과정 검토"  # Curriculum review
TASK_NAME = "검토자 승인"  # Moderator approval
OLD_WORKFLOW_NAME = "Curriculum review"
REVIEWED_SNIPPETS = [("lessons", "lawreference"), ("support", "helpchannel"), ("support", "reportguide")]
EDITOR_ACTIONS = ["lock", "unlock"]
MODERATOR_ACTIONS = ["publish", "lock", "unlock"]


def permission(apps, app_label, model, action):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
    )
    return found


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth.Group")
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")

    for group_name, actions in (("Editors", EDITOR_ACTIONS), ("Moderators", MODERATOR_ACTIONS)):
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, model in REVIEWED_SNIPPETS:
            for action in actions:
                group.permissions.add(permission(apps, app_label, model, action))

    workflow = Workflow.objects.filter(name=OLD_WORKFLOW_NAME).first()
    if workflow is None:
        return
    workflow.name = WORKFLOW_NAME
    workflow.save(update_fields=["name"])
    for workflow_task in WorkflowTask.objects.filter(workflow=workflow).select_related("task"):
        workflow_task.task.name = TASK_NAME
        workflow_task.task.save(update_fields=["name"])
    for app_label, model in REVIEWED_SNIPPETS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        WorkflowContentType.objects.update_or_create(content_type=content_type, defaults={"workflow": workflow})


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore.Workflow")
    Workflow.objects.filter(name=WORKFLOW_NAME).update(name=OLD_WORKFLOW_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0004_safety_settings"),
        ("lessons", "0003_law_reference_review_workflow"),
        ("support", "0002_help_content_drafts_and_review"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
