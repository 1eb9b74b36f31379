# xdom - terminal management console for Xen hosts.
#
#   make            build build/xdom, build/xdom-shell, build/xdomd
#   make demo       install missing packages, build, open the dashboard (sim)
#   make check      install missing packages, build, run every test
#   make SANITIZE=address,undefined   the same with sanitizers (build-san/)
#   make fuzz       libFuzzer targets (build-fuzz/, needs clang)
#   make bench      benchmarks under tests/bench (print their figures)
#   make check-xen  the real Xen 4.17 checks under QEMU
#
# Sources are found by wildcard: a new file in core/, hypervisor/, tui/,
# shell/ or helper/ is built without touching this file. Each program's
# main() lives in DIR/main.c; the rest of DIR is an archive that the unit
# tests link too.

CC ?= gcc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD ?= build
OPT ?= -O2 -D_FORTIFY_SOURCE=2
else
BUILD ?= build-san
OPT ?= -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
       -Wstrict-prototypes -Wvla
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

PKGS = ncursesw termkey readline libcap libssh json-c
HAVE_XEN := $(if $(wildcard hypervisor/hv_xen.c),$(shell $(PKG_CONFIG) --exists xenlight xenstat xentoollog 2>/dev/null && echo 1))
XEN_PKGS = $(if $(HAVE_XEN),xenlight xenstat xentoollog)

CPPFLAGS += -I. -D_GNU_SOURCE $(if $(HAVE_XEN),-DXDOM_HAVE_XEN) \
	    $(shell $(PKG_CONFIG) --cflags $(PKGS) $(XEN_PKGS) 2>/dev/null)
CFLAGS += -std=c11 -g $(OPT) $(WARN) -fPIE -fstack-protector-strong -MMD -MP
LDFLAGS += -pie -Wl,-z,relro,-z,now $(if $(SANITIZE),-fsanitize=$(SANITIZE))
LIBS_ALL = $(shell $(PKG_CONFIG) --libs $(PKGS) $(XEN_PKGS) 2>/dev/null) -lutil -lm -lpthread
LIBS_XDOM = $(shell $(PKG_CONFIG) --libs ncursesw termkey libssh json-c $(XEN_PKGS) 2>/dev/null) -lutil -lm -lpthread
LIBS_SHELL = $(shell $(PKG_CONFIG) --libs ncursesw termkey readline libssh json-c $(XEN_PKGS) 2>/dev/null) -lutil -lm -lpthread
LIBS_HELPER = $(shell $(PKG_CONFIG) --libs libcap libssh json-c $(XEN_PKGS) 2>/dev/null) -lutil -lm -lpthread

CORE_SRC := $(wildcard core/*.c)
HV_SRC := $(filter-out $(if $(HAVE_XEN),,hypervisor/hv_xen.c),$(wildcard hypervisor/*.c))
TUI_SRC := $(filter-out tui/main.c,$(wildcard tui/*.c))
SHELL_SRC := $(filter-out shell/main.c,$(wildcard shell/*.c))
HELPER_SRC := $(filter-out helper/main.c,$(wildcard helper/*.c))
TEST_SRC := $(wildcard tests/unit/test_*.c)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

# Quiet build lines unless V=1.
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @printf '  %-6s %s\n'
endif

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_CORE = $(BUILD)/libxdomcore.a
LIB_HV = $(BUILD)/libxdomhv.a
LIB_TUI = $(BUILD)/libxdomtui.a
LIB_SHELL = $(BUILD)/libxdomshell.a
LIB_HELPER = $(BUILD)/libxdomhelper.a
ALL_LIBS = $(LIB_TUI) $(LIB_SHELL) $(LIB_HELPER) $(LIB_HV) $(LIB_CORE)

PROGS = $(BUILD)/xdom $(BUILD)/xdom-shell $(BUILD)/xdomd
TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES = $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.SECONDARY:
.PHONY: all deps demo check check-quick check-xen fuzz bench install clean
all: $(PROGS) $(TESTS) $(BENCHES)

deps:
	@scripts/deps.sh build

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_CORE): $(call obj,$(CORE_SRC))
$(LIB_HV): $(call obj,$(HV_SRC))
$(LIB_TUI): $(call obj,$(TUI_SRC))
$(LIB_SHELL): $(call obj,$(SHELL_SRC))
$(LIB_HELPER): $(call obj,$(HELPER_SRC))
$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $^

# The helper links only core/ and hypervisor/: its link line is the size
# of the privileged surface.
$(BUILD)/xdomd: $(call obj,helper/main.c) $(LIB_HELPER) $(LIB_HV) $(LIB_CORE)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_HELPER)
$(BUILD)/xdom: $(call obj,tui/main.c) $(LIB_TUI) $(LIB_HV) $(LIB_CORE)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_XDOM)
$(BUILD)/xdom-shell: $(call obj,shell/main.c) $(LIB_SHELL) $(LIB_TUI) $(LIB_HV) $(LIB_CORE)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SHELL)

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(ALL_LIBS) -Wl,--end-group \
		$(LIBS_ALL) $(shell $(PKG_CONFIG) --libs cmocka)
$(BUILD)/bench/%: $(call obj,tests/bench/%.c) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(ALL_LIBS) -Wl,--end-group $(LIBS_ALL)

# libFuzzer targets: each links the core and hypervisor sources it needs
# straight from source, built with clang's fuzzer and sanitizers.
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_GNU_SOURCE \
	$(shell $(PKG_CONFIG) --cflags json-c)
fuzz: $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
build-fuzz/%: tests/fuzz/%.c $(CORE_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(CORE_SRC) $(shell $(PKG_CONFIG) --libs json-c) -lm

bench: all
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

demo:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory all
	@tests/check.sh

# Unit and integration tests of the normal build only (fast loop).
check-quick: all
	@CHECK_PHASES="unit integration" tests/check.sh

check-xen: all
	@CHECK_PHASES="xen" tests/check.sh

install: $(PROGS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(BUILD)/xdom $(BUILD)/xdom-shell $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(BUILD)/xdomd $(DESTDIR)$(PREFIX)/sbin/
	install -d $(DESTDIR)$(PREFIX)/share/xdom/themes
	install -m 644 themes/* $(DESTDIR)$(PREFIX)/share/xdom/themes/ 2>/dev/null || true
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	for m in man/*.[158]; do [ -e "$$m" ] || continue; \
		install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/; done

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
