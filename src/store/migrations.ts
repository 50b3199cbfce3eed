/**
 * `runs.seq` numbers the runs in the order they were recorded: two runs may start in the same
 * millisecond (a fixed clock, two agents), and "latest" must still mean the last one written.
 *
 * The store's schema, one step per version, applied in order on open and never edited once
 * shipped: a store written by an older techops opens in a newer one. `schema_version` holds the
 * steps applied.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     scope TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT NOT NULL,
     tool_version TEXT NOT NULL,
     rules_digest TEXT NOT NULL,
     config_digest TEXT NOT NULL,
     met INTEGER NOT NULL, not_met INTEGER NOT NULL, unknown INTEGER NOT NULL,
     report_json TEXT NOT NULL,
     seq INTEGER NOT NULL
   );
   CREATE INDEX runs_scope_started ON runs (scope, started_at);
   CREATE TABLE levels (
     run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     item TEXT NOT NULL, level INTEGER NOT NULL, ceiling INTEGER NOT NULL,
     PRIMARY KEY (run_id, item)
   );
   CREATE TABLE verdicts (
     run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     criterion TEXT NOT NULL, status TEXT NOT NULL, basis TEXT,
     PRIMARY KEY (run_id, criterion)
   );
   CREATE TABLE signal_values (
     run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     signal TEXT NOT NULL, status TEXT NOT NULL, value TEXT,
     PRIMARY KEY (run_id, signal)
   );`,
];
