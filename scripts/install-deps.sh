#!/usr/bin/env bash
# Install what igbtest needs to build and to boot in QEMU, on Debian 12.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

GNU_EFI_ARM64=${GNU_EFI_ARM64:-/opt/igbtest/gnu-efi-arm64}
LAVA_SERVER_DIR=${LAVA_SERVER_DIR:-/opt/igbtest/lava-server}
IPXE_NEW_DIR=${IPXE_NEW_DIR:-/opt/igbtest/ipxe-trixie}
TFTPD_DIR=${TFTPD_DIR:-/opt/igbtest/tftpd-hpa}
# A newer iPXE than bookworm's 2019 one, for the ifopen test: since commit
# 4a7f64bf4 (2025-03) iPXE survives an image that disconnects the SNP device
# it was started on. Debian trixie's package, fetched from the same mirror:
# the pinned file and sha256 first; once a point release has replaced it,
# the one trixie's signed index names (InRelease checked by gpgv against
# debian-archive-keyring, as APT does), no older than IPXE_NEW_MIN
# (tests/qemu/lava_tests.py, t_ipxe_ifopen).
IPXE_MIRROR=${IPXE_MIRROR:-http://deb.debian.org/debian}
IPXE_NEW_URL=$IPXE_MIRROR/pool/main/i/ipxe/ipxe_1.21.1+git20250501.dad20602+dfsg-1_all.deb
IPXE_NEW_SHA256=eeaca79dbde0fb86c102bf1d362c6f6a67ed0ddab38b3dd12e1b332339f5dd99
IPXE_NEW_MIN=1.21.1+git20250501

usage() {
    cat <<USAGE
usage: scripts/install-deps.sh [--arch ARCH]... [--check] [--help]

Installs, when missing, what building and booting igbtest for each ARCH
needs (default: x86_64; repeat --arch, or --arch all, for several):

  always    make, python3, mtools, dosfstools, and the bookworm-backports
            suite in APT (bookworm's own QEMU 7.2 has no igb device);
            for lab operation: gdisk (make image), sbsigntool and openssl
            (make sign), lava-common (the LAVA job check in make test),
            lava-dispatcher (lava-run: make test runs LAVA jobs in QEMU;
            no lava-server) and lava-server's device-type templates
            (apt-get download + dpkg-deb -x into LAVA_SERVER_DIR, now
            ${LAVA_SERVER_DIR}, never installed), ipxe (ipxe.efi: the
            network boot test), trixie's ipxe .deb (fetched by URL,
            sha256-checked, unpacked into IPXE_NEW_DIR, now
            ${IPXE_NEW_DIR}, never installed: the iPXE ifopen test),
            socat (the serial connection of the LAVA TFTP and USB jobs)
            and tftpd-hpa (unpacked into TFTPD_DIR, now ${TFTPD_DIR},
            never installed or started: lava-run's tftp deploy checks
            for in.tftpd; QEMU's user network serves the files),
            clang and libclang-rt-dev (make fuzz: libFuzzer)
  x86_64    gcc, binutils, gnu-efi, ovmf, qemu-system-x86 >= 8 (backports),
            swtpm (the TPM scripts/igbtest-qemu gives OVMF, which
            otherwise waits 1.5 s per boot for one)
  aarch64   gcc-aarch64-linux-gnu, qemu-efi-aarch64 (AAVMF),
            qemu-system-arm >= 8 (backports), and gnu-efi for arm64:
            gnu-efi:arm64 cannot be installed next to gnu-efi:amd64 (same
            paths), so its .deb is fetched with apt-get download (arm64 is
            added to dpkg's architectures) and unpacked into
            GNU_EFI_ARM64 (now ${GNU_EFI_ARM64}), where the Makefile
            looks for it

Needs root (or sudo).

  --arch A  x86_64, aarch64 or all
  --check   only report what is missing; exit 1 if anything is
  --help    this text

exit status: 0 everything present (or installed), 1 missing (--check),
2 usage, 3 an install step failed or left something missing.
USAGE
}

check_only=0
arches=()
want() { [[ " ${arches[*]} " == *" $1 "* ]]; }
while [ $# -gt 0 ]; do
    case "$1" in
        --arch)
            [ $# -ge 2 ] || { echo "install-deps: --arch needs a value" >&2; exit 2; }
            case "$2" in
                x86_64|aarch64) want "$2" || arches+=("$2") ;;
                all) arches=(x86_64 aarch64) ;;
                *) echo "install-deps: unknown architecture '$2' (x86_64, aarch64, all)" >&2
                   exit 2 ;;
            esac
            shift 2 ;;
        --check) check_only=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install-deps: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
