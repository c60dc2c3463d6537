/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gnsd.conf parser. Strict on purpose: an unknown key or section is
 * an error with its line, since a typo silently ignored is a setting the
 * admin believes in but does not have. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "revocation.h"
#include "ztld.h"

#define GNUNET_DHT_SOCKET_NAME "gnunet-service-dht.sock"
#define MAX_DEPTH_LIMIT 64u

static const uint64_t US_PER_S = 1000000;

int gnsd_conf_defaults(struct gnsd_conf *c) {
  memset(c, 0, sizeof *c);
  c->resolver_timeout_us = 5 * US_PER_S;
  c->max_depth = 16;
  c->revocation_difficulty = GNS_REVOCATION_D;
  c->revocation_valid_ttl_us = 60 * US_PER_S;
  c->dns_timeout_us = 2 * US_PER_S;
  c->cache_memory = 16u * 1024 * 1024;
  c->negative_ttl_us = 30 * US_PER_S;
  c->dht_backend = GNSD_DHT_NONE;
  c->publish_interval_us = 4 * 3600 * US_PER_S;
  c->record_lifetime_us = 7 * 24 * 3600 * US_PER_S;
  c->dns_stub_rate_limit = 1000;
  c->connections = 4096;
  c->connections_per_user = 256;
  c->reply_buffer_per_connection = 256u * 1024;
  c->reply_buffer_per_user = 4u * 1024 * 1024;
  c->request_timeout_us = 5 * US_PER_S;
  c->lookups_per_user = 64;
  c->dht_gets_per_user = 32;
  const char *rt = getenv("GNUNET_RUNTIME_DIR");
  char path[4096];
  if (rt && *rt)
    snprintf(path, sizeof path, "%s/%s", rt, GNUNET_DHT_SOCKET_NAME);
  else
    snprintf(path, sizeof path, "/run/gnunet/%s", GNUNET_DHT_SOCKET_NAME);
  c->gnunet_socket = strdup(path);
  return c->gnunet_socket ? 0 : -ENOMEM;
}

int gnsd_conf_revocation_socket(const struct gnsd_conf *c, char *out, size_t cap) {
  int n;
  if (c->revocation_socket) {
    n = snprintf(out, cap, "%s", c->revocation_socket);
  } else {
    const char *slash = strrchr(c->gnunet_socket, '/');
    int dl = slash ? (int)(slash - c->gnunet_socket) : 0;
    n = snprintf(out, cap, "%.*s/gnunet-service-revocation.sock", dl, c->gnunet_socket);
  }
  return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

void gnsd_conf_free(struct gnsd_conf *c) {
  free(c->gnunet_socket);
  free(c->revocation_socket);
  for (size_t i = 0; i < c->n_start_zones; i++) {
    free(c->start_zones[i].suffix);
    free(c->start_zones[i].ztld);
  }
  free(c->start_zones);
  free(c->dns_stub_listen);
  memset(c, 0, sizeof *c);
}

int gnsd_suffix_normalize(const char *in, char *out, size_t cap) {
  size_t n = strlen(in);
  if (n > 0 && in[n - 1] == '.') n--;
  /* tolerate a full name: "example.gns.alt" means "example" */
  static const char tail[] = ".gns.alt";
  if (n >= sizeof tail - 1 && strncasecmp(in + n - (sizeof tail - 1), tail, sizeof tail - 1) == 0)
    n -= sizeof tail - 1;
  if (n == 0 || n >= cap || n > GNSD_SUFFIX_MAX) return -EINVAL;
  bool label_start = true;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)in[i];
    if (ch == '.') {
      if (label_start) return -EINVAL;
      label_start = true;
    } else {
      if (ch <= ' ' || ch == 0x7f || ch == '/' || ch == '\\') return -EINVAL;
      label_start = false;
    }
    out[i] = (char)tolower(ch);
  }
  if (label_start) return -EINVAL;
  out[n] = '\0';
  return 0;
}

int gnsd_parse_sockaddr(const char *s, struct sockaddr_storage *out) {
  char host[INET6_ADDRSTRLEN + 1];
  const char *port = NULL;
  size_t hl;
  if (*s == '[') {
    const char *end = strchr(s, ']');
    if (!end) return -EINVAL;
    hl = (size_t)(end - s - 1);
    s++;
    if (end[1] == ':')
      port = end + 2;
    else if (end[1])
      return -EINVAL;
  } else {
    const char *colon = strchr(s, ':');
    if (colon && strchr(colon + 1, ':')) return -EINVAL; /* IPv6 needs brackets */
    hl = colon ? (size_t)(colon - s) : strlen(s);
    if (colon) port = colon + 1;
  }
  if (hl == 0 || hl >= sizeof host) return -EINVAL;
  memcpy(host, s, hl);
  host[hl] = 0;
  uint64_t p = 53;
  if (port) {
    const char *e = port;
    if (gns_parse_u64(&e, &p) < 0 || *e || p == 0 || p > 65535) return -EINVAL;
  }
  memset(out, 0, sizeof *out);
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)p);
  } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)p);
  } else {
    return -EINVAL;
  }
  return 0;
}

