/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resolution state machine with attacker-chosen record sets: the
 * input is the RDATA of up to six labels of one zone (signed here with a
 * fixed key, so every block verifies and record processing sees exactly
 * the fuzzer's records), a query name and type. DNS steps get a fixed
 * answer or an error. The machine must finish (DONE or FAILED) within a
 * bounded number of steps and never crash.
 *
 * Input: type selector (1), name selector (1), then per label a 2-byte
 * big-endian length and that many RDATA bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "gns-util.h"
#include "record.h"
#include "resolver.h"
#include "rrblock.h"
#include "zonekey.h"

#define NOW (1700000000ull * 1000000)

static const char *labels[] = {"www", "a", "b", "@", "ns", "r"};
#define N_LABELS (sizeof(labels) / sizeof(labels[0]))
static const char *names[] = {"www", "x.www", "_443._tcp.www", "a.b", "", "r", "ns.a", "b"};
static const uint32_t types[] = {0, 1, 28, 16, 52, 65536, 65551, 65540, 65556, 5, 33};

static struct gns_zone_priv priv;
static struct gns_zone_key pub;
static uint8_t q[N_LABELS][GNS_Q_LEN];

static void init(void) {
  static int done;
  if (done) return;
  uint8_t d[32];
  for (int i = 0; i < 32; i++)
    d[i] = (uint8_t)(i * 7 + 1);
  if (gns_zone_priv_from_bytes(GNS_ZTYPE_EDKEY, d, sizeof(d), &priv) < 0 ||
      gns_zone_priv_public(&priv, &pub) < 0)
    abort();
  for (size_t i = 0; i < N_LABELS; i++)
    if (gns_rrblock_query(&pub, (const uint8_t *)labels[i], strlen(labels[i]), q[i]) < 0) abort();
  done = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  init();
  if (size < 2) return 0;
  uint32_t type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
  const char *name = names[data[1] % (sizeof(names) / sizeof(names[0]))];
  data += 2;
  size -= 2;
  uint8_t *block[N_LABELS] = {0};
  size_t blen[N_LABELS] = {0};
  for (size_t i = 0; i < N_LABELS && size >= 2; i++) {
    size_t l = gns_get_u16(data);
    data += 2;
    size -= 2;
    if (l > size) l = size;
    gns_rrblock_create_from_rdata(&priv, (const uint8_t *)labels[i], strlen(labels[i]), data, l,
                                  NOW + 86400ull * 1000000, &block[i], &blen[i]);
    data += l;
    size -= l;
  }
  struct gns_suffix_map map = {"self", pub};
  struct gns_resolver_hooks hooks = {.maps = &map, .n_maps = 1};
  struct gns_resolution *r;
  if (gns_resolution_new(&pub, name, type, NULL, &hooks, &r) == 0) {
    unsigned steps = 0, dns = 0;
    for (;;) {
      struct gns_step st;
      if (gns_resolution_step(r, NOW, &st) < 0) abort();
      if (++steps > 1000) abort(); /* must terminate */
      if (st.kind == GNS_STEP_NEED_BLOCK) {
        const uint8_t *b = NULL;
        size_t bl = 0;
        for (size_t i = 0; i < N_LABELS; i++)
          if (block[i] && memcmp(st.q, q[i], GNS_Q_LEN) == 0) {
            b = block[i];
            bl = blen[i];
          }
        if (!b || gns_resolution_supply_block(r, b, bl, NOW) < 0)
          gns_resolution_supply_block(r, NULL, 0, NOW);
      } else if (st.kind == GNS_STEP_NEED_DNS) {
        if (!st.dns_name || strlen(st.dns_name) > 253) abort();
        uint8_t a[4] = {192, 0, 2, 1};
        struct gns_record rd = {.expiration = NOW + 1000000, .type = 1, .data_len = 4, .data = a};
        gns_resolution_supply_dns(r, dns++ % 3 == 2 ? -ENOENT : 0, &rd, 1);
      } else {
        const struct gns_record *rd;
        size_t n;
        if (st.kind == GNS_STEP_DONE) {
          if (gns_resolution_result(r, &rd, &n) < 0) abort();
          for (size_t i = 0; i < n; i++)
            if (rd[i].data_len && !rd[i].data) abort();
          (void)gns_resolution_canonical_name(r);
          if (!gns_resolution_answer_zone(r)) abort();
        } else if (gns_resolution_error(r) >= 0) {
          abort();
        }
        break;
      }
    }
    gns_resolution_free(r);
  }
  for (size_t i = 0; i < N_LABELS; i++)
    free(block[i]);
  return 0;
}
