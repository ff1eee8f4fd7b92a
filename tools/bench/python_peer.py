#!/usr/bin/env python3
"""The Python peers of tools/bench/vault-bench, run by it as a child process so that their
operations are timed in the same rounds as the Swift vault's (never a number from another run).

One command per line on stdin, one answer per line on stdout: the operation's wall time in
nanoseconds, measured here around the operation alone.

    setup N FRL_JSON VAULT KEYFILE   load the map from FRL_JSON (JSONTokenStorage's format), write
                                     it with Fair Research Login's JSONTokenStorage, and take VAULT
                                     as the file the reference reads; answers 0
    frl-read N                       JSONTokenStorage(file).read_tokens()
    frl-write N                      JSONTokenStorage(file).write_tokens(map) (no fsync)
    ref-read N                       the PyNaCl reference read: the vault file read whole, the box
                                     key derived, secretbox opened, padding removed, json.loads
    ref-write N                      the PyNaCl reference write: json.dumps, pad, seal (box key,
                                     commitment, checksum, secretbox), then an atomic replace with
                                     fsyncs (O_EXCL 0600 temp, fsync, rename, fsync of the dir)
    quit

The reference does what SECURITY.md requires of the format and nothing else: no permission
checks, no lock, no strict-JSON rules, no token validation, no cache. Every answer is checked
(the map's size) outside the timed part.
"""
import hashlib
import json
import os
import sys
import time

import nacl.bindings
import nacl.utils
from fair_research_login import JSONTokenStorage

HEADER = 116
BOX_KEY_LABEL = b"frl-vault v1 box key"
COMMITMENT_LABEL = b"frl-vault v1 key commitment"


def blake2b(message, size, key=b""):
    return hashlib.blake2b(message, digest_size=size, key=key).digest()


class Peer:
    def __init__(self):
        self.sizes = {}

    def setup(self, count, frl_json, vault, keyfile):
        with open(frl_json) as source:
            tokens = json.load(source)
        if len(tokens) != count:
            raise SystemExit(f"python_peer: {frl_json} holds {len(tokens)} sets, not {count}")
        text = open(keyfile, "rb").read()
        key = bytes.fromhex(text[len(b"frl-vault-key-v1:"):][:64].decode())
        directory = os.path.dirname(vault)
        self.sizes[count] = {
            "tokens": tokens,
            "frl": JSONTokenStorage(os.path.join(directory, f"frl-peer-{count}.json")),
            "vault": vault,
            "key": key,
            "written": os.path.join(directory, f"reference-{count}.vault"),
            "salt": nacl.utils.random(16),
        }
        self.sizes[count]["frl"].write_tokens(tokens)

    def frl_read(self, count):
        size = self.sizes[count]
        start = time.perf_counter_ns()
        tokens = size["frl"].read_tokens()
        elapsed = time.perf_counter_ns() - start
        assert len(tokens) == count
        return elapsed

    def frl_write(self, count):
        size = self.sizes[count]
        start = time.perf_counter_ns()
        size["frl"].write_tokens(size["tokens"])
        return time.perf_counter_ns() - start

    def ref_read(self, count):
        size = self.sizes[count]
        start = time.perf_counter_ns()
        with open(size["vault"], "rb") as file:
            data = file.read()
        if data[:8] != b"FRLVAULT" or data[8] != 1 or data[9] != 0:
            raise SystemExit("python_peer: not a keyfile vault of version 1")
        box_key = blake2b(BOX_KEY_LABEL + data[:68], 32, size["key"])
        padded = nacl.bindings.crypto_secretbox_open_easy(data[HEADER:], data[44:68], box_key)
        document = json.loads(padded.rstrip(b"\0")[:-1])
        elapsed = time.perf_counter_ns() - start
        assert sum(len(tokens) for tokens in document["namespaces"].values()) == count
        return elapsed

    def ref_write(self, count):
        size = self.sizes[count]
        path = size["written"]
        start = time.perf_counter_ns()
        plaintext = json.dumps({"frl_vault": 1, "namespaces": {"tokens": size["tokens"]}},
                               ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        n = len(plaintext) + 1
        padded_length = 4096 if n <= 4096 else -(-n // max(1024, (1 << (n - 1).bit_length()) // 16)) * max(
            1024, (1 << (n - 1).bit_length()) // 16)
        padded = plaintext + b"\x80" + bytes(padded_length - n)
        nonce = nacl.utils.random(24)
        prefix = b"FRLVAULT" + bytes((1, 0, 0, 0)) + bytes(16) + size["salt"] + nonce
        checked = prefix + blake2b(COMMITMENT_LABEL + prefix, 32, size["key"])
        box = nacl.bindings.crypto_secretbox_easy(padded, nonce, blake2b(BOX_KEY_LABEL + prefix, 32, size["key"]))
        data = checked + blake2b(checked, 16) + box
        temp = f"{path}.tmp-{os.getpid()}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temp, path)
        directory = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return time.perf_counter_ns() - start


def main():
    peer = Peer()
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "setup":
            peer.setup(int(words[1]), words[2], words[3], words[4])
            answer = 0
        else:
            answer = getattr(peer, words[0].replace("-", "_"))(int(words[1]))
        sys.stdout.write(f"{answer}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
