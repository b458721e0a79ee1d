#!/bin/sh
# Installs the Acme agent. The SSM Agent runs this as `sh install.sh` in the extracted folder,
# with BWS_ARCHITECTURE set to x86_64 or arm64.
set -eu
case "${BWS_ARCHITECTURE:-x86_64}" in
  arm64) rpm_file=acme-agent-aarch64.rpm ;;
  *) rpm_file=acme-agent-x86_64.rpm ;;
esac
echo "Installing $rpm_file on ${BWS_PLATFORM_NAME:-linux} ${BWS_PLATFORM_VERSION:-}"
if command -v dnf >/dev/null 2>&1; then
  dnf install -y "./$rpm_file"
else
  yum install -y "./$rpm_file"
fi
install -m 0644 ./acme-agent.conf /etc/acme-agent.conf
systemctl enable --now acme-agent
