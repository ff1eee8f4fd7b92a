#!/usr/bin/env python3
"""Writes a Fair Research Login JSON token file with N resource servers, the shape the CLI
benchmarks read: auth.globus.org first, then rsNNNN.api.globus.org, each with both tokens.

    python3 tools/bench/make_tokens.py N OUT.json
"""
import json
import sys


def token_sets(count):
    tokens = {}
    for i in range(count):
        rs = "auth.globus.org" if i == 0 else f"rs{i:04d}.api.globus.org"
        tokens[rs] = {
            "scope": f"urn:globus:auth:scope:{rs}:all openid",
            "access_token": f"AT{i:06d}" + "x" * 64,
            "refresh_token": f"RT{i:06d}" + "y" * 64,
            "token_type": "Bearer",
            "expires_at_seconds": 4102444800,
            "resource_server": rs,
        }
    return tokens


if __name__ == "__main__":
    count, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w") as f:
        json.dump(token_sets(count), f, indent=2)
