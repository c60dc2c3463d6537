/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd: the GNS daemon. Options, sockets (own or socket-activated),
 * signals, sd_notify, and the life cycle of the modules. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <limits.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include "dns-stub.h"
#include "gnsd.h"
#include "log.h"
#include "resolve.h"
#include "stats.h"
#include "store.h"
#include "trust.h"
#include "varlink-server.h"
#include "version.h"
#include "workers.h"
#include "zones.h"

static const struct varlink_server_info server_info = {
    .vendor = "nss-gns",
    .product = "gnsd",
    .version = PACKAGE_VERSION,
    .url = PACKAGE_BUGREPORT,
    .log = gnsd_logv,
};

struct socket_spec {
  const char *name;
  mode_t mode;
  bool group_gnsd;
};

static const struct socket_spec socket_specs[2] = {
    {GNSD_RESOLVE_SOCKET, 0666, false},
    {GNSD_ZONE_SOCKET, 0660, true},
};

/* Sockets we bound (and so remove at exit). */
static char *bound_paths[2];

static void usage(FILE *f) {
  fprintf(f,
          "Usage: gnsd [OPTION]...\n"
          "GNS (RFC 9498) name resolution daemon for nss-gns.\n\n"
          "  --runtime-dir DIR  sockets alt.gns.Resolve and alt.gns.Zone [%s]\n"
          "  --state-dir DIR    the zone and block store gnsd.sqlite [%s]\n"
          "  --config FILE      configuration [%s]\n"
          "  --user USER        started as root: bind the sockets (port 53 of the DNS\n"
          "                     stub), then run as USER (owner of the state directory)\n"
          "  --foreground       accepted for compatibility; gnsd never forks\n"
          "  --version          print the version and exit\n"
          "  --help             print this help and exit\n\n"
          "Signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop.\n",
          GNSD_RUNTIME_DIR, GNSD_STATE_DIR, GNSD_CONFIG_FILE);
}

/* --- sockets --- */

static int make_dir(const char *dir, mode_t mode) {
  if (mkdir(dir, mode) == 0 || errno == EEXIST) return 0;
  return -errno;
}

/* Bind DIR/NAME. A stale socket file is replaced; a live one means
 * another gnsd is running, which is an error. */
static int bind_socket(const char *dir, const struct socket_spec *spec, gid_t gid, bool have_gid,
                       int *out_fd, char **out_path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, spec->name);
  if (n < 0 || (size_t)n >= sizeof sa.sun_path) {
    log_error("socket path %s/%s is too long", dir, spec->name);
    return -ENAMETOOLONG;
  }
  struct stat st;
  if (lstat(sa.sun_path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      log_error("%s exists and is not a socket; not touching it", sa.sun_path);
      return -EEXIST;
    }
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
      close(probe);
      log_error("%s is in use: is another gnsd running?", sa.sun_path);
      return -EADDRINUSE;
    }
    if (probe >= 0) close(probe);
    if (unlink(sa.sun_path) < 0 && errno != ENOENT) {
      log_error("cannot remove stale %s: %s", sa.sun_path, strerror(errno));
      return -errno;
    }
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -errno;
  /* Never wider than the final mode, not even for an instant. */
  mode_t old = umask(~spec->mode & 0777);
  int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (r < 0) {
    r = -errno;
    log_error("cannot bind %s: %s", sa.sun_path, strerror(errno));
    close(fd);
    return r;
  }
  if (spec->group_gnsd && have_gid && chown(sa.sun_path, (uid_t)-1, gid) < 0)
    log_warning("cannot give %s to group gnsd: %s", sa.sun_path, strerror(errno));
  if (chmod(sa.sun_path, spec->mode) < 0)
    log_warning("cannot chmod %s: %s", sa.sun_path, strerror(errno));
  if (listen(fd, SOMAXCONN) < 0) {
    r = -errno;
    close(fd);
    unlink(sa.sun_path);
    return r;
  }
  *out_fd = fd;
  *out_path = strdup(sa.sun_path);
  return 0;
}

