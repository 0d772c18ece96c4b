"""Hooks of the network members' instance only. The container of `kennisbank deploy prepare
--netwerk` loads this file with `--plugins-dir`; the public instance never does. It refuses to
start without a password hash, and sends visitors who are not logged in to the login page of
datasette-auth-passwords instead of showing a bare 403; in the contact table the title links
to the action card and the address is a mail link."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

AUTH_PLUGIN = "datasette-auth-passwords"
HASH_ENV = "KENNISBANK_NETWERK_WACHTWOORD_HASH"


def members(datasette) -> set[str]:
    """The accounts with a password hash (datasette-auth-passwords: `<naam>_password_hash`)."""
    config = datasette.plugin_config(AUTH_PLUGIN) or {}
    return {key[: -len("_password_hash")] for key, value in config.items()
            if key.endswith("_password_hash") and value}


@hookimpl
def startup(datasette):
    if not members(datasette):
        raise RuntimeError(f"Het netwerkexemplaar start niet zonder wachtwoord: zet {HASH_ENV} "
                           f"op een hash van 'datasette hash-password'.")


@hookimpl
def forbidden(datasette, request, message):
    actor = request.actor or {}
    if actor.get("id") not in members(datasette):
        return Response.redirect(datasette.urls.path("/-/login"))
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != "netwerk" or table != "contacten" or not isinstance(value, str) or not value:
        return None
    if column == "titel" and row["actie_id"]:
        href = datasette.urls.row("kennisbank", "acties", tilde_encode(str(row["actie_id"])))
        return Markup('<a href="{}">{}</a>').format(href, value)
    if column == "contact_email":
        return Markup('<a href="mailto:{}">{}</a>').format(value, value)
    return None
