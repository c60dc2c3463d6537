/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crypto floor: what checking and decrypting one RRBLOCK costs, i.e.
 * the cryptographic work per label of a resolution that no caching of
 * network round trips can remove. Shared by bench-crypto and the resolver
 * benchmark, which prints it next to its own per-label figures. */
#ifndef GNS_BENCH_CRYPTO_FLOOR_H
#define GNS_BENCH_CRYPTO_FLOOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Run op(ctx) repeatedly for at least `seconds` (after one warm-up call)
 * and return operations per second, or a negative errno if op failed. */
typedef int (*bench_op_fn)(void *ctx);
double bench_rate(bench_op_fn op, void *ctx, double seconds);

struct crypto_floor {
  uint32_t ztype;
  size_t rdata_len;
  /* Microseconds per label: */
  double check_decrypt_us; /* gns_rrblock_verify (q known) + gns_rrblock_decrypt */
  double open_us;          /* gns_rrblock_open: q = SHA-512(ZKDF) as well */
};

/* Measure the floor for one zone type with a fresh zone and a block of
 * rdata_len bytes of RDATA, spending about 2 * seconds. 0 or -errno. */
int crypto_floor_measure(uint32_t ztype, size_t rdata_len, double seconds,
                         struct crypto_floor *out);

/* Print one line per zone type, e.g.
 *   crypto floor PKEY : 250.1 us/label check+decrypt, 330.2 us/label with q
 * Returns 0 or -errno. */
int crypto_floor_print(FILE *f, size_t rdata_len, double seconds);

#endif
