/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef GNS_VERSION_H
#define GNS_VERSION_H
const char *gns_version(void);
#endif
