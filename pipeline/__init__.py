"""Kennisbank Marketing: from the libraries' shared workbook to a Datasette catalogue.

The sub-packages follow a run: sources (any source -> an immutable Snapshot) -> contract (the
sheet contract from schemas/, normalise and validate: Snapshot -> Outcome) -> store (the
catalogue built aside and swapped in, beheer.db) -> reports (coordinators and libraries) and
catalogue (Datasette, read-only, in Dutch). app.publish is the only place that orders these
steps; cli only parses options and prints."""
