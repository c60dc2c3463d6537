/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's DNS client against a real dnsmasq on 127.0.0.1 and a high port
 * (skipped, exit 77, without dnsmasq). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "clock-us.h"
#include "dns.h"
#include "record.h"

static const char *dnsmasq_paths[] = {"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"};

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof(sa);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
      getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
    abort();
  close(fd);
  return ntohs(sa.sin_port);
}

static pid_t start_dnsmasq(const char *bin, int port) {
  char portarg[32];
  snprintf(portarg, sizeof(portarg), "--port=%d", port);
  pid_t pid = fork();
  if (pid == 0) {
    execl(bin, bin, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll",
          "--conf-file=/dev/null", "--listen-address=127.0.0.1", "--bind-interfaces",
          "--pid-file=", "--user=root", portarg, "--local=/example.com/",
          "--host-record=www.example.com,192.0.2.1,2001:db8::1",
          "--host-record=mail.example.com,192.0.2.25", "--cname=alias.example.com,www.example.com",
          "--txt-record=txt.example.com,hello world", "--mx-host=example.com,mail.example.com,10",
          "--srv-host=_xmpp._tcp.example.com,xmpp.example.com,5222,1,2", "--local-ttl=300",
          (char *)NULL);
    _exit(127);
  }
  return pid;
}

struct result {
  bool done;
  int error;
  size_t n;
  struct gns_record rd[16];
  uint8_t data[16][300];
};

static void on_result(void *userdata, int error, const struct gns_record *rd, size_t n) {
  struct result *r = userdata;
  CHECK(!r->done);
  r->done = true;
  r->error = error;
  r->n = n < 16 ? n : 16;
  for (size_t i = 0; i < r->n; i++) {
    r->rd[i] = rd[i];
    memcpy(r->data[i], rd[i].data, rd[i].data_len);
    r->rd[i].data = r->data[i];
  }
}

static sd_event *ev;

/* The client's clock, a week ahead of the machine's: the expirations of
 * the answers must be on it (the resolver's cache compares them with its
 * own clock, which is the one it hands to the DNS client). */
#define WEEK (7ull * 24 * 3600 * 1000000)
static uint64_t test_clock(void *userdata) {
  (void)userdata;
  return real_us() + WEEK;
}

static void wait_for(bool *done, unsigned ms) {
  for (unsigned i = 0; i < ms / 10 && !*done; i++)
    sd_event_run(ev, 10000);
}

static void query(struct gnsd_dns *d, const char *name, uint16_t type, const char *server,
                  struct result *r) {
  memset(r, 0, sizeof(*r));
  const char *servers[] = {server};
  CHECK_INT(gnsd_dns_query(d, name, type, servers, server ? 1 : 0, on_result, r, NULL), 0);
  CHECK(!r->done); /* never completes synchronously */
  wait_for(&r->done, 5000);
  CHECK(r->done);
}

/* A name server that only ever refers: every query gets a referral to
 * "ns.<qname>" with glue 127.0.0.1 (where dnsmasq answers), as an
 * authoritative parent would. Test scaffolding for the referral path. */
static int on_referral_query(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  (void)s;
  (void)revents;
  const uint8_t *glue_ip = userdata;
  uint8_t m[512];
  struct sockaddr_storage from;
  socklen_t fl = sizeof(from);
  ssize_t n = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
  if (n < 17) return 0;
  size_t o = 12;
  while (o < (size_t)n && m[o])
    o += (size_t)m[o] + 1;
  o += 5; /* root label, QTYPE, QCLASS */
  if (o > (size_t)n || o + 40 > sizeof(m)) return 0;
  m[2] = (uint8_t)(0x80 | (m[2] & 0x01)); /* QR, RD as asked; not authoritative */
  m[3] = 0;
  const uint8_t counts[8] = {0, 1, 0, 0, 0, 1, 0, 1};
  memcpy(m + 4, counts, sizeof(counts));
  size_t ns_at = o + 12;
  const uint8_t auth[] = {0xc0, 0x0c, 0, 2, 0, 1, 0, 0, 1, 44, 0, 5, 2, 'n', 's', 0xc0, 0x0c};
  memcpy(m + o, auth, sizeof(auth));
  o += sizeof(auth);
  const uint8_t glue[] = {(uint8_t)(0xc0 | (ns_at >> 8)),
                          (uint8_t)ns_at,
                          0,
                          1,
                          0,
                          1,
                          0,
                          0,
                          1,
                          44,
                          0,
                          4,
                          glue_ip[0],
                          glue_ip[1],
                          glue_ip[2],
                          glue_ip[3]};
  memcpy(m + o, glue, sizeof(glue));
  o += sizeof(glue);
  sendto(fd, m, o, 0, (struct sockaddr *)&from, fl);
  return 0;
}

