"""The contract and its checking. schemas/fields.yml is the single source of every field: it is
loaded once (config), turned into the pandera models (models) and into the Dutch texts that
explain a field in the sheet, the guide and the fix hints (explain). A run's cells are read the
Dutch way (cells), the header row found (headers), tabs turned into clean columns (normalise),
checked (validate), completed with derived fields (derive) and reported as findings (findings);
process is Snapshot -> Outcome, pure, without I/O. Also the guide's generated tables (guide) and
the per-row status text written back to the sheet (row_status)."""
