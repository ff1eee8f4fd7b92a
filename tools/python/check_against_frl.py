#!/usr/bin/env python3
"""By hand, not in CI: checks frl_compat (and so the committed fixtures) against the real
fair-research-login package. Needs it installed, e.g. in a throwaway venv:

    python3 -m venv /tmp/frl && /tmp/frl/bin/pip install fair-research-login
    /tmp/frl/bin/python tools/python/check_against_frl.py

Checks: verify_token_group gives the same outcome on every validation case; the real
JSONTokenStorage and ConfigParserTokenStorage write the same bytes as frl_compat and read
every fixture as the *.expected.json files say. Exits 1 on the first difference.
"""
import json
import os
import shutil
import sys
import tempfile

from fair_research_login import exc
from fair_research_login.token_storage import (ConfigParserTokenStorage, JSONTokenStorage,
                                               MultiClientTokenStorage, flat_unpack,
                                               verify_token_group)

import frl_compat
import make_fixtures

FIXTURES = make_fixtures.OUT
failures = []


def check(label, condition):
    print(('ok   ' if condition else 'FAIL ') + label)
    if not condition:
        failures.append(label)


def real_outcome(group):
    try:
        return {'result': verify_token_group(group)}
    except exc.InvalidTokenFormat as error:
        return {'code': error.code}
    except Exception as error:
        return {'exception': type(error).__name__}


def real_ini_read(path, section):
    raw = ConfigParserTokenStorage(filename=path, section=section).read_tokens()
    return {rs: verify_token_group(ts) for rs, ts in raw.items()}


def read_text(path):
    with open(path, 'rb') as fh:
        return fh.read()


def main():
    for name, group in make_fixtures.validation_cases():
        check('verify_token_group: ' + name, real_outcome(group) == make_fixtures.outcome(group))

    scratch = tempfile.mkdtemp()
    try:
        ours, theirs = os.path.join(scratch, 'ours.json'), os.path.join(scratch, 'theirs.json')
        frl_compat.json_write(ours, make_fixtures.JSON_SAMPLE)
        JSONTokenStorage(filename=theirs).write_tokens(
            {rs: verify_token_group(ts) for rs, ts in make_fixtures.JSON_SAMPLE.items()})
        check('JSON write bytes match', read_text(ours) == read_text(theirs))

        ours, theirs = os.path.join(scratch, 'ours.cfg'), os.path.join(scratch, 'theirs.cfg')
        frl_compat.ini_write(ours, 'tokens', make_fixtures.INI_SAMPLE)
        frl_compat.ini_write(ours, make_fixtures.CLIENT_ID, make_fixtures.CLIENT_SAMPLE)
        ConfigParserTokenStorage(filename=theirs).write_tokens(make_fixtures.INI_SAMPLE)
        multi = MultiClientTokenStorage(filename=theirs)
        multi.set_client_id(make_fixtures.CLIENT_ID)
        multi.write_tokens(make_fixtures.CLIENT_SAMPLE)
        check('INI write bytes match', read_text(ours) == read_text(theirs))
    finally:
        shutil.rmtree(scratch)

    def expected(name):
        with open(os.path.join(FIXTURES, name)) as fh:
            return json.load(fh)

    raw = JSONTokenStorage(filename=os.path.join(FIXTURES, 'python-written.json')).read_tokens()
    check('python-written.json reads as expected',
          {rs: verify_token_group(ts) for rs, ts in raw.items()} == expected('python-written.json.expected.json'))
    cfg = os.path.join(FIXTURES, 'python-written.cfg')
    check('python-written.cfg [tokens] reads as expected',
          real_ini_read(cfg, 'tokens') == expected('python-written.cfg.tokens.expected.json'))
    check('python-written.cfg [client] reads as expected',
          real_ini_read(cfg, make_fixtures.CLIENT_ID) == expected('python-written.cfg.client.expected.json'))
    check('hand-edited.cfg reads as expected',
          real_ini_read(os.path.join(FIXTURES, 'hand-edited.cfg'), 'tokens')
          == expected('hand-edited.cfg.expected.json'))
    check('flat_unpack of empty is empty', flat_unpack({}) == {})

    for path in sys.argv[1:]:
        # Extra files (e.g. written by Swift) to read with the real library: json or cfg.
        if path.endswith('.json'):
            raw = JSONTokenStorage(filename=path).read_tokens() or {}
            tokens = {rs: verify_token_group(ts) for rs, ts in raw.items()}
        else:
            tokens = real_ini_read(path, 'tokens')
        check('real library reads ' + path, bool(tokens))
        sys.stdout.write(frl_compat.canonical(tokens))

    print('{} failure(s)'.format(len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
