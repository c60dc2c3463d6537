/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Zone revocation against RFC 9498, section 4.2 and the revocation vectors
 * of Appendix D; a small proof of work end to end, cancelled and resumed. */
#include <errno.h>
#include "pow-run.h"
#include "revocation.h"
#include "gns-util.h"
#include "check.h"
#include "rfc9498-vectors.h"

#define EPOCH GNS_REVOCATION_EPOCH_US

#define POW_OFF 16u
#define ZID_OFF (POW_OFF + 8u * GNS_REVOCATION_Z)
#define SIG_OFF (ZID_OFF + GNS_ZONE_ID_LEN)

/* (D'-D+1) * EPOCH * 1.1 for D' = sum / 32, in exact integer arithmetic,
 * to check the floating point of the code under test. */
static uint64_t exact_validity(unsigned sum, unsigned d) {
  return (uint64_t)(sum + 32u - 32u * d) * EPOCH * 11u / 320u;
}

/* A state holding the given POWs, as if a run had found them. */
static void state_from_pows(struct gns_revocation_state *st, const struct gns_zone_key *zk,
                            uint64_t ts, unsigned d, const uint64_t *pows) {
  gns_revocation_state_init(st, zk, ts, d);
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    st->best[i] = pows[i];
    CHECK_INT(gns_revocation_pow_score(pows[i], ts, zk, &st->best_zeros[i]), 0);
    if (pows[i] >= st->next_pow) st->next_pow = pows[i] + 1;
  }
  st->found = GNS_REVOCATION_Z;
  st->tried = GNS_REVOCATION_Z;
}

