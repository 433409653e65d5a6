#!/usr/bin/env bash
# Install what igbtest needs to build and to boot in QEMU+OVMF, on Debian 12.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: scripts/install-deps.sh [--check] [--help]

Installs, when missing: gcc, make, gnu-efi, ovmf, mtools, dosfstools,
python3, and qemu-system-x86 >= 8 from bookworm-backports (bookworm's own
QEMU 7.2 has no igb device). Adds the bookworm-backports suite to APT when
it is not configured. Needs root (or sudo).

  --check   only report what is missing; exit 1 if anything is
  --help    this text
USAGE
}

check_only=0
for a in "$@"; do
    case "$a" in
        --check) check_only=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install-deps: unknown option '$a'" >&2; usage >&2; exit 2 ;;
    esac
done

# Files that prove a package is usable (not just dpkg state).
need_files=(
    /usr/lib/crt0-efi-x86_64.o
    /usr/lib/elf_x86_64_efi.lds
    /usr/include/efi/efi.h
    /usr/share/OVMF/OVMF_CODE_4M.fd
    /usr/share/OVMF/OVMF_VARS_4M.fd
    /usr/bin/mcopy
    /usr/sbin/mkfs.vfat
    /usr/bin/python3
)

qemu_ok() {
    command -v qemu-system-x86_64 >/dev/null 2>&1 || return 1
    qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'
}

missing=()
for f in "${need_files[@]}"; do [ -e "$f" ] || missing+=("$f"); done
qemu_ok || missing+=("qemu-system-x86_64 with -device igb")
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything present"
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
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    gcc make binutils gnu-efi ovmf mtools dosfstools python3 >/dev/null
if ! qemu_ok; then
    $SUDO apt-get install -y -qq --no-install-recommends \
        -t "${codename}-backports" qemu-system-x86 >/dev/null
fi
qemu_ok || { echo "install-deps: qemu-system-x86_64 still has no igb device" >&2; exit 3; }
echo "install-deps: done ($(qemu-system-x86_64 --version | head -1))"
