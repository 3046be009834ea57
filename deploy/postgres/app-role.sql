-- The database role the app runs as: it reads and writes rows, and nothing more.
--
-- The tables belong to the owner role, which runs the migrations. The app's role is not the
-- owner, so it cannot TRUNCATE a table (no TRUNCATE privilege is granted), nor disable, drop or
-- replace the triggers that keep positions, recorded votes and ballots append-only (only a
-- table's owner can ALTER it), nor change the schema. UPDATE and DELETE of those rows are
-- refused by the triggers themselves (votes/migrations/0002_append_only_triggers.py).
--
-- Run once per database, by a superuser or the owner, with psql:
--   psql -v app_role=tracker_app -v app_password=... -v owner=tracker -d tracker -f app-role.sql
-- It is safe to run again. Tables created later by the owner (new migrations) are granted to
-- the app's role too (ALTER DEFAULT PRIVILEGES). docs/OPERATIONS.md explains the two roles.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', :'app_role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec

ALTER ROLE :"app_role" WITH LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app_role') \gexec
GRANT USAGE ON SCHEMA public TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
