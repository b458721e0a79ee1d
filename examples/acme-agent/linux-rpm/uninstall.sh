#!/bin/sh
set -eu
systemctl disable --now acme-agent || true
rpm -e acme-agent
rm -f /etc/acme-agent.conf
