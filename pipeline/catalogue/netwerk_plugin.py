"""Hooks of the network members' instance only. The container of `kennisbank deploy prepare
--netwerk` loads this file with `--plugins-dir`; the public instance never does. It refuses to
start without an account, sends visitors who are not logged in to the login page instead of
showing a bare 403, and serves `/-/login` itself: every library has its own account (see
pipeline/catalogue/netwerk_accounts.py), failed logins are throttled (the hash is not even
checked then) and every attempt is counted in the usage log. datasette-auth-passwords brings the
hash format, `datasette hash-password` and the login form; its own login view and its HTTP Basic
check get no accounts. In the contact table the title links to the action card and the address
is a mail link."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

from pipeline.catalogue.netwerk_accounts import (
    ACCOUNTS_ENV,
    AFGEREMD,
    FOUT,
    HASH_ENV,
    OK,
    UNKNOWN,
    Accounts,
    AccountsError,
    Throttle,
    load_accounts,
    log_login,
)

MEMBER = "netwerklid"   # the actor key the metadata's allow blocks ask for
THROTTLED = ("Te veel mislukte pogingen om in te loggen. Wacht een minuut en probeer het dan "
             "opnieuw.")
WRONG = "Onbekende gebruikersnaam of onjuist wachtwoord."

_state: WeakKeyDictionary = WeakKeyDictionary()


class State:
    def __init__(self):
        self.accounts = Accounts()
        self.throttle = Throttle()
        self._dummy: str | None = None

    def dummy_hash(self) -> str:
        """A hash to check unknown names against, so they cost as much time as known ones."""
        if self._dummy is None:
            from datasette_auth_passwords.utils import hash_password
            self._dummy = hash_password("geen-account")
        return self._dummy


def state(datasette) -> State:
    if datasette not in _state:
        _state[datasette] = State()
    return _state[datasette]


def members(datasette) -> set[str]:
    """The accounts that may log in now."""
    return set(state(datasette).accounts.current())


@hookimpl
def startup(datasette):
    try:
        accounts = load_accounts(state(datasette).accounts.env)
    except AccountsError as error:
        raise RuntimeError(f"Het netwerkexemplaar start niet: {error}") from None
    if not accounts:
        raise RuntimeError(f"Het netwerkexemplaar start niet zonder accounts: zet "
                           f"{ACCOUNTS_ENV} op een bestand met 'naam: hash'-regels (of "
                           f"{HASH_ENV} op een hash van 'datasette hash-password').")


async def login(request, datasette):
    error, status = None, 200
    if request.method == "POST":
        post = await request.post_vars()
        username = (post.get("username") or "").strip()
        password = post.get("password") or ""
        current = state(datasette).accounts.current()
        account = username if username in current else None
        throttle = state(datasette).throttle
        if throttle.blocked(account or UNKNOWN):
            log_login(account, AFGEREMD)
            error, status = THROTTLED, 429
        else:
            from datasette_auth_passwords.utils import verify_password
            ok = verify_password(password, current[account] if account else
                                 state(datasette).dummy_hash())
            if ok and account:
                log_login(account, OK)
                response = Response.redirect(datasette.urls.path("/"))
                response.set_cookie("ds_actor", datasette.sign(
                    {"a": {"id": account, MEMBER: True}}, "actor"))
                return response
            throttle.failed(account or UNKNOWN)
            log_login(account, FOUT)
            error = WRONG
    html = await datasette.render_template("password_login.html", {"error": error},
                                           request=request)
    return Response.html(html, status=status)


@hookimpl(tryfirst=True)
def register_routes():
    # Called before datasette-auth-passwords' hook, so this view answers /-/login.
    return [(r"^/-/login$", login)]


@hookimpl(trylast=True)
def permission_allowed(datasette, actor, action, resource):
    # Called last, so it overrides the allow blocks: a removed account's cookie opens nothing.
    if actor and actor.get(MEMBER) and actor.get("id") not in members(datasette):
        return False
    return None


@hookimpl
def forbidden(datasette, request, message):
    actor = request.actor or {}
    if not actor.get(MEMBER) or actor.get("id") not in members(datasette):
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