static bool has(const struct result *r, uint32_t type, const void *data, size_t len) {
  for (size_t i = 0; i < r->n; i++)
    if (r->rd[i].type == type && r->rd[i].data_len == len && memcmp(r->rd[i].data, data, len) == 0)
      return true;
  return false;
}

int main(void) {
  const char *bin = NULL;
  for (size_t i = 0; i < sizeof(dnsmasq_paths) / sizeof(dnsmasq_paths[0]); i++)
    if (access(dnsmasq_paths[i], X_OK) == 0) bin = dnsmasq_paths[i];
  if (!bin) {
    printf("test-dns: SKIP: dnsmasq not installed (tools/bootstrap-deps installs dnsmasq-base)\n");
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  int port = free_port();
  pid_t pid = start_dnsmasq(bin, port);
  char portstr[16];
  snprintf(portstr, sizeof(portstr), "%d", port);
  setenv("GNSD_DNS_PORT", portstr, 1);
  char conf[] = "/tmp/test-dns-resolv.XXXXXX";
  int cfd = mkstemp(conf);
  if (cfd < 0 || write(cfd, "nameserver 127.0.0.1\n", 21) != 21) abort();
  close(cfd);
  setenv("GNSD_RESOLV_CONF", conf, 1);
  CHECK_INT(sd_event_new(&ev), 0);
  struct gnsd_dns *d;
  CHECK_INT(gnsd_dns_new(ev, 1000000, test_clock, NULL, &d), 0);
  struct result r;
  /* wait until dnsmasq answers */
  for (int i = 0; i < 50; i++) {
    query(d, "www.example.com", 1, "127.0.0.1", &r);
    if (r.error == 0 && r.n) break;
    usleep(100000);
  }
  uint8_t a[4] = {192, 0, 2, 1}, aaaa[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
  CHECK_INT(r.error, 0);
  CHECK_INT(r.n, 1);
  CHECK(has(&r, 1, a, 4));
  /* now + TTL (300 s), now on the clock the client was given */
  uint64_t now = test_clock(NULL);
  CHECK(r.rd[0].expiration > now + 290000000ull && r.rd[0].expiration <= now + 301000000ull);
  query(d, "www.example.com", 28, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 28, aaaa, 16));
  /* type 0: A and AAAA */
  query(d, "www.example.com", 0, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK_INT(r.n, 2);
  CHECK(has(&r, 1, a, 4) && has(&r, 28, aaaa, 16));
  /* the system resolver (GNSD_RESOLV_CONF) */
  query(d, "www.example.com", 1, NULL, &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 1, a, 4));
  /* TXT: the GNS form is the plain text */
  query(d, "txt.example.com", 16, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 16, "hello world", 11));
  /* MX and SRV: names uncompressed in wire format */
  query(d, "example.com", 15, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 15,
            "\x00\x0a\x04mail\x07"
            "example\x03"
            "com\x00",
            20));
  query(d, "_xmpp._tcp.example.com", 33, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 33,
            "\x00\x01\x00\x02\x14\x66\x04xmpp\x07"
            "example\x03"
            "com\x00",
            24));
  /* CNAME: asked for A, only the A records of the chain come back */
  query(d, "alias.example.com", 1, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK_INT(r.n, 1);
  CHECK(has(&r, 1, a, 4));
  query(d, "alias.example.com", 5, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 5,
            "\x03www\x07"
            "example\x03"
            "com\x00",
            17));
  /* NOERROR without data, NXDOMAIN */
  query(d, "mail.example.com", 28, "127.0.0.1", &r);
  CHECK_INT(r.error, 0);
  CHECK_INT(r.n, 0);
  query(d, "nx.example.com", 1, "127.0.0.1", &r);
  CHECK_INT(r.error, -ENOENT);
  query(d, "nx.example.com", 0, "127.0.0.1", &r);
  CHECK_INT(r.error, -ENOENT);
  /* RFC 9498, 7.3.2: referrals from an authoritative-only server are
   * followed to the server with the answer */
  int rfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in ra = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.2", &ra.sin_addr);
  if (rfd < 0 || bind(rfd, (struct sockaddr *)&ra, sizeof(ra)) < 0) abort();
  sd_event_source *rsrc;
  static uint8_t glue_ip[4] = {127, 0, 0, 1};
  CHECK_INT(sd_event_add_io(ev, &rsrc, rfd, EPOLLIN, on_referral_query, glue_ip), 0);
  query(d, "www.example.com", 1, "127.0.0.2", &r);
  CHECK_INT(r.error, 0);
  CHECK(has(&r, 1, a, 4));
  struct gnsd_dns_stats rst;
  gnsd_dns_get_stats(d, &rst);
  CHECK_INT(rst.referrals, 1);
  /* a server that refers to itself: bounded */
  glue_ip[3] = 2;
  query(d, "www.example.com", 1, "127.0.0.2", &r);
  CHECK_INT(r.error, -EIO);
  gnsd_dns_get_stats(d, &rst);
  CHECK_INT(rst.referrals, 9);
  sd_event_source_disable_unref(rsrc);
  close(rfd);
  /* a server that does not answer */
  query(d, "www.example.com", 1, "127.0.0.3", &r);
  CHECK(r.error == -EIO || r.error == -ETIMEDOUT);
  /* bad server strings */
  const char *bad[] = {"not-an-ip"};
  CHECK_INT(gnsd_dns_query(d, "x", 1, bad, 1, on_result, &r, NULL), -EINVAL);
  /* a cancelled query never calls back */
  struct result rc;
  memset(&rc, 0, sizeof(rc));
  struct gnsd_dns_query *h;
  const char *lo[] = {"127.0.0.1"};
  CHECK_INT(gnsd_dns_query(d, "www.example.com", 1, lo, 1, on_result, &rc, &h), 0);
  gnsd_dns_cancel(h);
  query(d, "www.example.com", 1, "127.0.0.1", &r); /* runs the loop */
  bool flag = false;
  wait_for(&flag, 200);
  CHECK(!rc.done);
  /* many at once */
  static struct result many[100];
  memset(many, 0, sizeof(many));
  for (int i = 0; i < 100; i++)
    CHECK_INT(gnsd_dns_query(d, i % 2 ? "www.example.com" : "mail.example.com", 1,
                             i % 3 ? lo : NULL, i % 3 ? 1 : 0, on_result, &many[i], NULL),
              0);
  for (int k = 0; k < 500; k++) {
    bool all = true;
    for (int i = 0; i < 100; i++)
      all = all && many[i].done;
    if (all) break;
    sd_event_run(ev, 10000);
  }
  unsigned ok = 0;
  for (int i = 0; i < 100; i++)
    ok += many[i].done && many[i].error == 0 && many[i].n == 1;
  CHECK_INT(ok, 100);
  /* queries pending at free time are dropped quietly */
  memset(&rc, 0, sizeof(rc));
  CHECK_INT(gnsd_dns_query(d, "www.example.com", 1, lo, 1, on_result, &rc, NULL), 0);
  struct gnsd_dns_stats st;
  gnsd_dns_get_stats(d, &st);
  CHECK(st.queries >= 115 && st.answers >= 110 && st.nxdomain >= 2);
  gnsd_dns_free(d);
  CHECK(!rc.done);
  sd_event_unref(ev);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  unlink(conf);
  return check_done("test-dns");
}
