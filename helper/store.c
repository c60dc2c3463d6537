/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The embedded SQLite store. See store.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "gns-util.h"
#include "log.h"
#include "store.h"

/* Statements are prepared once, on first use. */
enum stmt_id {
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  ST_ZONE_ADD,
  ST_ZONE_GET,
  ST_ZONE_GET_BY_KEY,
  ST_ZONE_LIST,
  ST_ZONE_DELETE,
  ST_ZONE_COUNT_RECORDS,
  ST_RECORD_ADD,
  ST_RECORD_LIST_ALL,
  ST_RECORD_LIST_LABEL,
  ST_RECORD_DELETE,
  ST_RECORD_DELETE_ALL,
  ST_BLOCK_PUT_LOCAL,
  ST_BLOCK_PUT_REMOTE,
  ST_BLOCK_GET,
  ST_BLOCK_DELETE,
  ST_BLOCK_EXPIRE,
  ST_PUBLISHED_SET,
  ST_PUBLISHED_DELETE,
  ST_PUBLISHED_LIST,
  ST_REVOCATION_PUT,
  ST_REVOCATION_GET,
  ST_REVOCATION_LIST,
  ST_START_ADD,
  ST_START_REMOVE,
  ST_START_LIST,
  ST_ZONE_GET_BY_ID,
  ST_DIRTY_MARK,
  ST_DIRTY_MARK_ZONE,
  ST_DIRTY_MARK_DUE,
  ST_DIRTY_MAX,
  ST_DIRTY_PAGE,
  ST_DIRTY_DONE,
  ST_DIRTY_PENDING,
  ST_DIRTY_COUNT,
  ST_PUBLISHED_NEXT_DUE,
  ST_RECORD_PAGE,
  ST_BLOCK_TOUCH,
  ST_REMOTE_BYTES,
  ST_REMOTE_EVICT,
  ST_PUBLISHED_BLOCKS,
  ST_COUNT,
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_ZONE_ADD] = "INSERT INTO zones(name, ztype, priv, pub, created) VALUES(?,?,?,?,?)",
    [ST_ZONE_GET] = "SELECT id, name, ztype, priv, pub, created FROM zones WHERE name = ?",
    [ST_ZONE_GET_BY_KEY] = "SELECT id, name, ztype, priv, pub, created FROM zones WHERE pub = ?",
    [ST_ZONE_LIST] = "SELECT id, name, ztype, priv, pub, created FROM zones ORDER BY name",
    [ST_ZONE_DELETE] = "DELETE FROM zones WHERE name = ?",
    [ST_ZONE_COUNT_RECORDS] = "SELECT count(*) FROM records WHERE zone = ?",
    [ST_RECORD_ADD] =
        "INSERT INTO records(zone, label, type, flags, expiration, data) VALUES(?,?,?,?,?,?)",
    [ST_RECORD_LIST_ALL] = "SELECT label, type, flags, expiration, data FROM records "
                           "WHERE zone = ? ORDER BY label, id",
    [ST_RECORD_LIST_LABEL] = "SELECT label, type, flags, expiration, data FROM records "
                             "WHERE zone = ? AND label = ? ORDER BY id",
    [ST_RECORD_DELETE] = "DELETE FROM records WHERE zone = ?1 AND label = ?2 "
                         "AND (?3 = 0 OR type = ?3) AND (?4 IS NULL OR data = ?4)",
    [ST_RECORD_DELETE_ALL] = "DELETE FROM records WHERE zone = ?",
    [ST_BLOCK_PUT_LOCAL] = "INSERT OR REPLACE INTO blocks(q, expiration, block, origin, stored) "
                           "VALUES(?,?,?,0,?)",
    /* A remote copy never displaces our own block nor a newer copy. */
    [ST_BLOCK_PUT_REMOTE] = "INSERT INTO blocks(q, expiration, block, origin, stored, used) "
                            "VALUES(?1,?2,?3,1,?4,?5) ON CONFLICT(q) DO UPDATE SET "
                            "expiration = excluded.expiration, block = excluded.block, "
                            "stored = excluded.stored, used = excluded.used "
                            "WHERE blocks.origin = 1 AND blocks.expiration < excluded.expiration",
    [ST_BLOCK_GET] = "SELECT block, origin FROM blocks WHERE q = ? AND expiration > ?",
    [ST_BLOCK_TOUCH] = "UPDATE blocks SET used = ? WHERE q = ? AND origin = 1",
    [ST_REMOTE_BYTES] = "SELECT coalesce(sum(length(block)), 0), count(*) FROM blocks "
                        "WHERE origin = 1",
    [ST_REMOTE_EVICT] = "DELETE FROM blocks WHERE rowid IN (SELECT rowid FROM blocks "
                        "WHERE origin = 1 ORDER BY used LIMIT ?)",
    [ST_BLOCK_DELETE] = "DELETE FROM blocks WHERE q = ?",
    [ST_BLOCK_EXPIRE] = "DELETE FROM blocks WHERE expiration <= ?",
    [ST_PUBLISHED_SET] = "INSERT OR REPLACE INTO published(zone, label, q, expiration, "
                         "published_at, due) VALUES(?,?,?,?,?,?)",
    [ST_PUBLISHED_DELETE] = "DELETE FROM published WHERE zone = ? AND label = ?",
    [ST_PUBLISHED_LIST] = "SELECT zone, label, q, expiration, published_at FROM published "
                          "WHERE ?1 = 0 OR zone = ?1 ORDER BY zone, label",
    [ST_REVOCATION_PUT] = "INSERT INTO revocations(zkey, timestamp, expires, message) "
                          "VALUES(?1,?2,?3,?4) ON CONFLICT(zkey) DO UPDATE SET "
                          "timestamp = excluded.timestamp, expires = excluded.expires, "
                          "message = excluded.message "
                          "WHERE revocations.expires < excluded.expires",
    [ST_REVOCATION_GET] = "SELECT timestamp, expires, message FROM revocations WHERE zkey = ?",
    [ST_REVOCATION_LIST] = "SELECT zkey, timestamp, expires, message FROM revocations "
                           "WHERE expires > ?",
    [ST_START_ADD] = "INSERT INTO start_zones(suffix, zkey, zone) VALUES(?,?,?)",
    [ST_START_REMOVE] = "DELETE FROM start_zones WHERE suffix = ?",
    [ST_START_LIST] = "SELECT s.suffix, s.zkey, z.name FROM start_zones s "
                      "LEFT JOIN zones z ON z.id = s.zone ORDER BY s.suffix",
    [ST_ZONE_GET_BY_ID] = "SELECT id, name, ztype, priv, pub, created FROM zones WHERE id = ?",
    /* A change takes a new id (REPLACE), so that a publisher already
     * signing the old state does not clear the new mark (dirty_done). */
    [ST_DIRTY_MARK] = "INSERT OR REPLACE INTO dirty(zone, label, prio) VALUES(?,?,0)",
    [ST_DIRTY_MARK_ZONE] = "INSERT OR REPLACE INTO dirty(zone, label, prio) "
                           "SELECT zone, label, 0 FROM records WHERE ?1 = 0 OR zone = ?1 "
                           "UNION SELECT zone, label, 0 FROM published WHERE ?1 = 0 OR zone = ?1",
    [ST_DIRTY_MARK_DUE] = "INSERT OR IGNORE INTO dirty(zone, label, prio) "
                          "SELECT zone, label, 1 FROM published WHERE due <= ?1 "
                          "ORDER BY due LIMIT ?2",
    [ST_DIRTY_MAX] = "SELECT coalesce(max(id), 0) FROM dirty",
    [ST_DIRTY_PAGE] = "SELECT id, zone, label, prio FROM dirty WHERE (prio, id) > (?1, ?2) "
                      "ORDER BY prio, id LIMIT ?3",
    [ST_DIRTY_DONE] = "DELETE FROM dirty WHERE id = ?",
    [ST_DIRTY_PENDING] = "SELECT EXISTS(SELECT 1 FROM dirty WHERE prio = 0 AND id <= ?)",
    [ST_DIRTY_COUNT] = "SELECT count(*) FROM dirty WHERE zone = ?",
    [ST_PUBLISHED_NEXT_DUE] = "SELECT min(due) FROM published",
    /* records_zone_label holds (zone, label, rowid): this walks it */
    [ST_RECORD_PAGE] = "SELECT label, type, flags, expiration, data, id FROM records "
                       "WHERE zone = ?1 AND (label, id) > (?2, ?3) ORDER BY label, id LIMIT ?4",
    [ST_PUBLISHED_BLOCKS] = "SELECT p.zone, p.label, b.q, b.expiration, b.block FROM published p "
                            "JOIN blocks b ON b.q = p.q WHERE (p.zone, p.label) > (?1, ?2) "
                            "AND p.published_at >= ?3 ORDER BY p.zone, p.label LIMIT ?4",
};

