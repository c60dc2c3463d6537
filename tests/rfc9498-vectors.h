/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 9498, Appendix D: the four record-set test vectors (D.2) and the
 * two zone revocations (D.3), as printed (hex with spaces). Shared by the
 * unit tests and the benchmark. */
#ifndef GNS_TEST_RFC9498_VECTORS_H
#define GNS_TEST_RFC9498_VECTORS_H

#include <stdint.h>
#include "zonekey.h"

struct rfc9498_vector {
  const char *name;
  const char *d;   /* zone private key */
  const char *zid; /* ztype || zkey */
  const char *ztld;
  const char *label;
  const char *rdata;
  const char *iv;     /* NONCE|EXPIRATION(|BLOCK COUNTER) */
  const char *k;      /* symmetric key K */
  const char *q;      /* storage key */
  const char *zkdf;   /* ZKDF(zkey, label) */
  const char *nonce;  /* EDKEY signing nonce, NULL for PKEY */
  const char *dprime; /* d', big-endian */
  const char *bdata;
  const char *rrblock;
  uint64_t expiration; /* of the block (all four use the same) */
};

static const struct rfc9498_vector rfc9498_vectors[] = {
    {
        .name = "D.2 (1)",
        .d = "50 d7 b6 52 a4 ef ea df "
             "f3 73 96 90 97 85 e5 95 "
             "21 71 a0 21 78 c8 e7 d4 "
             "50 fa 90 79 25 fa fd 98 ",
        .zid = "00 01 00 00 67 7c 47 7d "
               "2d 93 09 7c 85 b1 95 c6 "
               "f9 6d 84 ff 61 f5 98 2c "
               "2c 4f e0 2d 5a 11 fe df "
               "b0 c2 90 1f ",
        .label = "74 65 73 74 64 65 6c 65 "
                 "67 61 74 69 6f 6e ",
        .rdata = "00 1c ee 8c 10 e2 59 80 "
                 "00 20 00 01 00 01 00 00 "
                 "21 e3 b3 0f f9 3b c6 d3 "
                 "5a c8 c6 e0 e1 3a fd ff "
                 "79 4c b7 b4 4b bb c7 48 "
                 "d2 59 d0 a0 28 4d be 84 ",
        .iv = "e9 0a 00 61 00 1c ee 8c "
              "10 e2 59 80 00 00 00 01 ",
        .k = "86 4e 71 38 ea e7 fd 91 "
             "a3 01 36 89 9c 13 2b 23 "
             "ac eb db 2c ef 43 cb 19 "
             "f6 bf 55 b6 7d b9 b3 b3 ",
        .q = "4a dc 67 c5 ec ee 9f 76 "
             "98 6a bd 71 c2 22 4a 3d "
             "ce 2e 91 70 26 c9 a0 9d "
             "fd 44 ce f3 d2 0f 55 a2 "
             "73 32 72 5a 6c 8a fb bb "
             "b0 f7 ec 9a f1 cc 42 64 "
             "12 99 40 6b 04 fd 9b 5b "
             "57 91 f8 6c 4b 08 d5 f4 ",
        .zkdf = "18 2b b6 36 ed a7 9f 79 "
                "57 11 bc 27 08 ad bb 24 "
                "2a 60 44 6a d3 c3 08 03 "
                "12 1d 03 d3 48 b7 ce b6 ",
        .dprime = "0a 4c 5e 0f 00 63 df ce "
                  "db c8 c7 f2 b2 2c 03 0c "
                  "86 28 b2 c2 cb ac 9f a7 "
                  "29 aa e6 1f 89 db 3e 9c ",
        .bdata = "0c 1e da 5c c0 94 a1 c7 "
                 "a8 88 64 9d 25 fa ee bd "
                 "60 da e6 07 3d 57 d8 ae "
                 "8d 45 5f 4f 13 92 c0 74 "
                 "e2 6a c6 69 bd ee c2 34 "
                 "62 b9 62 95 2c c6 e9 eb ",
        .rrblock = "00 00 00 a0 00 01 00 00 "
                   "18 2b b6 36 ed a7 9f 79 "
                   "57 11 bc 27 08 ad bb 24 "
                   "2a 60 44 6a d3 c3 08 03 "
                   "12 1d 03 d3 48 b7 ce b6 "
                   "0a d1 0b c1 3b 40 3b 5b "
                   "25 61 26 b2 14 5a 6f 60 "
                   "c5 14 f9 51 ff a7 66 f7 "
                   "a3 fd 4b ac 4a 4e 19 90 "
                   "05 5c b8 7e 8d 1b fd 19 "
                   "aa 09 a4 29 f7 29 e9 f5 "
                   "c6 ee c2 47 0a ce e2 22 "
                   "07 59 e9 e3 6c 88 6f 35 "
                   "00 1c ee 8c 10 e2 59 80 "
                   "0c 1e da 5c c0 94 a1 c7 "
                   "a8 88 64 9d 25 fa ee bd "
                   "60 da e6 07 3d 57 d8 ae "
                   "8d 45 5f 4f 13 92 c0 74 "
                   "e2 6a c6 69 bd ee c2 34 "
                   "62 b9 62 95 2c c6 e9 eb ",
        .ztld = "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W",
        .expiration = 8143584694000000u,
    },
    {
        .name = "D.2 (2)",
        .d = "50 d7 b6 52 a4 ef ea df "
             "f3 73 96 90 97 85 e5 95 "
             "21 71 a0 21 78 c8 e7 d4 "
             "50 fa 90 79 25 fa fd 98 ",
        .zid = "00 01 00 00 67 7c 47 7d "
               "2d 93 09 7c 85 b1 95 c6 "
               "f9 6d 84 ff 61 f5 98 2c "
               "2c 4f e0 2d 5a 11 fe df "
               "b0 c2 90 1f ",
        .label = "e5 a4 a9 e4 b8 8b e7 84 "
                 "a1 e6 95 b5 ",
        .rdata = "00 1c ee 8c 10 e2 59 80 "
                 "00 10 00 00 00 00 00 1c "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 de ad be ef "
                 "00 3f f2 aa 54 08 db 40 "
                 "00 06 00 00 00 01 00 01 "
                 "e6 84 9b e7 a7 b0 00 28 "
                 "bb 13 ff 37 19 40 00 0b "
                 "00 04 00 00 00 10 48 65 "
                 "6c 6c 6f 20 57 6f 72 6c "
                 "64 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 ",
        .iv = "ee 96 33 c1 00 1c ee 8c "
              "10 e2 59 80 00 00 00 01 ",
        .k = "fb 3a b5 de 23 bd da e1 "
             "99 7a af 7b 92 c2 d2 71 "
             "51 40 8b 77 af 7a 41 ac "
             "79 05 7c 4d f5 38 3d 01 ",
        .q = "af f0 ad 6a 44 09 73 68 "
             "42 9a c4 76 df a1 f3 4b "
             "ee 4c 36 e7 47 6d 07 aa "
             "64 63 ff 20 91 5b 10 05 "
             "c0 99 1d ef 91 fc 3e 10 "
             "90 9f 87 02 c0 be 40 43 "
             "67 78 c7 11 f2 ca 47 d5 "
             "5c f0 b5 4d 23 5d a9 77 ",
        .zkdf = "a5 12 96 df 75 7e e2 75 "
                "ca 11 8d 4f 07 fa 7a ae "
                "55 08 bc f5 12 aa 41 12 "
                "14 29 d4 a0 de 9d 05 7e ",
        .dprime = "0a be 56 d6 80 68 ab 40 "
                  "e1 44 79 0c de 9a cf 4d "
                  "78 7f 2d 3c 63 b8 53 05 "
                  "74 6e 68 03 32 15 f2 ab ",
        .bdata = "d8 c2 8d 2f d6 96 7d 1a "
                 "b7 22 53 f2 10 98 b8 14 "
                 "a4 10 be 1f 59 98 de 03 "
                 "f5 8f 7e 7c db 7f 08 a6 "
                 "16 51 be 4d 0b 6f 8a 61 "
                 "df 15 30 44 0b d7 47 dc "
                 "f0 d7 10 4f 6b 8d 24 c2 "
                 "ac 9b c1 3d 9c 6f e8 29 "
                 "05 25 d2 a6 d0 f8 84 42 "
                 "67 a1 57 0e 8e 29 4d c9 "
                 "3a 31 9f cf c0 3e a2 70 "
                 "17 d6 fd a3 47 b4 a7 94 "
                 "97 d7 f6 b1 42 2d 4e dd "
                 "82 1c 19 93 4e 96 c1 aa "
                 "87 76 57 25 d4 94 c7 64 "
                 "b1 55 dc 6d 13 26 91 74 ",
        .rrblock = "00 00 00 f0 00 01 00 00 "
                   "a5 12 96 df 75 7e e2 75 "
                   "ca 11 8d 4f 07 fa 7a ae "
                   "55 08 bc f5 12 aa 41 12 "
                   "14 29 d4 a0 de 9d 05 7e "
                   "08 5b d6 5f d4 85 10 51 "
                   "ba ce 2a 45 2a fc 8a 7e "
                   "4f 6b 2c 1f 74 f0 20 35 "
                   "d9 64 1a cd ba a4 66 e0 "
                   "00 ce d6 f2 d2 3b 63 1c "
                   "8e 8a 0b 38 e2 ba e7 9a "
                   "22 ca d8 1d 4c 50 d2 25 "
                   "35 8e bc 17 ac 0f 89 9e "
                   "00 1c ee 8c 10 e2 59 80 "
                   "d8 c2 8d 2f d6 96 7d 1a "
                   "b7 22 53 f2 10 98 b8 14 "
                   "a4 10 be 1f 59 98 de 03 "
                   "f5 8f 7e 7c db 7f 08 a6 "
                   "16 51 be 4d 0b 6f 8a 61 "
                   "df 15 30 44 0b d7 47 dc "
                   "f0 d7 10 4f 6b 8d 24 c2 "
                   "ac 9b c1 3d 9c 6f e8 29 "
                   "05 25 d2 a6 d0 f8 84 42 "
                   "67 a1 57 0e 8e 29 4d c9 "
                   "3a 31 9f cf c0 3e a2 70 "
                   "17 d6 fd a3 47 b4 a7 94 "
                   "97 d7 f6 b1 42 2d 4e dd "
                   "82 1c 19 93 4e 96 c1 aa "
                   "87 76 57 25 d4 94 c7 64 "
                   "b1 55 dc 6d 13 26 91 74 ",
        .ztld = "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W",
        .expiration = 8143584694000000u,
    },
    {
        .name = "D.2 (3)",
        .d = "5a f7 02 0e e1 91 60 32 "
             "88 32 35 2b bc 6a 68 a8 "
             "d7 1a 7c be 1b 92 99 69 "
             "a7 c6 6d 41 5a 0d 8f 65 ",
        .zid = "00 01 00 14 3c f4 b9 24 "
               "03 20 22 f0 dc 50 58 14 "
               "53 b8 5d 93 b0 47 b6 3d "
               "44 6c 58 45 cb 48 44 5d "
               "db 96 68 8f ",
        .label = "74 65 73 74 64 65 6c 65 "
                 "67 61 74 69 6f 6e ",
        .rdata = "00 1c ee 8c 10 e2 59 80 "
                 "00 20 00 01 00 01 00 00 "
                 "21 e3 b3 0f f9 3b c6 d3 "
                 "5a c8 c6 e0 e1 3a fd ff "
                 "79 4c b7 b4 4b bb c7 48 "
                 "d2 59 d0 a0 28 4d be 84 ",
        .iv = "98 13 2e a8 68 59 d3 5c "
              "88 bf d3 17 fa 99 1b cb "
              "00 1c ee 8c 10 e2 59 80 ",
        .k = "85 c4 29 a9 56 7a a6 33 "
             "41 1a 96 91 e9 09 4c 45 "
             "28 16 72 be 58 60 34 aa "
             "e4 a2 a2 cc 71 61 59 e2 ",
        .q = "ab aa ba c0 e1 24 94 59 "
             "75 98 83 95 aa c0 24 1e "
             "55 59 c4 1c 40 74 e2 55 "
             "7b 9f e6 d1 54 b6 14 fb "
             "cd d4 7f c7 f5 1d 78 6d "
             "c2 e0 b1 ec e7 60 37 c0 "
             "a1 57 8c 38 4e c6 1d 44 "
             "56 36 a9 4e 88 03 29 e9 ",
        .zkdf = "9b f2 33 19 8c 6d 53 bb "
                "db ac 49 5c ab d9 10 49 "
                "a6 84 af 3f 40 51 ba ca "
                "b0 dc f2 1c 8c f2 7a 1a ",
        .dprime = "3b 1b 29 d4 23 0b 10 a8 "
                  "ec 4d a3 c8 6e db 88 ea "
                  "cd 54 08 5c 1d db 63 f7 "
                  "a9 d7 3f 7c cb 2f c3 98 ",
        .bdata = "57 7c c6 c9 5a 14 e7 04 "
                 "09 f2 0b 01 67 e6 36 d0 "
                 "10 80 7c 4f 00 37 2d 69 "
                 "8c 82 6b d9 2b c2 2b d6 "
                 "bb 45 e5 27 7c 01 88 1d "
                 "6a 43 60 68 e4 dd f1 c6 "
                 "b7 d1 41 6f af a6 69 7c "
                 "25 ed d9 ea e9 91 67 c3 ",
        .rrblock = "00 00 00 b0 00 01 00 14 "
                   "9b f2 33 19 8c 6d 53 bb "
                   "db ac 49 5c ab d9 10 49 "
                   "a6 84 af 3f 40 51 ba ca "
                   "b0 dc f2 1c 8c f2 7a 1a "
                   "9f 56 a8 86 ea 73 9d 59 "
                   "17 50 8f 9b 75 56 39 f3 "
                   "a9 ac fa ed ed ca 7f bf "
                   "a7 94 b1 92 e0 8b f9 ed "
                   "4c 7e c8 59 4c 9f 7b 4e "
                   "19 77 4f f8 38 ec 38 7a "
                   "8f 34 23 da ac 44 9f 59 "
                   "db 4e 83 94 3f 90 72 00 "
                   "00 1c ee 8c 10 e2 59 80 "
                   "57 7c c6 c9 5a 14 e7 04 "
                   "09 f2 0b 01 67 e6 36 d0 "
                   "10 80 7c 4f 00 37 2d 69 "
                   "8c 82 6b d9 2b c2 2b d6 "
                   "bb 45 e5 27 7c 01 88 1d "
                   "6a 43 60 68 e4 dd f1 c6 "
                   "b7 d1 41 6f af a6 69 7c "
                   "25 ed d9 ea e9 91 67 c3 ",
        .nonce = "14 f2 c0 6b ed c3 aa 2d "
                 "f0 71 13 9c 50 39 34 f3 "
                 "4b fa 63 11 a8 52 f2 11 "
                 "f7 3a df 2e 07 61 ec 35 ",
        .ztld = "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW",
        .expiration = 8143584694000000u,
    },
    {
        .name = "D.2 (4)",
        .d = "5a f7 02 0e e1 91 60 32 "
             "88 32 35 2b bc 6a 68 a8 "
             "d7 1a 7c be 1b 92 99 69 "
             "a7 c6 6d 41 5a 0d 8f 65 ",
        .zid = "00 01 00 14 3c f4 b9 24 "
               "03 20 22 f0 dc 50 58 14 "
               "53 b8 5d 93 b0 47 b6 3d "
               "44 6c 58 45 cb 48 44 5d "
               "db 96 68 8f ",
        .label = "e5 a4 a9 e4 b8 8b e7 84 "
                 "a1 e6 95 b5 ",
        .rdata = "00 1c ee 8c 10 e2 59 80 "
                 "00 10 00 00 00 00 00 1c "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 de ad be ef "
                 "00 3f f2 aa 54 08 db 40 "
                 "00 06 00 00 00 01 00 01 "
                 "e6 84 9b e7 a7 b0 00 28 "
                 "bb 13 ff 37 19 40 00 0b "
                 "00 04 00 00 00 10 48 65 "
                 "6c 6c 6f 20 57 6f 72 6c "
                 "64 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 "
                 "00 00 00 00 00 00 00 00 ",
        .iv = "bb 0d 3f 0f bd 22 42 77 "
              "50 da 5d 69 12 16 e6 c9 "
              "00 1c ee 8c 10 e2 59 80 ",
        .k = "3d f8 05 bd 66 87 aa 14 "
             "20 96 28 c2 44 b1 11 91 "
             "88 c3 92 56 37 a4 1e 5d "
             "76 49 6c 29 45 dc 37 7b ",
        .q = "ba f8 21 77 ee c0 81 e0 "
             "74 a7 da 47 ff c6 48 77 "
             "58 fb 0d f0 1a 6c 7f bb "
             "52 fc 8a 31 be f0 29 af "
             "74 aa 0d c1 5a b8 e2 fa "
             "7a 54 b4 f5 f6 37 f6 15 "
             "8f a7 f0 3c 3f ce be 78 "
             "d3 f9 d6 40 aa c0 d1 ed ",
        .zkdf = "74 f9 00 68 f1 67 69 53 "
                "52 a8 a6 c2 eb 98 48 98 "
                "c5 3a cc a0 98 04 70 c6 "
                "c8 12 64 cb dd 78 ad 11 ",
        .dprime = "17 c0 68 a6 c3 f7 20 de "
                  "0e 1b 69 ff 3f 53 e0 5d "
                  "3f e5 c5 b0 51 25 7a 89 "
                  "a6 3c 1a d3 5a c4 35 58 ",
        .bdata = "4e b3 5a 50 d4 0f e1 a4 "
                 "29 c7 f4 b2 67 a0 59 de "
                 "4e 2c 8a 89 a5 ed 53 d3 "
                 "d4 92 58 59 d2 94 9f 7f "
                 "30 d8 a2 0c aa 96 f8 81 "
                 "45 05 2d 1c da 04 12 49 "
                 "8f f2 5f f2 81 6e f0 ce "
                 "61 fe 69 9b fa c7 2c 15 "
                 "dc 83 0e a9 b0 36 17 1c "
                 "cf ca bb dd a8 de 3c 86 "
                 "ed e2 95 70 d0 17 4b 82 "
                 "82 09 48 a9 28 b7 f0 0e "
                 "fb 40 1c 10 fe 80 bb bb "
                 "02 76 33 1b f7 f5 1b 8d "
                 "74 57 9c 14 14 f2 2d 50 "
                 "1a d2 5a e2 49 f5 bb f2 "
                 "a6 c3 72 59 d1 75 e4 40 "
                 "b2 94 39 c6 05 19 cb b1 ",
        .rrblock = "00 00 01 00 00 01 00 14 "
                   "74 f9 00 68 f1 67 69 53 "
                   "52 a8 a6 c2 eb 98 48 98 "
                   "c5 3a cc a0 98 04 70 c6 "
                   "c8 12 64 cb dd 78 ad 11 "
                   "75 6d 2c 15 7a d2 ea 4f "
                   "c0 b1 b9 1c 08 03 79 44 "
                   "61 d3 de f2 0d d1 63 6c "
                   "fe dc 03 89 c5 49 d1 43 "
                   "6c c3 5b 4e 1b f8 89 5a "
                   "64 6b d9 a6 f4 6b 83 48 "
                   "1d 9c 0e 91 d4 e1 be bb "
                   "6a 83 52 6f b7 25 2a 06 "
                   "00 1c ee 8c 10 e2 59 80 "
                   "4e b3 5a 50 d4 0f e1 a4 "
                   "29 c7 f4 b2 67 a0 59 de "
                   "4e 2c 8a 89 a5 ed 53 d3 "
                   "d4 92 58 59 d2 94 9f 7f "
                   "30 d8 a2 0c aa 96 f8 81 "
                   "45 05 2d 1c da 04 12 49 "
                   "8f f2 5f f2 81 6e f0 ce "
                   "61 fe 69 9b fa c7 2c 15 "
                   "dc 83 0e a9 b0 36 17 1c "
                   "cf ca bb dd a8 de 3c 86 "
                   "ed e2 95 70 d0 17 4b 82 "
                   "82 09 48 a9 28 b7 f0 0e "
                   "fb 40 1c 10 fe 80 bb bb "
                   "02 76 33 1b f7 f5 1b 8d "
                   "74 57 9c 14 14 f2 2d 50 "
                   "1a d2 5a e2 49 f5 bb f2 "
                   "a6 c3 72 59 d1 75 e4 40 "
                   "b2 94 39 c6 05 19 cb b1 ",
        .nonce = "f8 6a b5 33 8a 74 d7 a1 "
                 "d2 77 ea 11 ff 95 cb e8 "
                 "3a cf d3 97 3b b4 ab ca "
                 "0a 1b 60 62 c3 7a b3 9c ",
        .ztld = "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW",
        .expiration = 8143584694000000u,
    },
};

