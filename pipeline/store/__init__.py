"""The store: the public catalogue kennisbank.db built aside and swapped in with one rename
(load), the coordinators' beheer.db with runs and findings (history), summaries precomputed for
the canned queries (summaries), the network members' netwerk.db (network), one run at a time per
output folder (lock), and the folder's leftovers and storage errors (folder)."""
