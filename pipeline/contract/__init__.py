"""The contract and its checking: schemas/ loaded once (config), cells read the Dutch way (cells),
tabs turned into clean columns (normalise), checked by the pandera models (validate), derived
fields (derive), findings with their Dutch messages (findings), and process: Snapshot -> Outcome,
pure, without I/O. Also the guide's tables generated from the contract (guide) and the per-row
status text written back to the sheet (row_status)."""
