/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-driver: dlopen libnss_gns.so.2 and call its entry points the way
 * glibc does (errnop = &errno, the buffer doubled while the module answers
 * TRYAGAIN/ERANGE/NETDB_INTERNAL), printing one line per call:
 *
 *   ENTRY status=S errno=E h_errno=H tries=N ms=T canon=C addrs=A,B ttl=X
 *
 * errno is the errno after the call: on SUCCESS it must still be the
 * sentinel the driver set (EDOM), which the line shows as "kept".
 *
 *   nss-driver [-m MODULE] [-b BUFSIZE] [-e ENTRY]... [--sweep] [--mark] NAME...
 *
 * ENTRY: 4 (gethostbyname4_r), 3/inet, 3/inet6, 3/unspec, 2/inet, 2/inet6, 1
 * (gethostbyname_r); default all but 3/unspec.
 * --sweep: per entry point, every buffer size from 0 up (each a fresh
 * exact-size malloc) must give the ERANGE triple until the first size that
 * works and the same answer from there on; exit 1 otherwise.
 * --mark: brackets each call with close(-100)/close(-101) so a test can
 * count the syscalls the module made (strace). */
#include "config.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef enum nss_status fn4_t(const char *, struct gaih_addrtuple **, char *, size_t, int *, int *,
                              int32_t *);
typedef enum nss_status fn3_t(const char *, int, struct hostent *, char *, size_t, int *, int *,
                              int32_t *, char **);
typedef enum nss_status fn2_t(const char *, int, struct hostent *, char *, size_t, int *, int *);
typedef enum nss_status fn1_t(const char *, struct hostent *, char *, size_t, int *, int *);

static fn4_t *fn4;
static fn3_t *fn3;
static fn2_t *fn2;
static fn1_t *fn1;
static bool mark;

static const char *status_name(enum nss_status s) {
  switch (s) {
  case NSS_STATUS_SUCCESS:
    return "SUCCESS";
  case NSS_STATUS_NOTFOUND:
    return "NOTFOUND";
  case NSS_STATUS_TRYAGAIN:
    return "TRYAGAIN";
  case NSS_STATUS_UNAVAIL:
    return "UNAVAIL";
  case NSS_STATUS_RETURN:
    return "RETURN";
  }
  return "?";
}

static const char *herrno_name(int h) {
  switch (h) {
  case NETDB_INTERNAL:
    return "NETDB_INTERNAL";
  case NETDB_SUCCESS:
    return "NETDB_SUCCESS";
  case HOST_NOT_FOUND:
    return "HOST_NOT_FOUND";
  case TRY_AGAIN:
    return "TRY_AGAIN";
  case NO_RECOVERY:
    return "NO_RECOVERY";
  case NO_DATA:
    return "NO_DATA";
  }
  return "?";
}

struct result {
  enum nss_status status;
  int err, herr, tries;
  char text[65536]; /* canon, addrs, ttl: what must not depend on the buffer */
};

static void add_addr(char *text, size_t cap, int af, const void *a, bool first) {
  char s[INET6_ADDRSTRLEN];
  inet_ntop(af, a, s, sizeof s);
  size_t l = strlen(text);
  snprintf(text + l, cap - l, "%s%s", first ? "" : ",", s);
}

/* One call with a buffer of exactly buflen bytes. */
static void call_once(const char *entry, const char *name, size_t buflen, struct result *res) {
  char *buf = malloc(buflen ? buflen : 1);
  struct hostent h;
  struct gaih_addrtuple *pat = NULL;
  int32_t ttl = -1;
  char *canon = NULL;
  int herr = -1;
  size_t cap = sizeof res->text;

  res->text[0] = 0;
  memset(&h, 0, sizeof h);
  if (mark) close(-100);
  errno = EDOM; /* the sentinel: a successful lookup must leave it */
  if (strcmp(entry, "4") == 0)
    res->status = fn4(name, &pat, buf, buflen, &errno, &herr, &ttl);
  else if (strcmp(entry, "3/inet") == 0)
    res->status = fn3(name, AF_INET, &h, buf, buflen, &errno, &herr, &ttl, &canon);
  else if (strcmp(entry, "3/inet6") == 0)
    res->status = fn3(name, AF_INET6, &h, buf, buflen, &errno, &herr, &ttl, &canon);
  else if (strcmp(entry, "3/unspec") == 0)
    res->status = fn3(name, AF_UNSPEC, &h, buf, buflen, &errno, &herr, &ttl, &canon);
  else if (strcmp(entry, "2/inet") == 0)
    res->status = fn2(name, AF_INET, &h, buf, buflen, &errno, &herr);
  else if (strcmp(entry, "2/inet6") == 0)
    res->status = fn2(name, AF_INET6, &h, buf, buflen, &errno, &herr);
  else
    res->status = fn1(name, &h, buf, buflen, &errno, &herr);
  res->err = errno;
  if (mark) close(-101);
  res->herr = herr;

  if (res->status == NSS_STATUS_SUCCESS) {
    size_t l;
    if (strcmp(entry, "4") == 0) {
      snprintf(res->text, cap, "canon=%s addrs=", pat && pat->name ? pat->name : "(null)");
      for (struct gaih_addrtuple *t = pat; t; t = t->next)
        add_addr(res->text, cap, t->family, t->addr, t == pat);
    } else {
      snprintf(res->text, cap, "canon=%s addrs=", h.h_name ? h.h_name : "(null)");
      for (char **a = h.h_addr_list; a && *a; a++)
        add_addr(res->text, cap, h.h_addrtype, *a, a == h.h_addr_list);
      l = strlen(res->text);
      snprintf(res->text + l, cap - l, " aliases=%s len=%d",
               h.h_aliases && !h.h_aliases[0] ? "none" : "?", h.h_length);
      if (canon && canon != h.h_name) {
        l = strlen(res->text);
        snprintf(res->text + l, cap - l, " canonp-mismatch");
      }
    }
    if (strncmp(entry, "2", 1) != 0 && strcmp(entry, "1") != 0) {
      l = strlen(res->text);
      snprintf(res->text + l, cap - l, " ttl=%d", ttl);
    }
  }
  free(buf);
}

