#!/bin/sh
# Grants Chromium's sandbox the user namespaces Ubuntu 24.04 refuses to unconfined programs
# (kernel.apparmor_restrict_unprivileged_userns=1), for ONE executable path, with an
# AppArmor profile that allows `userns` and confines nothing else — the profile the deb
# installs for /opt/Kindscope. Keeps the sandbox ON (never --no-sandbox).
#
#   sudo sh allow-userns.sh                      # the AppImage (mounted at /tmp/.mount_*/)
#   sudo sh allow-userns.sh NAME '/path/to/kindscope-desktop'   # any other copy (CI uses it)
#
# Undo: sudo rm /etc/apparmor.d/NAME && sudo apparmor_parser -R NAME (or reboot).
set -eu
name="${1:-kindscope-appimage}"
# The AppImage runtime mounts the image at /tmp/.mount_<6 letters of the file name><random>;
# any name matches, so a renamed AppImage still works. Anyone able to put a file named
# kindscope-desktop there gets user namespaces, which is all this profile grants.
path="${2:-/tmp/.mount_*/kindscope-desktop}"
case "$name" in *[!a-zA-Z0-9_-]*|'') echo "allow-userns: NAME must be letters, digits, - or _" >&2; exit 2 ;; esac
case "$path" in /*) ;; *) echo "allow-userns: the path must be absolute" >&2; exit 2 ;; esac
if ! command -v apparmor_parser >/dev/null 2>&1; then
  echo "allow-userns: no AppArmor on this system: nothing to do (the sandbox needs no profile here)."
  exit 0
fi
cat > "/etc/apparmor.d/$name" <<PROFILE
# Written by Kindscope's allow-userns.sh: Chromium's sandbox may create user namespaces.
abi <abi/4.0>,
include <tunables/global>

profile $name "$path" flags=(unconfined) {
  userns,
  include if exists <local/$name>
}
PROFILE
apparmor_parser --replace "/etc/apparmor.d/$name"
echo "allow-userns: /etc/apparmor.d/$name loaded for $path"
