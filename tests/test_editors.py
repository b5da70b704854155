"""Editors and viewers (issue 11, point 2): viewers ask and read; adding documents needs an editor,
recognised by OIDC (`st.login`) where configured, else by the editor password's scrypt hash; with
neither, uploads are open on loopback only and the app is read-only elsewhere."""

from __future__ import annotations

import io
import json

import pytest

from conftest import make_settings
from ofsted_rag import audit, cli
from ofsted_rag.auth import access_mode, hash_password, is_loopback, verify_password
from ofsted_rag.config import Settings
from ofsted_rag.errors import ConfigError
from test_app import html_of, open_app, server_address  # noqa: F401 (fixtures)
from test_provenance import minutes

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


def markdown_of(at) -> str:
    return "\n".join(str(x.value) for x in (*at.main.markdown, *at.main.caption, *at.main.info, *at.main.warning))


def to_uploads(at):
    return at.sidebar.radio(key="page").set_value("Add documents").run()


# ---------------------------------------------------------------------------------- the rules

def test_password_hash_round_trip(password_hash):
    assert password_hash.startswith("scrypt$32768$8$1$")
    assert verify_password(PASSWORD, password_hash)
    assert not verify_password(PASSWORD + "!", password_hash)
    assert hash_password(PASSWORD) != password_hash, "each hash has its own salt"


def test_a_malformed_hash_is_a_config_error_naming_the_variable():
    with pytest.raises(ConfigError, match="OFSTED_RAG_EDITOR_PASSWORD_HASH is not a hash made by"):
        Settings.from_env({"OFSTED_RAG_EDITOR_PASSWORD_HASH": "hunter2"})


@pytest.mark.parametrize("address,loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                              ("127.0.1.1", True), ("0.0.0.0", False), ("", False),
                                              (None, False), ("192.168.1.20", False), ("app.council.local", False)])
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_which_rule_applies(password_hash):
    assert access_mode(oidc_configured=True, password_hash=password_hash, server_address="0.0.0.0").mode == "oidc"
    assert access_mode(oidc_configured=False, password_hash=password_hash, server_address="0.0.0.0").mode == "password"
    assert access_mode(oidc_configured=False, password_hash=None, server_address="127.0.0.1").mode == "open-local"
    assert access_mode(oidc_configured=False, password_hash=None, server_address="0.0.0.0").mode == "read-only"
    assert access_mode(oidc_configured=False, password_hash=None, server_address=None).mode == "read-only"


def test_hash_password_command_reads_a_pipe(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["hash-password"]) == 0
    out, err = capsys.readouterr()
    assert verify_password(PASSWORD, out.strip())
    assert "OFSTED_RAG_EDITOR_PASSWORD_HASH" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["hash-password"]) == 2
    assert "shorter than 10 characters" in capsys.readouterr().err


# ---------------------------------------------------------------------------------- the app

def test_signed_out_there_is_no_uploader_and_signed_in_there_is(tmp_path, open_app, password_hash):
    settings = make_settings(tmp_path / "data")
    at = to_uploads(open_app(settings, address="0.0.0.0", env={"OFSTED_RAG_EDITOR_PASSWORD_HASH": password_hash}))
    assert not at.get("file_uploader"), "a viewer must not see the uploader"
    assert "needs an editor" in markdown_of(at)

    at.text_input(key="editor_name").set_value("Ann Clerk")
    at.text_input(key="editor_password").set_value("wrong password")
    at.button[0].click().run()
    assert not at.get("file_uploader")
    assert "not the editor password" in "\n".join(e.value for e in at.error)

    at.text_input(key="editor_name").set_value("Ann Clerk")
    at.text_input(key="editor_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.get("file_uploader"), "a signed-in editor sees the uploader"
    assert "Signed in as Ann Clerk" in markdown_of(at)

    at.file_uploader(key="uploads").set_value(("care.txt", minutes("care leavers", 12).encode(), "text/plain")).run()
    at.button(key="up_go").click().run()
    assert at.session_state["upload_outcomes"][0].status == "added"
    [entry] = list(audit.read(settings))
    assert (entry["who"], entry["action"]) == ("editor:Ann Clerk", "upload")

    at.button(key="sign_out").click().run()
    assert not at.get("file_uploader")


def test_with_nothing_configured_another_address_is_read_only(tmp_path, open_app):
    at = to_uploads(open_app(make_settings(tmp_path / "data"), address="0.0.0.0"))
    assert not at.get("file_uploader")
    assert "read-only" in markdown_of(at) and "docs/deployment.md" in markdown_of(at)
    assert not at.get("text_input"), "no sign-in form when there is nothing to sign in with"


def test_with_nothing_configured_loopback_is_open_and_says_so(tmp_path, open_app):
    settings = make_settings(tmp_path / "data")
    at = to_uploads(open_app(settings, address="127.0.0.1"))
    assert at.get("file_uploader")
    assert "Uploads are open to anyone using this app" in markdown_of(at)


def test_an_oidc_provider_means_st_login(tmp_path, open_app, password_hash):
    secrets = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
                        "client_id": "ofsted-rag", "client_secret": "s",
                        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}}
    at = to_uploads(open_app(make_settings(tmp_path / "data"), address="0.0.0.0", secrets=secrets,
                             env={"OFSTED_RAG_EDITOR_PASSWORD_HASH": password_hash}))
    assert not at.get("file_uploader")
    assert at.button(key="sign_in").label == "Sign in"
    assert not at.get("text_input"), "OIDC replaces the password form"
    assert "organisation's account" in markdown_of(at)


def test_an_editor_adds_from_a_web_address_and_a_viewer_cannot(tmp_path, open_app):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from ofsted_rag.store import PassageStore

    page = ("<html><body><h1>Agenda item</h1><h2>Care Leavers</h2>"
            "<p>Meeting: 20/06/2024 - Corporate Parenting Panel (Item 5)</p><h3>Minutes:</h3>"
            "<p>(a) Officers reported that every care leaver now had a personal adviser.</p>"
            "<p>(b) Members asked how many care leavers were in education or training.</p></body></html>").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            found = self.path == "/item.html"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page if found else b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        viewer = to_uploads(open_app(make_settings(tmp_path / "ro"), address="0.0.0.0"))
        assert not viewer.get("text_area"), "a viewer must not see the web address box"

        settings = make_settings(tmp_path / "data")
        at = to_uploads(open_app(settings, address="127.0.0.1"))
        at.text_area(key="url_input").set_value(f"{base}/item.html\n{base}/gone.html").run()
        at.button(key="url_go").click().run()
        assert not at.exception, at.exception
        added, gone = at.session_state["upload_outcomes"]
        assert (added.file_name, added.status, added.passages) == (f"{base}/item.html", "added", 2)
        assert gone.status == "rejected" and "HTTP 404" in gone.reason
        [record] = PassageStore(settings).documents().values()
        assert (record.meta.url, record.origin, record.meta.body) == (f"{base}/item.html", "url", "Corporate Parenting Panel")
        [entry] = list(audit.read(settings))
        assert entry["action"] == "fetch"
    finally:
        server.shutdown()
