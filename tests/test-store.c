/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SQLite store in a temp dir: file modes, zones, records, blocks
 * (local beats remote, newer remote beats older), expiry, publications,
 * revocations, start zones, transactions, the storage backend, and a
 * corrupt file answering -EIO instead of crashing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "gns-util.h"
#include "log.h"
#include "store.h"

static char dir[] = "/tmp/test-store-XXXXXX";

static void rm_store(void) {
  char path[512];
  static const char *const files[] = {"gnsd.sqlite", "gnsd.sqlite-wal", "gnsd.sqlite-shm"};
  for (size_t i = 0; i < GNS_ARRAY_SIZE(files); i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
}

static int count_cb(void *ud, const struct gnsd_zone *z) {
  (void)z;
  (*(int *)ud)++;
  return 0;
}

struct rec_seen {
  int n;
  char labels[8][64];
  uint32_t types[8];
};

static int rec_cb(void *ud, const char *label, const struct gns_record *rd) {
  struct rec_seen *s = ud;
  if (s->n < 8) {
    snprintf(s->labels[s->n], 64, "%s", label);
    s->types[s->n] = rd->type;
  }
  s->n++;
  return 0;
}

struct get_seen {
  int blocks, finals, error;
  size_t len;
};

static void block_cb(void *ud, const uint8_t *block, size_t len, int error) {
  struct get_seen *g = ud;
  if (block) {
    g->blocks++;
    g->len = len;
  } else {
    g->finals++;
    g->error = error;
  }
}

static void test_basics(void) {
  struct gnsd_store *s = NULL;
  CHECK_INT(gnsd_store_open(dir, &s), 0);
  CHECK(gnsd_store_available(s));
  struct stat st;
  char path[512];
  snprintf(path, sizeof path, "%s/gnsd.sqlite", dir);
  CHECK_INT(stat(path, &st), 0);
  CHECK_INT(st.st_mode & 0777, 0600);

  /* zones */
  struct gns_zone_priv priv;
  struct gns_zone_key pub;
  CHECK_INT(gns_zone_priv_generate(GNS_ZTYPE_EDKEY, &priv), 0);
  CHECK_INT(gns_zone_priv_public(&priv, &pub), 0);
  int64_t id = 0;
  CHECK_INT(gnsd_store_zone_add(s, "Example", &priv, &pub, 1000, &id), 0);
  CHECK(id > 0);
  CHECK_INT(gnsd_store_zone_add(s, "example", &priv, &pub, 1000, NULL), -EEXIST);
  struct gns_zone_priv priv2;
  struct gns_zone_key pub2;
  CHECK_INT(gns_zone_priv_generate(GNS_ZTYPE_PKEY, &priv2), 0);
  CHECK_INT(gns_zone_priv_public(&priv2, &pub2), 0);
  CHECK_INT(gnsd_store_zone_add(s, "other", &priv, &pub, 1000, NULL), -EEXIST); /* same key */
  int64_t id2 = 0;
  CHECK_INT(gnsd_store_zone_add(s, "other", &priv2, &pub2, 2000, &id2), 0);
  struct gnsd_zone z;
  CHECK_INT(gnsd_store_zone_get(s, "EXAMPLE", &z), 0);
  CHECK_STR(z.name, "Example");
  CHECK_INT(z.id, id);
  CHECK_INT(z.created, 1000);
  CHECK(gns_zone_key_equal(&z.pub, &pub));
  CHECK_MEM(z.priv.d, priv.d, 32);
  /* read-only lookups never load the private key */
  static const struct gns_zone_priv no_priv;
  CHECK_INT(gnsd_store_zone_get_public(s, "example", &z), 0);
  CHECK_STR(z.name, "Example");
  CHECK(gns_zone_key_equal(&z.pub, &pub));
  CHECK_MEM(&z.priv, &no_priv, sizeof no_priv);
  CHECK_INT(gnsd_store_zone_get_public_by_key(s, &pub2, &z), 0);
  CHECK_STR(z.name, "other");
  CHECK_MEM(&z.priv, &no_priv, sizeof no_priv);
  CHECK_INT(gnsd_store_zone_get_public(s, "nope", &z), -ENOENT);
  CHECK_INT(gnsd_store_zone_get(s, "nope", &z), -ENOENT);
  int nz = 0;
  CHECK_INT(gnsd_store_zone_foreach(s, count_cb, &nz), 0);
  CHECK_INT(nz, 2);

  /* records */
  struct gns_record a = {.expiration = UINT64_MAX,
                         .type = 1,
                         .flags = GNS_RF_PRIVATE,
                         .data_len = 4,
                         .data = (const uint8_t *)"\xc0\x00\x02\x01"};
  struct gns_record t = {.expiration = 5,
                         .type = 16,
                         .flags = GNS_RF_RELATIVE_EXPIRATION,
                         .data_len = 0,
                         .data = NULL};
  CHECK_INT(gnsd_store_record_add(s, id, "www", &a), 0);
  CHECK_INT(gnsd_store_record_add(s, id, "@", &t), 0);
  CHECK_INT(gnsd_store_record_add(s, id, "www", &t), 0);
  CHECK_INT(gnsd_store_record_add(s, id2, "www", &a), 0);
  struct rec_seen seen = {0};
  CHECK_INT(gnsd_store_record_foreach(s, id, NULL, rec_cb, &seen), 0);
  CHECK_INT(seen.n, 3);
  CHECK_STR(seen.labels[0], "@");
  CHECK_STR(seen.labels[1], "www");
  CHECK_INT(seen.types[1], 1); /* insertion order within a label */
  CHECK_INT(seen.types[2], 16);
  int64_t count = 0;
  CHECK_INT(gnsd_store_zone_count_records(s, id, &count), 0);
  CHECK_INT(count, 3);
  int64_t deleted = 0;
  CHECK_INT(
      gnsd_store_record_delete(s, id, "www", 1, (const uint8_t *)"\xc0\x00\x02\x02", 4, &deleted),
      0);
  CHECK_INT(deleted, 0); /* other value */
  CHECK_INT(
      gnsd_store_record_delete(s, id, "www", 1, (const uint8_t *)"\xc0\x00\x02\x01", 4, &deleted),
      0);
  CHECK_INT(deleted, 1);
  CHECK_INT(gnsd_store_record_delete(s, id, "www", 0, NULL, 0, &deleted), 0);
  CHECK_INT(deleted, 1);

  /* transactions: a rolled back nested level aborts everything */
  CHECK_INT(gnsd_store_begin(s), 0);
  CHECK_INT(gnsd_store_record_add(s, id, "tx", &t), 0);
  CHECK_INT(gnsd_store_begin(s), 0);
  CHECK_INT(gnsd_store_record_add(s, id, "tx", &a), 0);
  gnsd_store_rollback(s);
  CHECK_INT(gnsd_store_commit(s), -EIO);
  seen.n = 0;
  CHECK_INT(gnsd_store_record_foreach(s, id, "tx", rec_cb, &seen), 0);
  CHECK_INT(seen.n, 0);
  CHECK_INT(gnsd_store_begin(s), 0);
  CHECK_INT(gnsd_store_record_add(s, id, "tx", &t), 0);
  CHECK_INT(gnsd_store_commit(s), 0);
  CHECK_INT(gnsd_store_commit(s), -EINVAL); /* none open */
  seen.n = 0;
  CHECK_INT(gnsd_store_record_foreach(s, id, "tx", rec_cb, &seen), 0);
  CHECK_INT(seen.n, 1);

  /* blocks: local beats remote; newer remote beats older remote */
  uint8_t q1[64], q2[64];
  memset(q1, 1, sizeof q1);
  memset(q2, 2, sizeof q2);
  uint8_t *b = NULL;
  size_t len = 0;
  CHECK_INT(gnsd_store_block_put(s, q1, (const uint8_t *)"remote-old", 10, 100, GNSD_BLOCK_REMOTE),
            0);
  CHECK_INT(gnsd_store_block_put(s, q1, (const uint8_t *)"remote-new!", 11, 200, GNSD_BLOCK_REMOTE),
            0);
  CHECK_INT(
      gnsd_store_block_put(s, q1, (const uint8_t *)"remote-stale", 12, 150, GNSD_BLOCK_REMOTE), 0);
  CHECK_INT(gnsd_store_block_get(s, q1, 50, &b, &len), 0);
  CHECK_INT(len, 11);
  free(b);
  CHECK_INT(gnsd_store_block_put(s, q1, (const uint8_t *)"local", 5, 120, GNSD_BLOCK_LOCAL), 0);
  CHECK_INT(
      gnsd_store_block_put(s, q1, (const uint8_t *)"remote-newest", 13, 900, GNSD_BLOCK_REMOTE), 0);
  CHECK_INT(gnsd_store_block_get(s, q1, 50, &b, &len), 0);
  CHECK_INT(len, 5);
  CHECK_MEM(b, "local", 5);
  free(b);
  CHECK_INT(gnsd_store_block_get(s, q1, 120, &b, &len), -ENOENT); /* expired at now */
  CHECK_INT(gnsd_store_block_get(s, q2, 0, &b, &len), -ENOENT);
  CHECK_INT(gnsd_store_block_put(s, q2, (const uint8_t *)"x", 0, 1, GNSD_BLOCK_LOCAL), -EINVAL);
  CHECK_INT(
      gnsd_store_block_put(s, q2, (const uint8_t *)"forever", 7, UINT64_MAX, GNSD_BLOCK_LOCAL), 0);
  int64_t gone = 0;
  CHECK_INT(gnsd_store_block_expire(s, 500, &gone), 0);
  CHECK_INT(gone, 1);
  b = NULL;
  CHECK_INT(gnsd_store_block_get(s, q2, UINT64_C(1) << 62, &b, &len), 0);
  free(b);

  /* the storage backend answers synchronously */
  struct gnsd_backend *be = NULL;
  CHECK_INT(gnsd_store_backend_new(s, NULL, NULL, &be), 0);
  CHECK_STR(be->ops->name, "store");
  struct gnsd_get *h = (struct gnsd_get *)&h;
  struct get_seen g = {0};
  CHECK_INT(be->ops->get(be, q2, block_cb, &g, &h), 0);
  CHECK(h == NULL);
  CHECK_INT(g.blocks, 1);
  CHECK_INT(g.finals, 1);
  CHECK_INT(g.len, 7);
  memset(&g, 0, sizeof g);
  CHECK_INT(be->ops->get(be, q1, block_cb, &g, &h), 0);
  CHECK_INT(g.blocks, 0);
  CHECK_INT(g.finals, 1);
  CHECK_INT(g.error, 0);
  uint8_t q3[64];
  memset(q3, 3, sizeof q3);
  CHECK_INT(be->ops->put(be, q3, (const uint8_t *)"cached", 6, UINT64_MAX / 2), 0);
  json_object *status = json_object_new_object();
  be->ops->status(be, status);
  CHECK_STR(json_object_get_string(json_object_object_get(status, "state")), "ok");
  json_object_put(status);
  be->ops->free(be);

  /* publications */
  CHECK_INT(gnsd_store_published_set(s, id, "www", q1, 300, 10), 0);
  CHECK_INT(gnsd_store_published_set(s, id, "www", q1, 400, 20), 0); /* replaces */
  CHECK_INT(gnsd_store_published_set(s, id2, "a", q2, 500, 30), 0);
  CHECK_INT(gnsd_store_published_delete(s, id2, "a"), 0);

  /* revocations keep the one that expires last */
  CHECK(!gnsd_store_is_revoked(s, &pub, 0));
  CHECK_INT(gnsd_store_revocation_put(s, &pub, 10, 1000, (const uint8_t *)"m1", 2), 0);
  CHECK_INT(gnsd_store_revocation_put(s, &pub, 5, 500, (const uint8_t *)"m0", 2), 0);
  struct gnsd_revocation rev;
  CHECK_INT(gnsd_store_revocation_get(s, &pub, &rev), 0);
  CHECK_INT(rev.expires, 1000);
  CHECK_INT(rev.timestamp, 10);
  CHECK_INT(rev.message_len, 2);
  CHECK_MEM(rev.message, "m1", 2);
  free(rev.message);
  CHECK(gnsd_store_is_revoked(s, &pub, 999));
  CHECK(!gnsd_store_is_revoked(s, &pub, 1000));
  CHECK_INT(gnsd_store_revocation_get(s, &pub2, &rev), -ENOENT);

  /* start zones */
  CHECK_INT(gnsd_store_start_zone_add(s, "pin", &pub2, 0), 0);
  CHECK_INT(gnsd_store_start_zone_add(s, "PIN", &pub, 0), -EEXIST);
  CHECK_INT(gnsd_store_start_zone_add(s, "mine", &pub, id), 0);
  CHECK_INT(gnsd_store_start_zone_remove(s, "nope"), -ENOENT);

  /* deleting a zone takes its records, publications and start zones */
  CHECK_INT(gnsd_store_zone_delete(s, "example"), 0);
  CHECK_INT(gnsd_store_zone_delete(s, "example"), -ENOENT);
  CHECK_INT(gnsd_store_zone_count_records(s, id, &count), 0);
  CHECK_INT(count, 0);
  json_object *o = json_object_new_object();
  gnsd_store_status(s, o);
  CHECK_INT(json_object_get_int64(json_object_object_get(o, "zones")), 1);
  CHECK_INT(json_object_get_int64(json_object_object_get(o, "records")), 1);
  CHECK_INT(json_object_get_int64(json_object_object_get(o, "startZones")), 1);
  CHECK_INT(json_object_get_int64(json_object_object_get(o, "blocksRemote")), 1);
  json_object_put(o);
  gnsd_store_close(s);

  /* everything is still there after reopening */
  CHECK_INT(gnsd_store_open(dir, &s), 0);
  CHECK_INT(gnsd_store_zone_get(s, "other", &z), 0);
  CHECK_MEM(z.priv.d, priv2.d, 32);
  gnsd_store_close(s);
  gns_zone_priv_wipe(&priv);
  gns_zone_priv_wipe(&priv2);
}

/* A file that is not a database: every call fails with -EIO, nothing
 * crashes, and a later reopen on a good file works. */
static void test_corrupt(void) {
  rm_store();
  char path[512];
  snprintf(path, sizeof path, "%s/gnsd.sqlite", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0);
  char junk[8192];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (char)(i * 7 + 3);
  CHECK_INT(write(fd, junk, sizeof junk), (long long)sizeof junk);
  close(fd);
  struct gnsd_store *s = NULL;
  CHECK_INT(gnsd_store_open(dir, &s), 0);
  CHECK(!gnsd_store_available(s));
  struct gnsd_zone z;
  struct gns_zone_priv priv;
  struct gns_zone_key pub;
  CHECK_INT(gns_zone_priv_generate(GNS_ZTYPE_PKEY, &priv), 0);
  CHECK_INT(gns_zone_priv_public(&priv, &pub), 0);
  CHECK_INT(gnsd_store_zone_get(s, "x", &z), -EIO);
  CHECK_INT(gnsd_store_zone_add(s, "x", &priv, &pub, 1, NULL), -EIO);
  int n = 0;
  CHECK_INT(gnsd_store_zone_foreach(s, count_cb, &n), -EIO);
  CHECK_INT(gnsd_store_begin(s), -EIO);
  uint8_t q[64] = {0}, *b = NULL;
  size_t len = 0;
  CHECK_INT(gnsd_store_block_get(s, q, 0, &b, &len), -EIO);
  CHECK(!gnsd_store_is_revoked(s, &pub, 0));
  struct gnsd_backend *be = NULL;
  CHECK_INT(gnsd_store_backend_new(s, NULL, NULL, &be), 0);
  struct get_seen g = {0};
  struct gnsd_get *h = NULL;
  CHECK_INT(be->ops->get(be, q, block_cb, &g, &h), 0);
  CHECK_INT(g.finals, 1);
  CHECK_INT(g.error, -EIO);
  be->ops->free(be);
  json_object *o = json_object_new_object();
  gnsd_store_status(s, o);
  CHECK_STR(json_object_get_string(json_object_object_get(o, "state")), "unavailable");
  json_object_put(o);
  CHECK_INT(gnsd_store_reopen(s), -EIO);
  unlink(path);
  CHECK_INT(gnsd_store_reopen(s), 0);
  CHECK(gnsd_store_available(s));
  CHECK_INT(gnsd_store_zone_add(s, "x", &priv, &pub, 1, NULL), 0);
  gnsd_store_close(s);
  gns_zone_priv_wipe(&priv);
}

int main(void) {
  gnsd_log_init("test-store", LOG_CRIT);
  if (!mkdtemp(dir)) return 99;
  test_basics();
  test_corrupt();
  rm_store();
  rmdir(dir);
  return check_done("test-store");
}
