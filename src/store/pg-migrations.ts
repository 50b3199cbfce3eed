/**
 * The PostgreSQL store's schema: the same tables and columns as the SQLite steps in
 * migrations.ts, one step for each of theirs, in PostgreSQL's types (times as timestamptz, signal
 * values as jsonb). The report itself stays text: it is kept byte for byte, and jsonb would
 * reorder its keys. Never edited once shipped; `schema_version` holds the steps applied.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id text PRIMARY KEY,
     scope text NOT NULL,
     started_at timestamptz NOT NULL,
     finished_at timestamptz NOT NULL,
     tool_version text NOT NULL,
     rules_digest text NOT NULL,
     config_digest text NOT NULL,
     met integer NOT NULL, not_met integer NOT NULL, unknown integer NOT NULL,
     report_json text NOT NULL,
     seq bigserial
   );
   CREATE INDEX runs_scope_started ON runs (scope, started_at);
   CREATE TABLE levels (
     run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     item text NOT NULL, level integer NOT NULL, ceiling integer NOT NULL,
     PRIMARY KEY (run_id, item)
   );
   CREATE TABLE verdicts (
     run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     criterion text NOT NULL, status text NOT NULL, basis text,
     PRIMARY KEY (run_id, criterion)
   );
   CREATE TABLE signal_values (
     run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     signal text NOT NULL, status text NOT NULL, value jsonb,
     PRIMARY KEY (run_id, signal)
   );`,
];
