/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GET(q) / PUT(q, RRBLOCK) behind one interface (doc/architecture.md,
 * "Storage"). Backends: the embedded SQLite store (always on) and the
 * GNUnet R5N DHT. All calls run on gnsd's sd-event loop. */
#ifndef GNSD_STORAGE_H
#define GNSD_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

struct gnsd_backend;
struct gnsd_get;

/* A wall clock: realtime microseconds since the epoch, the GNS time base
 * (gnsd's is gnsd_now, backends.h; tests pass their own). */
typedef uint64_t (*gnsd_clock_fn)(void *userdata);

/* Called for every candidate block (unverified, unless the backend's ops
 * say it verifies), and
 * once with block == NULL when the backend has nothing more (error = 0,
 * or a negative errno if the backend failed). After the final call the
 * handle is gone. */
typedef void (*gnsd_block_cb)(void *userdata, const uint8_t *block, size_t len, int error);

struct gnsd_backend_ops {
  const char *name; /* "store", "gnunet-dht" */
  /* Every block get() hands over passed gns_rrblock_verify against the
   * GET's q (the backend checked it, as the DHT's does): the caller only
   * decrypts it. false: the caller verifies. */
  bool verifies;
  int (*get)(struct gnsd_backend *b, const uint8_t q[64], gnsd_block_cb cb, void *userdata,
             struct gnsd_get **handle);
  void (*get_cancel)(struct gnsd_backend *b, struct gnsd_get *handle);
  int (*put)(struct gnsd_backend *b, const uint8_t q[64], const uint8_t *block, size_t len,
             uint64_t expiration);
  /* Add {"name":..., "state":..., counters...} to a JSON object. */
  void (*status)(struct gnsd_backend *b, json_object *out);
  void (*free)(struct gnsd_backend *b);
};

struct gnsd_backend {
  const struct gnsd_backend_ops *ops;
};

/* GNUnet DHT backend (helper/dht-gnunet.c). socket_path is the unix socket
 * of gnunet-service-dht. Reconnects with backoff on its own. */
int gnsd_dht_gnunet_new(sd_event *ev, const char *socket_path, struct gnsd_backend **out);

#endif