/* RFC 9498, Appendix D.3, "Zone Revocation". Both vectors print "Difficulty
 * (5 base difficulty + 2 epochs): 7": the POWs average 7 zeros, so at the
 * base difficulty 5 they buy 2 epochs beyond the first. */
struct rfc9498_revocation_vector {
  const char *name;
  uint32_t ztype;
  const char *d;
  const char *zid;
  const char *signed_msg;
  const char *proof;
};

static const struct rfc9498_revocation_vector rfc9498_revocation_vectors[] = {
    {"PKEY", GNS_ZTYPE_PKEY,
     "6f ea 32 c0 5a f5 8b fa 97 95 53 d1 88 60 5f d5"
     "7d 8b f9 cc 26 3b 78 d5 f7 47 8c 07 b9 98 ed 70",
     "00 01 00 00 2c a2 23 e8 79 ec c4 bb de b5 da 17 31 92 81 d6 3b 2e 3b 69"
     "55 f1 c3 77 5c 80 4a 98 d5 f8 dd aa",
     "00 00 00 34 00 00 00 03 00 05 ff 1c 56 e4 b2 68 00 01 00 00 2c a2 23 e8"
     "79 ec c4 bb de b5 da 17 31 92 81 d6 3b 2e 3b 69 55 f1 c3 77 5c 80 4a 98"
     "d5 f8 dd aa",
     "00 05 ff 1c 56 e4 b2 68 00 00 39 5d 18 27 c0 00"
     "38 0b 54 aa 70 16 ac a2 38 0b 54 aa 70 16 ad 62 38 0b 54 aa 70 16 af 3e"
     "38 0b 54 aa 70 16 af 93 38 0b 54 aa 70 16 b0 bf 38 0b 54 aa 70 16 b0 ee"
     "38 0b 54 aa 70 16 b1 c9 38 0b 54 aa 70 16 b1 e5 38 0b 54 aa 70 16 b2 78"
     "38 0b 54 aa 70 16 b2 b2 38 0b 54 aa 70 16 b2 d6 38 0b 54 aa 70 16 b2 e4"
     "38 0b 54 aa 70 16 b3 2c 38 0b 54 aa 70 16 b3 5a 38 0b 54 aa 70 16 b3 9d"
     "38 0b 54 aa 70 16 b3 c0 38 0b 54 aa 70 16 b3 dd 38 0b 54 aa 70 16 b3 f4"
     "38 0b 54 aa 70 16 b4 42 38 0b 54 aa 70 16 b4 76 38 0b 54 aa 70 16 b4 8c"
     "38 0b 54 aa 70 16 b4 a4 38 0b 54 aa 70 16 b4 c9 38 0b 54 aa 70 16 b4 f0"
     "38 0b 54 aa 70 16 b4 f7 38 0b 54 aa 70 16 b5 79 38 0b 54 aa 70 16 b6 34"
     "38 0b 54 aa 70 16 b6 8e 38 0b 54 aa 70 16 b7 b4 38 0b 54 aa 70 16 b8 7e"
     "38 0b 54 aa 70 16 b8 f8 38 0b 54 aa 70 16 b9 2a"
     "00 01 00 00 2c a2 23 e8 79 ec c4 bb de b5 da 17 31 92 81 d6 3b 2e 3b 69"
     "55 f1 c3 77 5c 80 4a 98 d5 f8 dd aa"
     "08 ca ff de 3c 6d f1 45 f7 e0 79 81 15 37 b2 b0 42 2d 5e 1f b2 01 97 81"
     "ec a2 61 d1 f9 d8 ea 81 0a bc 2f 33 47 7f 04 e3 64 81 11 be 71 c2 48 82"
     "1a d6 04 f4 94 e7 4d 0b f5 11 d2 c1 62 77 2e 81"},
    {"EDKEY", GNS_ZTYPE_EDKEY,
     "5a f7 02 0e e1 91 60 32 88 32 35 2b bc 6a 68 a8"
     "d7 1a 7c be 1b 92 99 69 a7 c6 6d 41 5a 0d 8f 65",
     "00 01 00 14 3c f4 b9 24 03 20 22 f0 dc 50 58 14 53 b8 5d 93 b0 47 b6 3d"
     "44 6c 58 45 cb 48 44 5d db 96 68 8f",
     "00 00 00 34 00 00 00 03 00 05 ff 1c 57 35 42 bd 00 01 00 14 3c f4 b9 24"
     "03 20 22 f0 dc 50 58 14 53 b8 5d 93 b0 47 b6 3d 44 6c 58 45 cb 48 44 5d"
     "db 96 68 8f",
     "00 05 ff 1c 57 35 42 bd 00 00 39 5d 18 27 c0 00"
     "58 4c 93 3c b0 99 2a 08 58 4c 93 3c b0 99 2d f7 58 4c 93 3c b0 99 2e 21"
     "58 4c 93 3c b0 99 2e 2a 58 4c 93 3c b0 99 2e 53 58 4c 93 3c b0 99 2e 8e"
     "58 4c 93 3c b0 99 2f 13 58 4c 93 3c b0 99 2f 2d 58 4c 93 3c b0 99 2f 3c"
     "58 4c 93 3c b0 99 2f 41 58 4c 93 3c b0 99 2f fd 58 4c 93 3c b0 99 30 33"
     "58 4c 93 3c b0 99 30 82 58 4c 93 3c b0 99 30 a2 58 4c 93 3c b0 99 30 e1"
     "58 4c 93 3c b0 99 31 ce 58 4c 93 3c b0 99 31 de 58 4c 93 3c b0 99 32 12"
     "58 4c 93 3c b0 99 32 4e 58 4c 93 3c b0 99 32 9f 58 4c 93 3c b0 99 33 31"
     "58 4c 93 3c b0 99 33 87 58 4c 93 3c b0 99 33 8c 58 4c 93 3c b0 99 33 e5"
     "58 4c 93 3c b0 99 33 f3 58 4c 93 3c b0 99 34 26 58 4c 93 3c b0 99 34 30"
     "58 4c 93 3c b0 99 34 68 58 4c 93 3c b0 99 34 88 58 4c 93 3c b0 99 34 8a"
     "58 4c 93 3c b0 99 35 4c 58 4c 93 3c b0 99 35 bd"
     "00 01 00 14 3c f4 b9 24 03 20 22 f0 dc 50 58 14 53 b8 5d 93 b0 47 b6 3d"
     "44 6c 58 45 cb 48 44 5d db 96 68 8f"
     "04 ae 26 f7 63 56 5a b7 aa ab 01 71 72 4f 3c a8 bc c5 1a 98 b7 d4 c9 2e"
     "a3 3c d9 34 4c a8 b6 3e 04 53 3a bf 1a 3c 05 49 16 b3 68 2c 5c a8 cb 4d"
     "d0 f8 4c 3b 77 48 7a ac 6e ce 38 48 0b a9 d5 00"},
};

#endif
