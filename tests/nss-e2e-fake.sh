#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/nss-e2e.sh against the fake gnsd (tests/nss-fake-gnsd.py): proves the module with glibc's own programs without the daemon.
NSS_E2E_BACKEND=fake exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/nss-e2e.sh"
