"""The readers' catalogue: Datasette, read-only and in Dutch. Starting it (serve, workers), the
container for production (deploy), the site's data and formats (site), fast facet counts
(facets), a rebuilt catalogue swapped in safely (swap), and the Datasette plugin hooks, one small
module per concern in catalogue/plugins/."""
