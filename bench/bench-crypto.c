/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Throughput of the zone-type primitives (RFC 9498, 5.1) and of the
 * per-block work (6.3, 7.3) for PKEY and EDKEY, as an aligned table.
 * Usage: bench-crypto [seconds-per-measurement] (default 0.25, or the
 * BENCH_SECONDS environment variable). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "crypto-floor.h"
#include "gns-util.h"
#include "revocation.h"
#include "rrblock.h"
#include "zonekey.h"

#define RDATA_LEN 128 /* the size of the RFC's three-record example */

/* RFC 9498, Appendix D.3: the revocation "Proof" messages (difficulty 5
 * plus 2 epochs), signed by the PKEY and EDKEY example zones. */
static const char pkey_proof[] = "0005ff1c56e4b2680000395d1827c000380b54aa7016aca2380b54aa7016ad62"
                                 "380b54aa7016af3e380b54aa7016af93380b54aa7016b0bf380b54aa7016b0ee"
                                 "380b54aa7016b1c9380b54aa7016b1e5380b54aa7016b278380b54aa7016b2b2"
                                 "380b54aa7016b2d6380b54aa7016b2e4380b54aa7016b32c380b54aa7016b35a"
                                 "380b54aa7016b39d380b54aa7016b3c0380b54aa7016b3dd380b54aa7016b3f4"
                                 "380b54aa7016b442380b54aa7016b476380b54aa7016b48c380b54aa7016b4a4"
                                 "380b54aa7016b4c9380b54aa7016b4f0380b54aa7016b4f7380b54aa7016b579"
                                 "380b54aa7016b634380b54aa7016b68e380b54aa7016b7b4380b54aa7016b87e"
                                 "380b54aa7016b8f8380b54aa7016b92a000100002ca223e879ecc4bbdeb5da17"
                                 "319281d63b2e3b6955f1c3775c804a98d5f8ddaa08caffde3c6df145f7e07981"
                                 "1537b2b0422d5e1fb2019781eca261d1f9d8ea810abc2f33477f04e3648111be"
                                 "71c248821ad604f494e74d0bf511d2c162772e81";
static const char edkey_proof[] = "0005ff1c573542bd0000395d1827c000584c933cb0992a08584c933cb0992df7"
                                  "584c933cb0992e21584c933cb0992e2a584c933cb0992e53584c933cb0992e8e"
                                  "584c933cb0992f13584c933cb0992f2d584c933cb0992f3c584c933cb0992f41"
                                  "584c933cb0992ffd584c933cb0993033584c933cb0993082584c933cb09930a2"
                                  "584c933cb09930e1584c933cb09931ce584c933cb09931de584c933cb0993212"
                                  "584c933cb099324e584c933cb099329f584c933cb0993331584c933cb0993387"
                                  "584c933cb099338c584c933cb09933e5584c933cb09933f3584c933cb0993426"
                                  "584c933cb0993430584c933cb0993468584c933cb0993488584c933cb099348a"
                                  "584c933cb099354c584c933cb09935bd000100143cf4b924032022f0dc505814"
                                  "53b85d93b047b63d446c5845cb48445ddb96688f04ae26f763565ab7aaab0171"
                                  "724f3ca8bcc51a98b7d4c92ea33cd9344ca8b63e04533abf1a3c054916b3682c"
                                  "5ca8cb4dd0f84c3b77487aac6ece38480ba9d500";

struct ctx {
  uint32_t ztype;
  struct gns_zone_priv priv;
  struct gns_zone_key zk, derived;
  const uint8_t *label;
  size_t label_len;
  uint8_t rdata[RDATA_LEN], bdata[RDATA_LEN + 16], out[RDATA_LEN + 16];
  uint8_t msg[16 + RDATA_LEN + 16], sig[GNS_ZONE_SIG_LEN], q[GNS_Q_LEN];
  size_t msg_len, bdata_len;
  uint8_t *block;
  size_t block_len;
  uint8_t revocation[GNS_REVOCATION_LEN];
};

static int op_zkdf(void *p) {
  struct ctx *c = p;
  struct gns_zone_key k;
  return gns_zone_key_derive(&c->zk, c->label, c->label_len, &k);
}

static int op_sign(void *p) {
  struct ctx *c = p;
  return gns_zone_sign_derived(&c->priv, c->label, c->label_len, c->msg, c->msg_len, c->sig);
}

static int op_verify(void *p) {
  struct ctx *c = p;
  return gns_zone_verify(&c->derived, c->msg, c->msg_len, c->sig);
}

static int op_encrypt(void *p) {
  struct ctx *c = p;
  return gns_zone_encrypt(&c->zk, c->label, c->label_len, 1, c->rdata, RDATA_LEN, c->out);
}

static int op_decrypt(void *p) {
  struct ctx *c = p;
  return gns_zone_decrypt(&c->zk, c->label, c->label_len, 1, c->bdata, c->bdata_len, c->out);
}

static int op_create(void *p) {
  struct ctx *c = p;
  uint8_t *b = NULL;
  size_t n;
  int r = gns_rrblock_create_from_rdata(&c->priv, c->label, c->label_len, c->rdata, RDATA_LEN, 1,
                                        &b, &n);
  free(b);
  return r;
}

static int op_check_decrypt(void *p) {
  struct ctx *c = p;
  uint8_t *rd = NULL;
  size_t n;
  int r = gns_rrblock_verify(c->block, c->block_len, c->q, 0);
  if (r == 0)
    r = gns_rrblock_decrypt(c->block, c->block_len, &c->zk, c->label, c->label_len, &rd, &n);
  free(rd);
  return r;
}

