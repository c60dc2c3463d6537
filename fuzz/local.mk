# fuzz/: libFuzzer targets, built with clang by `make fuzz` only. Each
# target is fuzz/fuzz-NAME.c with a seed corpus in fuzz/corpus/NAME/.
# FUZZ_TARGETS lists NAMEs; fuzz-NAME.c may use libgnscore's sources.
FUZZ_SECONDS ?= 60
FUZZ_CORE_SRCS = $(filter %.c,$(libgnscore_la_SOURCES))
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -I$(top_srcdir)/core -I$(top_builddir) \
	$(SODIUM_CFLAGS) $(GCRYPT_CFLAGS) $(JSONC_CFLAGS)
FUZZ_LIBS = $(SODIUM_LIBS) $(GCRYPT_LIBS) $(ARGON2_LIBS) $(UNISTRING_LIBS) $(IDN2_LIBS) \
	$(JSONC_LIBS) -lpthread
EXTRA_DIST += fuzz

fuzz/fuzz-%: $(srcdir)/fuzz/fuzz-%.c $(addprefix $(srcdir)/,$(FUZZ_CORE_SRCS))
	@test -n "$(CLANG)" || { echo "make fuzz needs clang (tools/bootstrap-deps installs it)"; exit 1; }
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(FUZZ_LIBS)

fuzz: $(addprefix fuzz/fuzz-,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/work/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	  ./fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    fuzz/work/$$t $(srcdir)/fuzz/corpus/$$t; \
	done
CLEANFILES += $(addprefix fuzz/fuzz-,$(FUZZ_TARGETS))
FUZZ_TARGETS += ztld rrblock
# data area: parsers of encodings, RDATA, presentation text and RPP JSON.
FUZZ_TARGETS += base32 rdata rrtext rpp
FUZZ_TARGETS += resolver
