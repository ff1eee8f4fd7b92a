#!/usr/bin/env python3
"""Prints the test-vector appendix of SECURITY.md from Tests/TokenVaultTests/Vectors, so the
hex in the document is the committed files' bytes, not a transcription.

    python3 tools/vectors/print_vector_appendix.py > /tmp/appendix.md
"""
import hashlib
import json
import os

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "TokenVaultTests", "Vectors")


def header_table(data):
    fields = [("magic", 0, 8), ("version", 8, 9), ("kdf", 9, 10), ("reserved", 10, 12), ("opslimit", 12, 20),
              ("memlimit", 20, 28), ("salt", 28, 44), ("nonce", 44, 68), ("commitment", 68, 100),
              ("checksum", 100, 116)]
    return "\n".join(f"    {name:<10} {data[start:end].hex()}" for name, start, end in fields)


def main():
    with open(os.path.join(VECTORS, "vectors.json")) as handle:
        vectors = [v for v in json.load(handle) if v["writer"] == "swift"]
    print("### Appendix: the vectors' values\n")
    for vector in vectors:
        with open(os.path.join(VECTORS, vector["file"]), "rb") as handle:
            data = handle.read()
        print(f"**{vector['name']}** (`{vector['file']}`, {len(data)} bytes, SHA-256 "
              f"`{hashlib.sha256(data).hexdigest()}`)\n")
        print(header_table(data))
        print(f"    K          {vector['masterKey']}")
        print(f"    BK         {vector['boxKey']}")
        print(f"    tag        {data[116:132].hex()}")
        print()
    keyfile = next(v for v in vectors if v["keyDerivation"] == "keyfile")
    with open(os.path.join(VECTORS, keyfile["file"]), "rb") as handle:
        data = handle.read()
    print(f"The whole of `{keyfile['file']}`, 32 bytes per line:\n")
    for offset in range(0, len(data), 32):
        print("    " + data[offset:offset + 32].hex())


if __name__ == "__main__":
    main()