/* The DNS stub's sockets from socket activation (gnsd-dns.socket). */
#define DNS_STUB_FD_NAME "dns-stub"
#define MAX_STUB_FDS 16
static int stub_fds[MAX_STUB_FDS];
static size_t n_stub_fds;

/* fds[i] for socket_specs[i], from socket activation where present; the
 * DNS stub's in stub_fds. */
static int activated_sockets(int fds[2]) {
  char **names = NULL;
  int n = sd_listen_fds_with_names(1, &names);
  if (n < 0) {
    log_error("socket activation: %s", strerror(-n));
    return n;
  }
  for (int i = 0; i < n; i++) {
    int fd = SD_LISTEN_FDS_START + i;
    const char *name = names && names[i] ? names[i] : "";
    int slot = -1;
    for (int k = 0; k < 2; k++)
      if (strcmp(name, socket_specs[k].name) == 0) slot = k;
    if (strcmp(name, DNS_STUB_FD_NAME) == 0 && n_stub_fds < MAX_STUB_FDS &&
        (sd_is_socket_inet(fd, 0, SOCK_DGRAM, -1, 0) > 0 ||
         sd_is_socket_inet(fd, 0, SOCK_STREAM, 1, 0) > 0)) {
      stub_fds[n_stub_fds++] = fd;
      log_info("using socket-activated %s socket", name);
      free(names ? names[i] : NULL);
      continue;
    }
    if (slot < 0 || fds[slot] >= 0 || sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
      log_warning("ignoring passed file descriptor %d (\"%s\"): expected a listening unix "
                  "socket named alt.gns.Resolve or alt.gns.Zone, or an inet socket named "
                  "dns-stub",
                  fd, name);
      close(fd);
    } else {
      fds[slot] = fd;
      log_info("using socket-activated %s", name);
    }
    free(names ? names[i] : NULL);
  }
  free(names);
  return 0;
}

/* --- the DNS stub --- */

static int stub_lookup(void *userdata, const char *name, uint32_t type, gnsd_lookup_fn fn,
                       void *fn_ud, struct gnsd_lookup **out) {
  struct gnsd *d = userdata;
  return gnsd_resolve_lookup(d->resolve, name, type, fn, fn_ud, out);
}

static int stub_memo_get(void *userdata, const void *key, size_t klen, const void **v, size_t *vl) {
  struct gnsd *d = userdata;
  return gnsd_resolve_memo_get(d->resolve, key, klen, v, vl);
}

static void stub_memo_put(void *userdata, const void *key, size_t klen, const void *v, size_t vl,
                          uint64_t expiration) {
  struct gnsd *d = userdata;
  gnsd_resolve_memo_put(d->resolve, key, klen, v, vl, expiration);
}

static uint64_t stub_now(void *userdata) {
  struct gnsd *d = userdata;
  return gnsd_backends_now(&d->backends);
}

static struct gnsd_dns_stub_conf stub_conf(const struct gnsd_conf *c) {
  return (struct gnsd_dns_stub_conf){.rate_limit = c->dns_stub_rate_limit,
                                     .negative_ttl_us = c->negative_ttl_us};
}

/* Serve the socket-activated stub sockets and bind the configured
 * addresses that are not among them. Port 53 needs privilege: this runs
 * before gnsd gives its privileges up (--user). A stub that cannot bind is
 * logged, and gnsd serves NSS lookups without it. */
