/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crypto floor: cost of checking and decrypting one RRBLOCK. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "crypto-floor.h"
#include "rrblock.h"
#include "zonekey.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_rate(bench_op_fn op, void *ctx, double seconds) {
  int r = op(ctx); /* warm-up: caches, lazy library initialisation */
  if (r < 0) return r;
  unsigned long done = 0, batch = 1;
  double t0 = now_s(), el = 0;
  while (el < seconds) {
    for (unsigned long i = 0; i < batch; i++)
      if ((r = op(ctx)) < 0) return r;
    done += batch;
    el = now_s() - t0;
    if (batch < (1ul << 20)) batch *= 2;
  }
  return (double)done / el;
}

struct floor_ctx {
  struct gns_zone_key zk;
  const uint8_t *label;
  size_t label_len;
  uint8_t q[GNS_Q_LEN];
  uint8_t *block;
  size_t len;
};

static int op_check_decrypt(void *p) {
  struct floor_ctx *c = p;
  uint8_t *rd = NULL;
  size_t n;
  int r = gns_rrblock_verify(c->block, c->len, c->q, 0);
  if (r == 0) r = gns_rrblock_decrypt(c->block, c->len, &c->zk, c->label, c->label_len, &rd, &n);
  free(rd);
  return r;
}

static int op_open(void *p) {
  struct floor_ctx *c = p;
  uint8_t *rd = NULL;
  size_t n;
  int r = gns_rrblock_open(c->block, c->len, &c->zk, c->label, c->label_len, 0, &rd, &n);
  free(rd);
  return r;
}

int crypto_floor_measure(uint32_t ztype, size_t rdata_len, double seconds,
                         struct crypto_floor *out) {
  struct gns_zone_priv priv;
  struct floor_ctx c = {.label = (const uint8_t *)"www", .label_len = 3};
  uint8_t *rdata = calloc(1, rdata_len ? rdata_len : 1);
  if (!rdata) return -ENOMEM;
  int r = gns_zone_priv_generate(ztype, &priv);
  if (r == 0) r = gns_zone_priv_public(&priv, &c.zk);
  if (r == 0) r = gns_rrblock_query(&c.zk, c.label, c.label_len, c.q);
  if (r == 0)
    r = gns_rrblock_create_from_rdata(&priv, c.label, c.label_len, rdata, rdata_len, UINT64_MAX,
                                      &c.block, &c.len);
  gns_zone_priv_wipe(&priv);
  free(rdata);
  if (r != 0) return r;
  double a = bench_rate(op_check_decrypt, &c, seconds);
  double b = bench_rate(op_open, &c, seconds);
  free(c.block);
  if (a < 0) return (int)a;
  if (b < 0) return (int)b;
  out->ztype = ztype;
  out->rdata_len = rdata_len;
  out->check_decrypt_us = 1e6 / a;
  out->open_us = 1e6 / b;
  return 0;
}

int crypto_floor_print(FILE *f, size_t rdata_len, double seconds) {
  static const struct {
    uint32_t ztype;
    const char *name;
  } types[] = {{GNS_ZTYPE_PKEY, "PKEY "}, {GNS_ZTYPE_EDKEY, "EDKEY"}};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    struct crypto_floor cf;
    int r = crypto_floor_measure(types[i].ztype, rdata_len, seconds, &cf);
    if (r != 0) return r;
    fprintf(
        f,
        "crypto floor %s: %8.1f us/label check+decrypt, %8.1f us/label with q (%zu-byte RDATA)\n",
        types[i].name, cf.check_decrypt_us, cf.open_us, rdata_len);
  }
  return 0;
}