static void test_vector(const struct rfc9498_revocation_vector *v) {
  uint8_t d[32], zid[GNS_ZONE_ID_LEN], tbs_want[GNS_REVOCATION_SIGNED_LEN],
      proof[GNS_REVOCATION_LEN], tbs[GNS_REVOCATION_SIGNED_LEN], out[GNS_REVOCATION_LEN],
      bad[GNS_REVOCATION_LEN + 1];
  struct gns_zone_priv priv;
  struct gns_zone_key zk, got_zk;
  struct gns_revocation rv;
  struct gns_revocation_state st;
  uint64_t expires = 0;
  double dprime = 0;

  fprintf(stderr, "vector %s\n", v->name);
  CHECK_INT(check_hex(v->d, d, sizeof d), 32);
  CHECK_INT(check_hex(v->zid, zid, sizeof zid), GNS_ZONE_ID_LEN);
  CHECK_INT(check_hex(v->signed_msg, tbs_want, sizeof tbs_want), GNS_REVOCATION_SIGNED_LEN);
  CHECK_INT(check_hex(v->proof, proof, sizeof proof), GNS_REVOCATION_LEN);

  CHECK_INT(gns_zone_priv_from_bytes(v->ztype, d, sizeof d, &priv), 0);
  CHECK_INT(gns_zone_priv_public(&priv, &zk), 0);
  uint8_t zid_got[GNS_ZONE_ID_LEN];
  CHECK_INT(gns_zone_key_to_bytes(&zk, zid_got), 0);
  CHECK_MEM(zid_got, zid, sizeof zid);

  /* the fields, and the signed data built from them */
  CHECK_INT(gns_revocation_parse(proof, sizeof proof, &rv), 0);
  CHECK(gns_zone_key_equal(&rv.zk, &zk));
  CHECK_INT(rv.timestamp, gns_get_u64(tbs_want + 8));
  CHECK_INT(rv.ttl, 2 * EPOCH); /* the vectors set TTL to 2 epochs, within the 3.3 allowed */
  CHECK_INT(gns_revocation_signed_data(rv.timestamp, &zk, tbs), 0);
  CHECK_MEM(tbs, tbs_want, sizeof tbs);

  /* D' = 224 / 32 = 7.0: base difficulty 5 plus 2 epochs. */
  CHECK_INT(gns_revocation_pow_average(rv.timestamp, &zk, rv.pow, &dprime), 0);
  CHECK(dprime == 7.0);
  CHECK(dprime - 5.0 == 2.0);
  CHECK_INT(gns_revocation_validity(dprime, 5), exact_validity(224, 5)); /* 3.3 epochs */
  CHECK_INT(gns_revocation_validity(dprime, 5), 33 * EPOCH / 10);
  CHECK_INT(gns_revocation_validity(dprime, 7), GNS_REVOCATION_TTL_US); /* 1.1 epochs */
  CHECK_INT(gns_revocation_validity(dprime, 8), 0);

  /* Signing the vector's POWs with its key and TTL gives the Proof byte
   * for byte: ECDSA with RFC 6979 and EdDSA are deterministic. */
  state_from_pows(&st, &zk, rv.timestamp, 5, rv.pow);
  CHECK(gns_revocation_state_done(&st));
  CHECK_INT(gns_revocation_sign_ttl(&st, &priv, rv.ttl, out), 0);
  CHECK_MEM(out, proof, sizeof proof);
  /* the POWs come out sorted whatever their order in the state */
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    unsigned j = (i * 7u + 3u) % GNS_REVOCATION_Z; /* 7 is prime to 32: a permutation */
    st.best[i] = rv.pow[j];
    CHECK_INT(gns_revocation_pow_score(st.best[i], rv.timestamp, &zk, &st.best_zeros[i]), 0);
  }
  CHECK_INT(gns_revocation_sign_ttl(&st, &priv, rv.ttl, out), 0);
  CHECK_MEM(out, proof, sizeof proof);
  /* default TTL: EPOCH * 1.1; a TTL above 3.3 epochs is refused */
  CHECK_INT(gns_revocation_sign(&st, &priv, out), 0);
  CHECK_INT(gns_get_u64(out + 8), GNS_REVOCATION_TTL_US);
  CHECK_MEM(out + POW_OFF, proof + POW_OFF, sizeof proof - POW_OFF);
  CHECK_INT(gns_revocation_sign_ttl(&st, &priv, exact_validity(224, 5), out), 0);
  CHECK_INT(gns_revocation_sign_ttl(&st, &priv, exact_validity(224, 5) + 1, out), -EINVAL);

  /* verification at the base difficulty: valid until TIMESTAMP + 3.3 epochs */
  uint64_t exp_want = rv.timestamp + exact_validity(224, 5);
  memset(&got_zk, 0, sizeof got_zk);
  CHECK_INT(gns_revocation_verify(proof, sizeof proof, 5, rv.timestamp, &got_zk, &expires), 0);
  CHECK(gns_zone_key_equal(&got_zk, &zk));
  CHECK_INT(expires, exp_want);
  CHECK_INT(gns_revocation_verify(proof, sizeof proof, 5, exp_want, NULL, NULL), 0);
  expires = 0;
  CHECK_INT(gns_revocation_verify(proof, sizeof proof, 5, exp_want + 1, NULL, &expires), -ESTALE);
  CHECK_INT(expires, exp_want);
  /* at the difficulty in use (22) these POWs are far too weak */
  CHECK_INT(gns_revocation_verify(proof, sizeof proof, GNS_REVOCATION_D, rv.timestamp, NULL, NULL),
            -EBADMSG);
  /* at difficulty 7 exactly met: 1.1 epochs */
  CHECK_INT(gns_revocation_verify(proof, sizeof proof, 7, rv.timestamp, NULL, &expires), 0);
  CHECK_INT(expires, rv.timestamp + GNS_REVOCATION_TTL_US);
  CHECK_INT(gns_revocation_verify(proof, sizeof proof, 8, rv.timestamp, NULL, NULL), -EBADMSG);

  /* tampering */
  struct {
    const char *what;
    size_t off;
    uint8_t mask;
    int want;
  } flips[] = {
      {"signature bit", SIG_OFF + 10, 0x04, -EBADMSG},
      {"last signature bit", SIG_OFF + GNS_ZONE_SIG_LEN - 1, 0x80, -EBADMSG},
      {"timestamp bit", 7, 0x01, -EBADMSG},
      {"zone key bit", ZID_OFF + 4 + 31, 0x01, -EBADMSG},
      {"ztype", ZID_OFF + 3, 0x01, -EPROTONOSUPPORT},
      {"ttl (informational)", 9, 0x01, 0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(flips); i++) {
    memcpy(bad, proof, sizeof proof);
    bad[flips[i].off] ^= flips[i].mask;
    int r = gns_revocation_verify(bad, sizeof proof, 5, rv.timestamp, NULL, NULL);
    if (r != flips[i].want) fprintf(stderr, "  flip %s\n", flips[i].what);
    CHECK_INT(r, flips[i].want);
  }
  /* POWs not strictly increasing: two swapped, and a duplicate */
  memcpy(bad, proof, sizeof proof);
  memcpy(bad + POW_OFF + 8 * 4, proof + POW_OFF + 8 * 5, 8);
  memcpy(bad + POW_OFF + 8 * 5, proof + POW_OFF + 8 * 4, 8);
  CHECK_INT(gns_revocation_verify(bad, sizeof proof, 5, rv.timestamp, NULL, NULL), -EBADMSG);
  memcpy(bad, proof, sizeof proof);
  memcpy(bad + POW_OFF + 8 * 31, proof + POW_OFF + 8 * 30, 8);
  CHECK_INT(gns_revocation_verify(bad, sizeof proof, 5, rv.timestamp, NULL, NULL), -EBADMSG);
  /* the signature does not cover the POWs: a verifier must score them.
   * Replace the best POW by a weaker value between its neighbours, keeping
   * the order: D' falls below 7. */
  unsigned zeros[GNS_REVOCATION_Z], top = 0;
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    CHECK_INT(gns_revocation_pow_score(rv.pow[i], rv.timestamp, &zk, &zeros[i]), 0);
    if (zeros[i] > zeros[top]) top = i;
  }
  unsigned weaker = zeros[top];
  uint64_t lo = top > 0 ? rv.pow[top - 1] : 0, hi = top < 31 ? rv.pow[top + 1] : UINT64_MAX;
  for (uint64_t c = lo + 1; c < hi && weaker >= zeros[top]; c++) {
    CHECK_INT(gns_revocation_pow_score(c, rv.timestamp, &zk, &weaker), 0);
    if (weaker < zeros[top]) {
      memcpy(bad, proof, sizeof proof);
      gns_put_u64(bad + POW_OFF + 8 * top, c);
    }
  }
  CHECK(weaker < zeros[top]);
  CHECK_INT(gns_revocation_verify(bad, sizeof proof, 7, rv.timestamp, NULL, NULL), -EBADMSG);
  /* ...and at difficulty 5 it is still valid, for a shorter time */
  CHECK_INT(gns_revocation_verify(bad, sizeof proof, 5, rv.timestamp, NULL, &expires), 0);
  CHECK_INT(expires, rv.timestamp + exact_validity(224 - zeros[top] + weaker, 5));
  /* truncated, oversized, empty */
  memcpy(bad, proof, sizeof proof);
  bad[sizeof proof] = 0;
  CHECK_INT(gns_revocation_verify(bad, sizeof proof - 1, 5, rv.timestamp, NULL, NULL), -EBADMSG);
  CHECK_INT(gns_revocation_verify(bad, sizeof proof + 1, 5, rv.timestamp, NULL, NULL), -EBADMSG);
  CHECK_INT(gns_revocation_verify(bad, ZID_OFF + 3, 5, rv.timestamp, NULL, NULL), -EBADMSG);
  CHECK_INT(gns_revocation_verify(bad, 0, 5, rv.timestamp, NULL, NULL), -EBADMSG);

  /* signing needs the zone's own key and a finished state */
  struct gns_zone_priv other;
  d[0] ^= 1;
  CHECK_INT(gns_zone_priv_from_bytes(v->ztype, d, sizeof d, &other), 0);
  CHECK_INT(gns_revocation_sign(&st, &other, out), -EKEYREJECTED);
  st.found = GNS_REVOCATION_Z - 1; /* not done */
  CHECK_INT(gns_revocation_sign(&st, &priv, out), -EINVAL);
  state_from_pows(&st, &zk, rv.timestamp, 8, rv.pow); /* D' = 7 < 8 */
  CHECK_INT(gns_revocation_sign(&st, &priv, out), -EINVAL);
  state_from_pows(&st, &zk, rv.timestamp, 5, rv.pow);
  st.best_zeros[0] = 500; /* claims done, but the POWs are recomputed */
  st.difficulty = 8;
  CHECK(gns_revocation_state_done(&st));
  CHECK_INT(gns_revocation_sign(&st, &priv, out), -EINVAL);
  gns_zone_priv_wipe(&priv);
  gns_zone_priv_wipe(&other);
}

