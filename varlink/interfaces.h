/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The varlink interface descriptions, embedded at build time from
 * varlink/alt.gns.Resolve.varlink and varlink/alt.gns.Zone.varlink. */
#ifndef GNSD_INTERFACES_H
#define GNSD_INTERFACES_H

extern const char gnsd_resolve_description[];
extern const char gnsd_zone_description[];

#endif
