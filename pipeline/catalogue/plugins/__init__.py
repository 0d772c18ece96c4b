"""The catalogue's Datasette plugins, one small module per concern (like Datasette's own
datasette/default_*.py), each registered by its own `datasette` entry point in pyproject.toml
(PLUGINS lists them). Every hook acts on the `kennisbank` database only.

- requirements:  refuse to start on a Datasette older than 0.65.5
- file_swap:     a rebuilt kennisbank.db is swapped in safely; the facet counts warmed at start
- facet_counts:  Datasette's facets with the counts of the immutable catalogue computed once
- sql_functions: mmap and the URL helpers the canned queries use
- dutch_pages:   the Dutch pages: <html lang="nl">, filters, CSS and each page's data
- table_cells:   the cells of the tables, only for the columns a page shows
- csv_download:  no CSV cell becomes a spreadsheet formula
- chart_access:  only the charts page and its exact queries may run SQL
- no_access_log: no access log with the readers' IP addresses
- usage_log:     one line per page request in the usage log, nothing that identifies a reader
- feedback:      the card's "Had u hier iets aan?" answers, as lines of the usage log
- search:        Dutch search (stems, synonyms) on the actions table, best match first
- comparisons:   OR within a list facet; how many actions a cost ordering or ranking leaves out
- error_pages:   error pages in Dutch, in the site's style and with a search box
- library_profile: a library's own page at /bibliotheek/<naam>
- query_pages:   the canned questions one page of rows at a time, downloads complete
"""

PLUGINS = ("requirements", "file_swap", "facet_counts", "sql_functions", "dutch_pages",
           "table_cells", "csv_download", "chart_access", "no_access_log",
           "usage_log", "feedback", "search", "comparisons", "error_pages",
           "library_profile", "query_pages")