static void test_validity(void) {
  CHECK_INT(gns_revocation_validity(5.0, 5), GNS_REVOCATION_TTL_US);
  CHECK_INT(gns_revocation_validity(22.0, 22), 34689600000000ull);
  CHECK_INT(gns_revocation_validity(22.5, 22), exact_validity(32 * 22 + 16, 22));
  CHECK_INT(gns_revocation_validity(21.96875, 22), 0);
  CHECK_INT(gns_revocation_validity(512.0, 0), exact_validity(32 * 512, 0));
}

static void test_state_bytes(void) {
  struct gns_zone_key zk = {.ztype = GNS_ZTYPE_EDKEY};
  struct gns_revocation_state st, back;
  uint8_t b[GNS_REVOCATION_STATE_LEN], bad[GNS_REVOCATION_STATE_LEN + 1];

  for (unsigned i = 0; i < GNS_ZONE_KEY_LEN; i++)
    zk.key[i] = (uint8_t)(i * 5 + 1);
  gns_revocation_state_init(&st, &zk, 0x0005ff1c57354200ull, 22);
  CHECK_INT(gns_revocation_state_to_bytes(&st, b), 0);
  CHECK_INT(gns_revocation_state_from_bytes(b, sizeof b, &back), 0);
  CHECK(memcmp(&st, &back, sizeof st) == 0);

  st.next_pow = 1000;
  st.tried = 200;
  st.found = 3;
  st.best[0] = 17, st.best_zeros[0] = 9;
  st.best[1] = 5, st.best_zeros[1] = 9;
  st.best[2] = 999, st.best_zeros[2] = 2;
  CHECK_INT(gns_revocation_state_to_bytes(&st, b), 0);
  memset(&back, 0xa5, sizeof back);
  CHECK_INT(gns_revocation_state_from_bytes(b, sizeof b, &back), 0);
  CHECK(memcmp(&st, &back, sizeof st) == 0);
  CHECK(!gns_revocation_state_done(&back));
  CHECK(gns_revocation_state_average(&back) == 20.0 / 32.0);

  /* every corruption is refused, never half-loaded */
  size_t entries = sizeof b - 10 * GNS_REVOCATION_Z;
  struct {
    const char *what;
    size_t off;
    uint8_t val;
  } cases[] = {
      {"tag", 0, 'x'},
      {"difficulty above 512", 8 + 36 + 8 + 2, 0x02},
      {"found 33", 8 + 36 + 28 + 3, 33},
      {"tried below found", 8 + 36 + 20 + 7, 2},
      {"scores not best first", entries + 10 + 9, 10},
      {"duplicate pow", entries + 10 + 7, 17},
      {"pow not tried yet", entries + 20 + 6, 0x04},
      {"zeros above 512", entries + 8, 0x04},
      {"unused entry not zero", entries + 30 + 1, 1},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    memcpy(bad, b, sizeof b);
    bad[cases[i].off] = cases[i].val;
    memset(&back, 0xa5, sizeof back);
    int r = gns_revocation_state_from_bytes(bad, sizeof b, &back);
    if (r != -EBADMSG) fprintf(stderr, "  state case %s\n", cases[i].what);
    CHECK_INT(r, -EBADMSG);
    CHECK_INT(back.found, 0xa5a5a5a5u);
  }
  CHECK_INT(gns_revocation_state_from_bytes(b, sizeof b - 1, &back), -EBADMSG);
  memcpy(bad, b, sizeof b);
  CHECK_INT(gns_revocation_state_from_bytes(bad, sizeof b + 1, &back), -EBADMSG);
}

