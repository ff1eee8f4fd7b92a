"""What Fair Research Login (fair-research-login 0.3.1) does to store tokens, with the
standard library only, so fixtures can be made and checked without installing it.

Each function follows the library's code path step for step; check_against_frl.py
compares them with the real package when it is installed.
"""
import configparser
import copy
import json
import os
import stat

TOKEN_GROUP_KEYS = {'access_token', 'refresh_token', 'expires_at_seconds',
                    'scope', 'token_type', 'resource_server'}
REQUIRED_TOKEN_KEYS = {'access_token', 'expires_at_seconds', 'scope',
                       'resource_server'}


class InvalidTokenFormat(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def verify_token_group(tokens):
    """storage_tools.verify_token_group: same checks, same order, same codes."""
    if not isinstance(tokens, dict):
        raise InvalidTokenFormat('not a dict', 'not_dict')
    keys = set(tokens)
    if not keys <= TOKEN_GROUP_KEYS:
        raise InvalidTokenFormat(str(keys - TOKEN_GROUP_KEYS), 'unexpected_values')
    if not keys >= REQUIRED_TOKEN_KEYS:
        raise InvalidTokenFormat(str(REQUIRED_TOKEN_KEYS - keys), 'missing_required')
    cleaned = copy.deepcopy(tokens)
    for key in ('access_token', 'scope', 'resource_server'):
        if not isinstance(tokens.get(key, ''), str):
            raise InvalidTokenFormat(key, 'invalid_type')
    if tokens.get('token_type') and tokens['token_type'] != 'Bearer':
        raise InvalidTokenFormat('token_type', 'invalid_token_type')
    cleaned['token_type'] = 'Bearer'
    refresh = tokens.get('refresh_token')
    if refresh and not isinstance(refresh, str):
        raise InvalidTokenFormat('refresh_token', 'invalid_type')
    cleaned['refresh_token'] = refresh or None
    try:
        cleaned['expires_at_seconds'] = int(tokens['expires_at_seconds'])
    except ValueError:
        raise InvalidTokenFormat('expires_at_seconds', 'invalid_type')
    return cleaned


def name_key(resource_server, key):
    return '{}__{}'.format(resource_server.replace('.', '_'), key)


def fetch_key(flat_key):
    resource_server, key = flat_key.split('__')
    return resource_server.replace('_', '.'), key


def flat_pack(tokens):
    flat = {}
    for token_set in tokens.values():
        for key, value in token_set.items():
            if isinstance(value, int):
                value = str(value)
            if value is None:
                value = ''
            flat[name_key(token_set['resource_server'], key)] = value
    return flat


def flat_unpack(flat):
    if not flat:
        return {}
    groups = {}
    for flat_key, value in flat.items():
        group, key = fetch_key(flat_key)
        token_set = groups.get(group, {})
        token_set[key] = value or None
        if key == 'expires_at_seconds':
            token_set[key] = int(token_set[key])
        groups[group] = token_set
    return {ts['resource_server']: ts for ts in groups.values()}


def json_write(filename, tokens):
    """JSONTokenStorage.write_tokens, given NativeClient.save_tokens' verified groups."""
    verified = {rs: verify_token_group(ts) for rs, ts in tokens.items()}
    with open(filename, 'w+') as fh:
        json.dump(verified, fh, indent=2)


def json_read(filename):
    """JSONTokenStorage.read_tokens, then NativeClient.load_tokens' verification."""
    if not os.path.exists(filename):
        return {}
    with open(filename) as fh:
        content = fh.read()
    raw = json.loads(content) if content else None
    return {rs: verify_token_group(ts) for rs, ts in (raw or {}).items()}


def _load(filename, section):
    config = configparser.ConfigParser()
    config.read(filename)
    if section not in config.sections():
        config.add_section(section)
    return config


def _save(filename, config):
    with open(filename, 'w') as fh:
        config.write(fh)
    os.chmod(filename, stat.S_IRUSR | stat.S_IWUSR)


def ini_write(filename, section, tokens):
    """ConfigParserTokenStorage.write_tokens (MultiClient: section = client id)."""
    verified = {rs: verify_token_group(ts) for rs, ts in tokens.items()}
    config = _load(filename, section)
    for name, value in flat_pack(verified).items():
        config.set(section, name, value)
    _save(filename, config)


def ini_read(filename, section):
    """ConfigParserTokenStorage.read_tokens, then load_tokens' verification."""
    raw = flat_unpack(dict(_load(filename, section).items(section)))
    return {rs: verify_token_group(ts) for rs, ts in raw.items()}


def canonical(tokens):
    """A stable text form for comparing maps across languages."""
    return json.dumps(tokens, indent=2, sort_keys=True) + '\n'
