#!/bin/sh
# In-place update (installationType: In-place update): upgrade the RPM and restart the service.
set -eu
case "${BWS_ARCHITECTURE:-x86_64}" in
  arm64) rpm_file=acme-agent-aarch64.rpm ;;
  *) rpm_file=acme-agent-x86_64.rpm ;;
esac
rpm -Uvh --replacepkgs "./$rpm_file"
systemctl restart acme-agent
