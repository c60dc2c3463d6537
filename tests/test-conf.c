/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd.conf: durations, sizes, suffixes, whole files and the exact
 * "FILE:LINE: reason" of every kind of mistake. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "conf.h"
#include "gns-util.h"

#define ZTLD "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W"
#define ZTLD2 "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW"

static const struct {
  const char *in;
  int ret;
  uint64_t us;
} durations[] = {
    {"500ms", 0, 500000},
    {"5s", 0, 5000000},
    {"10m", 0, 600000000},
    {"4h", 0, 14400000000},
    {"7d", 0, 604800000000},
    {"1w", 0, 604800000000},
    {"1y", 0, 31536000000000},
    {"250us", 0, 250},
    {"3", 0, 3000000},
    {"0", 0, 0},
    {"1h30m", 0, 5400000000},
    {"2min", 0, 120000000},
    {"1sec", 0, 1000000},
    {"", -EINVAL, 0},
    {"s", -EINVAL, 0},
    {"5x", -EINVAL, 0},
    {"5 s", -EINVAL, 0},
    {"-5s", -EINVAL, 0},
    {"1h30", -EINVAL, 0},
    {"5ss", -EINVAL, 0},
    {"99999999999999999999", -ERANGE, 0},
    {"999999999999d", -ERANGE, 0},
};

static const struct {
  const char *in;
  int ret;
  uint64_t bytes;
} sizes[] = {
    {"512", 0, 512},
    {"512K", 0, 524288},
    {"16M", 0, 16777216},
    {"1G", 0, 1073741824},
    {"16m", 0, 16777216},
    {"2KiB", 0, 2048},
    {"2KB", 0, 2048},
    {"7B", 0, 7},
    {"", -EINVAL, 0},
    {"M", -EINVAL, 0},
    {"16T", -EINVAL, 0},
    {"1.5M", -EINVAL, 0},
    {"16 M", -EINVAL, 0},
    {"99999999999999999999", -ERANGE, 0},
    {"99999999999G", -ERANGE, 0},
};

static const struct {
  const char *in, *out;
} suffixes[] = {
    {"example", "example"},
    {"Example.ORG", "example.org"},
    {"example.", "example"},
    {"example.gns.alt", "example"},
    {"example.GNS.ALT.", "example"},
    {"", NULL},
    {".", NULL},
    {"a..b", NULL},
    {".a", NULL},
    {"a b", NULL},
    {"a/b", NULL},
};

