/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One uncached lookup per label through the GNUnet DHT backend, the way
 * gnsd's resolver does it: q from (zone, label), GET, first valid block,
 * verify + decrypt + parse. Prints "LABEL USEC RECORDS" per label, or
 * "LABEL - 0" if nothing came within the timeout. Driven by
 * bench/bench-gnunet.sh, which compares it with gnunet-gns -u. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock-us.h"
#include "dht-gnunet.h"
#include "record.h"
#include "rrblock.h"
#include "ztld.h"

struct lookup {
  const struct gns_zone_key *zk;
  const char *label;
  bool done;
  bool final; /* the backend ended the GET: the handle is gone */
  int records;
};

static void on_block(void *userdata, const uint8_t *block, size_t len, int error) {
  struct lookup *l = userdata;
  (void)error;
  if (!block) {
    l->final = true;
    l->done = true;
    return;
  }
  if (l->done) return;
  uint8_t *rdata = NULL;
  size_t rlen = 0;
  l->records = -1;
  if (gns_rrblock_open(block, len, l->zk, (const uint8_t *)l->label, strlen(l->label), real_us(),
                       &rdata, &rlen) == 0) {
    struct gns_record rd[64];
    size_t n = 0;
    if (gns_rdata_parse(rdata, rlen, rd, 64, &n) == 0) l->records = (int)n;
  }
  free(rdata);
  l->done = true;
}

int main(int argc, char **argv) {
  const char *sock = NULL, *ztld = NULL;
  int first_label = argc;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--socket") && i + 1 < argc)
      sock = argv[++i];
    else if (!strcmp(argv[i], "--ztld") && i + 1 < argc)
      ztld = argv[++i];
    else {
      first_label = i;
      break;
    }
  }
  if (!sock || !ztld || first_label >= argc) {
    fprintf(stderr, "usage: %s --socket DHT-SOCKET --ztld ZTLD LABEL...\n", argv[0]);
    return 2;
  }
  struct gns_zone_key zk;
  if (gns_ztld_decode(ztld, strlen(ztld), &zk) < 0) {
    fprintf(stderr, "bad zTLD\n");
    return 2;
  }
  sd_event *ev;
  struct gnsd_backend *b;
  if (sd_event_new(&ev) < 0 || gnsd_dht_gnunet_new(ev, sock, &b) < 0) return 1;
  struct gnsd_dht_gnunet_tuning t = {.get_timeout = 10000000};
  gnsd_dht_gnunet_tune(b, &t);
  uint64_t end = mono_us() + 5000000;
  while (!gnsd_dht_gnunet_connected(b) && mono_us() < end)
    sd_event_run(ev, 10000);
  for (int i = first_label; i < argc; i++) {
    struct lookup l = {.zk = &zk, .label = argv[i]};
    uint8_t q[GNS_Q_LEN];
    struct gnsd_get *h = NULL;
    uint64_t t0 = mono_us();
    /* The whole resolver-side cost: q (key derivation) included. */
    if (gns_rrblock_query(&zk, (const uint8_t *)l.label, strlen(l.label), q) < 0 ||
        b->ops->get(b, q, on_block, &l, &h) < 0) {
      printf("%s - 0\n", l.label);
      continue;
    }
    while (!l.done)
      sd_event_run(ev, 100000);
    uint64_t t1 = mono_us();
    if (l.records > 0)
      printf("%s %llu %d\n", l.label, (unsigned long long)(t1 - t0), l.records);
    else
      printf("%s - 0\n", l.label);
    fflush(stdout);
    /* First block is the answer; stop the GET (a resolver would, too). */
    if (!l.final) b->ops->get_cancel(b, h);
  }
  b->ops->free(b);
  sd_event_unref(ev);
  return 0;
}