/* Version 1. Keys are ztype||zkey (36 bytes) so that a zone is found by
 * the identity the protocol uses. Expirations are microseconds since the
 * epoch, clamped to INT64_MAX where SQL compares them. */
static const char schema_v1[] = "CREATE TABLE zones("
                                "  id INTEGER PRIMARY KEY,"
                                "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                                "  ztype INTEGER NOT NULL,"
                                "  priv BLOB NOT NULL,"
                                "  pub BLOB NOT NULL UNIQUE,"
                                "  created INTEGER NOT NULL);"
                                "CREATE TABLE records("
                                "  id INTEGER PRIMARY KEY,"
                                "  zone INTEGER NOT NULL REFERENCES zones(id) ON DELETE CASCADE,"
                                "  label TEXT NOT NULL,"
                                "  type INTEGER NOT NULL,"
                                "  flags INTEGER NOT NULL,"
                                "  expiration INTEGER NOT NULL,"
                                "  data BLOB NOT NULL);"
                                "CREATE INDEX records_zone_label ON records(zone, label);"
                                "CREATE TABLE blocks("
                                "  q BLOB PRIMARY KEY,"
                                "  expiration INTEGER NOT NULL,"
                                "  block BLOB NOT NULL,"
                                "  origin INTEGER NOT NULL," /* 0 local, 1 remote */
                                "  stored INTEGER NOT NULL);"
                                "CREATE INDEX blocks_expiration ON blocks(expiration);"
                                "CREATE TABLE published("
                                "  zone INTEGER NOT NULL REFERENCES zones(id) ON DELETE CASCADE,"
                                "  label TEXT NOT NULL,"
                                "  q BLOB NOT NULL,"
                                "  expiration INTEGER NOT NULL,"
                                "  published_at INTEGER NOT NULL,"
                                "  PRIMARY KEY(zone, label));"
                                "CREATE TABLE revocations("
                                "  zkey BLOB PRIMARY KEY,"
                                "  timestamp INTEGER NOT NULL,"
                                "  expires INTEGER NOT NULL,"
                                "  message BLOB NOT NULL);"
                                "CREATE TABLE start_zones("
                                "  suffix TEXT PRIMARY KEY COLLATE NOCASE,"
                                "  zkey BLOB NOT NULL,"
                                "  zone INTEGER REFERENCES zones(id) ON DELETE CASCADE);"
                                "PRAGMA user_version = 1;";

/* Version 2: the publication queue. dirty holds the labels whose block
 * must be (re)built: prio 0 for changed records (first), 1 for blocks
 * due for re-publication. It lives in the store so that a publication
 * pass resumes after a restart, and changes mark it in their own
 * transaction. published.due is when a block is next due. */
static const char schema_v2[] =
    "CREATE TABLE dirty("
    "  id INTEGER PRIMARY KEY,"
    "  zone INTEGER NOT NULL REFERENCES zones(id) ON DELETE CASCADE,"
    "  label TEXT NOT NULL,"
    "  prio INTEGER NOT NULL,"
    "  UNIQUE(zone, label));"
    "CREATE INDEX dirty_order ON dirty(prio, id);"
    "ALTER TABLE published ADD COLUMN due INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX published_due ON published(due);"
    /* remote blocks are a cache bounded in size: least recently used go */
    "ALTER TABLE blocks ADD COLUMN used INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX blocks_lru ON blocks(origin, used);"
    "INSERT OR IGNORE INTO dirty(zone, label, prio) SELECT DISTINCT zone, label, 1 FROM records;"
    "PRAGMA user_version = 2;";

/* WAL checkpoints copy the log back into the database and sync it: tens
 * to hundreds of milliseconds after bulk work. SQLite runs them in the
 * COMMIT that crosses its threshold, which here is the event loop; a
 * thread with its own connection runs them instead (passive: they never
 * block the loop's writes). */
#define CHECKPOINT_PAGES 1000

struct checkpointer {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool running, stop, due;
  char *path;
};

struct gnsd_store {
  char *dir, *path;
  sqlite3 *db;
  /* remote blocks: their size (known after the first count) and bound */
  uint64_t remote_max, remote_bytes, remote_count, evicted;
  bool remote_known;
  uint64_t last_use; /* the LRU clock: realtime, strictly increasing */
  struct checkpointer ckpt;
  sqlite3_stmt *stmt[ST_COUNT];
  unsigned tx_depth;
  bool tx_failed;
  uint64_t rollbacks; /* outermost transactions that did not commit */
  unsigned busy_ms;   /* how long a write waits for the other connection */
  int64_t cache_kib;  /* SQLite's page cache; 0 = its default */
  uint64_t gets, hits, puts, errors, skipped;
};

static int64_t clamp64(uint64_t v) {
  return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* -ENOSPC for a full disk (or database), so that the error says so;
 * -EIO for everything else. */
static int db_error(struct gnsd_store *s, const char *what) {
  s->errors++;
  log_error("store: %s: %s", what, s->db ? sqlite3_errmsg(s->db) : "database unavailable");
  return s->db && sqlite3_errcode(s->db) == SQLITE_FULL ? -ENOSPC : -EIO;
}

/* The statement, reset and with bindings cleared; NULL if unavailable. */
static sqlite3_stmt *stmt(struct gnsd_store *s, enum stmt_id id) {
  if (!s->db) return NULL;
  if (!s->stmt[id]) {
    if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
                           NULL) != SQLITE_OK) {
      db_error(s, "prepare");
      return NULL;
    }
  }
  sqlite3_reset(s->stmt[id]);
  sqlite3_clear_bindings(s->stmt[id]);
  return s->stmt[id];
}

/* Run a statement that returns no rows. */
static int exec_stmt(struct gnsd_store *s, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_CONSTRAINT) return -EEXIST;
  if (rc != SQLITE_DONE) return db_error(s, what);
  return 0;
}

/* exec_stmt, and how many rows it changed (changed may be NULL). */
static int exec_changes(struct gnsd_store *s, sqlite3_stmt *st, const char *what,
                        int64_t *changed) {
  int r = exec_stmt(s, st, what);
  if (r == 0 && changed) *changed = sqlite3_changes(s->db);
  return r;
}

/* exec_stmt for a DELETE of one named thing: -ENOENT if there was none. */
static int exec_delete_one(struct gnsd_store *s, sqlite3_stmt *st, const char *what) {
  int64_t changed = 0;
  int r = exec_changes(s, st, what, &changed);
  return r == 0 && changed == 0 ? -ENOENT : r;
}

/* The rows of a SELECT, read into an array before any callback runs:
 * callbacks may use the store (and so reset the statement). */
struct rows {
  void *v;
  size_t n, cap;
  size_t size; /* of one row */
  bool secret; /* rows hold private keys: wiped, never left behind by realloc */
};

/* Fills one row from the statement: 0, or a negative errno with nothing
 * left allocated. */
