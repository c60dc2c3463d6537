/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS stub (helper/dns-stub.c) on a real UDP socket, with a resolver
 * of the test's own: its times are the resolver's clock. The TTL of an
 * answer counts down on that clock, and a memo entry never outlives an
 * answer on it, so that moving gnsd's one clock moves the stub with the
 * resolver and its cache (tests/dns-stub.sh runs the stub in gnsd). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "check.h"
#include "clock-us.h"
#include "dns-stub.h"
#include "record.h"

#define SEC 1000000ull
#define ANSWER_LIFE (100 * SEC)

static uint64_t clock_offset;
static uint64_t base; /* when the test's record set was made, on the clock */

static uint64_t test_now(void *userdata) {
  (void)userdata;
  return real_us() + clock_offset;
}

struct resolver {
  unsigned lookups, memo_puts;
  uint64_t memo_exp, memo_put_at;
};

/* Every name has one A record that expires ANSWER_LIFE after base. */
static int lookup(void *userdata, const char *name, uint32_t type, gnsd_lookup_fn fn, void *fn_ud,
                  struct gnsd_lookup **out) {
  struct resolver *r = userdata;
  (void)name;
  (void)out;
  r->lookups++;
  static const uint8_t addr[4] = {192, 0, 2, 7};
  struct gns_record rd = {.expiration = base + ANSWER_LIFE, .type = type, .data_len = 4};
  rd.data = addr;
  struct gnsd_answer a = {.rd = &rd, .n = 1, .expiration = rd.expiration};
  fn(fn_ud, 0, &a);
  return 0;
}

static void cancel(struct gnsd_lookup *l) {
  (void)l;
}

static int memo_get(void *userdata, const void *key, size_t klen, const void **v, size_t *vl) {
  (void)userdata;
  (void)key;
  (void)klen;
  (void)v;
  (void)vl;
  return -ENOENT; /* every query is resolved */
}

static void memo_put(void *userdata, const void *key, size_t klen, const void *v, size_t vl,
                     uint64_t expiration) {
  struct resolver *r = userdata;
  (void)key;
  (void)klen;
  (void)v;
  (void)vl;
  r->memo_puts++;
  r->memo_exp = expiration;
  r->memo_put_at = test_now(NULL);
}

static uint64_t resolver_now(void *userdata) {
  return test_now(userdata);
}

static size_t make_query(uint8_t *b, uint16_t id) {
  static const uint8_t q[] = {0,   0,   1,   0,   0,   1,   0,   0,   0,   0, 0,   0,
                              3,   'w', 'w', 'w', 4,   'd', 'e', 'm', 'o', 3, 'g', 'n',
                              's', 3,   'a', 'l', 't', 0,   0,   1,   0,   1};
  memcpy(b, q, sizeof q);
  b[0] = (uint8_t)(id >> 8);
  b[1] = (uint8_t)id;
  return sizeof q;
}

/* Ask the stub at addr; the TTL of the answer's A record, or -1. */
static long ask(sd_event *ev, int cfd, const struct sockaddr_in *addr, uint16_t id) {
  uint8_t q[64], buf[512];
  size_t ql = make_query(q, id);
  if (sendto(cfd, q, ql, 0, (const struct sockaddr *)addr, sizeof *addr) != (ssize_t)ql) return -1;
  ssize_t n = -1;
  uint64_t end = mono_us() + 3 * SEC;
  while (mono_us() < end) {
    sd_event_run(ev, 10000);
    n = recv(cfd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) break;
  }
  if (n <= 0) return -1;
  ldns_pkt *p = NULL;
  if (ldns_wire2pkt(&p, buf, (size_t)n) != LDNS_STATUS_OK) return -1;
  long ttl = -1;
  if (ldns_pkt_id(p) == id && ldns_pkt_ancount(p) == 1)
    ttl = (long)ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 0));
  ldns_pkt_free(p);
  return ttl;
}

int main(void) {
  sd_event *ev;
  if (sd_event_new(&ev) < 0) return 99;
  struct resolver r = {0};
  const struct gnsd_dns_stub_resolver res = {.lookup = lookup,
                                             .cancel = cancel,
                                             .memo_get = memo_get,
                                             .memo_put = memo_put,
                                             .now = resolver_now,
                                             .userdata = &r};
  const struct gnsd_dns_stub_conf conf = {.negative_ttl_us = 60 * SEC};
  struct gnsd_dns_stub *S;

  /* A stub without a clock is refused: it would have to read its own. */
  struct gnsd_dns_stub_resolver no_clock = res;
  no_clock.now = NULL;
  CHECK_INT(gnsd_dns_stub_new(ev, &no_clock, &conf, &S), -EINVAL);

  CHECK_INT(gnsd_dns_stub_new(ev, &res, &conf, &S), 0);
  int sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  if (sfd < 0 || bind(sfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      getsockname(sfd, (struct sockaddr *)&sa, &sl) < 0)
    return 99;
  CHECK_INT(gnsd_dns_stub_add_fd(S, sfd), 0);
  int cfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (cfd < 0) return 99;

  static const struct {
    const char *what;
    uint64_t offset;
    long ttl_min, ttl_max;
  } cases[] = {
      {"at once: the whole life", 0, 98, 100},
      {"60 s later on the clock", 60 * SEC, 38, 40},
      {"90 s later on the clock", 90 * SEC, 8, 10},
  };
  base = test_now(NULL);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    clock_offset = cases[i].offset;
    unsigned puts = r.memo_puts;
    long ttl = ask(ev, cfd, &sa, (uint16_t)(0x100 + i));
    if (ttl < cases[i].ttl_min || ttl > cases[i].ttl_max) {
      fprintf(stderr, "%s: TTL %ld, want %ld..%ld\n", cases[i].what, ttl, cases[i].ttl_min,
              cases[i].ttl_max);
      check_failures++;
    }
    /* the memo entry: at most a second, and never past the answer, on
     * the same clock */
    CHECK_INT(r.memo_puts, puts + 1);
    CHECK(r.memo_exp > r.memo_put_at - SEC && r.memo_exp <= r.memo_put_at + SEC);
    CHECK(r.memo_exp <= base + ANSWER_LIFE);
  }
  CHECK_INT(r.lookups, 3);

  gnsd_dns_stub_free(S);
  close(cfd);
  sd_event_unref(ev);
  return check_done("test-dns-stub");
}
