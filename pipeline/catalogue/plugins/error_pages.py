"""Error pages in Dutch, in the site's style and with a search box (templates/datasette/
error.html). Datasette's own handler renders its error template without the site's CSS and with
English messages ("Database not found"); this one renders it like any page, with a Dutch text per
status. JSON requests keep Datasette's own answer."""

from __future__ import annotations

import traceback

from datasette import Response, hookimpl
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

TITLES = {400: "Deze vraag begrijpt de kennisbank niet", 403: "Geen toegang",
          404: "Pagina niet gevonden", 405: "Dat kan hier niet"}
TEXTS = {
    400: "Controleer het adres, de filters of de zoekterm en probeer het opnieuw.",
    403: "Deze pagina is niet openbaar.",
    404: "Deze pagina bestaat niet (meer) in de kennisbank. Misschien is de actie of de "
         "bibliotheek hernoemd of uit de kennisbank gehaald.",
    405: "Deze pagina kunt u alleen bekijken.",
}
SERVER_ERROR = ("Er ging iets mis in de kennisbank. Probeer het later opnieuw; blijft het "
                "misgaan, meld het dan aan de coördinatoren.")


@hookimpl
def handle_exception(datasette, request, exception):
    if request.path.split("?")[0].endswith(".json"):
        return None
    if isinstance(exception, (Base400, DatasetteError)):
        status = exception.status
    else:
        status = 500  # unexpected: logged as Datasette does, the reader gets the Dutch page
        traceback.print_exception(exception)

    async def page():
        context = {"status": status, "title": TITLES.get(status, "Er ging iets mis"),
                   "error": TEXTS.get(status, SERVER_ERROR)}
        html = await datasette.render_template(["error.html"], context, request=request,
                                               view_name="error")
        return Response.html(html, status=status)

    return page