[ ${#arches[@]} -gt 0 ] || arches=(x86_64)

# QEMU binary $1 exists and offers -device igb.
qemu_ok() {
    command -v "$1" >/dev/null 2>&1 || return 1
    "$1" -device help 2>/dev/null | grep -q '"igb"'
}

# Files that prove a package is usable (not just dpkg state).
need_files=(/usr/bin/mcopy /usr/sbin/mkfs.vfat /usr/bin/python3
    /usr/sbin/sgdisk /usr/bin/sbsign /usr/bin/sbverify /usr/bin/openssl /usr/bin/clang
    /usr/lib/python3/dist-packages/lava_common/schemas/__init__.py
    /usr/bin/lava-run /usr/lib/ipxe/ipxe.efi /usr/bin/socat
    "$TFTPD_DIR/usr/sbin/in.tftpd"
    "$LAVA_SERVER_DIR/usr/share/lava-server/device-types/qemu.jinja2"
    "$IPXE_NEW_DIR/usr/lib/ipxe/ipxe-amd64.efi")
if want x86_64; then
    need_files+=(
        /usr/lib/crt0-efi-x86_64.o
        /usr/lib/elf_x86_64_efi.lds
        /usr/include/efi/efi.h
        /usr/share/OVMF/OVMF_CODE_4M.fd
        /usr/share/OVMF/OVMF_VARS_4M.fd
        /usr/bin/swtpm
    )
fi
if want aarch64; then
    need_files+=(
        "$GNU_EFI_ARM64/usr/lib/crt0-efi-aarch64.o"
        "$GNU_EFI_ARM64/usr/lib/elf_aarch64_efi.lds"
        "$GNU_EFI_ARM64/usr/lib/libefi.a"
        "$GNU_EFI_ARM64/usr/include/efi/aarch64/efibind.h"
        /usr/share/AAVMF/AAVMF_CODE.fd
        /usr/share/AAVMF/AAVMF_VARS.fd
    )
fi

# Sets missing=(what is not there yet).
find_missing() {
    missing=()
    for f in "${need_files[@]}"; do [ -e "$f" ] || missing+=("$f"); done
    command -v make >/dev/null 2>&1 || missing+=(make)
    if want x86_64; then
        command -v gcc >/dev/null 2>&1 || missing+=(gcc)
        qemu_ok qemu-system-x86_64 || missing+=("qemu-system-x86_64 with -device igb")
    fi
    if want aarch64; then
        command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(aarch64-linux-gnu-gcc)
        qemu_ok qemu-system-aarch64 || missing+=("qemu-system-aarch64 with -device igb")
    fi
}

find_missing
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything present (${arches[*]})"
    exit 0
fi
echo "install-deps: missing: ${missing[*]}"
[ "$check_only" = 1 ] && exit 1

SUDO=
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo" >&2; exit 3; }
    SUDO=sudo
fi

export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
if ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "install-deps: adding ${codename}-backports to APT sources"
    echo "deb http://deb.debian.org/debian ${codename}-backports main" |
        $SUDO tee /etc/apt/sources.list.d/igbtest-backports.list >/dev/null
fi
if want aarch64 && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "install-deps: adding arm64 to dpkg's architectures (for gnu-efi:arm64)"
    $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq

pkgs=(make mtools dosfstools python3 gdisk sbsigntool openssl lava-common clang
      libclang-rt-dev lava-dispatcher ipxe socat)
backports=()
if want x86_64; then
    pkgs+=(gcc binutils gnu-efi ovmf swtpm)
    qemu_ok qemu-system-x86_64 || backports+=(qemu-system-x86)
fi
if want aarch64; then
    pkgs+=(gcc-aarch64-linux-gnu qemu-efi-aarch64)
    qemu_ok qemu-system-aarch64 || backports+=(qemu-system-arm)
fi
$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
if [ ${#backports[@]} -gt 0 ]; then
    $SUDO apt-get install -y -qq --no-install-recommends \
        -t "${codename}-backports" "${backports[@]}" >/dev/null
fi

# Fetch a package's .deb ($1) into a temporary folder; prints its path.
download_deb() {
    local tmp deb
    tmp=$(mktemp -d)
    # apt downloads as its sandbox user, who must be able to write here.
    if id _apt >/dev/null 2>&1; then $SUDO chown _apt "$tmp"; fi
    (cd "$tmp" && $SUDO apt-get download -qq "$1") >&2
    deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || { echo "install-deps: apt-get download $1 gave no .deb" >&2; exit 3; }
    echo "$deb"
}

# Unpack package $1's .deb into folder $2 (replacing it), never installed.
unpack_deb() {
    local deb
    deb=$(download_deb "$1")
    $SUDO rm -rf "$2"
    $SUDO mkdir -p "$2"
    $SUDO dpkg-deb -x "$deb" "$2"
    rm -rf "$(dirname "$deb")"
    echo "install-deps: $1 unpacked in $2"
}

# lava-server's device-type templates, to render device dictionaries as a
# server would; the server itself (Django, PostgreSQL) is not installed.
if [ ! -e "$LAVA_SERVER_DIR/usr/share/lava-server/device-types/qemu.jinja2" ]; then
    unpack_deb lava-server "$LAVA_SERVER_DIR"
fi

# tftpd-hpa, not installed (its package would start a TFTP server on port
# 69): lava-run's tftp deploy only checks that in.tftpd is on PATH
# (lava/run-local puts it there); in the LAVA TFTP test QEMU's user network
# serves the dispatcher's TFTP folder.
if [ ! -e "$TFTPD_DIR/usr/sbin/in.tftpd" ]; then
    unpack_deb tftpd-hpa "$TFTPD_DIR"
fi

# trixie's iPXE, unpacked beside the system (bookworm has no APT source for
# it, and its ipxe package stays installed for the network boot test).
if [ ! -e "$IPXE_NEW_DIR/usr/lib/ipxe/ipxe-amd64.efi" ]; then
    tmp=$(mktemp -d)
    deb="$tmp/ipxe.deb"
    if ! python3 - "$IPXE_MIRROR" "$IPXE_NEW_URL" "$IPXE_NEW_SHA256" "$deb" <<'PY'
import hashlib, lzma, subprocess, sys, urllib.error, urllib.request

mirror, url, sha, out = sys.argv[1:]

def get(u):
    with urllib.request.urlopen(u, timeout=120) as r:
        return r.read()

def sha256(b):
    return hashlib.sha256(b).hexdigest()

try:
    data = get(url)
    if sha256(data) != sha:
        sys.exit(f"{url} does not match the pinned sha256")
except urllib.error.HTTPError as e:
    if e.code != 404:
        raise
    # Replaced by a point release: trixie's signed index names the new one.
    release = subprocess.run(
        ["gpgv", "--quiet", "--keyring", "/usr/share/keyrings/debian-archive-keyring.gpg",
         "--output", "-", "-"], input=get(f"{mirror}/dists/trixie/InRelease"),
        capture_output=True, check=True).stdout.decode()
    sums = release.split("\nSHA256:\n", 1)[1]
    want = next(l.split()[0] for l in sums.splitlines()
                if l.split()[2:] == ["main/binary-all/Packages.xz"])
    # By hash first, as APT does (Acquire-By-Hash): a mirror mid-update
    # serves an InRelease newer than its Packages.xz.
    index = f"{mirror}/dists/trixie/main/binary-all"
    for u in (f"{index}/by-hash/SHA256/{want}", f"{index}/Packages.xz"):
        try:
            packages = get(u)
        except urllib.error.HTTPError:
            continue
        if sha256(packages) == want:
            break
    else:
        sys.exit(f"no copy of trixie's Packages.xz matches its signed InRelease ({index})")
    stanza = next(s for s in lzma.decompress(packages).decode().split("\n\n")
                  if s.startswith("Package: ipxe\n"))
    field = dict(l.split(": ", 1) for l in stanza.splitlines() if ": " in l)
    data = get(f"{mirror}/{field['Filename']}")
    if sha256(data) != field["SHA256"]:
        sys.exit(f"{field['Filename']} does not match trixie's index")
    print(f"install-deps: pinned ipxe gone from the mirror; trixie now has "
          f"{field['Version']}", file=sys.stderr)
open(out, "wb").write(data)
PY
    then
        rm -rf "$tmp"
        echo "install-deps: cannot fetch trixie's ipxe (see above)" >&2
        exit 3
    fi
    if ! dpkg --compare-versions "$(dpkg-deb -f "$deb" Version)" ge "$IPXE_NEW_MIN"; then
        rm -rf "$tmp"
        echo "install-deps: trixie's ipxe $(dpkg-deb -f "$deb" Version) is older than" \
             "$IPXE_NEW_MIN" >&2
        exit 3
    fi
    $SUDO rm -rf "$IPXE_NEW_DIR"
    $SUDO mkdir -p "$IPXE_NEW_DIR"
    $SUDO dpkg-deb -x "$deb" "$IPXE_NEW_DIR"
    dpkg-deb -f "$deb" Version | $SUDO tee "$IPXE_NEW_DIR/VERSION" >/dev/null
    rm -rf "$tmp"
    echo "install-deps: ipxe $(cat "$IPXE_NEW_DIR/VERSION") unpacked in $IPXE_NEW_DIR"
fi

# gnu-efi:arm64 unpacked beside the system, never installed: installing it
# would remove the amd64 gnu-efi the x86_64 build uses.
if want aarch64 && [ ! -e "$GNU_EFI_ARM64/usr/lib/crt0-efi-aarch64.o" ]; then
    deb=$(download_deb gnu-efi:arm64)
    trap 'rm -rf "$(dirname "$deb")"' EXIT
    $SUDO rm -rf "$GNU_EFI_ARM64"
    $SUDO mkdir -p "$GNU_EFI_ARM64"
    $SUDO dpkg-deb -x "$deb" "$GNU_EFI_ARM64"
    dpkg-deb -f "$deb" Version | $SUDO tee "$GNU_EFI_ARM64/VERSION" >/dev/null
    echo "install-deps: gnu-efi arm64 $(cat "$GNU_EFI_ARM64/VERSION") unpacked in $GNU_EFI_ARM64"
fi

find_missing
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: still missing after install: ${missing[*]}" >&2
    exit 3
fi
for a in "${arches[@]}"; do
    echo "install-deps: $(qemu-system-$a --version | head -1) (qemu-system-$a)"
done
echo "install-deps: done (${arches[*]})"