/* --- the parser --- */

struct parser {
  struct gnsd_conf *c;
  const char *filename;
  unsigned line;
  char *err;
  size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *ps, const char *fmt, ...) {
  char msg[GNSD_CONF_ERR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (ps->err) snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->filename, ps->line, msg);
  return -EINVAL;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

static int set_duration(struct parser *ps, const char *key, const char *v, uint64_t *out) {
  int r = gns_parse_duration(v, out);
  if (r == -ERANGE) return fail(ps, "%s: duration \"%s\" is too large", key, v);
  if (r < 0) return fail(ps, "%s: \"%s\" is not a duration (e.g. 500ms, 5s, 10m, 4h, 7d)", key, v);
  return 0;
}

static int set_positive_duration(struct parser *ps, const char *key, const char *v, uint64_t *out) {
  int r = set_duration(ps, key, v, out);
  if (r == 0 && *out == 0) return fail(ps, "%s: must be greater than zero", key);
  return r;
}

static int set_size(struct parser *ps, const char *key, const char *v, uint64_t *out) {
  int r = gns_parse_size(v, out);
  if (r == -ERANGE) return fail(ps, "%s: size \"%s\" is too large", key, v);
  if (r < 0) return fail(ps, "%s: \"%s\" is not a size (e.g. 512K, 16M)", key, v);
  return 0;
}

static int add_start_zone(struct parser *ps, const char *key, const char *value) {
  struct gnsd_conf *c = ps->c;
  char suffix[GNSD_SUFFIX_MAX + 1];
  if (gnsd_suffix_normalize(key, suffix, sizeof suffix) < 0)
    return fail(ps, "start zone suffix \"%s\" is not a domain name suffix", key);
  if (!*value) return fail(ps, "start zone \"%s\" has no zTLD", key);
  struct gns_zone_key zk;
  int r = gns_ztld_decode(value, strlen(value), &zk);
  if (r == -EPROTONOSUPPORT)
    return fail(ps, "start zone \"%s\": zTLD \"%s\" has an unsupported zone type", key, value);
  if (r < 0) return fail(ps, "start zone \"%s\": \"%s\" is not a zTLD", key, value);
  for (size_t i = 0; i < c->n_start_zones; i++) {
    /* RFC 9498, 7.1: equal-length suffix matches are ambiguous; after
     * normalisation, equal length and overlapping means identical. */
    if (strcmp(c->start_zones[i].suffix, suffix) == 0)
      return fail(ps, "start zone \"%s\" is already mapped on line %u", suffix,
                  c->start_zones[i].line);
  }
  struct gnsd_conf_start_zone *nz =
      realloc(c->start_zones, (c->n_start_zones + 1) * sizeof *c->start_zones);
  if (!nz) return fail(ps, "out of memory");
  c->start_zones = nz;
  struct gnsd_conf_start_zone *z = &c->start_zones[c->n_start_zones];
  z->suffix = strdup(suffix);
  z->ztld = strdup(value);
  z->zk = zk;
  z->line = ps->line;
  if (!z->suffix || !z->ztld) {
    free(z->suffix);
    free(z->ztld);
    return fail(ps, "out of memory");
  }
  c->n_start_zones++;
  return 0;
}

/* [dns-stub] listen = ADDR:PORT[, ADDR:PORT...]; empty turns the stub off. */
static int set_listen(struct parser *ps, const char *v) {
  struct gnsd_conf *c = ps->c;
  free(c->dns_stub_listen);
  c->dns_stub_listen = NULL;
  c->n_dns_stub_listen = 0;
  char buf[4097];
  snprintf(buf, sizeof buf, "%s", v);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
    struct sockaddr_storage sa;
    if (gnsd_parse_sockaddr(tok, &sa) < 0)
      return fail(ps, "listen: \"%s\" is not ADDR:PORT or [ADDR6]:PORT (numeric)", tok);
    if (c->n_dns_stub_listen >= 16) return fail(ps, "listen: more than 16 addresses");
    struct sockaddr_storage *n =
        realloc(c->dns_stub_listen, (c->n_dns_stub_listen + 1) * sizeof *n);
    if (!n) return fail(ps, "out of memory");
    c->dns_stub_listen = n;
    n[c->n_dns_stub_listen++] = sa;
  }
  return 0;
}

