/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS stub messages: ldns parses the query and writes the response; this
 * file decides what goes in them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ldns/ldns.h>
#include "dns-msg.h"
#include "gns-util.h"
#include "record.h"
#include "rrtype.h"

#define TYPE_CNAME 5u
#define TYPE_TXT 16u
#define TYPE_SOA 6u
#define TYPE_OPT 41u
#define TYPE_IXFR 251u
#define TYPE_AXFR 252u
#define TYPE_ANY 255u
#define CLASS_IN 1u
#define CLASS_ANY 255u
#define TTL_MAX 0x7fffffffu /* RFC 2181, 8 */

static const uint8_t gns_alt_wire[] = {3, 'g', 'n', 's', 3, 'a', 'l', 't', 0};

/* ---- the query ----------------------------------------------------------- */

/* The labels of a wire name left of ".gns.alt" as text for gnsd. Labels
 * are UTF-8 in GNS (RFC 9498, 5); bytes a label cannot hold in text form
 * (a dot, controls, space) make a name that cannot exist: -EINVAL.
 * DNS names compare case-insensitively (RFC 4343), and resolvers that
 * use 0x20 mixed case (unbound's use-caps-for-id) ask "wWw": ASCII goes
 * to lower case, as GNUnet normalises labels; zTLDs are case-blind. */
