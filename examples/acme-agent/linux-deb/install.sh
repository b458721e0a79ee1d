#!/bin/sh
# Installs the Acme agent on Debian and Ubuntu (dash runs this: POSIX sh only).
set -eu
case "${BWS_ARCHITECTURE:-x86_64}" in
  arm64) deb_file=acme-agent_arm64.deb ;;
  *) deb_file=acme-agent_amd64.deb ;;
esac
DEBIAN_FRONTEND=noninteractive apt-get install -y "./$deb_file"
systemctl enable --now acme-agent
