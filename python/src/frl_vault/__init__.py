"""frl-vault for Python: the encrypted token vault as a drop-in token storage for Fair Research
Login's `NativeClient`, reading and writing the same vault files as the Swift library and the
`frl-vault` command, under the same lock. SECURITY.md in the repository is the specification.

    from fair_research_login import NativeClient
    from frl_vault import VaultTokenStorage

    client = NativeClient(client_id="...", token_storage=VaultTokenStorage(keyfile="~/.config/frl/vault.key"))
"""

from .errors import (
    AlreadyExistsError,
    DamagedVaultError,
    InvalidKeyfileError,
    InvalidPassphraseError,
    InvalidTokenDataError,
    KeyKindMismatchError,
    LockTimeoutError,
    MissingKeyfileError,
    MissingKeySourceError,
    NotAVaultError,
    ResourcesUnavailableError,
    UnsafeKDFParametersError,
    UnsafePermissionsError,
    UnsupportedVersionError,
    VaultError,
    VaultIOError,
    VaultPermissionError,
    WrongKeyError,
)
from .storage import VaultTokenStorage, default_vault_path, generate_keyfile

__all__ = [
    "VaultTokenStorage",
    "generate_keyfile",
    "default_vault_path",
    "VaultError",
    "WrongKeyError",
    "KeyKindMismatchError",
    "DamagedVaultError",
    "NotAVaultError",
    "UnsupportedVersionError",
    "UnsafeKDFParametersError",
    "UnsafePermissionsError",
    "LockTimeoutError",
    "InvalidTokenDataError",
    "MissingKeySourceError",
    "MissingKeyfileError",
    "InvalidKeyfileError",
    "InvalidPassphraseError",
    "AlreadyExistsError",
    "VaultPermissionError",
    "ResourcesUnavailableError",
    "VaultIOError",
]
__version__ = "0.1.0"
