"""Create the Korean and English home pages and point the default site at them.

A fresh install must serve /ko/ and /en/ before any demo content is loaded.
"""

import uuid

from django.db import migrations

HOMES = [
    ("ko", "home", "Dignity: 디지털 성범죄를 알고, 막고, 돕기",
     "딥페이크, 불법촬영, 성착취 협박을 배우고, 도움이 필요할 때 어디로 가야 하는지 알아봅니다."),
    ("en", "home-en", "Dignity: understand, prevent and get help with digital sex crimes",
     "Learn about deepfakes, non-consensual filming and sextortion, and where to turn when you need help."),
]


def create_home_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("website.HomePage")

    if HomePage.objects.exists():
        return
    # Wagtail's own placeholder page at the top of the tree.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="website")
    translation_key = uuid.uuid4()
    homes = []
    for position, (language, slug, title, intro) in enumerate(HOMES, start=1):
        locale, _ = Locale.objects.get_or_create(language_code=language)
        homes.append(
            HomePage.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                intro=intro,
                content_type=content_type,
                path=f"0001{position:04d}",
                depth=2,
                numchild=0,
                url_path=f"/{slug}/",
                locale=locale,
                translation_key=translation_key,
                live=True,
            )
        )
    Page.objects.filter(depth=1).update(numchild=len(homes))
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=homes[0].id, is_default_site=True,
                        site_name="Dignity")


def remove_home_pages(apps, schema_editor):
    """Going back: remove the home pages' tree rows too, so going forward again finds their paths free.

    Pages below them stay in the tree and belong to the new home pages created on the way forward.
    """
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("website.HomePage")
    home_ids = list(HomePage.objects.values_list("pk", flat=True))
    Site.objects.filter(root_page_id__in=home_ids).delete()
    HomePage.objects.filter(pk__in=home_ids).delete()
    Page.objects.filter(pk__in=home_ids).delete()
    Page.objects.filter(depth=1).update(numchild=Page.objects.filter(depth=2).count())


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_home_pages, remove_home_pages)]
