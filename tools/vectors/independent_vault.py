#!/usr/bin/env python3
"""An independent implementation of the frl-vault file format, version 1, written from
SECURITY.md alone (sections 2 to 5), with PyNaCl for Argon2id and secretbox and Python's own
hashlib for BLAKE2b. It shares no code with the Swift implementation; the Swift tests run it
(when python3 and PyNaCl are importable) to check both directions.

    pip install pynacl

    independent_vault.py check DIR [--max-memlimit BYTES]
        Opens every vector listed in DIR/vectors.json and compares every intermediate value.
    independent_vault.py decrypt VAULT (--keyfile PATH | --passphrase-env NAME)
        Prints the vault's plaintext JSON.
    independent_vault.py encrypt --plaintext JSON --out VAULT (--keyfile PATH |
                                 --passphrase-env NAME --opslimit N --memlimit BYTES)
        Writes a new vault (fresh salt and nonce) holding the JSON document.
    independent_vault.py write-vectors DIR
        Adds vaults written by this implementation to DIR and to DIR/vectors.json.

Exit status: 0 on success, 1 with one line on stderr naming the failure.
"""
import argparse
import hashlib
import hmac
import json
import os
import struct
import sys

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils

MAGIC = b"FRLVAULT"
VERSION = 1
KDF_KEYFILE = 0
KDF_ARGON2ID = 1
HEADER_LENGTH = 116
TAG_LENGTH = 16
BOX_KEY_LABEL = b"frl-vault v1 box key"
COMMITMENT_LABEL = b"frl-vault v1 key commitment"
KEYFILE_PREFIX = b"frl-vault-key-v1:"
OPS_RANGE = (1, 16)
MEM_RANGE = (8192, 1 << 30)
MAX_WORK = 4 << 30


