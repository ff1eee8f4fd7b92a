#!/usr/bin/env python3
"""Reads a token file the way Fair Research Login would and prints the verified tokens as
canonical JSON (sorted keys); exits 1 with the error on stderr if the library would fail.

    read_check.py json FILE
    read_check.py ini FILE SECTION [--rewrite OUT]

--rewrite copies FILE to OUT and writes the same tokens back into OUT with the library's
write path, so a caller can compare Python's bytes with its own. Standard library only,
unless READ_CHECK_REAL_FRL=1 is set: then the installed fair-research-login package does the
reading and writing instead of frl_compat (for checking by hand, e.g.
FRL_PYTHON=/tmp/frl/bin/python READ_CHECK_REAL_FRL=1 swift test --filter InteropTests).
"""
import os
import shutil
import sys

import frl_compat


def use_real_library():
    from fair_research_login.token_storage import (ConfigParserTokenStorage, JSONTokenStorage,
                                                   verify_token_group)

    def verified(tokens):
        return {rs: verify_token_group(ts) for rs, ts in (tokens or {}).items()}

    frl_compat.json_read = lambda path: verified(JSONTokenStorage(filename=path).read_tokens())
    frl_compat.ini_read = lambda path, section: verified(
        ConfigParserTokenStorage(filename=path, section=section).read_tokens())
    frl_compat.ini_write = lambda path, section, tokens: ConfigParserTokenStorage(
        filename=path, section=section).write_tokens(verified(tokens))


def main(argv):
    if os.environ.get('READ_CHECK_REAL_FRL') == '1':
        use_real_library()
    if len(argv) >= 3 and argv[1] == 'json':
        tokens = frl_compat.json_read(argv[2])
    elif len(argv) >= 4 and argv[1] == 'ini':
        tokens = frl_compat.ini_read(argv[2], argv[3])
        if len(argv) == 6 and argv[4] == '--rewrite':
            shutil.copyfile(argv[2], argv[5])
            frl_compat.ini_write(argv[5], argv[3], tokens)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(frl_compat.canonical(tokens))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except Exception as error:  # report any failure the library would raise, by type only
        print('read_check: {}: {}'.format(type(error).__name__, getattr(error, 'code', '')),
              file=sys.stderr)
        sys.exit(1)
