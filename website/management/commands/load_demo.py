"""Load the demo curriculum, help channels and demo accounts. Safe to run again: adds nothing twice."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from users.demo import create_demo_accounts
from website.demo.loader import load_demo_content
from website.demo.schema import ContentError


class Command(BaseCommand):
    help = "Load the demo curriculum (demo/), help channels and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--content", default=settings.DIGNITY_DEMO_DIR, help="demo content folder")
        parser.add_argument("--update", action="store_true", help="overwrite existing demo objects from the files")
        parser.add_argument("--no-accounts", action="store_true", help="do not create demo accounts")

    def handle(self, *args, **options):
        try:
            created = load_demo_content(options["content"], stdout=self.stdout, update=options["update"])
        except ContentError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Demo content: {created} new object(s).")
        classroom_demo = self._classroom_demo()
        if options["no_accounts"]:
            return
        accounts = create_demo_accounts()
        if classroom_demo:
            classroom_demo(self.stdout)
        self.stdout.write("\nDemo accounts (for trying Dignity out; never use them on a real site):")
        for username, password in accounts:
            self.stdout.write(f"  {username:<10} {password}")
        self.stdout.write("Log in at http://127.0.0.1:8000/ko/accounts/login/ ; editors use /cms/")

    def _classroom_demo(self):
        try:
            from classrooms.demo import create_demo_class
        except ImportError:
            return None
        return create_demo_class