static int op_open(void *p) {
  struct ctx *c = p;
  uint8_t *rd = NULL;
  size_t n;
  int r = gns_rrblock_open(c->block, c->block_len, &c->zk, c->label, c->label_len, 0, &rd, &n);
  free(rd);
  return r;
}

/* Revocation verify time: the RFC's proof at its difficulty (5), checked
 * at its own timestamp (32 Argon2id runs and one signature). */
static int op_revocation_verify(void *p) {
  struct ctx *c = p;
  uint64_t expires;
  return gns_revocation_verify(c->revocation, sizeof c->revocation, 5, gns_get_u64(c->revocation),
                               NULL, &expires);
}

static int hex_to(const char *hex, uint8_t *out, size_t len) {
  if (strlen(hex) != 2 * len) return -EINVAL;
  for (size_t i = 0; i < len; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -EINVAL;
    out[i] = (uint8_t)v;
  }
  return 0;
}

static int setup(struct ctx *c, uint32_t ztype) {
  memset(c, 0, sizeof *c);
  c->ztype = ztype;
  c->label = (const uint8_t *)"www";
  c->label_len = 3;
  for (size_t i = 0; i < RDATA_LEN; i++)
    c->rdata[i] = (uint8_t)i;
  int r = gns_zone_priv_generate(ztype, &c->priv);
  if (r == 0) r = gns_zone_priv_public(&c->priv, &c->zk);
  if (r == 0) r = gns_zone_key_derive(&c->zk, c->label, c->label_len, &c->derived);
  if (r == 0) r = gns_rrblock_query(&c->zk, c->label, c->label_len, c->q);
  if (r != 0) return r;
  c->bdata_len = RDATA_LEN + gns_zone_cipher_overhead(ztype);
  r = gns_zone_encrypt(&c->zk, c->label, c->label_len, 1, c->rdata, RDATA_LEN, c->bdata);
  if (r != 0) return r;
  /* The signed data of an RRBLOCK: SIZE, PURPOSE, EXPIRATION, BDATA. */
  c->msg_len = 16 + c->bdata_len;
  gns_put_u32(c->msg, (uint32_t)c->msg_len);
  gns_put_u32(c->msg + 4, GNS_SIGPURPOSE_GNS_RECORD_SIGN);
  gns_put_u64(c->msg + 8, 1);
  memcpy(c->msg + 16, c->bdata, c->bdata_len);
  r = gns_zone_sign_derived(&c->priv, c->label, c->label_len, c->msg, c->msg_len, c->sig);
  if (r == 0)
    r = gns_rrblock_create_from_rdata(&c->priv, c->label, c->label_len, c->rdata, RDATA_LEN,
                                      UINT64_MAX, &c->block, &c->block_len);
  if (r == 0)
    r = hex_to(ztype == GNS_ZTYPE_PKEY ? pkey_proof : edkey_proof, c->revocation,
               sizeof c->revocation);
  return r;
}

static const struct {
  const char *name;
  bench_op_fn op;
  double seconds_factor; /* slow operations get a longer window */
} rows[] = {
    {"ZKDF (zkey' from zkey, label)", op_zkdf, 1},
    {"SignDerived (RRBLOCK signature)", op_sign, 1},
    {"Verify (RRBLOCK signature)", op_verify, 1},
    {"S-Encrypt 128 B", op_encrypt, 1},
    {"S-Decrypt 128 B", op_decrypt, 1},
    {"RRBLOCK create (encrypt+sign)", op_create, 1},
    {"RRBLOCK check+decrypt", op_check_decrypt, 1},
    {"RRBLOCK open (q+check+decrypt)", op_open, 1},
    {"revocation verify (D=5, RFC D.3)", op_revocation_verify, 4},
};

int main(int argc, char **argv) {
  double seconds = 0.25;
  const char *env = getenv("BENCH_SECONDS");
  if (argc > 1)
    seconds = atof(argv[1]);
  else if (env)
    seconds = atof(env);
  if (!(seconds > 0)) seconds = 0.25;

  static struct ctx c[2];
  const uint32_t types[2] = {GNS_ZTYPE_PKEY, GNS_ZTYPE_EDKEY};
  for (size_t t = 0; t < 2; t++) {
    int r = setup(&c[t], types[t]);
    if (r != 0) {
      fprintf(stderr, "bench-crypto: setup: %s\n", strerror(-r));
      return 1;
    }
  }

  printf("%-34s %12s %10s %12s %10s\n", "operation", "PKEY op/s", "PKEY us", "EDKEY op/s",
         "EDKEY us");
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rows); i++) {
    double rate[2];
    for (size_t t = 0; t < 2; t++) {
      rate[t] = bench_rate(rows[i].op, &c[t], seconds * rows[i].seconds_factor);
      if (rate[t] < 0) {
        fprintf(stderr, "bench-crypto: %s: %s\n", rows[i].name, strerror((int)-rate[t]));
        return 1;
      }
    }
    printf("%-34s %12.0f %10.1f %12.0f %10.1f\n", rows[i].name, rate[0], 1e6 / rate[0], rate[1],
           1e6 / rate[1]);
  }
  for (size_t t = 0; t < 2; t++) {
    gns_zone_priv_wipe(&c[t].priv);
    free(c[t].block);
  }
  /* The same per-label figure through the shared helper that the resolver
   * benchmark prints as its floor. */
  return crypto_floor_print(stdout, RDATA_LEN, seconds) == 0 ? 0 : 1;
}
