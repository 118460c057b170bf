# shellcheck shell=bash
# The one place where the platform's upstream versions are pinned.
# Bump a version here and every cache entry that depends on it is rebuilt.
# shellcheck disable=SC2034 # used by the scripts that source this file

# Debian source package versions, fetched with `apt-get source NAME=VERSION`.
# Xen: bookworm main's source (the security suite's orig tarball was not served
# when this was written). dom0's toolstack (xen-utils-4.17) is debootstrapped from
# bookworm main too, so hypervisor and tools are the same 4.17.5 release.
QEMU_SRC_VERSION="1:7.2+dfsg-7+deb12u18"
XEN_SRC_VERSION="4.17.5+72-g01140da4e8-1"

# Guest images: the Debian release debootstrap installs from. The kernel is the one
# linux-image-amd64 points to in the system's apt lists (part of the images' key).
IMAGE_SUITE="bookworm"
