#!/bin/sh
# docker-compose: the postgres image runs this once, when it creates the database, as the owner
# (POSTGRES_USER). It creates the app's role (deploy/postgres/app-role.sql).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="${APP_DB_USER:-tracker_app}" -v app_password="${APP_DB_PASSWORD:?set APP_DB_PASSWORD}" \
  -v owner="$POSTGRES_USER" -f /docker-entrypoint-initdb.d/app-role.sql.in