typedef int (*row_reader)(struct gnsd_store *s, sqlite3_stmt *st, void *row);

static int rows_grow(struct rows *rows) {
  if (rows->n < rows->cap) return 0;
  size_t cap = rows->cap ? rows->cap * 2 : 16;
  void *v;
  if (rows->secret) {
    v = calloc(cap, rows->size);
    if (!v) return -ENOMEM;
    if (rows->v) {
      memcpy(v, rows->v, rows->n * rows->size);
      sodium_memzero(rows->v, rows->cap * rows->size);
      free(rows->v);
    }
  } else {
    v = realloc(rows->v, cap * rows->size);
    if (!v) return -ENOMEM;
  }
  rows->v = v;
  rows->cap = cap;
  return 0;
}

static int rows_read(struct gnsd_store *s, sqlite3_stmt *st, struct rows *rows, row_reader read,
                     const char *what) {
  int rc, r = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    r = rows_grow(rows);
    if (r == 0) r = read(s, st, (char *)rows->v + rows->n * rows->size);
    if (r < 0) break;
    rows->n++;
  }
  if (r == 0 && rc != SQLITE_DONE) r = db_error(s, what);
  sqlite3_reset(st);
  return r;
}

/* Frees the array (the caller frees what its rows point to). */
static void rows_free(struct rows *rows) {
  if (rows->secret && rows->v) sodium_memzero(rows->v, rows->cap * rows->size);
  free(rows->v);
}

static void *checkpoint_main(void *arg) {
  struct checkpointer *c = arg;
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
          SQLITE_OK ||
      /* a connection learns the database is in WAL mode when it reads it;
       * until then a checkpoint does nothing */
      sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    db = NULL;
  }
  pthread_mutex_lock(&c->lock);
  for (;;) {
    while (!c->due && !c->stop)
      pthread_cond_wait(&c->wake, &c->lock);
    if (c->stop) break;
    c->due = false;
    pthread_mutex_unlock(&c->lock);
    if (db) sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    pthread_mutex_lock(&c->lock);
  }
  pthread_mutex_unlock(&c->lock);
  sqlite3_close(db);
  return NULL;
}

static int wal_hook(void *userdata, sqlite3 *db, const char *name, int pages) {
  (void)db;
  (void)name;
  struct checkpointer *c = userdata;
  if (pages >= CHECKPOINT_PAGES) {
    pthread_mutex_lock(&c->lock);
    c->due = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
  }
  return SQLITE_OK;
}

/* Hand checkpoints to the thread; SQLite's own stay if it cannot start. */
static void checkpointer_start(struct gnsd_store *s) {
  struct checkpointer *c = &s->ckpt;
  c->path = s->path;
  c->stop = c->due = false;
  pthread_mutex_init(&c->lock, NULL);
  pthread_cond_init(&c->wake, NULL);
  if (pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) return;
  pthread_setname_np(c->thread, "gnsd-checkpoint");
  c->running = true;
  sqlite3_wal_hook(s->db, wal_hook, c);
}

static void checkpointer_stop(struct gnsd_store *s) {
  struct checkpointer *c = &s->ckpt;
  if (!c->running) return;
  pthread_mutex_lock(&c->lock);
  c->stop = true;
  pthread_cond_signal(&c->wake);
  pthread_mutex_unlock(&c->lock);
  pthread_join(c->thread, NULL);
  pthread_mutex_destroy(&c->lock);
  pthread_cond_destroy(&c->wake);
  c->running = false;
}

static void close_db(struct gnsd_store *s) {
  checkpointer_stop(s);
  for (int i = 0; i < ST_COUNT; i++) {
    sqlite3_finalize(s->stmt[i]);
    s->stmt[i] = NULL;
  }
  if (s->db) sqlite3_close(s->db);
  s->db = NULL;
  s->tx_depth = 0;
}

static int open_db(struct gnsd_store *s) {
  /* The state directory holds private keys: 0700, and warn if someone
   * made it wider. */
  if (mkdir(s->dir, 0700) < 0 && errno != EEXIST) {
    log_error("store: cannot create %s: %s", s->dir, strerror(errno));
    return -EIO;
  }
  struct stat st;
  if (stat(s->dir, &st) == 0 && (st.st_mode & 077))
    log_warning("store: %s is accessible by others (mode %04o); it holds zone keys", s->dir,
                (unsigned)(st.st_mode & 07777));
  /* Create the file ourselves so that it is 0600 from the first byte;
   * SQLite gives its -wal and -shm files the same mode. An existing file
   * is only looked at, never opened here: closing a descriptor drops
   * every POSIX lock this process holds on the file, and another
   * connection of gnsd's (the store thread's, the checkpointer's) may
   * hold SQLite's. Without them another process (the sqlite3 shell) takes
   * itself for the last user, checkpoints and deletes the log gnsd still
   * writes to, and commits are lost. */
  bool created = false;
  int fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    created = true;
    close(fd); /* a new file: nobody holds a lock on it yet */
  } else if (errno != EEXIST) {
    log_error("store: cannot open %s: %s", s->path, strerror(errno));
    return -EIO;
  }
  if (lstat(s->path, &st) < 0) {
    log_error("store: cannot open %s: %s", s->path, strerror(errno));
    return -EIO;
  }
  if (!S_ISREG(st.st_mode)) {
    log_error("store: %s is not a regular file", s->path);
    return -EIO;
  }
  if (st.st_mode & 077) chmod(s->path, 0600);
  /* SQLite takes an empty file for a new database. One we did not just
   * create was a store once (truncated by a full disk, a bad restore):
   * starting afresh over it would lose every zone without a word. */
  bool empty = st.st_size == 0;
  if (empty && !created) {
    log_error("store: %s is empty (0 bytes); not creating a new store over it (remove it to "
              "start afresh)",
              s->path);
    return -EIO;
  }
  if (sqlite3_open_v2(s->path, &s->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
                      NULL) != SQLITE_OK) {
    db_error(s, "open");
    close_db(s);
    return -EIO;
  }
  sqlite3_extended_result_codes(s->db, 0);
  sqlite3_busy_timeout(s->db, (int)s->busy_ms);
  char *err = NULL;
  if (sqlite3_exec(s->db,
                   "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                   "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
                   /* a large import grows the log; give the disk back */
                   "PRAGMA journal_size_limit = 67108864;",
                   NULL, NULL, &err) != SQLITE_OK) {
    log_error("store: %s: %s", s->path, err ? err : "cannot configure");
    sqlite3_free(err);
    close_db(s);
    return -EIO;
  }
  sqlite3_stmt *v = NULL;
  int version = -1;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK &&
      sqlite3_step(v) == SQLITE_ROW)
    version = sqlite3_column_int(v, 0);
  sqlite3_finalize(v);
  if (version < 0) {
    db_error(s, "reading the schema version");
    close_db(s);
    return -EIO;
  }
  if (version < GNSD_STORE_SCHEMA_VERSION) {
    /* Fresh or older database: create or upgrade the schema in one
     * transaction. */
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        (version < 1 && sqlite3_exec(s->db, schema_v1, NULL, NULL, &err) != SQLITE_OK) ||
        (version < 2 && sqlite3_exec(s->db, schema_v2, NULL, NULL, &err) != SQLITE_OK) ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
      log_error("store: creating the schema: %s", err ? err : sqlite3_errmsg(s->db));
      sqlite3_free(err);
      close_db(s);
      return -EIO;
    }
    log_info("store: created %s (schema %d)", s->path, GNSD_STORE_SCHEMA_VERSION);
  } else if (version > GNSD_STORE_SCHEMA_VERSION) {
    log_error("store: %s has schema %d, newer than this gnsd knows (%d)", s->path, version,
              GNSD_STORE_SCHEMA_VERSION);
    close_db(s);
    return -EIO;
  }
  if (s->cache_kib > 0) {
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", (long long)s->cache_kib);
    sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  }
  /* Prepare everything now so that a damaged schema shows at once. */
  for (int i = 0; i < ST_COUNT; i++) {
    if (!stmt(s, (enum stmt_id)i)) {
      close_db(s);
      return -EIO;
    }
  }
  checkpointer_start(s);
  return 0;
}

