"""The readers' catalogue: Datasette, read-only and in Dutch. Starting it (serve, workers), the
container for production (deploy), the site's data and formats (site), the terms and privacy
pages (terms), fast facet counts (facets), a rebuilt catalogue swapped in safely (swap), the
usage log without tracking (usage), the network members' instance (netwerk_plugin,
netwerk_accounts), and the Datasette plugin hooks, one small module per concern in plugins/."""
