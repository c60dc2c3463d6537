#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/nss-e2e.sh against a real helper/gnsd with a zone made over alt.gns.Zone (skips, saying why, while gnsd cannot do that).
NSS_E2E_BACKEND=gnsd NSS_E2E_PART=resolve exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/nss-e2e.sh"
