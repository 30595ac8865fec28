"""The master key, wrapped under a passphrase for an offline holder (`backup --export-master-key`).

The master key is never inside a backup: a stolen backup and its backup key still give no
identifying value. It is exported only on request (with the audit key, which a restored audit
trail needs to be verified), to a small text file that is useless without
its passphrase: scrypt (N=2^17, r=8, p=1: about 128 MiB and a second per guess) turns the
passphrase into a key that seals the master key (and any former master keys still configured)
with AES-256-GCM; the file's parameters are authenticated with it. Print it on paper or keep it
on a USB stick in a safe, and give the passphrase to someone else.

Opening it needs no Django settings (which cannot start without the master key):

    python -m salvaguarda.core.backup.keyfile master-key.json

asks for the passphrase and prints the keys.
"""

import base64
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "salvaguarda-master-key"
VERSION = 1
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 16


class KeyFileError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _associated(document: dict[str, Any]) -> bytes:
    public = {k: v for k, v in document.items() if k not in {"nonce", "ciphertext"}}
    return json.dumps(public, sort_keys=True, separators=(",", ":")).encode()


def wrap_master_keys(
    current: str,
    previous: list[str],
    passphrase: str,
    *,
    key_ids: list[str],
    created_at: str,
    audit: dict[str, Any] | None = None,
) -> str:
    """The text of a key file holding CURRENT (and PREVIOUS) master keys, as configured, and
    the audit keys (AUDIT: {"current": key, "previous": [keys]}), without which a restored
    audit trail cannot be verified."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyFileError(
            f"The passphrase must have at least {MIN_PASSPHRASE} characters (several words)."
        )
    salt = os.urandom(16)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
        "key_ids": key_ids,
        "created_at": created_at,
    }
    nonce = os.urandom(12)
    held: dict[str, Any] = {"current": current, "previous": previous}
    if audit is not None:
        held["audit"] = audit
    secret = json.dumps(held).encode()
    wrapping = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(wrapping).encrypt(nonce, secret, _associated(document))
    document["nonce"] = _b64(nonce)
    document["ciphertext"] = _b64(sealed)
    return json.dumps(document, indent=2) + "\n"


def unwrap_master_keys(text: str, passphrase: str) -> dict[str, Any]:
    """{"current": key, "previous": [keys], "audit": {...}} from a key file's text (files
    written before the audit key have no "audit"), or KeyFileError."""
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT or document.get("version") != VERSION:
            raise KeyFileError("This is not a Salvaguarda master key file (or not this version).")
        kdf = document["kdf"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if kdf["name"] != "scrypt" or not (2**14 <= n <= 2**20 and 1 <= r <= 16 and 1 <= p <= 4):
            raise KeyFileError("The key file's parameters are not ones this version writes.")
        wrapping = _derive(passphrase, _unb64(kdf["salt"]), n, r, p)
        clear = AESGCM(wrapping).decrypt(
            _unb64(document["nonce"]), _unb64(document["ciphertext"]), _associated(document)
        )
    except InvalidTag as exc:
        raise KeyFileError("Wrong passphrase, or the key file was altered.") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError("The key file is damaged (a field is missing or malformed).") from exc
    keys: dict[str, Any] = json.loads(clear)
    return keys


def main(arguments: list[str]) -> int:
    if len(arguments) != 1:
        print("usage: python -m salvaguarda.core.backup.keyfile KEY_FILE", file=sys.stderr)
        return 2
    text = Path(arguments[0]).read_text(encoding="utf-8")
    try:
        keys = unwrap_master_keys(text, getpass.getpass("Passphrase: "))
    except KeyFileError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"SALVAGUARDA_MASTER_KEY={keys['current']}")
    if keys["previous"]:
        print(f"SALVAGUARDA_PREVIOUS_MASTER_KEYS={','.join(keys['previous'])}")
    audit = keys.get("audit")
    if audit:
        print(f"SALVAGUARDA_AUDIT_KEY={audit['current']}")
        if audit["previous"]:
            print(f"SALVAGUARDA_PREVIOUS_AUDIT_KEYS={','.join(audit['previous'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
