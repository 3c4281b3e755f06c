"""Fail fast, in one line, when DATABASE_URL points at a database that is not there."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = "Check that the configured database answers; name the variable to fix if it does not."

    def handle(self, *args, **options):
        try:
            connection.ensure_connection()
        except OperationalError as error:
            where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "the default SQLite file under var/"
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
            raise CommandError(f"Cannot connect to the database set by {where}: {first_line}") from None
        self.stdout.write(f"Database OK ({connection.vendor}).")
