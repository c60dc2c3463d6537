/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The revocation proof of work (RFC 9498, 4.2) searched on threads, for
 * gnsctl (and the bench). Kept out of core/, which has no threads: core
 * scores candidates and folds them into a resumable state; this runs
 * the candidates on all cores and folds them in order. */
#ifndef GNSCTL_POW_RUN_H
#define GNSCTL_POW_RUN_H

#include <stdint.h>
#include "revocation.h"

/* Progress callback: return non-zero to cancel. tried counts candidates. */
typedef int (*pow_run_progress_fn)(void *userdata, uint64_t tried, unsigned found,
                                   double avg_zeros);

/* Work until the set of Z POWs averages >= difficulty. threads = 0 means
 * all cores. Returns 0 when done, -ECANCELED if the callback cancelled
 * (state is resumable). The callback runs in the calling thread, after
 * each batch of finished candidates. Also -EINVAL (difficulty above 512),
 * -ENOMEM, -EAGAIN (no thread could be started) and -EOVERFLOW (the
 * 64-bit candidate space is exhausted); the state stays resumable in
 * every case. The result does not depend on the number of threads nor on
 * interruptions (gns_revocation_state). */
int pow_run(struct gns_revocation_state *st, unsigned threads, pow_run_progress_fn progress,
            void *userdata);

#endif
