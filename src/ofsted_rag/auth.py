"""Who may change the library. Viewers ask and read; adding and replacing documents needs an editor.

How an editor is recognised, in order:
1. an OIDC provider configured for Streamlit (`[auth]` in `.streamlit/secrets.toml`): `st.login`;
2. else `OFSTED_RAG_EDITOR_PASSWORD_HASH` (made by `ofsted-rag hash-password`): a password form;
3. else nobody signs in, and the app's bind address decides: on loopback (`make run` on one's own
   machine) uploads stay open, said so on the page; bound to any other address the app is
   read-only, since anyone who can reach it could otherwise rewrite a council's minutes.

Passwords are hashed with scrypt (hashlib, no extra dependency), a standard memory-hard hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from ofsted_rag.errors import ConfigError

# scrypt parameters: n=2**15, r=8 needs 32 MB and about 0.1 s per check: slow for a guesser,
# quick for one sign-in.
_N, _R, _P, _DKLEN = 2 ** 15, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024

MODES = ("oidc", "password", "open-local", "read-only")


def hash_password(password: str) -> str:
    """"scrypt$n$r$p$salt$hash" (salt and hash base64) for `OFSTED_RAG_EDITOR_PASSWORD_HASH`.

    Raises:
        ValueError: the password is empty.
    """
    if not password:
        raise ValueError("the password is empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN, maxmem=_MAXMEM)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def check_hash_format(stored: str) -> None:
    """Raises ConfigError (naming the variable) when `stored` is not a hash this module made."""
    parts = stored.split("$")
    try:
        ok = (len(parts) == 6 and parts[0] == "scrypt" and all(int(x) > 0 for x in parts[1:4])
              and base64.b64decode(parts[4], validate=True) and base64.b64decode(parts[5], validate=True))
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError("OFSTED_RAG_EDITOR_PASSWORD_HASH is not a hash made by `ofsted-rag hash-password` "
                          "(expected scrypt$n$r$p$salt$hash); make one and set it again")


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored` (compared in constant time)."""
    check_hash_format(stored)
    _, n, r, p, salt, digest = stored.split("$")
    expected = base64.b64decode(digest)
    got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(expected), maxmem=max(_MAXMEM, 256 * int(n) * int(r)))
    return hmac.compare_digest(got, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to `address` is reachable from this machine only. Unset means
    Streamlit's default, every interface."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """How editors are recognised in this deployment, and why (for the page to say)."""

    mode: str
    note: str

    @property
    def open_to_all(self) -> bool:
        return self.mode == "open-local"

    @property
    def read_only(self) -> bool:
        return self.mode == "read-only"


def access_mode(*, oidc_configured: bool, password_hash: str | None, server_address: str | None) -> Access:
    """The access rule for a deployment (see the module docstring)."""
    if oidc_configured:
        return Access("oidc", "Editors sign in with the organisation's account to add documents.")
    if password_hash:
        check_hash_format(password_hash)
        return Access("password", "Editors sign in with the editor password to add documents.")
    if is_loopback(server_address):
        return Access("open-local", (
            f"Uploads are open to anyone using this app: it runs on this computer only ({server_address}) "
            "and no editor sign-in is configured. Before serving it to other machines, configure one "
            "(see docs/deployment.md)."))
    return Access("read-only", (
        "This library is read-only here: the app can be reached from other machines and no editor "
        "sign-in is configured. An administrator can set one up (see docs/deployment.md)."))
