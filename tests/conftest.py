"""Every shared fixture. Plain helpers and data are in helpers.py, the local stand-in of the
Google Sheets API in sheets_standin.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import helpers
from sheets_standin import SheetsStandIn


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The embedded sample, built once for the whole session through the real CLI path."""
    from pipeline.app import build

    out = tmp_path_factory.mktemp("sample")
    return build(None, out, helpers.TODAY)


@pytest.fixture(scope="session")
def site_catalogue(tmp_path_factory) -> Path:
    """kennisbank.db of the site catalogue (helpers.build_site_catalogue); read it only."""
    return helpers.build_site_catalogue(tmp_path_factory.mktemp("site"))


@pytest.fixture
def standin():
    """The local stand-in of the Google Sheets API, empty."""
    server = SheetsStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def recordings() -> Path:
    """The recorded Google traffic in ../shared: skipped without it, failed on CI."""
    helpers.require_recordings()
    return helpers.RECORDINGS


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    return helpers.new_private_key_pem()


@pytest.fixture
def service_account_file(tmp_path, standin, private_key_pem) -> Path:
    """A service-account key file that logs in at the stand-in's token endpoint."""
    path = tmp_path / "geheim" / "serviceaccount.json"
    path.parent.mkdir()
    path.write_text(json.dumps(helpers.service_account(private_key_pem, standin.token_uri)),
                    encoding="utf-8")
    return path


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 (password helpers.SMTP_PASSWORD): (controller,
    recorder)."""
    with helpers.smtp_server() as server:
        yield server