int gnsd_store_open(const char *state_dir, struct gnsd_store **out) {
  struct gnsd_store *s = calloc(1, sizeof *s);
  if (!s) return -ENOMEM;
  s->dir = strdup(state_dir);
  if (s->dir && asprintf(&s->path, "%s/%s", state_dir, GNSD_STORE_FILE) < 0) s->path = NULL;
  if (!s->dir || !s->path) {
    free(s->dir);
    free(s);
    return -ENOMEM;
  }
  s->busy_ms = GNSD_STORE_BUSY_MS;
  if (open_db(s) < 0) log_error("store: %s unavailable; zone management will fail", s->path);
  *out = s;
  return 0;
}

void gnsd_store_tune(struct gnsd_store *s, unsigned busy_ms, uint64_t cache_bytes) {
  s->busy_ms = busy_ms;
  s->cache_kib = (int64_t)(cache_bytes >> 10);
  if (!s->db) return;
  sqlite3_busy_timeout(s->db, (int)busy_ms);
  if (s->cache_kib > 0) {
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", (long long)s->cache_kib);
    sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  }
}

bool gnsd_store_in_transaction(const struct gnsd_store *s) {
  return s->tx_depth > 0;
}

int gnsd_store_open_again(const struct gnsd_store *s, struct gnsd_store **out) {
  return gnsd_store_open(s->dir, out);
}

int gnsd_store_reopen(struct gnsd_store *s) {
  if (s->db) return 0;
  return open_db(s);
}

void gnsd_store_close(struct gnsd_store *s) {
  if (!s) return;
  close_db(s);
  free(s->dir);
  free(s->path);
  free(s);
}

bool gnsd_store_available(const struct gnsd_store *s) {
  return s && s->db;
}
const char *gnsd_store_path(const struct gnsd_store *s) {
  return s->path;
}

/* --- transactions --- */

int gnsd_store_begin(struct gnsd_store *s) {
  if (s->tx_depth++ > 0) return 0;
  s->tx_failed = false;
  sqlite3_stmt *st = stmt(s, ST_BEGIN);
  int r = st ? exec_stmt(s, st, "begin") : -EIO;
  if (r < 0) s->tx_depth = 0;
  return r;
}

int gnsd_store_commit(struct gnsd_store *s) {
  if (s->tx_depth == 0) return -EINVAL;
  if (--s->tx_depth > 0) return s->tx_failed ? -EIO : 0;
  if (s->tx_failed) {
    sqlite3_stmt *st = stmt(s, ST_ROLLBACK);
    if (st) exec_stmt(s, st, "rollback");
    s->rollbacks++;
    return -EIO;
  }
  sqlite3_stmt *st = stmt(s, ST_COMMIT);
  int r = st ? exec_stmt(s, st, "commit") : -EIO;
  if (r < 0) s->rollbacks++;
  if (r < 0 && s->db && !sqlite3_get_autocommit(s->db)) {
    st = stmt(s, ST_ROLLBACK);
    if (st) exec_stmt(s, st, "rollback");
  }
  return r < 0 ? (r == -ENOSPC ? r : -EIO) : 0;
}

void gnsd_store_rollback(struct gnsd_store *s) {
  if (s->tx_depth == 0) return;
  s->tx_failed = true;
  if (--s->tx_depth > 0) return;
  sqlite3_stmt *st = stmt(s, ST_ROLLBACK);
  if (st) exec_stmt(s, st, "rollback");
  s->rollbacks++;
}

uint64_t gnsd_store_rollbacks(const struct gnsd_store *s) {
  return s->rollbacks;
}

/* --- zones --- */

/* with_priv false: z->priv stays zero (and the key bytes are not
 * decoded), for the many callers that need only the name and the public
 * key. */
static int read_zone(struct gnsd_store *s, sqlite3_stmt *st, struct gnsd_zone *z, bool with_priv) {
  memset(z, 0, sizeof *z);
  z->id = sqlite3_column_int64(st, 0);
  const unsigned char *name = sqlite3_column_text(st, 1);
  snprintf(z->name, sizeof z->name, "%s", name ? (const char *)name : "");
  uint32_t ztype = (uint32_t)sqlite3_column_int64(st, 2);
  const void *priv = sqlite3_column_blob(st, 3);
  int priv_len = sqlite3_column_bytes(st, 3);
  const void *pub = sqlite3_column_blob(st, 4);
  int pub_len = sqlite3_column_bytes(st, 4);
  z->created = (uint64_t)sqlite3_column_int64(st, 5);
  if (!priv || priv_len != 32 || !pub ||
      (with_priv && gns_zone_priv_from_bytes(ztype, priv, 32, &z->priv) < 0) ||
      gns_zone_key_from_bytes(pub, (size_t)pub_len, &z->pub) < 0 || z->pub.ztype != ztype) {
    gns_zone_priv_wipe(&z->priv);
    s->errors++;
    log_error("store: zone \"%s\" has a damaged key", z->name);
    return -EIO;
  }
  return 0;
}

int gnsd_store_zone_add(struct gnsd_store *s, const char *name, const struct gns_zone_priv *priv,
                        const struct gns_zone_key *pub, uint64_t now, int64_t *id) {
  sqlite3_stmt *st = stmt(s, ST_ZONE_ADD);
  if (!st) return -EIO;
  uint8_t pubb[GNS_ZONE_ID_LEN];
  if (gns_zone_key_to_bytes(pub, pubb) < 0) return -EINVAL;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, priv->ztype);
  sqlite3_bind_blob(st, 3, priv->d, sizeof priv->d, SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 4, pubb, sizeof pubb, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, clamp64(now));
  int r = exec_stmt(s, st, "adding a zone");
  sqlite3_clear_bindings(st); /* drop SQLite's copy of the key */
  if (r == 0 && id) *id = sqlite3_last_insert_rowid(s->db);
  return r;
}

/* The one zone a bound statement finds. */
static int zone_row(struct gnsd_store *s, sqlite3_stmt *st, bool with_priv, struct gnsd_zone *out) {
  int rc = sqlite3_step(st), r;
  if (rc == SQLITE_ROW)
    r = read_zone(s, st, out, with_priv);
  else if (rc == SQLITE_DONE)
    r = -ENOENT;
  else
    r = db_error(s, "reading a zone");
  sqlite3_reset(st);
  return r;
}

static int zone_get(struct gnsd_store *s, enum stmt_id id, const void *key, int key_len, bool text,
                    bool with_priv, struct gnsd_zone *out) {
  sqlite3_stmt *st = stmt(s, id);
  if (!st) return -EIO;
  if (text)
    sqlite3_bind_text(st, 1, key, key_len, SQLITE_TRANSIENT);
  else
    sqlite3_bind_blob(st, 1, key, key_len, SQLITE_TRANSIENT);
  return zone_row(s, st, with_priv, out);
}

int gnsd_store_zone_get(struct gnsd_store *s, const char *name, struct gnsd_zone *out) {
  return zone_get(s, ST_ZONE_GET, name, -1, true, true, out);
}

int gnsd_store_zone_get_by_id(struct gnsd_store *s, int64_t id, struct gnsd_zone *out) {
  sqlite3_stmt *st = stmt(s, ST_ZONE_GET_BY_ID);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, id);
  return zone_row(s, st, true, out);
}

int gnsd_store_zone_get_public(struct gnsd_store *s, const char *name, struct gnsd_zone *out) {
  return zone_get(s, ST_ZONE_GET, name, -1, true, false, out);
}

