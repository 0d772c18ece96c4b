"""Sources: where a run's data comes from. Any source (a Google Sheet through gspread, an .xlsx,
.ods, a folder of .csv files, an earlier snapshot, or the embedded sample) is read into one
immutable Snapshot of raw cells (fetch, snapshot). Also the only code that talks to Google:
reading (google), writing the Controle column back (write_back) and setting up a new sheet
(sheet_init)."""