static int name_text(const uint8_t *w, size_t prefix_len, char *out, size_t cap) {
  size_t o = 0, i = 0;
  while (i < prefix_len) {
    size_t l = w[i++];
    if (l == 0 || i + l > prefix_len) return -EINVAL;
    for (size_t k = 0; k < l; k++) {
      uint8_t c = w[i + k];
      if (c <= ' ' || c == '.' || c == 0x7f || c == '\\') return -EINVAL;
    }
    if (o + l + 2 > cap) return -EINVAL;
    for (size_t k = 0; k < l; k++) {
      uint8_t c = w[i + k];
      out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    out[o++] = '.';
    i += l;
  }
  if (o + sizeof "gns.alt" > cap) return -EINVAL;
  memcpy(out + o, "gns.alt", sizeof "gns.alt");
  return 0;
}

/* Length of the part of wire name w (len bytes, a valid uncompressed name)
 * before a ".gns.alt" suffix, matched case-insensitively; -1 if there is
 * no such suffix. */
static ssize_t gns_alt_prefix(const uint8_t *w, size_t len) {
  if (len < sizeof gns_alt_wire) return -1;
  size_t at = len - sizeof gns_alt_wire;
  if (strncasecmp((const char *)w + at, (const char *)gns_alt_wire, sizeof gns_alt_wire) != 0)
    return -1;
  /* the suffix must start on a label boundary */
  size_t i = 0;
  while (i < at)
    i += 1u + w[i];
  return i == at ? (ssize_t)at : -1;
}

int gnsd_dns_msg_parse(const uint8_t *buf, size_t len, struct gnsd_dns_query *q) {
  memset(q, 0, sizeof *q);
  /* RFC 1035, 4.1.1: a header, and QR clear (never answer a response:
   * that is how reflection loops start) */
  if (len < 12 || (buf[2] & 0x80)) return -EBADMSG;
  q->id = gns_get_u16(buf);
  q->udp_max = GNSD_DNS_UDP_MIN;
  ldns_pkt *p = NULL;
  if (ldns_wire2pkt(&p, buf, len) != LDNS_STATUS_OK) {
    /* a header we can read and a body we cannot: FORMERR (RFC 1035 4.1.1) */
    q->action = GNSD_DNS_REPLY;
    q->rcode = GNSD_DNS_FORMERR;
    return -EBADMSG;
  }
  q->rd = ldns_pkt_rd(p);
  q->cd = ldns_pkt_cd(p);
  if (ldns_pkt_edns(p)) {
    q->edns = true;
    uint16_t u = ldns_pkt_edns_udp_size(p);
    q->udp_max = u < GNSD_DNS_UDP_MIN   ? GNSD_DNS_UDP_MIN
                 : u > GNSD_DNS_UDP_MAX ? GNSD_DNS_UDP_MAX
                                        : u;
  }
  q->action = GNSD_DNS_REPLY;
  ldns_rr_list *ql = ldns_pkt_question(p);
  if (ldns_pkt_qdcount(p) == 1 && ql && ldns_rr_list_rr_count(ql) == 1) {
    const ldns_rr *qr = ldns_rr_list_rr(ql, 0);
    const ldns_rdf *owner = ldns_rr_owner(qr);
    size_t ol = owner ? ldns_rdf_size(owner) : 0;
    if (ol >= 1 && ol <= sizeof q->qname) {
      memcpy(q->qname, ldns_rdf_data(owner), ol);
      q->qname_len = ol;
      q->qtype = (uint16_t)ldns_rr_get_type(qr);
      q->qclass = (uint16_t)ldns_rr_get_class(qr);
    }
  }
  if (ldns_pkt_get_opcode(p) != LDNS_PACKET_QUERY) {
    q->rcode = GNSD_DNS_NOTIMP;
  } else if (q->edns && ldns_pkt_edns_version(p) != 0) {
    q->rcode = GNSD_DNS_BADVERS; /* RFC 6891, 6.1.3 */
  } else if (q->qname_len == 0) {
    q->rcode = GNSD_DNS_FORMERR;
  } else {
    ssize_t pl = gns_alt_prefix(q->qname, q->qname_len);
    /* only .gns.alt, only class IN, no zone transfers: never forwards */
    if (pl < 0 || (q->qclass != CLASS_IN && q->qclass != CLASS_ANY) || q->qtype == TYPE_AXFR ||
        q->qtype == TYPE_IXFR || q->qtype == TYPE_OPT) {
      q->rcode = GNSD_DNS_REFUSED;
    } else if (pl == 0) {
      q->action = GNSD_DNS_APEX;
    } else if (name_text(q->qname, (size_t)pl, q->name, sizeof q->name) < 0) {
      q->rcode = GNSD_DNS_NXDOMAIN; /* no GNS name is spelt like this */
    } else {
      q->action = GNSD_DNS_RESOLVE;
      q->type = q->qtype == TYPE_ANY ? 0 : q->qtype;
    }
  }
  ldns_pkt_free(p);
  return 0;
}

/* ---- the response ---------------------------------------------------------- */

static uint32_t ttl_until(uint64_t exp, uint64_t now) {
  if (exp <= now) return 0;
  uint64_t s = (exp - now + 999999u) / 1000000u;
  return s > TTL_MAX ? TTL_MAX : (uint32_t)s;
}

/* One RR from owner wire name, type, ttl and RDATA, parsed by ldns (which
 * checks the RDATA against the type's layout). NULL if it does not parse. */
static ldns_rr *make_rr(const uint8_t *owner, size_t olen, uint16_t type, uint32_t ttl,
                        const uint8_t *rdata, size_t rdlen) {
  if (rdlen > 0xffff) return NULL;
  size_t n = olen + 10 + rdlen, pos = 0;
  uint8_t stack[512], *w = n <= sizeof stack ? stack : malloc(n);
  if (!w) return NULL;
  memcpy(w, owner, olen);
  gns_put_u16(w + olen, type);
  gns_put_u16(w + olen + 2, CLASS_IN);
  gns_put_u32(w + olen + 4, ttl);
  gns_put_u16(w + olen + 8, (uint16_t)rdlen);
  if (rdlen) memcpy(w + olen + 10, rdata, rdlen);
  ldns_rr *rr = NULL;
  if (ldns_wire2rr(&rr, w, n, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK || pos != n) {
    ldns_rr_free(rr);
    rr = NULL;
  }
  if (w != stack) free(w);
  return rr;
}

/* GNS keeps TXT as the bare string (GNUnet, RFC 9498 D.2); DNS wants
 * character-strings of up to 255 bytes each (RFC 1035, 3.3.14). */
static ldns_rr *make_txt(const uint8_t *owner, size_t olen, uint32_t ttl, const uint8_t *s,
                         size_t len) {
  size_t chunks = len ? (len + 254) / 255 : 1, n = len + chunks;
  if (n > 0xffff) return NULL;
  uint8_t *w = malloc(n), *o = w;
  if (!w) return NULL;
  size_t i = 0;
  do {
    size_t l = len - i > 255 ? 255 : len - i;
    *o++ = (uint8_t)l;
    memcpy(o, s + i, l);
    o += l;
    i += l;
  } while (i < len);
  ldns_rr *rr = make_rr(owner, olen, TYPE_TXT, ttl, w, n);
  free(w);
  return rr;
}

/* RFC 2308, 3: negative answers carry the SOA of the zone, whose TTL and
 * MINIMUM are the negative caching time. The zone is gns.alt. */
static ldns_rr *make_soa(uint32_t negative_ttl) {
  static const uint8_t names[] = {9,   'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0, /* MNAME */
                                  6,   'n', 'o', 'b', 'o', 'd', 'y', 7,   'i', 'n', 'v',
                                  'a', 'l', 'i', 'd', 0}; /* RNAME */
  uint8_t rdata[sizeof names + 20];
  memcpy(rdata, names, sizeof names);
  gns_put_u32(rdata + sizeof names, 1);        /* SERIAL */
  gns_put_u32(rdata + sizeof names + 4, 3600); /* REFRESH */
  gns_put_u32(rdata + sizeof names + 8, 600);  /* RETRY */
  gns_put_u32(rdata + sizeof names + 12, 86400);
  gns_put_u32(rdata + sizeof names + 16, negative_ttl);
  return make_rr(gns_alt_wire, sizeof gns_alt_wire, TYPE_SOA, negative_ttl, rdata, sizeof rdata);
}

static bool push(ldns_pkt *p, ldns_pkt_section s, ldns_rr *rr) {
  if (!rr) return false;
  if (!ldns_pkt_push_rr(p, s, rr)) {
    ldns_rr_free(rr);
    return false;
  }
  return true;
}

/* Header, question as asked (RFC 1035, 7.3; 0x20 case echoed), OPT. */
static ldns_pkt *response_new(const struct gnsd_dns_query *q, uint8_t rcode) {
  ldns_pkt *p = ldns_pkt_new();
  if (!p) return NULL;
  ldns_pkt_set_id(p, q->id);
  ldns_pkt_set_qr(p, true);
  ldns_pkt_set_opcode(p, LDNS_PACKET_QUERY);
  ldns_pkt_set_rd(p, q->rd);
  ldns_pkt_set_cd(p, q->cd);
  bool ours = q->action != GNSD_DNS_REPLY || rcode == GNSD_DNS_NXDOMAIN;
  /* gnsd is the authority for .gns.alt, and follows REDIRECT/CNAME for
   * the client as a recursive resolver would */
  ldns_pkt_set_aa(p, ours);
  ldns_pkt_set_ra(p, ours && q->rd);
  if (rcode == GNSD_DNS_BADVERS) {
    ldns_pkt_set_rcode(p, 0);
    ldns_pkt_set_edns_extended_rcode(p, GNSD_DNS_BADVERS >> 4);
  } else {
    ldns_pkt_set_rcode(p, rcode);
  }
  if (q->edns) {
    ldns_pkt_set_edns_udp_size(p, GNSD_DNS_UDP_MAX);
    ldns_pkt_set_edns_version(p, 0);
  }
  if (q->qname_len) {
    ldns_rr *qr = ldns_rr_new();
    ldns_rdf *owner = ldns_dname_new_frm_data((uint16_t)q->qname_len, q->qname);
    if (!qr || !owner) {
      ldns_rr_free(qr);
      ldns_rdf_deep_free(owner);
      ldns_pkt_free(p);
      return NULL;
    }
    ldns_rr_set_owner(qr, owner);
    ldns_rr_set_type(qr, (ldns_rr_type)q->qtype);
    ldns_rr_set_class(qr, (ldns_rr_class)q->qclass);
    ldns_rr_set_question(qr, true);
    if (!push(p, LDNS_SECTION_QUESTION, qr)) {
      ldns_pkt_free(p);
      return NULL;
    }
  }
  return p;
}

/* The text name of a REDIRECT/CNAME target in wire form. */
static int wire_name(const char *text, uint8_t *out, size_t cap, size_t *len) {
  size_t n = strlen(text), o = 0, i = 0;
  if (n && text[n - 1] == '.') n--;
  while (i < n) {
    const char *dot = memchr(text + i, '.', n - i);
    size_t l = dot ? (size_t)(dot - text - i) : n - i;
    if (l == 0 || l > 63 || o + 1 + l + 1 > cap) return -EINVAL;
    out[o++] = (uint8_t)l;
    memcpy(out + o, text + i, l);
    o += l;
    i += l + 1;
  }
  if (o + 1 > cap) return -EINVAL;
  out[o++] = 0;
  *len = o;
  return 0;
}

/* Is the canonical name a target that resolution moved to (REDIRECT,
 * CNAME, GNS2DNS), rather than a LEHO (RFC 9498, 5.3.1) of the answer? */
static bool moved(const struct gnsd_answer *a, const char *name) {
  if (!a->canonical || strcasecmp(a->canonical, name) == 0) return false;
  size_t cl = strlen(a->canonical);
  for (size_t i = 0; i < a->n; i++)
    if (a->rd[i].type == GNS_TYPE_LEHO && a->rd[i].data_len >= cl &&
        memcmp(a->rd[i].data, a->canonical, cl) == 0)
      return false;
  return true;
}

static bool wanted(uint32_t type, uint16_t qtype) {
  if (type > 0xffff || type == TYPE_OPT) return false; /* GNS-only types have no DNS form */
  return qtype == TYPE_ANY || type == qtype;
}

/* The answer section; returns the number of records of the asked type. */
static size_t add_answer(ldns_pkt *p, const struct gnsd_dns_query *q, const struct gnsd_answer *a,
                         uint64_t now) {
  const uint8_t *owner = q->qname;
  size_t olen = q->qname_len, found = 0;
  uint8_t target[256];
  if (moved(a, q->name)) {
    size_t tl;
    if (wire_name(a->canonical, target, sizeof target, &tl) == 0) {
      /* a REDIRECT is a CNAME to DNS clients, chased as a resolver would */
      if (push(p, LDNS_SECTION_ANSWER,
               make_rr(owner, olen, TYPE_CNAME, ttl_until(a->expiration, now), target, tl)) &&
          q->qtype == TYPE_CNAME)
        return 1;
      owner = target;
      olen = tl;
    }
  }
  for (size_t i = 0; i < a->n; i++) {
    const struct gns_record *r = &a->rd[i];
    if ((r->flags & GNS_RF_SUPPLEMENTAL) || !wanted(r->type, q->qtype)) continue;
    uint64_t exp = r->expiration;
    if (r->flags & GNS_RF_RELATIVE_EXPIRATION) exp += now;
    if (a->expiration < exp) exp = a->expiration;
    ldns_rr *rr;
    if (r->type == TYPE_TXT)
      rr = make_txt(owner, olen, ttl_until(exp, now), r->data, r->data_len);
    else
      rr = make_rr(owner, olen, (uint16_t)r->type, ttl_until(exp, now), r->data, r->data_len);
    if (push(p, LDNS_SECTION_ANSWER, rr)) found++;
  }
  return found;
}

int gnsd_dns_msg_answer(const struct gnsd_dns_query *q, int error, const struct gnsd_answer *a,
                        const struct gnsd_dns_reply_opts *o, uint8_t **out, size_t *out_len,
                        uint8_t *rcode, bool *truncated) {
  uint8_t rc = q->rcode;
  bool soa_answer = false;
  if (q->action == GNSD_DNS_RESOLVE) {
    if (error == -ENOENT || error == -EINVAL)
      rc = GNSD_DNS_NXDOMAIN;
    else if (error < 0 || !a)
      rc = GNSD_DNS_SERVFAIL;
    else
      rc = GNSD_DNS_NOERROR;
  } else if (q->action == GNSD_DNS_APEX) {
    rc = GNSD_DNS_NOERROR;
    soa_answer = q->qtype == TYPE_SOA || q->qtype == TYPE_ANY;
  }
  *truncated = false;
  *rcode = rc;
  ldns_pkt *p = response_new(q, rc);
  if (!p) return -ENOMEM;
  size_t found = 0;
  if (q->action == GNSD_DNS_RESOLVE && rc == GNSD_DNS_NOERROR) found = add_answer(p, q, a, o->now);
  if (soa_answer) found = push(p, LDNS_SECTION_ANSWER, make_soa(o->negative_ttl));
  /* NXDOMAIN and NODATA: the SOA says how long to remember it */
  if ((rc == GNSD_DNS_NXDOMAIN || (rc == GNSD_DNS_NOERROR && found == 0)) &&
      !push(p, LDNS_SECTION_AUTHORITY, make_soa(o->negative_ttl))) {
    ldns_pkt_free(p);
    return -ENOMEM;
  }
  uint8_t *w = NULL;
  size_t wl = 0;
  ldns_status st = ldns_pkt2wire(&w, p, &wl);
  ldns_pkt_free(p);
  if (st != LDNS_STATUS_OK) return -ENOMEM;
  if (wl > o->max) {
    /* RFC 2181, 9 / RFC 1035, 4.2.1: TC, and the client asks again
     * over TCP; no partial RRsets */
    free(w);
    *truncated = true;
    return gnsd_dns_msg_truncated(q, out, out_len);
  }
  *out = w;
  *out_len = wl;
  return 0;
}

int gnsd_dns_msg_truncated(const struct gnsd_dns_query *q, uint8_t **out, size_t *out_len) {
  ldns_pkt *p = response_new(q, GNSD_DNS_NOERROR);
  if (!p) return -ENOMEM;
  ldns_pkt_set_tc(p, true);
  uint8_t *w = NULL;
  size_t wl = 0;
  ldns_status st = ldns_pkt2wire(&w, p, &wl);
  ldns_pkt_free(p);
  if (st != LDNS_STATUS_OK) return -ENOMEM;
  *out = w;
  *out_len = wl;
  return 0;
}