static int setup_dns_stub(struct gnsd *d) {
  if (n_stub_fds == 0 && d->conf.n_dns_stub_listen == 0) return 0;
  struct gnsd_dns_stub_resolver res = {.lookup = stub_lookup,
                                       .cancel = gnsd_lookup_cancel,
                                       .memo_get = stub_memo_get,
                                       .memo_put = stub_memo_put,
                                       .now = stub_now,
                                       .userdata = d};
  struct gnsd_dns_stub_conf sc = stub_conf(&d->conf);
  int r = gnsd_dns_stub_new(d->event, &res, &sc, &d->dns_stub);
  if (r < 0) return r;
  for (size_t i = 0; i < n_stub_fds; i++)
    gnsd_dns_stub_add_fd(d->dns_stub, stub_fds[i]);
  n_stub_fds = 0;
  for (size_t i = 0; i < d->conf.n_dns_stub_listen; i++) {
    char a[64];
    gnsd_dns_stub_format_addr(&d->conf.dns_stub_listen[i], a, sizeof a);
    r = gnsd_dns_stub_listen(d->dns_stub, &d->conf.dns_stub_listen[i]);
    if (r == -EACCES)
      log_error("dns-stub: cannot listen on %s: %s (a port below 1024 needs root or "
                "CAP_NET_BIND_SERVICE: start gnsd as root with --user, or use gnsd-dns.socket)",
                a, strerror(-r));
    else if (r < 0)
      log_error("dns-stub: cannot listen on %s: %s", a, strerror(-r));
    else
      log_info("dns-stub: listening on %s (UDP and TCP)", a);
  }
  return 0;
}

/* --- privileges --- */

/* The state directory and its files (the store, its journal) were
 * created by root before the switch: give them to the user gnsd becomes,
 * who must write them. Not recursive: the store is flat. */
