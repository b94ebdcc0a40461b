-- Roles for a shared bilatlog store in PostgreSQL.
--
-- Run as the owner of the database, after bilatlog has created the schema once
-- (any `bilatlog.open("postgresql://owner@host/db?schema=NAME")` does that):
--
--   psql -v schema=bilatlog -v writer_password="'...'" -v reader_password="'...'" \
--        -f scripts/postgres-roles.sql postgresql://owner@host/db
--
-- bilatlog_writer: may read and append (SELECT, INSERT). It cannot UPDATE,
--   DELETE or TRUNCATE the log: appends serialise on the one row of writer_lock
--   (SELECT ... FOR UPDATE, which needs UPDATE on that table and nothing else;
--   triggers refuse an actual UPDATE or DELETE of it).
-- bilatlog_reader: may only read (SELECT). It cannot lock writer_lock, so it
--   cannot stall the writers (an advisory lock, which anyone may take, could).
-- Triggers refuse UPDATE, DELETE and TRUNCATE for everyone, owners included.

\set ON_ERROR_STOP on

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bilatlog_writer') THEN
    CREATE ROLE bilatlog_writer LOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bilatlog_reader') THEN
    CREATE ROLE bilatlog_reader LOGIN;
  END IF;
END $$;

ALTER ROLE bilatlog_writer PASSWORD :writer_password;
ALTER ROLE bilatlog_reader PASSWORD :reader_password;

GRANT USAGE ON SCHEMA :schema TO bilatlog_writer, bilatlog_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA :schema TO bilatlog_writer, bilatlog_reader;
GRANT INSERT ON :schema.events, :schema.actors TO bilatlog_writer;
REVOKE UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA :schema FROM bilatlog_writer, bilatlog_reader;
GRANT UPDATE ON :schema.writer_lock TO bilatlog_writer;
-- the bitemporal index, written with each append: new versions, and closing an open one
-- (its sys_to, once, by its event's correction or retraction: the table's trigger checks it)
GRANT INSERT, UPDATE (sys_to) ON :schema.versions TO bilatlog_writer;
