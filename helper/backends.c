/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's storage backends and clock. See backends.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include "backends.h"
#include "dht-gnunet.h"
#include "event-now.h"
#include "log.h"
#include "store.h"

uint64_t gnsd_now(sd_event *event) {
  return gnsd_event_now(event, CLOCK_REALTIME);
}

/* The store backend judges expiry by the daemon's clock too. */
uint64_t gnsd_backends_clock(void *userdata) {
  const struct gnsd_backends *b = userdata;
  return gnsd_now(b->event);
}

static void free_from(struct gnsd_backends *b, size_t first) {
  for (size_t i = first; i < b->n; i++) {
    b->v[i]->ops->free(b->v[i]);
    b->v[i] = NULL;
  }
  if (b->n > first) b->n = first;
}

int gnsd_backends_init(struct gnsd_backends *b, sd_event *event, struct gnsd_store *store) {
  *b = (struct gnsd_backends){.event = event, .store = store};
  int r = gnsd_store_backend_new(store, gnsd_backends_clock, b, &b->v[0]);
  if (r < 0) return r;
  b->n = 1;
  return 0;
}

int gnsd_backends_configure(struct gnsd_backends *b, const struct gnsd_conf *conf) {
  free_from(b, 1);
  if (conf->dht_backend == GNSD_DHT_GNUNET) {
    struct gnsd_backend *dht = NULL;
    int r = gnsd_dht_gnunet_new(b->event, conf->gnunet_socket, &dht);
    if (r == 0) {
      if (b->workers) gnsd_dht_gnunet_set_workers(dht, b->workers);
      gnsd_dht_gnunet_set_clock(dht, gnsd_backends_clock, b);
      b->v[b->n++] = dht;
    } else
      log_error("dht: cannot start the gnunet backend: %s", strerror(-r));
  }
  return 0;
}

void gnsd_backends_done(struct gnsd_backends *b) {
  free_from(b, 0);
}

unsigned gnsd_backends_put_copies(const struct gnsd_backends *b, const uint8_t q[64],
                                  const uint8_t *block, size_t len, uint64_t expiration) {
  unsigned failed = 0;
  for (size_t i = 1; i < b->n; i++) {
    struct gnsd_backend *be = b->v[i];
    int r = be->ops->put ? be->ops->put(be, q, block, len, expiration) : 0;
    if (r < 0) {
      failed++;
      log_warning("zones: %s: put failed: %s", be->ops->name, strerror(-r));
    }
  }
  return failed;
}

void gnsd_backends_status(const struct gnsd_backends *b, json_object *array) {
  for (size_t i = 0; i < b->n; i++) {
    json_object *o = json_object_new_object();
    if (b->v[i]->ops->status)
      b->v[i]->ops->status(b->v[i], o);
    else
      json_object_object_add(o, "name", json_object_new_string(b->v[i]->ops->name));
    json_object_array_add(array, o);
  }
}