int gnsd_store_zone_get_public_by_key(struct gnsd_store *s, const struct gns_zone_key *pub,
                                      struct gnsd_zone *out) {
  uint8_t b[GNS_ZONE_ID_LEN];
  if (gns_zone_key_to_bytes(pub, b) < 0) return -EINVAL;
  return zone_get(s, ST_ZONE_GET_BY_KEY, b, sizeof b, false, false, out);
}

static int read_zone_row(struct gnsd_store *s, sqlite3_stmt *st, void *row) {
  return read_zone(s, st, row, true);
}

int gnsd_store_zone_foreach(struct gnsd_store *s, gnsd_zone_cb cb, void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_ZONE_LIST);
  if (!st) return -EIO;
  struct rows rows = {.size = sizeof(struct gnsd_zone), .secret = true};
  int r = rows_read(s, st, &rows, read_zone_row, "listing zones");
  struct gnsd_zone *zones = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, &zones[i]);
  rows_free(&rows);
  return r;
}

int gnsd_store_zone_delete(struct gnsd_store *s, const char *name) {
  sqlite3_stmt *st = stmt(s, ST_ZONE_DELETE);
  if (!st) return -EIO;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  return exec_delete_one(s, st, "deleting a zone");
}

int gnsd_store_zone_count_records(struct gnsd_store *s, int64_t zone_id, int64_t *count) {
  sqlite3_stmt *st = stmt(s, ST_ZONE_COUNT_RECORDS);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  int r = 0;
  if (sqlite3_step(st) == SQLITE_ROW)
    *count = sqlite3_column_int64(st, 0);
  else
    r = db_error(s, "counting records");
  sqlite3_reset(st);
  return r;
}

/* --- records --- */

int gnsd_store_record_add(struct gnsd_store *s, int64_t zone_id, const char *label,
                          const struct gns_record *rd) {
  sqlite3_stmt *st = stmt(s, ST_RECORD_ADD);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, rd->type);
  sqlite3_bind_int64(st, 4, rd->flags);
  sqlite3_bind_int64(st, 5, (int64_t)rd->expiration); /* bit pattern kept */
  sqlite3_bind_blob(st, 6, rd->data ? (const void *)rd->data : (const void *)"", rd->data_len,
                    SQLITE_TRANSIENT);
  return exec_stmt(s, st, "adding a record");
}

struct record_row {
  int64_t id;
  char *label;
  struct gns_record rd;
  uint8_t *data;
};

static int read_record_row(struct gnsd_store *s, sqlite3_stmt *st, void *out) {
  struct record_row *row = out;
  memset(row, 0, sizeof *row);
  const unsigned char *l = sqlite3_column_text(st, 0);
  int64_t type = sqlite3_column_int64(st, 1), flags = sqlite3_column_int64(st, 2);
  const void *data = sqlite3_column_blob(st, 4);
  int len = sqlite3_column_bytes(st, 4);
  if (!l || type < 0 || type > UINT32_MAX || flags < 0 || flags > UINT16_MAX || len < 0 ||
      len > UINT16_MAX)
    return db_error(s, "damaged record");
  row->label = strdup((const char *)l);
  row->data = malloc(len ? (size_t)len : 1);
  if (!row->label || !row->data) {
    free(row->label);
    free(row->data);
    return -ENOMEM;
  }
  if (len) memcpy(row->data, data, (size_t)len);
  row->rd.type = (uint32_t)type;
  row->rd.flags = (uint16_t)flags;
  row->rd.expiration = (uint64_t)sqlite3_column_int64(st, 3);
  row->rd.data_len = (uint16_t)len;
  row->rd.data = row->data;
  if (sqlite3_column_count(st) > 5) row->id = sqlite3_column_int64(st, 5);
  return 0;
}

int gnsd_store_record_page(struct gnsd_store *s, int64_t zone_id, const char *after_label,
                           int64_t after_id, unsigned limit, gnsd_record_page_cb cb,
                           void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_RECORD_PAGE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  sqlite3_bind_text(st, 2, after_label ? after_label : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, after_label ? after_id : -1);
  sqlite3_bind_int64(st, 4, limit);
  struct rows rows = {.size = sizeof(struct record_row)};
  int r = rows_read(s, st, &rows, read_record_row, "listing records");
  struct record_row *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, v[i].id, v[i].label, &v[i].rd);
  for (size_t i = 0; i < rows.n; i++) {
    free(v[i].label);
    free(v[i].data);
  }
  rows_free(&rows);
  return r;
}

int gnsd_store_record_foreach(struct gnsd_store *s, int64_t zone_id, const char *label,
                              gnsd_record_cb cb, void *userdata) {
  sqlite3_stmt *st = stmt(s, label ? ST_RECORD_LIST_LABEL : ST_RECORD_LIST_ALL);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  if (label) sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
  struct rows rows = {.size = sizeof(struct record_row)};
  int r = rows_read(s, st, &rows, read_record_row, "listing records");
  struct record_row *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, v[i].label, &v[i].rd);
  for (size_t i = 0; i < rows.n; i++) {
    free(v[i].label);
    free(v[i].data);
  }
  rows_free(&rows);
  return r;
}

int gnsd_store_record_delete(struct gnsd_store *s, int64_t zone_id, const char *label,
                             uint32_t type, const uint8_t *data, size_t len, int64_t *deleted) {
  sqlite3_stmt *st = stmt(s, ST_RECORD_DELETE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, type);
  if (data)
    sqlite3_bind_blob(st, 4, len ? (const void *)data : (const void *)"", (int)len,
                      SQLITE_TRANSIENT);
  return exec_changes(s, st, "deleting records", deleted);
}

int gnsd_store_record_delete_all(struct gnsd_store *s, int64_t zone_id, int64_t *deleted) {
  sqlite3_stmt *st = stmt(s, ST_RECORD_DELETE_ALL);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  return exec_changes(s, st, "deleting records", deleted);
}

/* --- blocks --- */

static uint64_t realtime_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t use_tick(struct gnsd_store *s) {
  uint64_t now = realtime_us();
  s->last_use = now > s->last_use ? now : s->last_use + 1;
  return s->last_use;
}

static int remote_count(struct gnsd_store *s) {
  sqlite3_stmt *st = stmt(s, ST_REMOTE_BYTES);
  if (!st) return -EIO;
  int rc = sqlite3_step(st), r = 0;
  if (rc == SQLITE_ROW) {
    s->remote_bytes = (uint64_t)sqlite3_column_int64(st, 0);
    s->remote_count = (uint64_t)sqlite3_column_int64(st, 1);
    s->remote_known = true;
  } else {
    r = db_error(s, "sizing the remote blocks");
  }
  sqlite3_reset(st);
  return r;
}

/* Keep the remote blocks under remote_max: when they pass it, the least
 * recently used go until they fill 90% of it (so that eviction runs once
 * per tenth of the bound, not at every put). */
static void remote_bound(struct gnsd_store *s) {
  if (remote_count(s) < 0) return;
  /* eviction is cache upkeep on the loop: skipped, not waited for, while
   * the store thread writes (exec_nowait) */
  if (s->tx_depth == 0) sqlite3_busy_timeout(s->db, 0);
  for (int round = 0; round < 8 && s->remote_bytes > s->remote_max && s->remote_count > 0;
       round++) {
    uint64_t avg = s->remote_bytes / s->remote_count, target = s->remote_max / 10 * 9;
    uint64_t n = (s->remote_bytes - target) / (avg ? avg : 1) + 1;
    sqlite3_stmt *st = stmt(s, ST_REMOTE_EVICT);
    if (!st) break;
    sqlite3_bind_int64(st, 1, clamp64(n));
    int64_t gone = 0;
    if (exec_changes(s, st, "evicting remote blocks", &gone) < 0) break;
    s->evicted += (uint64_t)gone;
    if (remote_count(s) < 0) break;
  }
  sqlite3_busy_timeout(s->db, (int)s->busy_ms);
}

void gnsd_store_set_remote_max(struct gnsd_store *s, uint64_t bytes) {
  s->remote_max = bytes;
  if (bytes && s->db) remote_bound(s);
}