/* Progress callback: checks monotony and cancels after `cancel_after`
 * calls (0 = never). */
struct progress {
  unsigned calls, cancel_after;
  uint64_t last_tried;
  int bad;
};

static int on_progress(void *ud, uint64_t tried, unsigned found, double avg) {
  struct progress *p = ud;
  if (tried < p->last_tried || found > GNS_REVOCATION_Z || avg < 0 || avg > 512) p->bad++;
  p->last_tried = tried;
  p->calls++;
  return p->cancel_after != 0 && p->calls >= p->cancel_after;
}

/* Every entry of the state is what it claims and was tried. */
static void check_state_consistent(const struct gns_revocation_state *st, uint64_t start) {
  CHECK_INT(st->next_pow - start, st->tried);
  CHECK(st->found <= GNS_REVOCATION_Z);
  for (unsigned i = 0; i < st->found; i++) {
    unsigned z = 0;
    CHECK_INT(gns_revocation_pow_score(st->best[i], st->timestamp, &st->zk, &z), 0);
    CHECK_INT(z, st->best_zeros[i]);
    CHECK(st->best[i] >= start && st->best[i] < st->next_pow);
    if (i > 0) CHECK(st->best_zeros[i] <= st->best_zeros[i - 1]);
  }
}

/* A real (small) proof of work: compute, sign, verify; then the same run
 * cancelled repeatedly, saved to bytes and resumed, with another thread
 * count, must reach the very same state and message. */
