#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/nss-e2e.sh, failure half, against a real helper/gnsd: missing names
# fail fast and never reach DNS; gnsd killed mid-request, stopped, stuck.
# Needs a gnsd that answers, not one that resolves.
NSS_E2E_BACKEND=gnsd NSS_E2E_PART=failures exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/nss-e2e.sh"
