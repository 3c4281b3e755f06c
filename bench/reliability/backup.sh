#!/usr/bin/env bash
# Back up and restore the PostgreSQL database named by DATABASE_URL (`make backup`, `make restore FILE=…`).
#
#   backup.sh backup          pg_dump -Fc to $BACKUP_DIR/dignity-YYYYmmdd-HHMMSS.dump (BACKUP_DIR: var/backups)
#   backup.sh restore FILE    pg_restore FILE into DATABASE_URL, only when that database has no tables;
#                             FORCE=1 drops and replaces what is there (pg_restore --clean).
#
# Both refuse, in one line, when DATABASE_URL is not a PostgreSQL URL (the SQLite default has its own
# file under var/ to copy). Restores run in one transaction: a restore that fails leaves nothing behind.
# Media files (var/media or DJANGO_MEDIA_ROOT) are not in the dump; back them up with the file system.
set -euo pipefail

cd "$(dirname "$0")/../.."

die() {
  echo "$*" >&2
  exit 1
}

url="${DATABASE_URL:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  "") die "backup.sh: DATABASE_URL is not set (the SQLite default is a file under var/: copy it instead); nothing done." ;;
  *) die "backup.sh: DATABASE_URL is not PostgreSQL (${url%%:*}://…); backups here are pg_dump only, nothing done." ;;
esac
# The database's name, for messages: never print the URL, it may hold a password.
where="${url##*/}"
where="${where%%\?*}"

count_tables() {
  psql "$url" -X -At -v ON_ERROR_STOP=1 -c \
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
}

backup() {
  local dir="${BACKUP_DIR:-var/backups}"
  mkdir -p "$dir"
  local file
  file="$dir/dignity-$(date +%Y%m%d-%H%M%S).dump"
  [ -e "$file" ] && die "backup.sh: $file already exists; nothing done."
  # Write under a temporary name, rename when complete: a half-written dump never looks like a backup.
  pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$url"
  pg_restore --list "$file.partial" >/dev/null
  mv "$file.partial" "$file"
  echo "Backed up database $where to $file ($(du -h "$file" | cut -f1))."
}

restore() {
  local file="${1:-}"
  [ -n "$file" ] || die "restore: say which dump, e.g. make restore FILE=var/backups/dignity-20260101-120000.dump"
  [ -f "$file" ] || die "restore: $file does not exist."
  pg_restore --list "$file" >/dev/null 2>&1 || die "restore: $file is not a pg_dump custom-format (-Fc) file."
  local tables
  tables=$(count_tables) || die "restore: cannot reach database $where (does it exist?)."
  if [ "$tables" -gt 0 ] && [ "${FORCE:-0}" != "1" ]; then
    die "restore: database $where already has $tables tables; restore into an empty database, or run again with FORCE=1 to replace them."
  fi
  local clean=()
  [ "$tables" -gt 0 ] && clean=(--clean --if-exists)
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" --dbname="$url" "$file"
  echo "Restored $file into database $where ($(count_tables) tables)."
}

case "${1:-}" in
  backup) backup ;;
  restore) restore "${2:-}" ;;
  *) die "usage: backup.sh backup | backup.sh restore FILE   (DATABASE_URL must be PostgreSQL; FORCE=1 to overwrite)" ;;
esac
