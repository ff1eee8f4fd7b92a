#!/usr/bin/env python3
"""Writes the negative vault vectors: one file per error a reader must report, in the order
SECURITY.md section 4 checks them, each built from the fixed inputs of section 12 with the
independent implementation's sealing code, so that only the one intended check fails (the
header checksum and the key commitment are recomputed wherever a header field is changed).

    python3 tools/vectors/negative_vectors.py Tests/TokenVaultTests/Vectors

Writes DIR/negative/NAME.vault and DIR/negative.json: name, file, the keyfile to open it
with, the error (a VaultError case) and a fragment of its reason. Deterministic: run again,
the same bytes.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import independent_vault as iv  # noqa: E402

KEY = bytes(range(32))
OTHER_KEY = bytes(range(32, 64))
SALT = bytes(i * 0x11 for i in range(16))
NONCE = bytes(0xA0 + i for i in range(24))
GOOD_SET = ('{"access_token":"A","expires_at_seconds":1767225600,"refresh_token":null,'
            '"resource_server":"auth.globus.org","scope":"openid","token_type":"Bearer"}')


def document(tokens='{"auth.globus.org":' + GOOD_SET + '}', version="1", extra=""):
    return ('{"frl_vault":' + version + ',"namespaces":{"tokens":' + tokens + '}' + extra + '}').encode("utf-8")


def seal(plaintext):
    return iv.seal_vault(plaintext, keyfile_key=KEY, salt=SALT, nonce=NONCE)[0]


def seal_padded(padded):
    """A vault whose padded plaintext is exactly `padded` (for padding errors)."""
    good = seal(b"{}")
    prefix = good[:68]
    box_key = iv.blake2b(iv.BOX_KEY_LABEL + prefix, 32, KEY)
    import nacl.secret
    return good[:116] + nacl.secret.SecretBox(box_key).encrypt(padded, NONCE).ciphertext


def with_header(data, kdf=None, ops=None, mem=None, reserved=None, key=KEY, recommit=True):
    """`data` with header fields changed, the commitment and the checksum made right again."""
    prefix = bytearray(data[:68])
    if kdf is not None:
        prefix[9] = kdf
    if reserved is not None:
        prefix[10:12] = reserved
    old_ops, old_mem = struct.unpack("<QQ", bytes(prefix[12:28]))
    prefix[12:28] = struct.pack("<QQ", old_ops if ops is None else ops, old_mem if mem is None else mem)
    commitment = iv.blake2b(iv.COMMITMENT_LABEL + bytes(prefix), 32, key) if recommit else data[68:100]
    checksum = iv.blake2b(bytes(prefix) + commitment, 16)
    return bytes(prefix) + commitment + checksum + data[116:]


def flipped(data, index):
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


def main(directory):
    good = seal(document())
    deep = "[" * 33 + "]" * 33
    cases = [
        # Step 1: the magic.
        ("magic", flipped(good, 0), KEY, "notAVault", ""),
        ("shorter-than-magic", good[:5], KEY, "notAVault", ""),
        # Step 2: the version.
        ("magic-only", good[:8], KEY, "damaged", "truncated header"),
        ("version-2", good[:8] + b"\x02" + good[9:], KEY, "unsupportedVersion", ""),
        ("version-0", good[:8] + b"\x00" + good[9:], KEY, "unsupportedVersion", ""),
        # Step 3: the header's length and checksum.
        ("short-header", good[:100], KEY, "damaged", "truncated header"),
        ("checksum", flipped(good, 100), KEY, "damaged", "header checksum mismatch"),
        # Step 4: the fields.
        ("reserved-not-zero", with_header(good, reserved=b"\x00\x01"), KEY, "damaged", "reserved header bytes"),
        ("keyfile-with-costs", with_header(good, ops=1), KEY, "damaged", "nonzero Argon2id parameters"),
        ("unknown-key-derivation", with_header(good, kdf=2), KEY, "damaged", "unknown key derivation"),
        ("opslimit-too-high", with_header(good, kdf=1, ops=17, mem=65536), KEY, "unsafeKDFParameters", "opslimit 17"),
        ("opslimit-zero", with_header(good, kdf=1, ops=0, mem=65536), KEY, "unsafeKDFParameters", "opslimit 0"),
        ("memlimit-too-low", with_header(good, kdf=1, ops=1, mem=4096), KEY, "unsafeKDFParameters", "memlimit 4096"),
        ("memlimit-too-high", with_header(good, kdf=1, ops=1, mem=(1 << 30) + 1024), KEY, "unsafeKDFParameters", "memlimit"),
        ("memlimit-not-whole-kib", with_header(good, kdf=1, ops=1, mem=8193), KEY, "unsafeKDFParameters", "whole number of KiB"),
        ("work-above-sensitive", with_header(good, kdf=1, ops=5, mem=1 << 30), KEY, "unsafeKDFParameters", "exceeds"),
        # Step 5: the length of what follows the header.
        ("truncated-ciphertext", good[:132], KEY, "damaged", "truncated ciphertext"),
        # Step 6: the key's kind, then the commitment.
        ("passphrase-vault-opened-with-keyfile", with_header(good, kdf=1, ops=2, mem=64 << 20), KEY, "keyKindMismatch", ""),
        ("wrong-key", good, OTHER_KEY, "wrongKey", ""),
        ("commitment", with_header(flipped(good, 80), recommit=False), KEY, "wrongKey", ""),
        # Step 7: the box.
        ("ciphertext-bit", flipped(good, len(good) - 1), KEY, "damaged", "authentication failed"),
        ("tag-bit", flipped(good, 116), KEY, "damaged", "authentication failed"),
        # Step 8: the padding.
        ("no-padding-marker", seal_padded(document() + bytes(4096 - len(document()))), KEY, "damaged", "padding"),
        ("padding-not-zero", seal_padded(document() + b"\x80\x01" + bytes(4094 - len(document()))), KEY, "damaged", "padding"),
        # Step 9: the document.
        ("not-json", seal(b'{"frl_vault":1,'), KEY, "invalidTokenData", "not valid JSON"),
        ("byte-order-mark", seal(b"\xef\xbb\xbf" + document()), KEY, "invalidTokenData", "not valid JSON"),
        ("invalid-utf8", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace('"A"', '"\xff"') + '}').replace(b"\xc3\xbf", b"\xff")), KEY, "invalidTokenData", ""),
        ("version-in-plaintext-2", seal(document(version="2")), KEY, "invalidTokenData", "version 2"),
        ("version-in-plaintext-float", seal(document(version="1.0")), KEY, "invalidTokenData", "frl_vault"),
        ("no-namespaces", seal(b'{"frl_vault":1}'), KEY, "invalidTokenData", "namespaces"),
        ("duplicate-namespace", seal(b'{"frl_vault":1,"namespaces":{"a":{},"a":{}}}'), KEY, "invalidTokenData", "duplicate"),
        ("nested-too-deep", seal(document(extra=',"x":' + deep)), KEY, "invalidTokenData", "deeper than 32"),
        ("lone-surrogate", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace('"A"', '"\\ud800"') + '}')), KEY, "invalidTokenData", "not valid JSON"),
        ("nan", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace("1767225600", "NaN") + '}')), KEY, "invalidTokenData", "not valid JSON"),
        ("expiry-beyond-64-bits", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace("1767225600", "-9223372036854775809") + '}')), KEY, "invalidTokenData", "expires_at_seconds"),
        ("token-type-not-bearer", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace('"Bearer"', '"bearer"') + '}')), KEY, "invalidTokenData", "token_type"),
        ("access-token-null", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace('"A"', "null") + '}')), KEY, "invalidTokenData", "access_token"),
        ("filed-under-another-server", seal(document(tokens='{"other.example.org":' + GOOD_SET + '}')), KEY, "invalidTokenData", "resource_server"),
        ("unknown-token-key", seal(document(tokens='{"auth.globus.org":' + GOOD_SET.replace('"scope"', '"extra":1,"scope"') + '}')), KEY, "invalidTokenData", ""),
    ]
    out = os.path.join(directory, "negative")
    os.makedirs(out, exist_ok=True)
    index = []
    for name, data, key, error, reason in cases:
        with open(os.path.join(out, name + ".vault"), "wb") as handle:
            handle.write(data)
        index.append({"name": name, "file": "negative/" + name + ".vault",
                      "keyfile": iv.keyfile_text(key).decode("ascii"), "error": error, "reason": reason})
    with open(os.path.join(directory, "negative.json"), "w") as handle:
        json.dump(index, handle, indent=2)
        handle.write("\n")
    print(f"wrote {len(index)} negative vectors to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