static void give_state_dir(const char *dir, uid_t uid, gid_t gid) {
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;
  if (fchown(dfd, uid, gid) < 0) log_warning("cannot give %s to uid %u: %m", dir, (unsigned)uid);
  DIR *dp = fdopendir(dfd);
  if (!dp) {
    close(dfd);
    return;
  }
  struct dirent *e;
  while ((e = readdir(dp)))
    if (e->d_name[0] != '.' && fchownat(dirfd(dp), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
      log_warning("cannot give %s/%s to uid %u: %m", dir, e->d_name, (unsigned)uid);
  closedir(dp);
}

/* --user: started as root without systemd (which would pass the DNS
 * stub's port 53 from gnsd-dns.socket), gnsd binds everything first and
 * then becomes USER for good. */
static int drop_privileges(const char *user, const char *state_dir) {
  struct passwd *pw = getpwnam(user);
  if (!pw) {
    log_error("--user %s: no such user", user);
    return -ESRCH;
  }
  if (getuid() != 0 && geteuid() != 0) {
    if (getuid() == pw->pw_uid) return 0;
    log_error("--user %s: gnsd must be started as root to change user", user);
    return -EPERM;
  }
  give_state_dir(state_dir, pw->pw_uid, pw->pw_gid);
  if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
    int r = -errno;
    log_error("--user %s: cannot switch: %m", user);
    return r;
  }
  /* make sure there is no way back */
  if (pw->pw_uid != 0 && setuid(0) == 0) {
    log_error("--user %s: root could be regained", user);
    return -EPERM;
  }
  log_info("running as %s (uid %u)", user, (unsigned)pw->pw_uid);
  return 0;
}

/* --- the modules and the glue between them ---
 * Dependencies point one way: gnsd.c knows every module; zones.c and
 * resolve.c know neither each other nor the daemon. What one needs of
 * the other passes through the callbacks below. */

/* The revocation list of RFC 9498, 7.3.4, for the resolver. */
static bool daemon_revoked(void *userdata, const struct gns_zone_key *zk, uint64_t now) {
  struct gnsd *d = userdata;
  return gnsd_store_is_revoked(d->store, zk, now);
}

/* Is zk one of our zones? Their blocks are all in the store, so the
 * resolver never asks the DHT for them. */
static bool daemon_local_zone(void *userdata, const struct gns_zone_key *zk) {
  struct gnsd *d = userdata;
  struct gnsd_zone z;
  if (!zk || !gnsd_store_available(d->store)) return false;
  return gnsd_store_zone_get_public_by_key(d->store, zk, &z) == 0;
}

/* The start zones of RFC 9498, 7.1, kept by the zone service. */
static int daemon_start_zones(void *userdata, const struct gns_suffix_map **maps, size_t *n) {
  struct gnsd *d = userdata;
  return gnsd_zones_start_zones(d->zones, maps, n);
}

/* The zone service changed local blocks, start zones or revocations:
 * answers are cached until their earliest record expiration, so they
 * must be dropped now. */
static void daemon_zones_changed(void *userdata) {
  struct gnsd *d = userdata;
  if (d->resolve) gnsd_resolve_flush(d->resolve);
}

/* The peer's revocation service comes with the GNUnet backend (RFC 9498,
 * 4.2: revocations travel through the network). */
static void setup_revnet(struct gnsd *d) {
  gnsd_trust_set_network(d->trust, NULL, 0);
  gnsd_revnet_free(d->revnet);
  d->revnet = NULL;
  if (d->conf.dht_backend == GNSD_DHT_GNUNET) {
    char path[PATH_MAX];
    int r = gnsd_conf_revocation_socket(&d->conf, path, sizeof path);
    if (r == 0) r = gnsd_revnet_new(d->event, path, gnsd_backends_clock, &d->backends, &d->revnet);
    if (r < 0) log_error("revocation: cannot use the GNUnet revocation service: %s", strerror(-r));
  }
  gnsd_trust_set_network(d->trust, d->revnet, d->conf.revocation_valid_ttl_us);
  /* everything stored goes (again) to the peer */
  gnsd_trust_publish_stored(d->trust, gnsd_backends_now(&d->backends));
}

static json_object *daemon_statistics(void *userdata) {
  struct gnsd *d = userdata;
  const struct gnsd_stats_sources src = {
      .event = d->event,
      .started_monotonic = d->started_monotonic,
      .backends = &d->backends,
      .store = d->store,
      .zones = d->zones,
      .resolve = d->resolve,
      .resolve_server = d->resolve_server,
      .dns_stub = d->dns_stub,
  };
  json_object *o = gnsd_stats_json(&src);
  if (o && d->trust) {
    json_object *t = json_object_new_object();
    gnsd_trust_status(d->trust, t);
    json_object_object_add(o, "revocations", t);
  }
  return o;
}

static int daemon_zones_init(struct gnsd *d) {
  const struct gnsd_zones_args a = {
      .event = d->event,
      .store = d->store,
      .backends = &d->backends,
      .conf = &d->conf,
      .server = d->zone_server,
      .on_change = daemon_zones_changed,
      .statistics = daemon_statistics,
      .userdata = d,
      .trust = d->trust,
      .workers = d->workers,
  };
  return gnsd_zones_new(&a, &d->zones);
}

/* After the zone service: the resolver asks it for start zones. */
static int daemon_resolve_init(struct gnsd *d) {
  struct gnsd_resolve *R;
  int r = gnsd_resolve_new(d->event, &d->conf, &R);
  if (r < 0) return r;
  gnsd_resolve_set_backends(R, d->backends.v, d->backends.n);
  gnsd_resolve_set_workers(R, d->workers);
  gnsd_resolve_set_revocation_check(R, daemon_revoked, d);
  gnsd_resolve_set_local_zone_check(R, daemon_local_zone, d);
  gnsd_resolve_set_start_zones(R, daemon_start_zones, d);
  gnsd_resolve_set_trust(R, d->trust);
  /* One clock for every module: what the store, the zone master, the
   * trust and the DNS stub compare expirations with. */
  gnsd_resolve_set_clock(R, gnsd_backends_clock, &d->backends);
  r = gnsd_resolve_add_interface(R, d->resolve_server);
  if (r < 0) {
    gnsd_resolve_free(R);
    return r;
  }
  d->resolve = R;
  return 0;
}

/* [limits] on alt.gns.Resolve, the socket every local user can reach.
 * (alt.gns.Zone is for root and the gnsd group.) */
static void apply_limits(struct gnsd *d) {
  const struct gnsd_conf *c = &d->conf;
  varlink_server_set_max_connections(d->resolve_server, c->connections);
  struct varlink_limits l = {
      .connections_per_user = c->connections_per_user,
      .reserved_connections = GNSD_RESERVED_CONNECTIONS,
      .unsent_per_connection = (size_t)c->reply_buffer_per_connection,
      .unsent_per_user = (size_t)c->reply_buffer_per_user,
      .partial_usec = c->request_timeout_us,
  };
  varlink_server_set_limits(d->resolve_server, &l);
}

static int count_zone(void *userdata, const struct gnsd_zone *z) {
  (void)z;
  (*(unsigned *)userdata)++;
  return 0;
}

static void notify_status(struct gnsd *d, const char *state) {
  unsigned zones = 0;
  if (gnsd_store_available(d->store)) gnsd_store_zone_foreach(d->store, count_zone, &zones);
  sd_notifyf(0, "%sSTATUS=%s: %u local zone%s, store %s, dht %s", state, "serving", zones,
             zones == 1 ? "" : "s", gnsd_store_available(d->store) ? "ok" : "UNAVAILABLE",
             d->backends.n > 1 ? d->backends.v[1]->ops->name : "none");
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
  (void)s;
  (void)si;
  struct gnsd *d = userdata;
  sd_notify(0, "RELOADING=1\nSTATUS=reloading");
  struct gnsd_conf conf;
  char err[GNSD_CONF_ERR_MAX];
  if (gnsd_conf_load(&conf, d->conf_path, d->conf_explicit, err, sizeof err) < 0) {
    log_error("%s; keeping the old configuration", err);
  } else {
    char old_rs[PATH_MAX] = "", new_rs[PATH_MAX] = "";
    (void)gnsd_conf_revocation_socket(&d->conf, old_rs, sizeof old_rs);
    (void)gnsd_conf_revocation_socket(&conf, new_rs, sizeof new_rs);
    bool dht_changed = conf.dht_backend != d->conf.dht_backend ||
                       strcmp(conf.gnunet_socket, d->conf.gnunet_socket) != 0 ||
                       strcmp(old_rs, new_rs) != 0;
    gnsd_conf_free(&d->conf);
    d->conf = conf;
    if (!gnsd_store_available(d->store) && gnsd_store_reopen(d->store) == 0)
      log_info("store: %s is available again", gnsd_store_path(d->store));
    if (dht_changed) {
      gnsd_backends_configure(&d->backends, &d->conf);
      setup_revnet(d);
    } else {
      gnsd_trust_set_network(d->trust, d->revnet, d->conf.revocation_valid_ttl_us);
    }
    apply_limits(d);
    gnsd_store_set_remote_max(d->store, d->conf.cache_store);
    gnsd_zones_reload(d->zones);
    gnsd_resolve_configure(d->resolve, &d->conf);
    gnsd_resolve_set_backends(d->resolve, d->backends.v, d->backends.n);
    if (d->dns_stub) {
      struct gnsd_dns_stub_conf sc = stub_conf(&d->conf);
      gnsd_dns_stub_configure(d->dns_stub, &sc);
    }
    log_info("configuration reloaded from %s", d->conf_path);
  }
  notify_status(d, "READY=1\n");
  return 0;
}

static int on_terminate(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
  (void)userdata;
  log_info("%s received, shutting down", si->ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
  sd_notify(0, "STOPPING=1\nSTATUS=stopping");
  sd_event_exit(sd_event_source_get_event(s), 0);
  return 0;
}

/* Up to [limits] connections (4096) plus root's reserve plus our own
 * files need more than the usual soft limit of 1024; epoll has no
 * FD_SETSIZE problem. */
static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) return;
  rlim_t want = 65536;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) want = rl.rlim_max;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
      log_warning("cannot raise the open file limit: %s", strerror(errno));
  }
}

