# fuzz/: libFuzzer targets, built with clang by `make fuzz` only. Each
# target is fuzz/fuzz-NAME.c with a seed corpus in fuzz/corpus/NAME/.
# FUZZ_TARGETS lists NAMEs; fuzz-NAME.c links against libgnscore, built
# once for all targets (with the fuzzer's instrumentation and sanitizers)
# into fuzz/libgnscore-fuzz.a.
# The folders whose headers (and parsers: "../helper/dht-msg.c") its
# targets may include; tests/include-check.sh reads this list. The core,
# and the parsers of the daemon (GNUnet and DNS messages) and of the NSS
# module (names).
include_dirs_fuzz = core helper nss
FUZZ_SECONDS ?= 60
FUZZ_CORE_SRCS = $(filter %.c,$(libgnscore_la_SOURCES))
FUZZ_CORE_HDRS = $(addprefix $(srcdir)/,$(filter core/%.h,$(libgnscore_la_SOURCES) $(noinst_HEADERS)))
FUZZ_CORE_OBJS = $(patsubst %.c,fuzz/obj/%.o,$(FUZZ_CORE_SRCS))
FUZZ_CORE_LIB = fuzz/libgnscore-fuzz.a
FUZZ_SAN = -fsanitize=address,undefined
FUZZ_CFLAGS = -g -O1 -I$(top_srcdir)/core $(VARLINK_INC) -I$(top_builddir) \
	$(SODIUM_CFLAGS) $(GCRYPT_CFLAGS) $(JSONC_CFLAGS)
FUZZ_LIBS = $(SODIUM_LIBS) $(GCRYPT_LIBS) $(ARGON2_LIBS) $(UNISTRING_LIBS) $(IDN2_LIBS) \
	$(JSONC_LIBS) -lpthread
# The sources are distributed, not the phony target `fuzz` (as a DISTFILE
# it would run the fuzzers during `make dist`).
EXTRA_DIST += $(addsuffix .c,$(addprefix fuzz/fuzz-,$(FUZZ_TARGETS))) fuzz/corpus

fuzz-need-clang:
	@test -n "$(CLANG)" || { echo "make fuzz needs clang (tools/bootstrap-deps installs it)"; exit 1; }

# Objects of the library: instrumented for coverage, but without
# libFuzzer's main(), which only the targets link.
fuzz/obj/%.o: $(srcdir)/%.c $(FUZZ_CORE_HDRS) | fuzz-need-clang
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_CORE_LIB): $(FUZZ_CORE_OBJS)
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)rm -f $@ && $(AR) cr $@ $(FUZZ_CORE_OBJS) && $(RANLIB) $@

fuzz/fuzz-%: $(srcdir)/fuzz/fuzz-%.c $(FUZZ_CORE_LIB) $(FUZZ_CORE_HDRS) | fuzz-need-clang
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_CORE_LIB) \
	  $(FUZZ_LIBS)

# ASan holds freed memory in a quarantine (256 MB by default) to catch
# use after free, so every target's rss climbs to 260-450 MB and stays
# there: that looks like a leak but is not (with no quarantine they stay
# under 45 MB). 64 MB still spans many thousands of inputs and leaves
# -rss_limit_mb room to catch a real leak; LeakSanitizer catches a leak
# per input. ASAN_OPTIONS from the environment override these.
FUZZ_ASAN_OPTIONS ?= quarantine_size_mb=64
FUZZ_RSS_MB ?= 512

fuzz: $(addprefix fuzz/fuzz-,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/work/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	  ASAN_OPTIONS="$(FUZZ_ASAN_OPTIONS)$${ASAN_OPTIONS:+:$$ASAN_OPTIONS}" \
	  ./fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) \
	    -print_final_stats=1 fuzz/work/$$t $(srcdir)/fuzz/corpus/$$t; \
	done
.PHONY: fuzz-need-clang
CLEANFILES += $(addprefix fuzz/fuzz-,$(FUZZ_TARGETS)) $(FUZZ_CORE_OBJS) $(FUZZ_CORE_LIB)
FUZZ_TARGETS += ztld rrblock
# data area: parsers of encodings, RDATA, presentation text and RPP JSON.
FUZZ_TARGETS += base32 rdata rrtext rpp rpp-stream
FUZZ_TARGETS += resolver
# names: the NSS name filter (DNS escapes) and IDNA labels (issue 12);
# nss/hostent.c is compiled into the target.
FUZZ_TARGETS += names
fuzz/fuzz-names: $(srcdir)/nss/hostent.c $(srcdir)/nss/hostent.h varlink/contract.h
# the DNS stub's messages: helper/dns-msg.c is compiled into the target
FUZZ_TARGETS += dns-msg
fuzz/fuzz-dns-msg: $(srcdir)/fuzz/fuzz-dns-msg.c $(srcdir)/helper/dns-msg.c \
		$(srcdir)/helper/dns-msg.h $(FUZZ_CORE_LIB) $(FUZZ_CORE_HDRS) | fuzz-need-clang
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CFLAGS) -I$(top_srcdir)/helper $(LDNS_CFLAGS) $(SYSTEMD_CFLAGS) \
	  -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(srcdir)/helper/dns-msg.c $(FUZZ_CORE_LIB) \
	  $(FUZZ_LIBS) $(LDNS_LIBS)