/* A number of things, min to 1000000 (0 where min is 0: no limit). */
static int set_count(struct parser *ps, const char *key, const char *v, unsigned min,
                     unsigned *out) {
  char *end;
  errno = 0;
  unsigned long n = strtoul(v, &end, 10);
  if (!isdigit((unsigned char)*v) || *end || errno || n < min || n > 1000000)
    return fail(ps, "%s: \"%s\" is not a number from %u to 1000000", key, v, min);
  *out = (unsigned)n;
  return 0;
}

static int set_key(struct parser *ps, const char *section, const char *key, const char *v) {
  struct gnsd_conf *c = ps->c;
  if (strcmp(section, "start-zones") == 0) return add_start_zone(ps, key, v);
  /* an empty list of addresses turns the stub off */
  if (strcmp(section, "dns-stub") == 0 && strcmp(key, "listen") == 0) return set_listen(ps, v);
  if (!*v) return fail(ps, "%s: empty value", key);
  if (strcmp(section, "resolver") == 0) {
    if (strcmp(key, "timeout") == 0)
      return set_positive_duration(ps, key, v, &c->resolver_timeout_us);
    if (strcmp(key, "dns-timeout") == 0)
      return set_positive_duration(ps, key, v, &c->dns_timeout_us);
    if (strcmp(key, "max-depth") == 0) {
      char *end;
      errno = 0;
      unsigned long d = strtoul(v, &end, 10);
      if (!isdigit((unsigned char)*v) || *end || errno || d < 1 || d > MAX_DEPTH_LIMIT)
        return fail(ps, "max-depth: \"%s\" is not a number from 1 to %u", v, MAX_DEPTH_LIMIT);
      c->max_depth = (unsigned)d;
      return 0;
    }
  } else if (strcmp(section, "revocation") == 0) {
    if (strcmp(key, "difficulty") == 0) {
      char *end;
      errno = 0;
      unsigned long d = strtoul(v, &end, 10);
      if (!isdigit((unsigned char)*v) || *end || errno || d < 1 || d > GNS_REVOCATION_MAX_ZEROS)
        return fail(ps, "difficulty: \"%s\" is not a number from 1 to %u", v,
                    GNS_REVOCATION_MAX_ZEROS);
      c->revocation_difficulty = (unsigned)d;
      return 0;
    }
    if (strcmp(key, "gnunet-socket") == 0) {
      if (v[0] != '/') return fail(ps, "gnunet-socket: \"%s\" is not an absolute path", v);
      char *dup = strdup(v);
      if (!dup) return fail(ps, "out of memory");
      free(c->revocation_socket);
      c->revocation_socket = dup;
      return 0;
    }
    if (strcmp(key, "valid-ttl") == 0) {
      /* RFC 9498, 4.2 wants revocations honoured; the bound: a
       * revocation made anywhere stops a zone within a minute. */
      int r = set_positive_duration(ps, key, v, &c->revocation_valid_ttl_us);
      if (r == 0 && c->revocation_valid_ttl_us > 60 * US_PER_S)
        return fail(ps, "valid-ttl: \"%s\" is longer than 60s", v);
      return r;
    }
  } else if (strcmp(section, "cache") == 0) {
    if (strcmp(key, "memory") == 0) return set_size(ps, key, v, &c->cache_memory);
    if (strcmp(key, "negative-ttl") == 0) return set_duration(ps, key, v, &c->negative_ttl_us);
  } else if (strcmp(section, "dht") == 0) {
    if (strcmp(key, "backend") == 0) {
      if (strcmp(v, "none") == 0)
        c->dht_backend = GNSD_DHT_NONE;
      else if (strcmp(v, "gnunet") == 0)
        c->dht_backend = GNSD_DHT_GNUNET;
      else
        return fail(ps, "backend: \"%s\" is not one of none, gnunet", v);
      return 0;
    }
    if (strcmp(key, "gnunet-socket") == 0) {
      if (v[0] != '/') return fail(ps, "gnunet-socket: \"%s\" is not an absolute path", v);
      char *dup = strdup(v);
      if (!dup) return fail(ps, "out of memory");
      free(c->gnunet_socket);
      c->gnunet_socket = dup;
      return 0;
    }
  } else if (strcmp(section, "dns-stub") == 0) {
    if (strcmp(key, "rate-limit") == 0) return set_count(ps, key, v, 0, &c->dns_stub_rate_limit);
  } else if (strcmp(section, "limits") == 0) {
    if (strcmp(key, "connections") == 0) return set_count(ps, key, v, 1, &c->connections);
    if (strcmp(key, "connections-per-user") == 0)
      return set_count(ps, key, v, 0, &c->connections_per_user);
    if (strcmp(key, "reply-buffer-per-connection") == 0)
      return set_size(ps, key, v, &c->reply_buffer_per_connection);
    if (strcmp(key, "reply-buffer-per-user") == 0)
      return set_size(ps, key, v, &c->reply_buffer_per_user);
    if (strcmp(key, "request-timeout") == 0)
      return set_duration(ps, key, v, &c->request_timeout_us);
    if (strcmp(key, "lookups-per-user") == 0) return set_count(ps, key, v, 0, &c->lookups_per_user);
    if (strcmp(key, "dht-gets-per-user") == 0)
      return set_count(ps, key, v, 0, &c->dht_gets_per_user);
  } else if (strcmp(section, "publish") == 0) {
    if (strcmp(key, "interval") == 0)
      return set_positive_duration(ps, key, v, &c->publish_interval_us);
    if (strcmp(key, "record-lifetime") == 0)
      return set_positive_duration(ps, key, v, &c->record_lifetime_us);
  }
  return fail(ps, "unknown key \"%s\" in section [%s]", key, section);
}