static bool is_erange(const struct result *r) {
  return r->status == NSS_STATUS_TRYAGAIN && r->err == ERANGE && r->herr == NETDB_INTERNAL;
}

static void print(const char *entry, const struct result *r, double ms) {
  const char *e = r->status == NSS_STATUS_SUCCESS && r->err == EDOM ? "kept"
                  : r->err == EDOM                                  ? "untouched"
                                                                    : strerrorname_np(r->err);
  printf("%s status=%s errno=%s h_errno=%s tries=%d ms=%.2f%s%s\n", entry, status_name(r->status),
         e ? e : "?", herrno_name(r->herr), r->tries, ms, r->text[0] ? " " : "", r->text);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* glibc's loop: grow the buffer while the module asks for it. */
static void call_glibc_style(const char *entry, const char *name, size_t start) {
  static struct result r;
  size_t buflen = start;
  double t0 = now_ms();
  r.tries = 0;
  for (;;) {
    int tries = r.tries + 1;
    call_once(entry, name, buflen, &r);
    r.tries = tries;
    if (!is_erange(&r) || buflen > (64u << 20)) break;
    buflen = buflen ? buflen * 2 : 1;
  }
  print(entry, &r, now_ms() - t0);
}

static int sweep(const char *entry, const char *name) {
  static struct result r, want;
  size_t size = 0;
  for (;; size++) {
    call_once(entry, name, size, &r);
    if (!is_erange(&r)) break;
    if (size > 65536) {
      printf("%s sweep: still ERANGE at %zu\n", entry, size);
      return 1;
    }
  }
  want = r;
  size_t first = size;
  for (size = first + 1; size <= first + 64; size++) {
    call_once(entry, name, size, &r);
    if (r.status != want.status || r.err != want.err || r.herr != want.herr ||
        strcmp(r.text, want.text) != 0) {
      printf("%s sweep: size %zu differs from size %zu\n", entry, size, first);
      return 1;
    }
  }
  want.tries = (int)first;
  printf("%s sweep: ERANGE below %zu bytes, then %s", entry, first, status_name(want.status));
  printf(" %s\n", want.text);
  return 0;
}

int main(int argc, char **argv) {
  const char *module = getenv("NSS_GNS_MODULE");
  const char *entries[16];
  int n_entries = 0, rc = 0;
  size_t start = 1024; /* what glibc starts with */
  bool do_sweep = false;
  int i;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
      module = argv[++i];
    else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
      start = strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc && n_entries < 16)
      entries[n_entries++] = argv[++i];
    else if (strcmp(argv[i], "--sweep") == 0)
      do_sweep = true;
    else if (strcmp(argv[i], "--mark") == 0)
      mark = true;
    else
      break;
  }
  if (!module || i >= argc) {
    fprintf(stderr,
            "usage: nss-driver -m MODULE [-b BUFSIZE] [-e ENTRY]... [--sweep] [--mark] NAME...\n");
    return 2;
  }
  if (n_entries == 0) {
    static const char *all[] = {"4", "3/inet", "3/inet6", "2/inet", "2/inet6", "1"};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
      entries[n_entries++] = all[k];
  }

  void *h = dlopen(module, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "nss-driver: %s\n", dlerror());
    return 2;
  }
  fn4 = (fn4_t *)dlsym(h, "_nss_gns_gethostbyname4_r");
  fn3 = (fn3_t *)dlsym(h, "_nss_gns_gethostbyname3_r");
  fn2 = (fn2_t *)dlsym(h, "_nss_gns_gethostbyname2_r");
  fn1 = (fn1_t *)dlsym(h, "_nss_gns_gethostbyname_r");
  if (!fn4 || !fn3 || !fn2 || !fn1) {
    fprintf(stderr, "nss-driver: %s lacks an entry point\n", module);
    return 2;
  }

  for (; i < argc; i++) {
    if (argc - i > 1 || do_sweep) printf("# %s\n", argv[i]);
    for (int k = 0; k < n_entries; k++) {
      if (do_sweep)
        rc |= sweep(entries[k], argv[i]);
      else
        call_glibc_style(entries[k], argv[i], start);
    }
  }
  fflush(stdout);
  dlclose(h);
  return rc;
}