/* Remote blocks are a cache, written from the event loop: when the
 * store's other connection (the store thread) holds the write lock, the
 * write is skipped rather than waited for, since a lookup must not wait
 * for an import. -EBUSY then, not logged. */
static int exec_nowait(struct gnsd_store *s, sqlite3_stmt *st, const char *what) {
  sqlite3_busy_timeout(s->db, 0);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_busy_timeout(s->db, (int)s->busy_ms);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    s->skipped++;
    return -EBUSY;
  }
  if (rc == SQLITE_CONSTRAINT) return -EEXIST;
  if (rc != SQLITE_DONE) return db_error(s, what);
  return 0;
}

int gnsd_store_block_put(struct gnsd_store *s, const uint8_t q[64], const uint8_t *block,
                         size_t len, uint64_t expiration, enum gnsd_block_origin origin) {
  if (len == 0 || len > INT_MAX) return -EINVAL;
  sqlite3_stmt *st = stmt(s, origin == GNSD_BLOCK_LOCAL ? ST_BLOCK_PUT_LOCAL : ST_BLOCK_PUT_REMOTE);
  if (!st) return -EIO;
  sqlite3_bind_blob(st, 1, q, 64, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, clamp64(expiration));
  sqlite3_bind_blob(st, 3, block, (int)len, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, clamp64(realtime_us()));
  if (origin == GNSD_BLOCK_REMOTE) sqlite3_bind_int64(st, 5, clamp64(use_tick(s)));
  s->puts++;
  bool remote = origin == GNSD_BLOCK_REMOTE;
  int r = remote && s->tx_depth == 0 ? exec_nowait(s, st, "storing a block")
                                     : exec_stmt(s, st, "storing a block");
  if (r == 0 && origin == GNSD_BLOCK_REMOTE) {
    s->remote_bytes += len;
    s->remote_count++;
    if (s->remote_max && (!s->remote_known || s->remote_bytes > s->remote_max)) remote_bound(s);
  }
  return r;
}

int gnsd_store_block_get(struct gnsd_store *s, const uint8_t q[64], uint64_t now, uint8_t **block,
                         size_t *len) {
  sqlite3_stmt *st = stmt(s, ST_BLOCK_GET);
  if (!st) return -EIO;
  s->gets++;
  sqlite3_bind_blob(st, 1, q, 64, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, clamp64(now));
  int rc = sqlite3_step(st), r = -ENOENT;
  bool touch = false;
  if (rc == SQLITE_ROW) {
    const void *b = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    touch = sqlite3_column_int(st, 1) == GNSD_BLOCK_REMOTE;
    if (b && n > 0) {
      *block = malloc((size_t)n);
      if (*block) {
        memcpy(*block, b, (size_t)n);
        *len = (size_t)n;
        s->hits++;
        r = 0;
      } else {
        r = -ENOMEM;
      }
    }
  } else if (rc != SQLITE_DONE) {
    r = db_error(s, "reading a block");
  }
  sqlite3_reset(st);
  if (r == 0 && touch && s->remote_max) {
    /* least recently used goes first: this one was just used */
    sqlite3_stmt *t = stmt(s, ST_BLOCK_TOUCH);
    if (t) {
      sqlite3_bind_int64(t, 1, clamp64(use_tick(s)));
      sqlite3_bind_blob(t, 2, q, 64, SQLITE_TRANSIENT);
      if (s->tx_depth == 0)
        exec_nowait(s, t, "marking a block used");
      else
        exec_stmt(s, t, "marking a block used");
    }
  }
  return r;
}

int gnsd_store_block_delete(struct gnsd_store *s, const uint8_t q[64]) {
  sqlite3_stmt *st = stmt(s, ST_BLOCK_DELETE);
  if (!st) return -EIO;
  sqlite3_bind_blob(st, 1, q, 64, SQLITE_TRANSIENT);
  return exec_stmt(s, st, "deleting a block");
}

int gnsd_store_block_expire(struct gnsd_store *s, uint64_t now, int64_t *deleted) {
  sqlite3_stmt *st = stmt(s, ST_BLOCK_EXPIRE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, clamp64(now));
  return exec_changes(s, st, "expiring blocks", deleted);
}

int gnsd_store_published_set(struct gnsd_store *s, int64_t zone_id, const char *label,
                             const uint8_t q[64], uint64_t expiration, uint64_t published_at,
                             uint64_t due) {
  sqlite3_stmt *st = stmt(s, ST_PUBLISHED_SET);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 3, q, 64, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, clamp64(expiration));
  sqlite3_bind_int64(st, 5, clamp64(published_at));
  sqlite3_bind_int64(st, 6, clamp64(due));
  return exec_stmt(s, st, "recording a publication");
}

int gnsd_store_published_delete(struct gnsd_store *s, int64_t zone_id, const char *label) {
  sqlite3_stmt *st = stmt(s, ST_PUBLISHED_DELETE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
  return exec_stmt(s, st, "forgetting a publication");
}

struct published_row {
  int64_t zone;
  char *label;
  uint8_t q[64];
  uint64_t exp, at;
};

static int read_published_row(struct gnsd_store *s, sqlite3_stmt *st, void *out) {
  struct published_row *row = out;
  const unsigned char *l = sqlite3_column_text(st, 1);
  const void *q = sqlite3_column_blob(st, 2);
  if (!l || !q || sqlite3_column_bytes(st, 2) != 64)
    return db_error(s, "damaged publication record");
  row->zone = sqlite3_column_int64(st, 0);
  row->label = strdup((const char *)l);
  if (!row->label) return -ENOMEM;
  memcpy(row->q, q, 64);
  row->exp = (uint64_t)sqlite3_column_int64(st, 3);
  row->at = (uint64_t)sqlite3_column_int64(st, 4);
  return 0;
}

int gnsd_store_published_foreach(struct gnsd_store *s, int64_t zone_id, gnsd_published_cb cb,
                                 void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_PUBLISHED_LIST);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  struct rows rows = {.size = sizeof(struct published_row)};
  int r = rows_read(s, st, &rows, read_published_row, "listing publications");
  struct published_row *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, v[i].zone, v[i].label, v[i].q, v[i].exp, v[i].at);
  for (size_t i = 0; i < rows.n; i++)
    free(v[i].label);
  rows_free(&rows);
  return r;
}

struct published_block_row {
  int64_t zone;
  char *label;
  uint8_t q[64];
  uint64_t exp;
  uint8_t *block;
  size_t len;
};

static int read_published_block_row(struct gnsd_store *s, sqlite3_stmt *st, void *row) {
  (void)s;
  struct published_block_row *r = row;
  const unsigned char *label = sqlite3_column_text(st, 1);
  const void *q = sqlite3_column_blob(st, 2);
  const void *b = sqlite3_column_blob(st, 4);
  int n = sqlite3_column_bytes(st, 4);
  if (!label || !q || sqlite3_column_bytes(st, 2) != 64 || !b || n <= 0) return -EIO;
  r->zone = sqlite3_column_int64(st, 0);
  memcpy(r->q, q, 64);
  r->exp = (uint64_t)sqlite3_column_int64(st, 3);
  r->label = strdup((const char *)label);
  r->block = malloc((size_t)n);
  if (!r->label || !r->block) {
    free(r->label);
    free(r->block);
    return -ENOMEM;
  }
  memcpy(r->block, b, (size_t)n);
  r->len = (size_t)n;
  return 0;
}

int gnsd_store_published_blocks_page(struct gnsd_store *s, uint64_t since, int64_t after_zone,
                                     const char *after_label, unsigned limit,
                                     gnsd_published_block_cb cb, void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_PUBLISHED_BLOCKS);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, after_zone);
  sqlite3_bind_text(st, 2, after_label ? after_label : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, clamp64(since));
  sqlite3_bind_int64(st, 4, limit);
  struct rows rows = {.size = sizeof(struct published_block_row)};
  int r = rows_read(s, st, &rows, read_published_block_row, "listing published blocks");
  struct published_block_row *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, v[i].zone, v[i].label, v[i].q, v[i].block, v[i].len, v[i].exp);
  for (size_t i = 0; i < rows.n; i++) {
    free(v[i].label);
    free(v[i].block);
  }
  rows_free(&rows);
  return r;
}

