"""A library's own page at /bibliotheek/<slug> (templates/datasette/bibliotheek.html, data from
pipeline/catalogue/profile.py); an unknown library is the site's Dutch 404 page."""

from __future__ import annotations

from datasette import Response, hookimpl
from datasette.utils.asgi import NotFound

from pipeline.catalogue import profile
from pipeline.catalogue.site import DATABASE as DB


@hookimpl
def register_routes():
    return [(r"^/bibliotheek/(?P<slug>[a-z0-9-]+)$", library_page)]


async def library_page(datasette, request):
    if DB not in datasette.databases:
        raise NotFound("Deze bibliotheek staat niet in de kennisbank.")
    db = datasette.get_database(DB)
    naam = await profile.library_name(db, request.url_vars["slug"])
    found = await profile.library_profile(db, naam) if naam else None
    if found is None:
        raise NotFound("Deze bibliotheek staat niet in de kennisbank.")
    html = await datasette.render_template("bibliotheek.html", {"profiel": found},
                                           request=request, view_name="bibliotheek")
    return Response.html(html)
