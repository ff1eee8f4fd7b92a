#!/usr/bin/env python3
"""Regenerates Tests/TokensTests/Fixtures with the Python library's own write and read paths
(see frl_compat.py). Standard library only. Run from anywhere:

    python3 tools/python/make_fixtures.py

Each *.cfg / *.json token file has a *.expected.json beside it: the tokens Fair Research Login
reads from it, in canonical form. Swift tests read the file and compare with that.
"""
import configparser
import json
import os
import sys

import frl_compat

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'Tests', 'TokensTests', 'Fixtures')
CLIENT_ID = '7414f0b4-7d05-4bb6-bb00-076fa3f17cf5'

# Resource servers in sorted order, keys in the order Globus returns them: the order Swift
# writes, so Swift's bytes can be compared with these.
JSON_SAMPLE = {
    'auth.globus.org': {
        'scope': 'openid profile email',
        'access_token': 'py-access-auth',
        'refresh_token': 'py-refresh-auth',
        'token_type': 'Bearer',
        'expires_at_seconds': 1700000000,
        'resource_server': 'auth.globus.org',
    },
    'resource_server_with_underscores': {
        'scope': 'custom_scope caf\u00e9 \U0001F600 "quoted" back\\slash /slash tab\there',
        'access_token': 'py-access-%-percent\u0001',
        'refresh_token': None,
        'token_type': 'Bearer',
        'expires_at_seconds': -5,
        'resource_server': 'resource_server_with_underscores',
    },
    'transfer.api.globus.org': {
        'scope': 'urn:globus:auth:scope:transfer.api.globus.org:all',
        'access_token': 'py-access-transfer',
        'refresh_token': None,
        'token_type': 'Bearer',
        'expires_at_seconds': 1700003600,
        'resource_server': 'transfer.api.globus.org',
    },
}

# ConfigParser.set refuses a lone '%', so the INI sample has none; it keeps non-ASCII.
INI_SAMPLE = {
    'auth.globus.org': JSON_SAMPLE['auth.globus.org'],
    'resource_server_with_underscores': dict(
        JSON_SAMPLE['resource_server_with_underscores'],
        scope='custom_scope caf\u00e9 \U0001F600 "quoted"',
        access_token='py-access-underscores'),
    'transfer.api.globus.org': JSON_SAMPLE['transfer.api.globus.org'],
}

CLIENT_SAMPLE = {
    'auth.globus.org': dict(JSON_SAMPLE['auth.globus.org'],
                            access_token='py-access-client', refresh_token=None),
}

HAND_EDITED = (
    '# Globus tokens, edited by hand\n'
    '; a second comment style\n'
    '\n'
    '[DEFAULT]\n'
    'auth_globus_org__token_type = Bearer\n'
    '\n'
    '[app]\n'
    'motd = 100%% sure\n'
    '\n'
    '[tokens]\n'
    'AUTH_GLOBUS_ORG__SCOPE: openid\n'
    '    profile\n'
    '  email\n'
    'auth_globus_org__access_token=hand-access-auth\r\n'
    '   # an indented comment inside the section\n'
    'auth_globus_org__refresh_token =\n'
    'auth_globus_org__expires_at_seconds = 1_700_000_000\n'
    'auth_globus_org__resource_server\t=\tauth.globus.org   \n'
    'transfer_api_globus_org__scope = urn:globus:auth:scope:transfer.api.globus.org:all\n'
    '\n'
    '      continued after an empty line\n'
    'transfer_api_globus_org__access_token = 100%%-hand-access\n'
    'transfer_api_globus_org__refresh_token = %(auth_globus_org__access_token)s-refresh\n'
    'transfer_api_globus_org__expires_at_seconds =  +42 \n'
    'transfer_api_globus_org__resource_server = transfer.api.globus.org\n'
    'transfer_api_globus_org__token_type = \n'
    '\n'
    '[later]\n'
    'key = value\n'
)