/* --- the publication queue --- */

/* One int64 from a one-row statement already bound. */
static int int_query(struct gnsd_store *s, sqlite3_stmt *st, const char *what, int64_t *out) {
  int rc = sqlite3_step(st), r = 0;
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
  else
    r = db_error(s, what);
  sqlite3_reset(st);
  return r;
}

static int dirty_max(struct gnsd_store *s, int64_t *max_id) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_MAX);
  if (!st) return -EIO;
  return int_query(s, st, "reading the publication queue", max_id);
}

int gnsd_store_dirty_mark(struct gnsd_store *s, int64_t zone_id, const char *label, int64_t *id) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_MARK);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
  int r = exec_stmt(s, st, "queueing a label");
  if (r == 0 && id) *id = sqlite3_last_insert_rowid(s->db);
  return r;
}

int gnsd_store_dirty_mark_zone(struct gnsd_store *s, int64_t zone_id, int64_t *max_id) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_MARK_ZONE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  int r = exec_stmt(s, st, "queueing a zone");
  if (r == 0 && max_id) r = dirty_max(s, max_id);
  return r;
}

int gnsd_store_dirty_mark_due(struct gnsd_store *s, uint64_t now, unsigned limit, int64_t *marked) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_MARK_DUE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, clamp64(now));
  sqlite3_bind_int64(st, 2, limit);
  return exec_changes(s, st, "queueing due labels", marked);
}

struct dirty_row {
  int64_t id, zone;
  char *label;
  int prio;
};

static int read_dirty_row(struct gnsd_store *s, sqlite3_stmt *st, void *out) {
  struct dirty_row *row = out;
  const unsigned char *l = sqlite3_column_text(st, 2);
  if (!l) return db_error(s, "damaged publication queue");
  row->id = sqlite3_column_int64(st, 0);
  row->zone = sqlite3_column_int64(st, 1);
  row->prio = sqlite3_column_int(st, 3);
  row->label = strdup((const char *)l);
  return row->label ? 0 : -ENOMEM;
}

int gnsd_store_dirty_page(struct gnsd_store *s, int after_prio, int64_t after_id, unsigned limit,
                          gnsd_dirty_cb cb, void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_PAGE);
  if (!st) return -EIO;
  sqlite3_bind_int(st, 1, after_prio);
  sqlite3_bind_int64(st, 2, after_id);
  sqlite3_bind_int64(st, 3, limit);
  struct rows rows = {.size = sizeof(struct dirty_row)};
  int r = rows_read(s, st, &rows, read_dirty_row, "reading the publication queue");
  struct dirty_row *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, v[i].id, v[i].zone, v[i].label, v[i].prio);
  for (size_t i = 0; i < rows.n; i++)
    free(v[i].label);
  rows_free(&rows);
  return r;
}

int gnsd_store_dirty_done(struct gnsd_store *s, int64_t id) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_DONE);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, id);
  return exec_stmt(s, st, "dequeueing a label");
}

int gnsd_store_dirty_pending(struct gnsd_store *s, int64_t max_id, bool *pending) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_PENDING);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, max_id);
  int64_t v = 0;
  int r = int_query(s, st, "reading the publication queue", &v);
  if (r == 0) *pending = v > 0;
  return r;
}

int gnsd_store_dirty_count(struct gnsd_store *s, int64_t zone_id, int64_t *n) {
  sqlite3_stmt *st = stmt(s, ST_DIRTY_COUNT);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, zone_id);
  return int_query(s, st, "counting the publication queue", n);
}

int gnsd_store_published_next_due(struct gnsd_store *s, uint64_t *due) {
  sqlite3_stmt *st = stmt(s, ST_PUBLISHED_NEXT_DUE);
  if (!st) return -EIO;
  int64_t v = -1;
  int r = int_query(s, st, "reading publications", &v);
  if (r == 0) *due = v < 0 ? UINT64_MAX : (uint64_t)v;
  return r;
}

/* --- revocations --- */

int gnsd_store_revocation_put(struct gnsd_store *s, const struct gns_zone_key *zk,
                              uint64_t timestamp, uint64_t expires, const uint8_t *msg,
                              size_t len) {
  uint8_t b[GNS_ZONE_ID_LEN];
  if (gns_zone_key_to_bytes(zk, b) < 0 || len > INT_MAX) return -EINVAL;
  sqlite3_stmt *st = stmt(s, ST_REVOCATION_PUT);
  if (!st) return -EIO;
  sqlite3_bind_blob(st, 1, b, sizeof b, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, clamp64(timestamp));
  sqlite3_bind_int64(st, 3, clamp64(expires));
  sqlite3_bind_blob(st, 4, msg, (int)len, SQLITE_TRANSIENT);
  return exec_stmt(s, st, "storing a revocation");
}

int gnsd_store_revocation_get(struct gnsd_store *s, const struct gns_zone_key *zk,
                              struct gnsd_revocation *out) {
  uint8_t b[GNS_ZONE_ID_LEN];
  if (gns_zone_key_to_bytes(zk, b) < 0) return -EINVAL;
  sqlite3_stmt *st = stmt(s, ST_REVOCATION_GET);
  if (!st) return -EIO;
  sqlite3_bind_blob(st, 1, b, sizeof b, SQLITE_TRANSIENT);
  memset(out, 0, sizeof *out);
  int rc = sqlite3_step(st), r = -ENOENT;
  if (rc == SQLITE_ROW) {
    out->zk = *zk;
    out->timestamp = (uint64_t)sqlite3_column_int64(st, 0);
    out->expires = (uint64_t)sqlite3_column_int64(st, 1);
    const void *m = sqlite3_column_blob(st, 2);
    int n = sqlite3_column_bytes(st, 2);
    out->message = malloc(n > 0 ? (size_t)n : 1);
    if (!out->message) {
      r = -ENOMEM;
    } else {
      if (m && n > 0) memcpy(out->message, m, (size_t)n);
      out->message_len = n > 0 ? (size_t)n : 0;
      r = 0;
    }
  } else if (rc != SQLITE_DONE) {
    r = db_error(s, "reading a revocation");
  }
  sqlite3_reset(st);
  return r;
}

static int read_revocation_row(struct gnsd_store *s, sqlite3_stmt *st, void *out) {
  struct gnsd_revocation *row = out;
  const void *k = sqlite3_column_blob(st, 0);
  if (!k || gns_zone_key_from_bytes(k, (size_t)sqlite3_column_bytes(st, 0), &row->zk) < 0)
    return db_error(s, "damaged revocation record");
  row->timestamp = (uint64_t)sqlite3_column_int64(st, 1);
  row->expires = (uint64_t)sqlite3_column_int64(st, 2);
  const void *m = sqlite3_column_blob(st, 3);
  int n = sqlite3_column_bytes(st, 3);
  row->message = malloc(n > 0 ? (size_t)n : 1);
  if (!row->message) return -ENOMEM;
  if (m && n > 0) memcpy(row->message, m, (size_t)n);
  row->message_len = n > 0 ? (size_t)n : 0;
  return 0;
}

int gnsd_store_revocation_foreach(struct gnsd_store *s, uint64_t now, gnsd_revocation_cb cb,
                                  void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_REVOCATION_LIST);
  if (!st) return -EIO;
  sqlite3_bind_int64(st, 1, clamp64(now));
  struct rows rows = {.size = sizeof(struct gnsd_revocation)};
  int r = rows_read(s, st, &rows, read_revocation_row, "listing revocations");
  struct gnsd_revocation *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, &v[i]);
  for (size_t i = 0; i < rows.n; i++)
    free(v[i].message);
  rows_free(&rows);
  return r;
}

