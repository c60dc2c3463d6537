/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON documents: whatever imports must export and re-import to the
 * same records; failures must come with a message. */
#include <stdlib.h>
#include <string.h>
#include "rpp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct gns_rpp_record *recs = NULL, *back = NULL;
  size_t n = 0, m = 0;
  char err[256] = "";
  if (size > 65536) return 0;
  if (gns_rpp_document_parse((const char *)data, size, "zone.example", &recs, &n, err,
                             sizeof err) != 0) {
    if (!err[0]) abort();
    return 0;
  }
  json_object *doc = NULL;
  if (gns_rpp_document_to_json("zone.example", recs, n, &doc) != 0) abort();
  const char *s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
  if (gns_rpp_document_parse(s, strlen(s), NULL, &back, &m, err, sizeof err) != 0) abort();
  if (m != n) abort();
  for (size_t i = 0; i < n; i++)
    if (strcmp(recs[i].name, back[i].name) != 0 || recs[i].rd.type != back[i].rd.type ||
        recs[i].rd.flags != back[i].rd.flags || recs[i].rd.expiration != back[i].rd.expiration ||
        recs[i].rd.data_len != back[i].rd.data_len ||
        memcmp(recs[i].rd.data, back[i].rd.data, recs[i].rd.data_len) != 0)
      abort();
  json_object_put(doc);
  gns_rpp_records_free(recs, n);
  gns_rpp_records_free(back, m);
  return 0;
}
