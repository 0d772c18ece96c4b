"""Feedback from readers: the action card's "Had u hier iets aan?" form posts to ``/-/feedback``.

A valid answer (an action of the catalogue, ``ja`` or ``nee``, an optional remark of at most
``MAX_REMARK`` characters) becomes one line of the usage log (pipeline/catalogue/usage.py), never
a row in a database: the catalogue stays read-only and immutable. The reader gets a Dutch
thank-you page; a bad answer a Dutch 400 page and no line.

CSRF: Datasette's asgi-csrf refuses (403) a POST whose form ``csrftoken`` does not match the
signed ``ds_csrftoken`` cookie, but lets a POST without any cookie through (nothing to forge
then). This route refuses that case too, with the same 403: a line is only written for a POST
that carries the cookie and the same, validly signed token in its form.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.utils.asgi import Response
from itsdangerous import BadSignature

from pipeline.catalogue import site, usage

ROUTE = "/-/feedback"
MAX_REMARK = 500
ANSWERS = ("ja", "nee")
CSRF_COOKIE = "ds_csrftoken"
CSRF_FIELD = "csrftoken"
CSRF_NAMESPACE = "csrftoken"


def valid_token(datasette, cookie: str, form: str) -> bool:
    if not cookie or not secrets.compare_digest(cookie, form):
        return False
    try:
        datasette.unsign(cookie, CSRF_NAMESPACE)
    except BadSignature:
        return False
    return True


def remark(text: str) -> str | None:
    """The remark as written (line breaks as ``\\n``, surrounding spaces off), or None."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


async def page(datasette, request, name: str, context: dict, status: int) -> Response:
    html = await datasette.render_template(name, context, request=request)
    return Response.html(html, status=status)


async def feedback(datasette, request):
    if request.method != "POST":
        return await page(datasette, request, "feedback.html",
                          {"fout": "Geef uw antwoord op de kaart van een actie."}, 405)
    form = dict(parse_qsl((await request.post_body()).decode("utf-8", "replace"),
                          keep_blank_values=True))
    if not valid_token(datasette, request.cookies.get(CSRF_COOKIE, ""), form.get(CSRF_FIELD, "")):
        return await page(datasette, request, "feedback.html",
                          {"fout": "Uw antwoord kon niet worden verwerkt. Open de kaart opnieuw "
                                   "en probeer het nog eens."}, 403)
    actie_id = form.get("actie_id", "")
    answer = form.get("antwoord", "")
    text = remark(form.get("opmerking", ""))
    if not await known_action(datasette, actie_id):
        return await page(datasette, request, "feedback.html",
                          {"fout": "Deze actie staat niet in de kennisbank."}, 400)
    error = None
    if answer not in ANSWERS:
        error = "Kies ja of nee."
    elif text is not None and len(text) > MAX_REMARK:
        error = f"Uw opmerking is langer dan {MAX_REMARK} tekens. Maak hem korter."
    if error:
        return await page(datasette, request, "feedback.html",
                          {"actie_id": actie_id, "fout": error}, 400)
    usage.write({"tijd": usage.minute(datetime.now(timezone.utc)), "soort": "feedback",
                 "actie_id": actie_id, "antwoord": answer, "opmerking": text})
    return await page(datasette, request, "feedback.html", {"actie_id": actie_id}, 200)


async def known_action(datasette, actie_id: str) -> bool:
    if not actie_id or site.DATABASE not in datasette.databases:
        return False
    db = datasette.get_database(site.DATABASE)
    return bool((await db.execute("select 1 from acties where actie_id = ?", [actie_id])).rows)


@hookimpl
def register_routes():
    return [(ROUTE + "$", feedback)]