int gnsd_conf_parse(struct gnsd_conf *c, const char *text, size_t len, const char *filename,
                    char *err, size_t errlen) {
  struct parser ps = {.c = c, .filename = filename, .err = err, .errlen = errlen};
  char section[32] = "";
  size_t pos = 0;
  while (pos < len) {
    ps.line++;
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    if (n > 4096) return fail(&ps, "line too long");
    char buf[4097];
    memcpy(buf, text + pos, n);
    buf[n] = '\0';
    pos += n + (nl ? 1 : 0);
    if (memchr(buf, '\0', n)) return fail(&ps, "NUL byte in line");
    char *s = trim(buf);
    if (*s == '\0' || *s == '#' || *s == ';') continue;
    if (*s == '[') {
      char *end = strchr(s, ']');
      if (!end || *trim(end + 1)) return fail(&ps, "malformed section header");
      *end = '\0';
      char *name = trim(s + 1);
      if (strcmp(name, "resolver") != 0 && strcmp(name, "cache") != 0 && strcmp(name, "dht") != 0 &&
          strcmp(name, "publish") != 0 && strcmp(name, "revocation") != 0 &&
          strcmp(name, "limits") != 0 && strcmp(name, "start-zones") != 0 &&
          strcmp(name, "dns-stub") != 0)
        return fail(&ps, "unknown section [%s]", name);
      snprintf(section, sizeof section, "%s", name);
      continue;
    }
    char *eq = strchr(s, '=');
    if (!eq) return fail(&ps, "expected \"key = value\"");
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    /* trailing comments: "timeout = 5s  # deadline" */
    for (char *q = value; *q; q++) {
      if ((*q == '#' || *q == ';') && (q == value || q[-1] == ' ' || q[-1] == '\t')) {
        *q = '\0';
        value = trim(value);
        break;
      }
    }
    if (!*key) return fail(&ps, "missing key before \"=\"");
    if (!*section) return fail(&ps, "\"%s\" outside of a section", key);
    int r = set_key(&ps, section, key, value);
    if (r < 0) return r;
  }
  return 0;
}

int gnsd_conf_load(struct gnsd_conf *c, const char *path, bool must_exist, char *err,
                   size_t errlen) {
  int r = gnsd_conf_defaults(c);
  if (r < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(-r));
    return r;
  }
  FILE *f = fopen(path, "re");
  if (!f) {
    if (errno == ENOENT && !must_exist) return 0;
    r = -errno;
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    gnsd_conf_free(c);
    return r;
  }
  char *text = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (cap - len < 4096) {
      if (cap > 1024 * 1024) {
        snprintf(err, errlen, "%s: file too large", path);
        free(text);
        fclose(f);
        gnsd_conf_free(c);
        return -EFBIG;
      }
      cap = cap ? cap * 2 : 8192;
      char *t = realloc(text, cap);
      if (!t) {
        free(text);
        fclose(f);
        gnsd_conf_free(c);
        return -ENOMEM;
      }
      text = t;
    }
    size_t n = fread(text + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
  }
  bool io_error = ferror(f);
  fclose(f);
  if (io_error) {
    snprintf(err, errlen, "%s: read error", path);
    free(text);
    gnsd_conf_free(c);
    return -EIO;
  }
  r = gnsd_conf_parse(c, text ? text : "", len, path, err, errlen);
  free(text);
  if (r < 0) gnsd_conf_free(c);
  return r;
}