def validation_cases():
    base = JSON_SAMPLE['auth.globus.org']

    def variant(**changes):
        group = dict(base)
        for key, value in changes.items():
            if value is _ABSENT:
                group.pop(key, None)
            else:
                group[key] = value
        return group

    return [
        ('int expiry', variant(expires_at_seconds=123)),
        ('string expiry', variant(expires_at_seconds='123')),
        ('float expiry', variant(expires_at_seconds=123.456)),
        ('negative float truncates toward zero', variant(expires_at_seconds=-1.5)),
        ('string with spaces, sign and underscores', variant(expires_at_seconds=' -1_000 ')),
        ('bool expiry is an int in Python', variant(expires_at_seconds=True)),
        ('refresh token null', variant(refresh_token=None)),
        ('refresh token absent', variant(refresh_token=_ABSENT)),
        ('refresh token empty', variant(refresh_token='')),
        ('refresh token false', variant(refresh_token=False)),
        ('refresh token zero', variant(refresh_token=0)),
        ('token type absent', variant(token_type=_ABSENT)),
        ('token type empty', variant(token_type='')),
        ('token type null', variant(token_type=None)),
        ('empty access token is a string', variant(access_token='')),
        ('not a dict: list', [base]),
        ('not a dict: string', 'auth.globus.org'),
        ('not a dict: null', None),
        ('unexpected key', variant(other_tokens=[])),
        ('unexpected key wins over missing', variant(id_token='x', scope=_ABSENT)),
        ('missing access token', variant(access_token=_ABSENT)),
        ('missing several', variant(access_token=_ABSENT, resource_server=_ABSENT)),
        ('missing wins over wrong type', variant(scope=_ABSENT, access_token=1)),
        ('access token not a string', variant(access_token=12345)),
        ('scope null', variant(scope=None)),
        ('resource server list', variant(resource_server=['auth.globus.org'])),
        ('token type lowercase', variant(token_type='bearer')),
        ('token type number', variant(token_type=1)),
        ('wrong type wins over token type', variant(scope=1, token_type='MAC')),
        ('refresh token number', variant(refresh_token=5)),
        ('refresh token object', variant(refresh_token={'a': 1})),
        ('token type wins over refresh token', variant(token_type='MAC', refresh_token=5)),
        ('expiry abc', variant(expires_at_seconds='abc')),
        ('expiry 123abc', variant(expires_at_seconds='123abc')),
        ('expiry decimal string', variant(expires_at_seconds='1.5')),
        ('expiry empty string', variant(expires_at_seconds='')),
        ('expiry double underscore', variant(expires_at_seconds='1__0')),
        ('expiry leading underscore', variant(expires_at_seconds='_1')),
        ('expiry NaN', variant(expires_at_seconds=float('nan'))),
        ('expiry null', variant(expires_at_seconds=None)),
        ('expiry list', variant(expires_at_seconds=[1])),
        ('expiry infinite', variant(expires_at_seconds=float('inf'))),
        ('expiry beyond 64 bits', variant(expires_at_seconds=2 ** 70)),
    ]


class _Absent:
    pass


_ABSENT = _Absent()


def outcome(group):
    """What verify_token_group does: its code, an uncaught exception's type, or the result."""
    try:
        return {'result': frl_compat.verify_token_group(group)}
    except frl_compat.InvalidTokenFormat as error:
        return {'code': error.code}
    except Exception as error:  # TypeError, OverflowError: Python crashes here
        return {'exception': type(error).__name__}


def write_expected(path, tokens):
    with open(path + '.expected.json', 'w') as fh:
        fh.write(frl_compat.canonical(tokens))


def main():
    os.makedirs(OUT, exist_ok=True)
    json_path = os.path.join(OUT, 'python-written.json')
    frl_compat.json_write(json_path, JSON_SAMPLE)
    write_expected(json_path, frl_compat.json_read(json_path))

    cfg_path = os.path.join(OUT, 'python-written.cfg')
    if os.path.exists(cfg_path):
        os.remove(cfg_path)
    config = configparser.ConfigParser()
    config['app'] = {'name': 'demo', 'motd': 'line one\nline two', 'discount': '100%% sure'}
    with open(cfg_path, 'w') as fh:
        config.write(fh)
    frl_compat.ini_write(cfg_path, 'tokens', INI_SAMPLE)
    frl_compat.ini_write(cfg_path, CLIENT_ID, CLIENT_SAMPLE)
    config = configparser.ConfigParser()
    config.read(cfg_path)
    config['later'] = {'written': 'after the token sections'}
    with open(cfg_path, 'w') as fh:
        config.write(fh)
    with open(cfg_path + '.tokens.expected.json', 'w') as fh:
        fh.write(frl_compat.canonical(frl_compat.ini_read(cfg_path, 'tokens')))
    with open(cfg_path + '.client.expected.json', 'w') as fh:
        fh.write(frl_compat.canonical(frl_compat.ini_read(cfg_path, CLIENT_ID)))

    fresh_path = os.path.join(OUT, 'python-fresh.cfg')
    if os.path.exists(fresh_path):
        os.remove(fresh_path)
    frl_compat.ini_write(fresh_path, 'tokens', INI_SAMPLE)

    hand_path = os.path.join(OUT, 'hand-edited.cfg')
    with open(hand_path, 'w', newline='') as fh:
        fh.write(HAND_EDITED)
    write_expected(hand_path, frl_compat.ini_read(hand_path, 'tokens'))

    # Groups and results are kept as JSON text, so that NaN and Infinity (which Python's json
    # writes but most parsers refuse) stay inside strings and the list itself is plain JSON.
    cases = []
    for name, group in validation_cases():
        result = outcome(group)
        if 'result' in result:
            result = {'result_json': json.dumps(result['result'])}
        cases.append(dict(name=name, group_json=json.dumps(group), **result))
    with open(os.path.join(OUT, 'validation-cases.json'), 'w') as fh:
        json.dump(cases, fh, indent=2)
        fh.write('\n')
    print('wrote fixtures to', os.path.normpath(OUT), file=sys.stderr)


if __name__ == '__main__':
    main()