static void test_pow_run(uint32_t ztype, unsigned difficulty, uint64_t start) {
  uint8_t seed[32];
  struct gns_zone_priv priv;
  struct gns_zone_key zk, got_zk;
  struct gns_revocation_state full, st;
  struct progress pr = {0};
  uint8_t msg[GNS_REVOCATION_LEN], msg2[GNS_REVOCATION_LEN];
  uint8_t sb[GNS_REVOCATION_STATE_LEN], sb2[GNS_REVOCATION_STATE_LEN];
  const uint64_t ts = 1700000000000000ull;
  uint64_t expires = 0;

  fprintf(stderr, "pow run ztype %u difficulty %u\n", ztype, difficulty);
  for (unsigned i = 0; i < sizeof seed; i++)
    seed[i] = (uint8_t)(0x40 + i * 3 + ztype);
  CHECK_INT(gns_zone_priv_from_bytes(ztype, seed, sizeof seed, &priv), 0);
  CHECK_INT(gns_zone_priv_public(&priv, &zk), 0);

  gns_revocation_state_init(&full, &zk, ts, difficulty);
  full.next_pow = start;
  CHECK_INT(pow_run(&full, 2, on_progress, &pr), 0);
  CHECK(gns_revocation_state_done(&full));
  CHECK(pr.calls > 0 && pr.bad == 0);
  CHECK_INT(pr.last_tried, full.tried);
  check_state_consistent(&full, start);
  /* the run stops at the candidate that completed the set, not later:
   * the last candidate tried is one of the best */
  bool last_in_best = false;
  for (unsigned i = 0; i < full.found; i++)
    last_in_best |= full.best[i] == full.next_pow - 1;
  CHECK(last_in_best);
  fprintf(stderr, "  %llu candidates, D' = %.3f\n", (unsigned long long)full.tried,
          gns_revocation_state_average(&full));

  CHECK_INT(gns_revocation_sign(&full, &priv, msg), 0);
  for (unsigned i = 1; i < GNS_REVOCATION_Z; i++)
    CHECK(gns_get_u64(msg + POW_OFF + 8 * i) > gns_get_u64(msg + POW_OFF + 8 * (i - 1)));
  double dprime = gns_revocation_state_average(&full);
  CHECK_INT(gns_revocation_verify(msg, sizeof msg, difficulty, ts + 1, &got_zk, &expires), 0);
  CHECK(gns_zone_key_equal(&got_zk, &zk));
  CHECK_INT(expires, ts + gns_revocation_validity(dprime, difficulty));
  CHECK(expires >= ts + GNS_REVOCATION_TTL_US);
  CHECK_INT(gns_revocation_verify(msg, sizeof msg, difficulty, expires + 1, NULL, NULL), -ESTALE);

  /* a finished state needs no more work and calls nobody */
  struct progress none = {0};
  st = full;
  CHECK_INT(pow_run(&st, 2, on_progress, &none), 0);
  CHECK_INT(none.calls, 0);
  CHECK(memcmp(&st, &full, sizeof st) == 0);

  /* interrupted every few candidates, saved, restored, resumed with 1
   * then 2 threads (0 = all cores) */
  gns_revocation_state_init(&st, &zk, ts, difficulty);
  st.next_pow = start;
  unsigned cancels = 0, threads[] = {1, 2, 0};
  for (unsigned round = 0; round < 1000; round++) {
    struct progress p = {.cancel_after = 3, .last_tried = st.tried};
    int r = pow_run(&st, threads[round % 3], on_progress, &p);
    CHECK(p.bad == 0);
    if (r == 0) break;
    CHECK_INT(r, -ECANCELED);
    if (r != -ECANCELED) break;
    cancels++;
    CHECK(!gns_revocation_state_done(&st));
    CHECK_INT(gns_revocation_state_to_bytes(&st, sb), 0);
    memset(&st, 0, sizeof st);
    CHECK_INT(gns_revocation_state_from_bytes(sb, sizeof sb, &st), 0);
  }
  CHECK(cancels >= 2);
  check_state_consistent(&st, start);
  CHECK_INT(gns_revocation_state_to_bytes(&st, sb), 0);
  CHECK_INT(gns_revocation_state_to_bytes(&full, sb2), 0);
  CHECK_MEM(sb, sb2, sizeof sb);
  CHECK_INT(gns_revocation_sign(&st, &priv, msg2), 0);
  CHECK_MEM(msg2, msg, sizeof msg);
  fprintf(stderr, "  resumed after %u cancels: same state and message\n", cancels);
  gns_zone_priv_wipe(&priv);
}

