"""Which of our migrations would lock an existing table on PostgreSQL, and how hard.

Renders every migration of our apps with `sqlmigrate` for PostgreSQL and classifies each statement
that touches a table the migration did not create itself. Prints a Markdown table (docs/reliability.md
keeps the current one). Needs a PostgreSQL DATABASE_URL to render the SQL; it reads nothing from it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python manage.py shell --no-imports -c \\
        "import runpy; runpy.run_path('bench/reliability/migration_locks.py', run_name='__main__')"
"""

import io
import re

OUR_APPS = ["users", "support", "lessons", "quizzes", "classrooms", "website"]
# Tables that grow with use: one row per answer, attempt, enrolment, lesson opened, person.
BIG = {
    "quizzes_answer",
    "quizzes_quizattempt",
    "classrooms_lessonprogress",
    "classrooms_enrollment",
    "classrooms_progressexport",
    "users_user",
    "wagtailcore_page",
    "wagtailcore_revision",
}

RULES = [
    # (pattern, lock, what it costs)
    (r"^CREATE INDEX CONCURRENTLY", "SHARE UPDATE EXCLUSIVE", "reads and writes go on; slower build"),
    (r"^CREATE (UNIQUE )?INDEX", "SHARE", "blocks writes while the index builds (time grows with rows)"),
    (r"ADD CONSTRAINT .* FOREIGN KEY", "SHARE ROW EXCLUSIVE", "blocks writes while every row is checked"),
    (r"ADD CONSTRAINT .* CHECK", "ACCESS EXCLUSIVE", "blocks reads and writes while every row is checked"),
    (r"ADD CONSTRAINT .* UNIQUE", "ACCESS EXCLUSIVE", "blocks reads and writes while the unique index builds"),
    (r"ALTER COLUMN .* TYPE", "ACCESS EXCLUSIVE", "rewrites the table: blocks everything, time grows with rows"),
    (r"ALTER COLUMN .* SET NOT NULL", "ACCESS EXCLUSIVE", "blocks everything while every row is checked"),
    (
        r"ADD COLUMN .* REFERENCES",
        "ACCESS EXCLUSIVE",
        "brief; SHARE ROW EXCLUSIVE on the referenced table too (brief while the new column is all NULL)",
    ),
    (r"ADD COLUMN", "ACCESS EXCLUSIVE", "brief: a constant default is stored without a rewrite (PostgreSQL 11+)"),
    (r"ALTER COLUMN .* DROP DEFAULT", "ACCESS EXCLUSIVE", "brief: catalogue only"),
    (r"^DROP TABLE|DROP COLUMN", "ACCESS EXCLUSIVE", "brief, but destroys data: irreversible"),
    (r"^ALTER TABLE", "ACCESS EXCLUSIVE", "check the statement"),
]


def statements(sql):
    lines = [line for line in sql.splitlines() if not line.startswith("--") and line not in {"BEGIN;", "COMMIT;"}]
    return [" ".join(part.split()) for part in re.split(r";\s*\n", "\n".join(lines)) if part.strip()]


def classify(app, name):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sqlmigrate", app, name, stdout=out)
    sql = out.getvalue()
    created = set(re.findall(r'CREATE TABLE "([^"]+)"', sql))
    rows = []
    if "-- Raw Python operation" in sql:
        rows.append(("(RunPython)", "row locks", "data migration: time grows with the rows it reads and writes"))
    for statement in statements(sql):
        match = re.match(r'(?:ALTER TABLE|CREATE (?:UNIQUE )?INDEX(?: CONCURRENTLY)? "[^"]+" ON) "([^"]+)"', statement)
        if not match or match.group(1) in created:
            continue
        table = match.group(1)
        for pattern, lock, cost in RULES:
            if re.search(pattern, statement):
                referenced = re.search(r'REFERENCES "([^"]+)"', statement)
                if referenced:
                    table = f"{table} → {referenced.group(1)}"
                rows.append((table, lock, cost))
                break
    return created, rows


def main():
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    if connection.vendor != "postgresql":
        raise SystemExit("migration_locks: point DATABASE_URL at PostgreSQL; the lock table is PostgreSQL's")
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    print("| migration | table | lock | cost | big table? |")
    print("| --- | --- | --- | --- | --- |")
    for app in OUR_APPS:
        for app_label, name in sorted(key for key in loader.disk_migrations if key[0] == app):
            created, rows = classify(app_label, name)
            if not rows:
                note = f"creates {', '.join(sorted(created))}" if created else "nothing on existing tables"
                print(f"| {app_label}.{name} | — | none on existing tables | {note} | — |")
            for table, lock, cost in rows:
                big = "**yes**" if any(name in BIG for name in table.split(" → ")) else "no"
                print(f"| {app_label}.{name} | {table} | {lock} | {cost} | {big} |")


if __name__ == "__main__":
    main()
