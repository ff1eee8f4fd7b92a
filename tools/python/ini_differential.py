#!/usr/bin/env python3
"""Differential fuzzing of the INI reader: writes random, mostly hostile INI files and what
Fair Research Login's read path makes of each (tokens, or the exception's type) into a
directory; an opt-in Swift test then reads every file and demands the same outcome.

    python3 -B tools/python/ini_differential.py /tmp/ini-diff [seed] [count]
    TOKENS_INI_DIFFERENTIAL_DIR=/tmp/ini-diff swift test --filter INIDifferentialTests

Standard library only. Not part of CI: a soak, run after changing the INI reader.
"""
import json
import os
import random
import sys

import frl_compat

FIELDS = ['scope', 'access_token', 'refresh_token', 'token_type', 'expires_at_seconds',
          'resource_server']
HEADERS = ['[tokens]', '[other]', '[DEFAULT]', '[ tokens ]', '[tokens] junk', '  [tokens]', '[]',
           '[tok]ens]']
NOISE = ['# c', '; c', '   # c', '', '  cont', '\tcont', '    more = x', ' ', 'junk', '=x', ':x']
DELIMITERS = [' = ', '=', ': ', ' :', '\t=\t']


def value_for(field, rng):
    if field == 'expires_at_seconds':
        return rng.choice(['12', ' 7 ', '1_0', 'x', '', '-3', '%%', '1%%'])
    if field == 'resource_server':
        return rng.choice(['a.b', 'a.b', 'a.b', 'c', ''])
    if field == 'token_type':
        return rng.choice(['Bearer', 'Bearer', '', 'MAC'])
    return rng.choice(['v', 'v w', '%%x', '%(a_b__scope)s', '%(nope)s', '5%', '\u00e9', '', 'x:y=z',
                       '  sp  '])


BENIGN = {
    'scope': ['v', 'v w', '%%x', '%(a_b__access_token)s-ref', '\u00e9', 'x:y=z', '  padded  '],
    'access_token': ['tok', 'tok%%', 'T0K'],
    'refresh_token': ['', 'r', '%%'],
    'token_type': ['Bearer', ''],
    'expires_at_seconds': ['12', ' 7 ', '1_0', '-3', '+4'],
    'resource_server': ['a.b'],
}
BENIGN_NOISE = ['# c', '; c', '   # c', '', '\tcontinued', '[other]\nk = v', '[DEFAULT]']


def hostile_file(rng):
    lines = ['[tokens]'] if rng.random() < 0.8 else []
    used = 0
    for _ in range(rng.randint(0, 9)):
        roll = rng.random()
        if roll < 0.08:
            lines.append(rng.choice(HEADERS))
        elif roll < 0.25:
            lines.append(rng.choice(NOISE))
        else:
            field = rng.choice(FIELDS) if rng.random() < 0.3 else FIELDS[used % 6]
            used += 1
            key = 'a_b__' + field
            if rng.random() < 0.1:
                key = key.upper()
            if rng.random() < 0.05:
                key = 'zz'
            lines.append(key + rng.choice(DELIMITERS) + value_for(field, rng))
    return lines


def mostly_valid_file(rng):
    """All six fields with benign values, in any order, with quirks sprinkled between."""
    lines = [rng.choice(['[tokens]', '[tokens]', '[tokens] trailing', ' [tokens]'])]
    fields = list(FIELDS)
    rng.shuffle(fields)
    for field in fields:
        if field in ('refresh_token', 'token_type') and rng.random() < 0.3:
            continue
        key = 'a_b__' + field
        if rng.random() < 0.2:
            key = key.upper()
        lines.append(rng.choice(['', ' ', '  ']) + key + rng.choice(DELIMITERS)
                     + rng.choice(BENIGN[field]))
        if rng.random() < 0.2:
            lines.append(rng.choice(BENIGN_NOISE))
    if rng.random() < 0.3:
        lines[0:0] = ['[first]', 'x: 1', '']
    return lines


def random_file(rng):
    lines = mostly_valid_file(rng) if rng.random() < 0.5 else hostile_file(rng)
    return '\n'.join(lines) + rng.choice(['', '\n', '\n\n', '\r\n'])


def main(argv):
    out = argv[1] if len(argv) > 1 else '/tmp/ini-diff'
    rng = random.Random(int(argv[2]) if len(argv) > 2 else 1)
    count = int(argv[3]) if len(argv) > 3 else 500
    os.makedirs(out, exist_ok=True)
    for index in range(count):
        path = os.path.join(out, '%05d.cfg' % index)
        with open(path, 'w', newline='') as fh:
            fh.write(random_file(rng))
        try:
            outcome = {'tokens': frl_compat.ini_read(path, 'tokens')}
        except Exception as error:
            outcome = {'error': type(error).__name__}
        with open(path + '.outcome.json', 'w') as fh:
            json.dump(outcome, fh)
    print('wrote {} cases to {}'.format(count, out), file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv)