bool gnsd_store_is_revoked(struct gnsd_store *s, const struct gns_zone_key *zk, uint64_t now) {
  struct gnsd_revocation rev;
  if (gnsd_store_revocation_get(s, zk, &rev) < 0) return false;
  free(rev.message);
  return rev.expires > now;
}

/* --- start zones --- */

int gnsd_store_start_zone_add(struct gnsd_store *s, const char *suffix,
                              const struct gns_zone_key *zk, int64_t zone_id) {
  uint8_t b[GNS_ZONE_ID_LEN];
  if (gns_zone_key_to_bytes(zk, b) < 0) return -EINVAL;
  sqlite3_stmt *st = stmt(s, ST_START_ADD);
  if (!st) return -EIO;
  sqlite3_bind_text(st, 1, suffix, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 2, b, sizeof b, SQLITE_TRANSIENT);
  if (zone_id > 0) sqlite3_bind_int64(st, 3, zone_id);
  return exec_stmt(s, st, "adding a start zone");
}

int gnsd_store_start_zone_remove(struct gnsd_store *s, const char *suffix) {
  sqlite3_stmt *st = stmt(s, ST_START_REMOVE);
  if (!st) return -EIO;
  sqlite3_bind_text(st, 1, suffix, -1, SQLITE_TRANSIENT);
  return exec_delete_one(s, st, "removing a start zone");
}

struct start_zone_row {
  char *suffix, *zone;
  struct gns_zone_key zk;
};

static int read_start_zone_row(struct gnsd_store *s, sqlite3_stmt *st, void *out) {
  struct start_zone_row *row = out;
  const unsigned char *suffix = sqlite3_column_text(st, 0);
  const void *zk = sqlite3_column_blob(st, 1);
  const unsigned char *zone = sqlite3_column_text(st, 2);
  if (!suffix || !zk ||
      gns_zone_key_from_bytes(zk, (size_t)sqlite3_column_bytes(st, 1), &row->zk) < 0)
    return db_error(s, "damaged start zone");
  row->suffix = strdup((const char *)suffix);
  row->zone = zone ? strdup((const char *)zone) : NULL;
  if (!row->suffix || (zone && !row->zone)) {
    free(row->suffix);
    free(row->zone);
    return -ENOMEM;
  }
  return 0;
}

int gnsd_store_start_zone_foreach(struct gnsd_store *s, gnsd_start_zone_cb cb, void *userdata) {
  sqlite3_stmt *st = stmt(s, ST_START_LIST);
  if (!st) return -EIO;
  struct rows rows = {.size = sizeof(struct start_zone_row)};
  int r = rows_read(s, st, &rows, read_start_zone_row, "listing start zones");
  struct start_zone_row *v = rows.v;
  for (size_t i = 0; r == 0 && i < rows.n; i++)
    r = cb(userdata, v[i].suffix, &v[i].zk, v[i].zone);
  for (size_t i = 0; i < rows.n; i++) {
    free(v[i].suffix);
    free(v[i].zone);
  }
  rows_free(&rows);
  return r;
}

/* --- statistics --- */

static int64_t count_query(struct gnsd_store *s, const char *sql) {
  sqlite3_stmt *st = NULL;
  int64_t n = -1;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

void gnsd_store_status(struct gnsd_store *s, json_object *out) {
  json_object_object_add(out, "path", json_object_new_string(s->path));
  json_object_object_add(out, "state", json_object_new_string(s->db ? "ok" : "unavailable"));
  if (s->db) {
    static const struct {
      const char *key, *sql;
    } counts[] = {
        {"zones", "SELECT count(*) FROM zones"},
        {"records", "SELECT count(*) FROM records"},
        {"blocksLocal", "SELECT count(*) FROM blocks WHERE origin = 0"},
        {"blocksRemote", "SELECT count(*) FROM blocks WHERE origin = 1"},
        {"revocations", "SELECT count(*) FROM revocations"},
        {"startZones", "SELECT count(*) FROM start_zones"},
    };
    for (size_t i = 0; i < GNS_ARRAY_SIZE(counts); i++)
      json_object_object_add(out, counts[i].key,
                             json_object_new_int64(count_query(s, counts[i].sql)));
  }
  json_object_object_add(out, "gets", json_object_new_int64(clamp64(s->gets)));
  json_object_object_add(out, "hits", json_object_new_int64(clamp64(s->hits)));
  json_object_object_add(out, "puts", json_object_new_int64(clamp64(s->puts)));
  json_object_object_add(out, "errors", json_object_new_int64(clamp64(s->errors)));
  json_object_object_add(out, "busySkipped", json_object_new_int64(clamp64(s->skipped)));
  if (s->db && !s->remote_known) remote_count(s);
  json_object_object_add(out, "remoteBytes", json_object_new_int64(clamp64(s->remote_bytes)));
  json_object_object_add(out, "remoteMax", json_object_new_int64(clamp64(s->remote_max)));
  json_object_object_add(out, "remoteEvicted", json_object_new_int64(clamp64(s->evicted)));
}

/* --- the storage.h backend --- */

struct store_backend {
  struct gnsd_backend base;
  struct gnsd_store *store;
  gnsd_clock_fn clock;
  void *clock_ud;
};

static int backend_get(struct gnsd_backend *b, const uint8_t q[64], gnsd_block_cb cb,
                       void *userdata, struct gnsd_get **handle) {
  struct store_backend *sb = (struct store_backend *)b;
  uint8_t *block = NULL;
  size_t len = 0;
  if (handle) *handle = NULL; /* answered before we return */
  uint64_t now = sb->clock ? sb->clock(sb->clock_ud) : realtime_us();
  int r = gnsd_store_block_get(sb->store, q, now, &block, &len);
  if (r == 0) {
    cb(userdata, block, len, 0);
    free(block);
    cb(userdata, NULL, 0, 0);
  } else {
    cb(userdata, NULL, 0, r == -ENOENT ? 0 : r);
  }
  return 0;
}

static void backend_get_cancel(struct gnsd_backend *b, struct gnsd_get *handle) {
  (void)b;
  (void)handle; /* nothing is ever in flight */
}

static int backend_put(struct gnsd_backend *b, const uint8_t q[64], const uint8_t *block,
                       size_t len, uint64_t expiration) {
  struct store_backend *sb = (struct store_backend *)b;
  return gnsd_store_block_put(sb->store, q, block, len, expiration, GNSD_BLOCK_REMOTE);
}

static void backend_status(struct gnsd_backend *b, json_object *out) {
  struct store_backend *sb = (struct store_backend *)b;
  json_object_object_add(out, "name", json_object_new_string("store"));
  json_object_object_add(out, "state",
                         json_object_new_string(sb->store->db ? "ok" : "unavailable"));
  json_object_object_add(out, "gets", json_object_new_int64(clamp64(sb->store->gets)));
  json_object_object_add(out, "hits", json_object_new_int64(clamp64(sb->store->hits)));
  json_object_object_add(out, "puts", json_object_new_int64(clamp64(sb->store->puts)));
}

static void backend_free(struct gnsd_backend *b) {
  free(b);
}

static const struct gnsd_backend_ops store_backend_ops = {
    .name = "store",
    .get = backend_get,
    .get_cancel = backend_get_cancel,
    .put = backend_put,
    .status = backend_status,
    .free = backend_free,
};

int gnsd_store_backend_new(struct gnsd_store *s, gnsd_clock_fn clock, void *clock_ud,
                           struct gnsd_backend **out) {
  struct store_backend *sb = calloc(1, sizeof *sb);
  if (!sb) return -ENOMEM;
  sb->base.ops = &store_backend_ops;
  sb->store = s;
  sb->clock = clock;
  sb->clock_ud = clock_ud;
  *out = &sb->base;
  return 0;
}
