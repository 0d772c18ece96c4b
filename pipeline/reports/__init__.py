"""Reports for coordinators and for each library: what they show is computed from beheer.db and
kennisbank.db (context), rendered with Jinja2 to HTML, text and CSV (render, chart), and sent by
SMTP (mail). Also the usage figures of the catalogue, counted from its usage logs (usage:
`kennisbank gebruik`)."""