/* A file and the error it must produce ("" = accepted). */
static const struct {
  const char *text;
  const char *error;
} files[] = {
    {"", ""},
    {"# only a comment\n; another\n\n", ""},
    {"[resolver]\ntimeout = 7s\nmax-depth = 8\ndns-timeout = 1500ms\n", ""},
    {"[resolver]\r\ntimeout=7s\r\n", ""},
    {"[cache]\nmemory = 512K   # bounded\nnegative-ttl = 0\n", ""},
    {"[dht]\nbackend = gnunet\ngnunet-socket = /tmp/dht.sock\n", ""},
    {"[publish]\ninterval = 1h\nrecord-lifetime = 1d\n", ""},
    {"[limits]\nconnections = 100\nconnections-per-user = 0\nreply-buffer-per-connection = 64K\n"
     "reply-buffer-per-user = 1M\nrequest-timeout = 2s\nlookups-per-user = 8\n"
     "dht-gets-per-user = 0\n",
     ""},
    {"[limits]\nconnections = 0\n",
     "t.conf:2: connections: \"0\" is not a number from 1 to 1000000"},
    {"[limits]\nlookups-per-user = many\n",
     "t.conf:2: lookups-per-user: \"many\" is not a number from 0 to 1000000"},
    {"[start-zones]\nexample = " ZTLD "\nOther.Example. = " ZTLD2 "\n", ""},
    {"timeout = 5s\n", "t.conf:1: \"timeout\" outside of a section"},
    {"[resolver]\ntimeout = 5\ntimeout = soon\n",
     "t.conf:3: timeout: \"soon\" is not a duration (e.g. 500ms, 5s, 10m, 4h, 7d)"},
    {"[resolver]\ntimeout = 0s\n", "t.conf:2: timeout: must be greater than zero"},
    {"[resolver]\nmax-depth = 0\n", "t.conf:2: max-depth: \"0\" is not a number from 1 to 64"},
    {"[resolver]\nmax-depth = 65\n", "t.conf:2: max-depth: \"65\" is not a number from 1 to 64"},
    {"[resolver]\nmax-depth = -1\n", "t.conf:2: max-depth: \"-1\" is not a number from 1 to 64"},
    {"[resolver]\ntimeout =\n", "t.conf:2: timeout: empty value"},
    {"[resolver]\nretries = 3\n", "t.conf:2: unknown key \"retries\" in section [resolver]"},
    {"\n\n[resolvr]\n", "t.conf:3: unknown section [resolvr]"},
    {"[resolver\n", "t.conf:1: malformed section header"},
    {"[resolver] x\n", "t.conf:1: malformed section header"},
    {"[cache]\nmemory = lots\n", "t.conf:2: memory: \"lots\" is not a size (e.g. 512K, 16M)"},
    {"[cache]\nmemory = 99999999999999G\n",
     "t.conf:2: memory: size \"99999999999999G\" is too large"},
    {"[cache]\nmemory 16M\n", "t.conf:2: expected \"key = value\""},
    {"[cache]\n= 16M\n", "t.conf:2: missing key before \"=\""},
    {"[dht]\nbackend = kademlia\n", "t.conf:2: backend: \"kademlia\" is not one of none, gnunet"},
    {"[dht]\ngnunet-socket = dht.sock\n",
     "t.conf:2: gnunet-socket: \"dht.sock\" is not an absolute path"},
    {"[publish]\ninterval = 0\n", "t.conf:2: interval: must be greater than zero"},
    {"[start-zones]\nexample = " ZTLD "\nEXAMPLE = " ZTLD2 "\n",
     "t.conf:3: start zone \"example\" is already mapped on line 2"},
    {"[start-zones]\nexample = not_a_ztld\n",
     "t.conf:2: start zone \"example\": \"not_a_ztld\" is not a zTLD"},
    {"[start-zones]\nexample = 0000000000000000000000000000000000000000000000000000000000\n",
     "t.conf:2: start zone \"example\": zTLD "
     "\"0000000000000000000000000000000000000000000000000000000000\" has an unsupported zone "
     "type"},
    {"[start-zones]\nexample =\n", "t.conf:2: start zone \"example\" has no zTLD"},
    {"[dns-stub]\nlisten = 127.0.0.153:53, [::1]:5353 127.0.0.1\nrate-limit = 0\n", ""},
    {"[dns-stub]\nlisten =\n", ""},
    {"[dns-stub]\nlisten = localhost:53\n",
     "t.conf:2: listen: \"localhost:53\" is not ADDR:PORT or [ADDR6]:PORT (numeric)"},
    {"[dns-stub]\nlisten = ::1:53\n",
     "t.conf:2: listen: \"::1:53\" is not ADDR:PORT or [ADDR6]:PORT (numeric)"},
    {"[dns-stub]\nlisten = 127.0.0.1:65536\n",
     "t.conf:2: listen: \"127.0.0.1:65536\" is not ADDR:PORT or [ADDR6]:PORT (numeric)"},
    {"[dns-stub]\nrate-limit = -1\n",
     "t.conf:2: rate-limit: \"-1\" is not a number from 0 to 1000000"},
    {"[start-zones]\na..b = " ZTLD "\n",
     "t.conf:2: start zone suffix \"a..b\" is not a domain name suffix"},
};

static void test_files(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(files); i++) {
    struct gnsd_conf c;
    char err[GNSD_CONF_ERR_MAX] = "";
    CHECK_INT(gnsd_conf_defaults(&c), 0);
    int r = gnsd_conf_parse(&c, files[i].text, strlen(files[i].text), "t.conf", err, sizeof err);
    if (files[i].error[0]) {
      CHECK_INT(r, -EINVAL);
      CHECK_STR(err, files[i].error);
    } else {
      if (r != 0) fprintf(stderr, "file %zu: %s\n", i, err);
      CHECK_INT(r, 0);
    }
    gnsd_conf_free(&c);
  }
}

