"""The Dutch pages: Datasette's base.html declared Dutch, the formatting filters, the stylesheet,
the documents of the terms pages (pipeline/catalogue/terms.py) and the data each page of
templates/datasette/ shows (from pipeline/catalogue/site.py)."""

from __future__ import annotations

from pathlib import Path

import datasette as datasette_package
from datasette import hookimpl
from datasette.utils import urlsafe_components
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, PrefixLoader

from pipeline.catalogue import profile, site, terms

DB = site.DATABASE


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters.update(euro=site.euro, getal=site.getal, procent=site.procent, datum=site.datum,
                       lijst=site.as_list, label=lambda c: site.labels().get(c, c),
                       opmaak=lambda v, c: site.formatted(c, v), filter_url=site.filter_url,
                       kaart_url=site.card_url, bibliotheek_url=site.library_url,
                       link_label=lambda url: (site.material_link(url) or {}).get("label"))
    # templates/datasette/base.html extends this copy of Datasette's base.html: the same page,
    # declared Dutch (<html lang="nl">).
    default_base = Path(datasette_package.__file__).parent / "templates" / "base.html"
    source = default_base.read_text(encoding="utf-8").replace("<html>", '<html lang="nl">', 1)
    # The target of the skip link "Naar de inhoud" (base.html): the page's main content.
    source = source.replace('<section class="content">',
                            '<section class="content" id="inhoud" role="main" tabindex="-1">', 1)
    # The terms and the privacy statement (pages/voorwaarden.html, pages/privacy.html) show a
    # document of docs/: from the template folder's docs/ in a container context (deploy.py
    # copies them there), else from the repository's docs/.
    env.loader = ChoiceLoader([DictLoader({"default:base.html": source}), env.loader,
                               PrefixLoader({"docs": FileSystemLoader(terms.DOCS)})])
    env.globals["kb_licentie"] = site.licence()
    env.globals["kb_contact"] = site.site_config()["contact"]
    env.globals["kb_document"] = lambda name: terms.page_html(
        env.loader.get_source(env, f"docs/{name}")[0])


@hookimpl
def extra_css_urls(datasette):
    if any(mount == "assets" for mount, _ in datasette.static_mounts):
        return [datasette.urls.path("/assets/kennisbank.css")]
    return []


@hookimpl
def extra_js_urls(datasette):
    """kennisbank.js: keyboard access and names for Datasette's and the plugins' controls;
    nederlands.js: Dutch texts for what their scripts write into a page (column menus, map
    controls), both in templates/datasette/static/."""
    if any(mount == "assets" for mount, _ in datasette.static_mounts):
        return [datasette.urls.path("/assets/kennisbank.js"),
                datasette.urls.path("/assets/nederlands.js")]
    return []


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    async def kb():
        if DB not in datasette.databases:
            return {}
        db = datasette.get_database(DB)
        found = {"config": site.site_config(), "labels": site.labels()}
        if view_name == "index":
            found["home"] = await site.home(db)
            found["queries"] = await reader_queries(datasette)
        elif view_name == "row" and database == DB and table == "acties":
            pks = urlsafe_components(request.url_vars["pks"])
            found["card"] = await site.card(db, pks[0])
        elif view_name == "row" and database == DB and table == "bibliotheken":
            pks = urlsafe_components(request.url_vars["pks"])
            found["profiel"] = await profile.library_profile(db, pks[0])
        elif view_name == "table" and database == DB and table == "acties":
            found["tabel"] = site.table_view(request)
        elif view_name == "page" or (database == DB and table is None):
            found["queries"] = await reader_queries(datasette)
            found["choices"] = await site.choices(db)
        return found

    async def extra():
        return {"kb": await kb()}

    return extra


async def reader_queries(datasette) -> list[dict]:
    queries = await datasette.get_canned_queries(DB, None)
    return [queries[name] for name in site.site_config()["wat_werkte"] if name in queries]
