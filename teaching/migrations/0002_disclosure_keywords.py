"""Starting disclosure keyword lists (Korean and English), and the editors' right to keep them.

A question containing any of these shows the student the help lines before it is sent and is flagged
for the teacher. Editors and moderators change the lists under Snippets → Disclosure keywords.
"""

import uuid

from django.contrib.auth.management import create_permissions
from django.db import migrations

KEYWORDS = {
    "ko": [
        "내 사진",
        "제 사진",
        "나를 찍",
        "저를 찍",
        "몰래 찍",
        "협박",
        "퍼뜨린다",
        "퍼뜨리겠",
        "유포",
        "보내라고",
        "돈을 보내",
        "만졌",
        "만져",
        "성폭력",
        "성추행",
        "합성했",
        "딥페이크로 만들",
        "무서워",
        "죽고 싶",
        "친구가 당했",
    ],
    "en": [
        "my photo",
        "my picture",
        "photo of me",
        "filmed me",
        "threaten",
        "blackmail",
        "sextort",
        "send nudes",
        "touched me",
        "abused",
        "made a deepfake of me",
        "shared my",
        "posting my",
        "i'm scared",
        "i am scared",
        "kill myself",
        "hurt myself",
        "happened to my friend",
    ],
}

PERMISSIONS = {"Editors": ["add", "change", "view"], "Moderators": ["add", "change", "delete", "view"]}


def seed(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    DisclosureKeywordList = apps.get_model("teaching.DisclosureKeywordList")
    translation_key = uuid.uuid4()
    for language, keywords in KEYWORDS.items():
        locale = Locale.objects.filter(language_code=language).first()
        if locale and not DisclosureKeywordList.objects.filter(locale=locale).exists():
            DisclosureKeywordList.objects.create(
                locale=locale, translation_key=translation_key, keywords="\n".join(keywords)
            )

    app_config = apps.get_app_config("teaching")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    for group_name, actions in PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for action in actions:
            permission = Permission.objects.filter(
                content_type__app_label="teaching", codename=f"{action}_disclosurekeywordlist"
            ).first()
            if permission:
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("teaching", "0001_question_box_and_live_polls"),
        ("website", "0003_editorial_groups_and_workflow"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
