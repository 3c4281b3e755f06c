#!/usr/bin/env bash
# Restore drill (`make restore-drill`): prove that a backup restores into a working site.
#
#   1. create a fresh PostgreSQL database, migrate it, load the demo (content, accounts, demo class)
#   2. back it up with backup.sh (pg_dump -Fc), restore it with backup.sh into a second fresh database
#   3. check that restoring again into the now non-empty database is refused without FORCE=1
#   4. compare the row count of every table, and every sequence's last value, between the two
#   5. smoke-check the restored database: manage.py check, GET /ko/ and /en/ through Django's test
#      Client (200), a demo student's password still logs in, and a new row can be written
#   6. drop both databases (also when a step fails)
#
# PostgreSQL at DRILL_PG_URL (default postgres://postgres@127.0.0.1:5432, trust auth); 127.0.0.1 only.
# Bounded: every step is timed and the whole drill gives up after DRILL_MAX_SECONDS (180).
set -euo pipefail

cd "$(dirname "$0")/../.."
PY="${PY:-.venv/bin/python}"
PG="${DRILL_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG="${PG%/}"
MAX_SECONDS="${DRILL_MAX_SECONDS:-180}"
case "$PG" in
  postgres://*@127.0.0.1* | postgres://*@localhost* | postgresql://*@127.0.0.1* | postgresql://*@localhost*) ;;
  *) echo "restore_drill: DRILL_PG_URL must be a PostgreSQL server on 127.0.0.1 or localhost." >&2; exit 1 ;;
esac

src="dignity_drill_src_$$"
dst="dignity_drill_dst_$$"
work=$(mktemp -d -t dignity-drill-XXXXXX)
mkdir -p "$work/static"
started=$(date +%s%3N)

# The site's own settings, with in-process tasks and a local cache: the drill needs no Redis.
unset REDIS_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
export DJANGO_SETTINGS_MODULE=website.settings.dev DJANGO_DEBUG=0 PYTHONUNBUFFERED=1 DJANGO_STATIC_ROOT="$work/static"

admin() { psql "$PG/postgres" -X -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
cleanup() {
  local status=$?
  [ -n "${watchdog:-}" ] && kill "$watchdog" 2>/dev/null || true
  admin "DROP DATABASE IF EXISTS \"$src\" WITH (FORCE)" || true
  admin "DROP DATABASE IF EXISTS \"$dst\" WITH (FORCE)" || true
  rm -rf "$work"
  if [ "$status" -eq 0 ]; then
    echo "restore drill: PASSED in $(elapsed) s (both databases dropped)"
  else
    echo "restore drill: FAILED (exit $status); both databases dropped" >&2
  fi
}
trap cleanup EXIT
trap 'exit 124' TERM INT
seconds_since() { local ms=$(($(date +%s%3N) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
elapsed() { seconds_since "$started"; }
step_started=$started
step() {
  [ -n "${step_name:-}" ] && printf '  %-58s %6s s\n' "$step_name" "$(seconds_since "$step_started")"
  step_name="$1"
  step_started=$(date +%s%3N)
}
fail() { echo "restore drill: $*" >&2; exit 1; }

# Give up (and clean up through the trap) if the drill runs past its budget.
(sleep "$MAX_SECONDS" && echo "restore drill: over ${MAX_SECONDS} s, giving up" >&2 && kill -TERM $$) &
watchdog=$!

counts() {
  # Every table in the public schema with its exact row count, and every sequence's last value.
  psql "$PG/$1" -X -At -F ' ' -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'table ' || t.table_name,
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', t.table_schema, t.table_name),
                                             false, true, '')))[1]::text
FROM information_schema.tables t
WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
UNION ALL
SELECT 'sequence ' || sequencename, coalesce(last_value::text, 'unused')
FROM pg_sequences WHERE schemaname = 'public'
ORDER BY 1;
SQL
}

echo "== restore drill: $src -> backup -> $dst"
step "create $src, migrate"
admin "CREATE DATABASE \"$src\""
admin "CREATE DATABASE \"$dst\""
DATABASE_URL="$PG/$src" "$PY" manage.py migrate --noinput -v0

step "load_demo (content, accounts, demo class)"
DATABASE_URL="$PG/$src" "$PY" manage.py load_demo -v0 >/dev/null

step "backup (make backup: pg_dump -Fc)"
DATABASE_URL="$PG/$src" BACKUP_DIR="$work" bash bench/reliability/backup.sh backup
dump=$(ls "$work"/dignity-*.dump)

step "restore into empty $dst (make restore)"
DATABASE_URL="$PG/$dst" bash bench/reliability/backup.sh restore "$dump"

step "restore again without FORCE is refused"
if DATABASE_URL="$PG/$dst" bash bench/reliability/backup.sh restore "$dump" 2>"$work/refused.txt"; then
  fail "a second restore into a database with tables was not refused"
fi
grep -q "already has" "$work/refused.txt" || fail "unexpected refusal: $(cat "$work/refused.txt")"
sed 's/^/    /' "$work/refused.txt"

step "compare row counts of every table and sequences"
counts "$src" >"$work/src.txt"
counts "$dst" >"$work/dst.txt"
if ! diff -u "$work/src.txt" "$work/dst.txt" >"$work/diff.txt"; then
  cat "$work/diff.txt" >&2
  fail "row counts differ between the backed-up and the restored database"
fi
tables=$(grep -c '^table ' "$work/src.txt")
rows=$(awk '$1 == "table" { sum += $3 } END { print sum }' "$work/src.txt")
sequences=$(grep -c '^sequence ' "$work/src.txt")
[ "$tables" -gt 50 ] && [ "$rows" -gt 500 ] || fail "suspiciously little was compared: $tables tables, $rows rows"
echo "    $tables tables and $rows rows identical, $sequences sequences identical"

step "smoke: manage.py check"
DATABASE_URL="$PG/$dst" "$PY" manage.py check >/dev/null

step "smoke: GET /ko/ and /en/, demo login, a write (restored DB)"
DATABASE_URL="$PG/$dst" "$PY" manage.py shell --no-imports -c '
from django.contrib.auth import get_user_model
from django.test import Client

client = Client(HTTP_HOST="localhost")
for path in ("/ko/", "/en/"):
    response = client.get(path)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    print(f"    GET {path}: {response.status_code}, {len(response.content)} bytes")
assert client.login(username="student", password="dignity-student-2026"), "the demo student cannot log in"
User = get_user_model()
probe = User.objects.create(username="restore-drill-probe")  # a restored sequence must not collide
probe.delete()
print(f"    demo student logged in; wrote and deleted user {probe.username}")
'
step "done"
echo "    dump: $(du -h "$dump" | cut -f1)"