static void test_values(void) {
  struct gnsd_conf c;
  char err[GNSD_CONF_ERR_MAX] = "";
  unsetenv("GNUNET_RUNTIME_DIR");
  CHECK_INT(gnsd_conf_defaults(&c), 0);
  CHECK_INT(c.resolver_timeout_us, 5000000);
  CHECK_INT(c.max_depth, 16);
  CHECK_INT(c.dns_timeout_us, 2000000);
  CHECK_INT(c.cache_memory, 16 * 1024 * 1024);
  CHECK_INT(c.negative_ttl_us, 30000000);
  CHECK_INT(c.dht_backend, GNSD_DHT_NONE);
  CHECK_STR(c.gnunet_socket, "/run/gnunet/gnunet-service-dht.sock");
  CHECK_INT(c.publish_interval_us, 4ull * 3600 * 1000000);
  CHECK_INT(c.record_lifetime_us, 7ull * 86400 * 1000000);
  CHECK_INT(c.connections, 4096);
  CHECK_INT(c.connections_per_user, 256);
  CHECK_INT(c.reply_buffer_per_connection, 256 * 1024);
  CHECK_INT(c.reply_buffer_per_user, 4 * 1024 * 1024);
  CHECK_INT(c.request_timeout_us, 5000000);
  CHECK_INT(c.lookups_per_user, 64);
  CHECK_INT(c.dht_gets_per_user, 32);
  const char *text = "[resolver]\nmax-depth = 3\n[cache]\nmemory = 1M\n[dht]\nbackend = gnunet\n"
                     "[start-zones]\nfoo.bar = " ZTLD "  # the RFC's example zone\n";
  CHECK_INT(gnsd_conf_parse(&c, text, strlen(text), "t.conf", err, sizeof err), 0);
  CHECK_INT(c.max_depth, 3);
  CHECK_INT(c.cache_memory, 1024 * 1024);
  CHECK_INT(c.dht_backend, GNSD_DHT_GNUNET);
  CHECK_INT(c.n_start_zones, 1);
  if (c.n_start_zones == 1) {
    CHECK_STR(c.start_zones[0].suffix, "foo.bar");
    CHECK_STR(c.start_zones[0].ztld, ZTLD);
    CHECK_INT(c.start_zones[0].zk.ztype, 65536);
    CHECK_INT(c.start_zones[0].line, 8);
  }
  gnsd_conf_free(&c);

  setenv("GNUNET_RUNTIME_DIR", "/tmp/gnunet-rt", 1);
  CHECK_INT(gnsd_conf_defaults(&c), 0);
  CHECK_STR(c.gnunet_socket, "/tmp/gnunet-rt/gnunet-service-dht.sock");
  gnsd_conf_free(&c);
  unsetenv("GNUNET_RUNTIME_DIR");
}

static void test_load(void) {
  struct gnsd_conf c;
  char err[GNSD_CONF_ERR_MAX] = "";
  char path[] = "/tmp/test-conf-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *text = "[resolver]\ntimeout = 9s\n[cache]\nbogus = 1\n";
  CHECK_INT(write(fd, text, strlen(text)), (long long)strlen(text));
  close(fd);
  CHECK_INT(gnsd_conf_load(&c, path, true, err, sizeof err), -EINVAL);
  char want[600];
  snprintf(want, sizeof want, "%s:4: unknown key \"bogus\" in section [cache]", path);
  CHECK_STR(err, want);
  unlink(path);
  /* a missing default file is fine, a missing explicit one is not */
  CHECK_INT(gnsd_conf_load(&c, path, false, err, sizeof err), 0);
  CHECK_INT(c.resolver_timeout_us, 5000000);
  gnsd_conf_free(&c);
  CHECK_INT(gnsd_conf_load(&c, path, true, err, sizeof err), -ENOENT);
  snprintf(want, sizeof want, "%s: No such file or directory", path);
  CHECK_STR(err, want);
}

int main(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(durations); i++) {
    uint64_t us = 12345;
    int r = gns_parse_duration(durations[i].in, &us);
    if (r != durations[i].ret) fprintf(stderr, "duration \"%s\"\n", durations[i].in);
    CHECK_INT(r, durations[i].ret);
    if (r == 0) CHECK_INT(us, durations[i].us);
  }
  for (size_t i = 0; i < GNS_ARRAY_SIZE(sizes); i++) {
    uint64_t b = 12345;
    int r = gns_parse_size(sizes[i].in, &b);
    if (r != sizes[i].ret) fprintf(stderr, "size \"%s\"\n", sizes[i].in);
    CHECK_INT(r, sizes[i].ret);
    if (r == 0) CHECK_INT(b, sizes[i].bytes);
  }
  for (size_t i = 0; i < GNS_ARRAY_SIZE(suffixes); i++) {
    char out[256];
    int r = gnsd_suffix_normalize(suffixes[i].in, out, sizeof out);
    if (suffixes[i].out) {
      CHECK_INT(r, 0);
      CHECK_STR(out, suffixes[i].out);
    } else {
      CHECK_INT(r, -EINVAL);
    }
  }
  test_files();
  test_values();
  test_load();
  return check_done("test-conf");
}
