#!/usr/bin/env bash
# Builds the release frl-vault the way that starts fastest, and prints the binary's path.
#
# A static PIE: the Swift runtime, FoundationEssentials, glibc and libsodium are all linked in,
# so start-up maps one file and the dynamic loader resolves no symbols (a dynamically linked
# build spends ~1.5 ms of a ~4 ms run loading and relocating five shared libraries). It stays
# position independent, so ASLR still moves it, with full RELRO; packed relative relocations
# (DT_RELR) keep the start-up relocation table to a few KiB. It needs nothing else at run time.
# Every function gets its own section and the linker lays out the code and variables that
# short commands touch side by side (tools/release/frl-vault.order, from
# tools/release/startup-order.sh), so a run faults in fewer pages of the binary.
#
# The login verbs are the exception: see below and Sources/frl-vault/LoginCompanion.swift.
#
#   bash tools/build-release.sh                 # builds into .build-release, prints the path
#                                               # (frl-vault-login is written beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh >&2
# The static link needs glibc's and libstdc++'s static archives (libsodium-dev ships its own).
if [ "$(clang -print-file-name=libc.a)" = libc.a ] || [ "$(clang -print-file-name=libstdc++.a)" = libstdc++.a ]; then
    echo "build-release: installing libc6-dev and g++ for the static archives" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libc6-dev g++ >/dev/null
fi
ORDER=tools/release/frl-vault.order
flags=(
    -c release --product frl-vault --scratch-path .build-release
    # glibc's static-PIE start-up refuses a binary that carries an rpath.
    --disable-local-rpath
    -Xswiftc -static-executable -Xswiftc -Xclang-linker -Xswiftc -static-pie
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
    # Full RELRO: every relocated pointer, the IRELATIVE GOT entries included, read-only
    # once start-up has applied them.
    -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now
)
# Two frontend options that make start-up faster and change no behaviour. They are not part of
# swiftc's documented interface, so each is used only if this toolchain still accepts it; a
# toolchain that does not gets a slower binary, said here, never a failed build.
#  -function-sections: each function in its own section, so that the symbol order file below
#   can place what short commands touch side by side.
#  -disable-concrete-type-metadata-mangled-name-accessors: in the code compiled here (this
#   package and swift-argument-parser), generic types are instantiated through their metadata
#   accessors, not by demangling their names at run time: demangling checks each generic
#   requirement with a scan of all ~3,700 conformance records, and the argument parser meets
#   hundreds of such types at every start (~70 KB more code, 1-2 M fewer instructions).
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
echo 'print(1)' > "$probe_dir/probe.swift"
for option in -function-sections -disable-concrete-type-metadata-mangled-name-accessors; do
    if swiftc -Xfrontend "$option" -typecheck "$probe_dir/probe.swift" >/dev/null 2>&1; then
        flags+=(-Xswiftc -Xfrontend -Xswiftc "$option")
    else
        echo "build-release: this toolchain does not accept $option; building without it (start-up is slower, nothing else changes)" >&2
    fi
done
if [ -f "$ORDER" ]; then
    # Names the file no longer matches (after a toolchain update) are skipped, not errors.
    flags+=(-Xlinker "--symbol-ordering-file=$PWD/$ORDER" -Xlinker --no-warn-symbol-ordering)
fi
# Without the login code, which cannot be linked statically (Package.swift): its verbs hand
# over to frl-vault-login, built below.
export FRL_VAULT_STATIC_RELEASE=1
# The build system does not see the ordering file's contents: relink when they have changed.
bin="$(swift build "${flags[@]}" --show-bin-path)/frl-vault"
order_sum="$({ cat "$ORDER" 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$bin.order-sum" 2>/dev/null)" != "$order_sum" ]; then rm -f "$bin"; fi
swift build "${flags[@]}" >&2
echo "$order_sum" > "$bin.order-sum"
unset FRL_VAULT_STATIC_RELEASE
# frl-vault-login: the whole program, login verbs included, linked as usual (the Swift runtime
# statically, Foundation's networking and libcurl dynamically); the static binary runs it from
# its own directory for login, logout and a token that needs a refresh.
companion_flags=(-c release --product frl-vault --scratch-path .build-release-login --static-swift-stdlib)
# The static FoundationNetworking links libcurl by name, which needs its development symlink.
if [ "$(clang -print-file-name=libcurl.so)" = libcurl.so ]; then
    echo "build-release: installing libcurl4-openssl-dev for frl-vault-login" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcurl4-openssl-dev >/dev/null
fi
swift build "${companion_flags[@]}" >&2
cp "$(swift build "${companion_flags[@]}" --show-bin-path)/frl-vault" "$(dirname "$bin")/frl-vault-login"
echo "$bin"