class VaultFailure(Exception):
    """kind is one of SECURITY.md's reader outcomes."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


def parse_keyfile(text):
    if not text.startswith(KEYFILE_PREFIX):
        raise VaultFailure("invalid keyfile", "missing prefix")
    body = text[len(KEYFILE_PREFIX):]
    if body.endswith(b"\n"):
        body = body[:-1]
    if body.endswith(b"\r"):
        body = body[:-1]
    if len(body) != 64 or any(c not in b"0123456789abcdefABCDEF" for c in body):
        raise VaultFailure("invalid keyfile", "expected 64 hex digits")
    return bytes.fromhex(body.decode("ascii"))


def keyfile_text(key):
    return KEYFILE_PREFIX + key.hex().encode("ascii") + b"\n"


def argon2id(passphrase, salt, opslimit, memlimit):
    # PyNaCl passes crypto_pwhash_ALG_ARGON2ID13 explicitly.
    return nacl.pwhash.argon2id.kdf(32, passphrase, salt, opslimit=opslimit, memlimit=memlimit)


def blake2b(message, size, key=b""):
    return hashlib.blake2b(message, digest_size=size, key=key).digest()


def check_costs(opslimit, memlimit):
    if not OPS_RANGE[0] <= opslimit <= OPS_RANGE[1]:
        raise VaultFailure("unsafe KDF parameters", f"opslimit {opslimit}")
    if not MEM_RANGE[0] <= memlimit <= MEM_RANGE[1] or memlimit % 1024:
        raise VaultFailure("unsafe KDF parameters", f"memlimit {memlimit}")
    if opslimit * memlimit > MAX_WORK:
        raise VaultFailure("unsafe KDF parameters", "opslimit x memlimit")


def parse_header(data):
    """Steps 1 to 5 of the reading order."""
    if len(data) < 8 or data[:8] != MAGIC:
        raise VaultFailure("not a vault")
    if len(data) < 9:
        raise VaultFailure("damaged", "truncated")
    if data[8] != VERSION:
        raise VaultFailure("unsupported version", str(data[8]))
    if len(data) < HEADER_LENGTH:
        raise VaultFailure("damaged", "truncated header")
    if blake2b(data[:100], 16) != data[100:116]:
        raise VaultFailure("damaged", "header checksum")
    kdf = data[9]
    if data[10:12] != b"\0\0" or kdf not in (KDF_KEYFILE, KDF_ARGON2ID):
        raise VaultFailure("damaged", "reserved or kdf byte")
    opslimit, memlimit = struct.unpack("<QQ", data[12:28])
    if kdf == KDF_KEYFILE and (opslimit or memlimit):
        raise VaultFailure("damaged", "keyfile vault with costs")
    if kdf == KDF_ARGON2ID:
        check_costs(opslimit, memlimit)
    if len(data) < HEADER_LENGTH + TAG_LENGTH + 1:
        raise VaultFailure("damaged", "truncated ciphertext")
    return {"kdf": kdf, "opslimit": opslimit, "memlimit": memlimit, "salt": data[28:44],
            "nonce": data[44:68], "commitment": data[68:100], "prefix": data[:68]}


def master_key(header, keyfile_key=None, passphrase=None):
    """Step 6 and the derivation of K."""
    if header["kdf"] == KDF_KEYFILE:
        if keyfile_key is None:
            raise VaultFailure("key kind mismatch", "the vault uses a keyfile")
        return keyfile_key
    if passphrase is None:
        raise VaultFailure("key kind mismatch", "the vault uses a passphrase")
    return argon2id(passphrase, header["salt"], header["opslimit"], header["memlimit"])


def unpad(padded):
    """The last 0x80 followed only by zeros ends the content."""
    end = len(padded)
    while end > 0 and padded[end - 1] == 0:
        end -= 1
    if end == 0 or padded[end - 1] != 0x80:
        raise VaultFailure("damaged", "padding")
    return padded[:end - 1]


def padded_length(content_length):
    needed = content_length + 1
    if needed <= 4096:
        return 4096
    step = max(1024, (1 << (needed - 1).bit_length()) // 16)
    return -(-needed // step) * step


def open_vault(data, keyfile_key=None, passphrase=None):
    """Returns (plaintext JSON bytes, intermediate values)."""
    header = parse_header(data)
    key = master_key(header, keyfile_key, passphrase)
    commitment = blake2b(COMMITMENT_LABEL + header["prefix"], 32, key)
    if not hmac.compare_digest(commitment, header["commitment"]):
        raise VaultFailure("wrong key")
    box_key = blake2b(BOX_KEY_LABEL + header["prefix"], 32, key)
    try:
        padded = nacl.secret.SecretBox(box_key).decrypt(data[HEADER_LENGTH:], header["nonce"])
    except nacl.exceptions.CryptoError:
        raise VaultFailure("damaged", "authentication failed") from None
    plaintext = unpad(padded)
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        raise VaultFailure("invalid token data", "not JSON") from None
    # frl_vault: the integer 1 exactly (1.0 and true are refused); namespaces: required, an object.
    version = document.get("frl_vault") if isinstance(document, dict) else None
    if type(version) is not int or version != 1 or not isinstance(document.get("namespaces"), dict):
        raise VaultFailure("invalid token data", "not a version 1 document")
    values = {"masterKey": key.hex(), "boxKey": box_key.hex(), "commitment": commitment.hex(),
              "checksum": data[100:116].hex(), "salt": header["salt"].hex(), "nonce": header["nonce"].hex(),
              "paddedLength": len(padded)}
    return plaintext, values


def seal_vault(plaintext, keyfile_key=None, passphrase=None, opslimit=0, memlimit=0, salt=None, nonce=None):
    """Section 4, writing. Returns (vault bytes, intermediate values)."""
    salt = salt or nacl.utils.random(16)
    nonce = nonce or nacl.utils.random(24)
    if keyfile_key is not None:
        kdf, opslimit, memlimit, key = KDF_KEYFILE, 0, 0, keyfile_key
    else:
        check_costs(opslimit, memlimit)
        kdf, key = KDF_ARGON2ID, argon2id(passphrase, salt, opslimit, memlimit)
    prefix = MAGIC + bytes([VERSION, kdf]) + b"\0\0" + struct.pack("<QQ", opslimit, memlimit) + salt + nonce
    assert len(prefix) == 68
    commitment = blake2b(COMMITMENT_LABEL + prefix, 32, key)
    checksum = blake2b(prefix + commitment, 16)
    box_key = blake2b(BOX_KEY_LABEL + prefix, 32, key)
    length = padded_length(len(plaintext))
    padded = plaintext + b"\x80" + bytes(length - len(plaintext) - 1)
    sealed = nacl.secret.SecretBox(box_key).encrypt(padded, nonce).ciphertext
    values = {"masterKey": key.hex(), "boxKey": box_key.hex(), "commitment": commitment.hex(),
              "checksum": checksum.hex(), "salt": salt.hex(), "nonce": nonce.hex(), "paddedLength": length}
    return prefix + commitment + checksum + sealed, values


def key_arguments(args):
    if getattr(args, "keyfile", None):
        with open(args.keyfile, "rb") as handle:
            return {"keyfile_key": parse_keyfile(handle.read())}
    if getattr(args, "passphrase_env", None):
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise VaultFailure("no passphrase", f"${args.passphrase_env} is empty or unset")
        return {"passphrase": value.encode("utf-8")}
    raise VaultFailure("no key", "give --keyfile or --passphrase-env")


def command_check(args):
    with open(os.path.join(args.directory, "vectors.json")) as handle:
        vectors = json.load(handle)
    checked = 0
    for vector in vectors:
        if vector["memLimitBytes"] > args.max_memlimit:
            print(f"skipped {vector['name']} (memlimit above --max-memlimit)")
            continue
        with open(os.path.join(args.directory, vector["file"]), "rb") as handle:
            data = handle.read()
        if vector["keyDerivation"] == "keyfile":
            keys = {"keyfile_key": parse_keyfile(vector["keyfile"].encode("ascii"))}
        else:
            keys = {"passphrase": vector["passphrase"].encode("utf-8")}
        plaintext, values = open_vault(data, **keys)
        if plaintext != vector["plaintext"].encode("utf-8"):
            raise VaultFailure("mismatch", f"{vector['name']}: plaintext")
        for name, value in values.items():
            if vector[name] != value:
                raise VaultFailure("mismatch", f"{vector['name']}: {name}")
        if vector["writer"] == "swift":
            resealed, _ = seal_vault(plaintext, salt=bytes.fromhex(vector["salt"]), nonce=bytes.fromhex(vector["nonce"]),
                                     opslimit=vector["opsLimit"], memlimit=vector["memLimitBytes"], **keys)
            if resealed != data:
                raise VaultFailure("mismatch", f"{vector['name']}: re-sealed bytes differ")
        print(f"ok {vector['name']}")
        checked += 1
    if checked == 0:
        raise VaultFailure("nothing checked")


def command_decrypt(args):
    with open(args.vault, "rb") as handle:
        plaintext, _ = open_vault(handle.read(), **key_arguments(args))
    sys.stdout.write(plaintext.decode("utf-8") + "\n")


def command_encrypt(args):
    with open(args.plaintext, "rb") as handle:
        plaintext = handle.read()
    json.loads(plaintext.decode("utf-8"))
    vault, _ = seal_vault(plaintext, opslimit=args.opslimit, memlimit=args.memlimit, **key_arguments(args))
    descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(vault)


def command_write_vectors(args):
    index_path = os.path.join(args.directory, "vectors.json")
    with open(index_path) as handle:
        vectors = [v for v in json.load(handle) if v["writer"] != "independent_vault.py"]
    source = next(v for v in vectors if v["name"] == "v1-keyfile")
    # The same document as the Swift vectors, laid out the way Python's json module does.
    plaintext = json.dumps(json.loads(source["plaintext"]), indent=2).encode("utf-8")
    passphrase = "correct horse battery staple"
    cases = [
        ("python-keyfile", {"keyfile_key": parse_keyfile(source["keyfile"].encode("ascii"))}, 0, 0),
        ("python-passphrase-interactive", {"passphrase": passphrase.encode("utf-8")}, 2, 64 << 20),
    ]
    for name, keys, opslimit, memlimit in cases:
        vault, values = seal_vault(plaintext, opslimit=opslimit, memlimit=memlimit, **keys)
        with open(os.path.join(args.directory, name + ".vault"), "wb") as handle:
            handle.write(vault)
        vector = {"name": name, "file": name + ".vault", "writer": "independent_vault.py",
                  "keyDerivation": "keyfile" if "keyfile_key" in keys else "argon2id",
                  "opsLimit": opslimit, "memLimitBytes": memlimit, "plaintext": plaintext.decode("utf-8")}
        if "keyfile_key" in keys:
            vector["keyfile"] = source["keyfile"]
        else:
            vector["passphrase"] = passphrase
        vector.update(values)
        vectors.append(vector)
    with open(index_path, "w") as handle:
        json.dump(sorted(vectors, key=lambda v: v["name"]), handle, indent=2, sort_keys=True)
        handle.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check")
    check.add_argument("directory")
    check.add_argument("--max-memlimit", type=int, default=MEM_RANGE[1])
    decrypt = commands.add_parser("decrypt")
    decrypt.add_argument("vault")
    encrypt = commands.add_parser("encrypt")
    encrypt.add_argument("--plaintext", required=True)
    encrypt.add_argument("--out", required=True)
    encrypt.add_argument("--opslimit", type=int, default=0)
    encrypt.add_argument("--memlimit", type=int, default=0)
    for sub in (decrypt, encrypt):
        sub.add_argument("--keyfile")
        sub.add_argument("--passphrase-env")
    vectors = commands.add_parser("write-vectors")
    vectors.add_argument("directory")
    args = parser.parse_args()
    handlers = {"check": command_check, "decrypt": command_decrypt, "encrypt": command_encrypt,
                "write-vectors": command_write_vectors}
    try:
        handlers[args.command](args)
    except VaultFailure as failure:
        print(f"independent_vault.py: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