static void test_pow_run_edges(void) {
  struct gns_zone_key zk = {.ztype = GNS_ZTYPE_PKEY};
  struct gns_revocation_state st;

  gns_revocation_state_init(&st, &zk, 1, GNS_REVOCATION_MAX_ZEROS + 1);
  CHECK_INT(pow_run(&st, 1, NULL, NULL), -EINVAL);
  /* the top of the 64-bit candidate space: three candidates, then stop */
  gns_revocation_state_init(&st, &zk, 1, 20);
  st.next_pow = UINT64_MAX - 3;
  CHECK_INT(pow_run(&st, 2, NULL, NULL), -EOVERFLOW);
  CHECK_INT(st.tried, 3);
  CHECK_INT(st.found, 3);
  CHECK(st.next_pow == UINT64_MAX);
  CHECK_INT(pow_run(&st, 2, NULL, NULL), -EOVERFLOW);
  CHECK_INT(st.tried, 3);
}

/* gns_revocation_create with RFC 9498, D.3 (PKEY, difficulty 5): the
 * message gnsd builds for alt.gns.Zone.Revoke. */
static void test_create(void) {
  const struct rfc9498_revocation_vector *v = &rfc9498_revocation_vectors[0];
  CHECK_INT(v->ztype, GNS_ZTYPE_PKEY);
  uint8_t dkey[32];
  check_hex(v->d, dkey, sizeof dkey);
  struct gns_zone_priv priv;
  CHECK_INT(gns_zone_priv_from_bytes(GNS_ZTYPE_PKEY, dkey, 32, &priv), 0);
  uint8_t proof[GNS_REVOCATION_LEN];
  size_t plen = check_hex(v->proof, proof, sizeof proof);
  CHECK_INT(plen, GNS_REVOCATION_LEN);
  uint64_t ts = gns_get_u64(proof), pows[GNS_REVOCATION_Z];
  /* hand them over shuffled: gnsd sorts */
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++)
    pows[i] = gns_get_u64(proof + 16 + 8 * ((i * 7) % GNS_REVOCATION_Z));
  uint8_t msg[GNS_REVOCATION_LEN];
  uint64_t expires = 0, now = ts + 1000000;
  const char *why = NULL;
  CHECK_INT(gns_revocation_create(&priv, ts, pows, 5, now, msg, &expires, &why), 0);
  /* same POWs, key and (deterministic RFC 6979) signature as the RFC;
   * only the informational TTL is ours */
  CHECK_MEM(msg, proof, 8);
  CHECK_MEM(msg + 16, proof + 16, GNS_REVOCATION_LEN - 16);
  struct gns_zone_key zk;
  uint64_t vexp = 0;
  CHECK_INT(gns_revocation_verify(msg, sizeof msg, 5, now, &zk, &vexp), 0);
  CHECK_INT(vexp, expires);
  CHECK(expires > ts + GNS_REVOCATION_EPOCH_US);

  /* the difficulty in use is far above the vector's */
  CHECK_INT(gns_revocation_create(&priv, ts, pows, GNS_REVOCATION_D, now, msg, &expires, &why),
            -EINVAL);
  /* too late */
  CHECK_INT(gns_revocation_create(&priv, ts, pows, 5, ts + 100 * GNS_REVOCATION_EPOCH_US, msg,
                                  &expires, &why),
            -ESTALE);
  /* a repeated POW */
  pows[3] = pows[4];
  CHECK_INT(gns_revocation_create(&priv, ts, pows, 5, now, msg, &expires, &why), -EINVAL);
  CHECK_STR(why, "duplicate proof-of-work values");
  gns_zone_priv_wipe(&priv);
}

int main(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rfc9498_revocation_vectors); i++)
    test_vector(&rfc9498_revocation_vectors[i]);
  test_validity();
  test_create();
  test_state_bytes();
  test_pow_run_edges();
  test_pow_run(GNS_ZTYPE_EDKEY, 3, 0);
  test_pow_run(GNS_ZTYPE_PKEY, 2, 0x8000000000000000ull);
  return check_done("test-revocation");
}