int main(int argc, char **argv) {
  enum {
    OPT_RUNTIME = 256,
    OPT_STATE,
    OPT_CONFIG,
    OPT_USER,
    OPT_FOREGROUND,
    OPT_VERSION,
    OPT_HELP
  };
  const char *user = NULL;
  static const struct option options[] = {
      {"runtime-dir", required_argument, NULL, OPT_RUNTIME},
      {"state-dir", required_argument, NULL, OPT_STATE},
      {"config", required_argument, NULL, OPT_CONFIG},
      {"user", required_argument, NULL, OPT_USER},
      {"foreground", no_argument, NULL, OPT_FOREGROUND},
      {"version", no_argument, NULL, OPT_VERSION},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  struct gnsd d = {
      .runtime_dir = GNSD_RUNTIME_DIR, .state_dir = GNSD_STATE_DIR, .conf_path = GNSD_CONFIG_FILE};
  int c;
  while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
    switch (c) {
    case OPT_RUNTIME:
      d.runtime_dir = optarg;
      break;
    case OPT_STATE:
      d.state_dir = optarg;
      break;
    case OPT_CONFIG:
      d.conf_path = optarg;
      d.conf_explicit = true;
      break;
    case OPT_USER:
      user = optarg;
      break;
    case OPT_FOREGROUND:
      break;
    case OPT_VERSION:
      printf("gnsd %s\n", gns_version());
      return 0;
    case 'h':
    case OPT_HELP:
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "gnsd: unexpected argument \"%s\"\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  const char *level = getenv("GNSD_LOG_LEVEL");
  gnsd_log_init("gnsd", level && strcmp(level, "debug") == 0 ? LOG_DEBUG : LOG_INFO);

  char err[GNSD_CONF_ERR_MAX];
  if (gnsd_conf_load(&d.conf, d.conf_path, d.conf_explicit, err, sizeof err) < 0) {
    /* gnsd(8), CONFIGURATION: one line "gnsd: FILE:LINE: reason", exit 1 */
    fprintf(stderr, "gnsd: %s\n", err);
    if (gnsd_log_to_journal()) log_error("%s", err);
    return 1;
  }

  raise_fd_limit();
  int ret = 1;
  int fds[2] = {-1, -1};
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* Not sd_event_default(): a default loop checks on every iteration,
   * with a gettid() syscall, that it runs in its thread. */
  int r = sd_event_new(&d.event);
  if (r < 0) goto out;
  sd_event_now(d.event, CLOCK_REALTIME, &d.started_realtime);
  sd_event_now(d.event, CLOCK_MONOTONIC, &d.started_monotonic);
  sd_event_add_signal(d.event, NULL, SIGTERM, on_terminate, &d);
  sd_event_add_signal(d.event, NULL, SIGINT, on_terminate, &d);
  sd_event_add_signal(d.event, NULL, SIGHUP, on_sighup, &d);

  r = gnsd_store_open(d.state_dir, &d.store);
  if (r < 0) goto out;
  gnsd_store_set_remote_max(d.store, d.conf.cache_store);
  /* nice 5: a worker never takes a CPU the loop wants. Before the
   * backends: the DHT checks signatures on it. */
  if ((r = gnsd_workers_new(d.event, 0, 5, &d.workers)) == 0)
    gnsd_workers_set_name(d.workers, "gnsd-crypto");
  if (r < 0) {
    log_error("cannot start the worker threads: %s", strerror(-r));
    goto out;
  }
  r = gnsd_backends_init(&d.backends, d.event, d.store);
  if (r < 0) goto out;
  d.backends.workers = d.workers;
  gnsd_backends_configure(&d.backends, &d.conf);
  /* revocations: the store, and the GNUnet peer with [dht] backend = gnunet */
  r = gnsd_trust_new(d.store, gnsd_backends_clock, &d.backends, &d.trust);
  if (r < 0) goto out;
  gnsd_trust_set_changed(d.trust, daemon_zones_changed, &d);
  setup_revnet(&d);

  if ((r = varlink_server_new(d.event, &server_info, &d.resolve_server)) < 0 ||
      (r = varlink_server_new(d.event, &server_info, &d.zone_server)) < 0)
    goto out;
  varlink_server_set_max_message(d.resolve_server, GNSD_RESOLVE_MAX_MESSAGE);
  varlink_server_set_idle_timeout(d.resolve_server, GNSD_RESOLVE_IDLE_USEC);
  apply_limits(&d);
  varlink_server_set_max_message(d.zone_server, GNSD_ZONE_MAX_MESSAGE);
  /* management is a handful of admins, not every process */
  varlink_server_set_max_connections(d.zone_server, 64);

  if ((r = daemon_zones_init(&d)) < 0) {
    log_error("cannot set up alt.gns.Zone: %s", strerror(-r));
    goto out;
  }
  if ((r = daemon_resolve_init(&d)) < 0) {
    log_error("cannot set up alt.gns.Resolve: %s", strerror(-r));
    goto out;
  }

  if (activated_sockets(fds) < 0) goto out;
  struct group *g = getgrnam("gnsd");
  if ((fds[0] < 0 || fds[1] < 0) && make_dir(d.runtime_dir, 0755) < 0) {
    log_error("cannot create %s: %s", d.runtime_dir, strerror(errno));
    goto out;
  }
  for (int i = 0; i < 2; i++) {
    if (fds[i] >= 0) continue;
    r = bind_socket(d.runtime_dir, &socket_specs[i], g ? g->gr_gid : 0, g != NULL, &fds[i],
                    &bound_paths[i]);
    if (r < 0) goto out;
  }
  if ((r = setup_dns_stub(&d)) < 0) goto out;
  if ((r = varlink_server_listen_fd(d.resolve_server, fds[0])) < 0) goto out;
  fds[0] = -1;
  if ((r = varlink_server_listen_fd(d.zone_server, fds[1])) < 0) goto out;
  fds[1] = -1;
  /* every socket is bound: what needed root is done */
  if (user && (r = drop_privileges(user, d.state_dir)) < 0) goto out;

  log_info("gnsd %s ready: runtime %s, state %s, config %s", gns_version(), d.runtime_dir,
           d.state_dir, d.conf_path);
  notify_status(&d, "READY=1\n");
  r = sd_event_loop(d.event);
  ret = r < 0 ? 1 : 0;
  if (r < 0) log_error("event loop: %s", strerror(-r));

out:
  if (ret != 0 && r < 0 && r != -EADDRINUSE) log_error("startup failed: %s", strerror(-r));
  gnsd_dns_stub_free(d.dns_stub);
  for (size_t i = 0; i < n_stub_fds; i++)
    close(stub_fds[i]);
  /* completes every call still in flight, before the servers go */
  gnsd_resolve_free(d.resolve);
  d.resolve = NULL;
  varlink_server_free(d.resolve_server);
  varlink_server_free(d.zone_server);
  gnsd_zones_free(d.zones);
  /* after the zones: pages still signing are dropped (their labels stay
   * queued in the store for the next start) */
  gnsd_workers_free(d.workers);
  gnsd_backends_done(&d.backends);
  gnsd_trust_free(d.trust);
  gnsd_revnet_free(d.revnet);
  gnsd_store_close(d.store);
  gnsd_conf_free(&d.conf);
  for (int i = 0; i < 2; i++) {
    if (fds[i] >= 0) close(fds[i]);
    if (bound_paths[i]) unlink(bound_paths[i]);
    free(bound_paths[i]);
  }
  sd_event_unref(d.event);
  return ret;
}
