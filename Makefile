# xdom - terminal management console for Xen hosts.
#
#   make            build build/xdom, build/xdom-shell, build/xdomd
#   make tests      also the unit tests, test tools and benchmarks (cmocka)
#   make demo       install missing packages, build, open the dashboard (sim)
#   make check      install missing packages, build, run every test
#   make SANITIZE=address,undefined   the same with sanitizers (build-san/)
#   make fuzz       libFuzzer targets (build-fuzz/, needs clang)
#   make bench      benchmarks under tests/bench (print their figures)
#   make check-xen  the real Xen 4.17 checks under QEMU
#
# Sources are found by wildcard: a new file in a folder below is built
# without touching this file. Each folder is one archive; each program is
# its DIR/main.c, which also names the hypervisor backends the program
# offers (hv_backends[]), and links only the archives and libraries those
# need. tests/unit/test_link.sh checks the result with ldd.
#
#   core/               libxdomcore.a     pure logic; includes nothing above it
#   hypervisor/*.c      libxdomhv.a       the interface, its wrappers, hv_res
#   hypervisor/sim/     libxdomhv_sim.a   the simulated host
#   hypervisor/xen/     libxdomhv_xen.a   libxenlight/libxenstat (if found;
#                                         else only the pure xen_conv.c)
#   hypervisor/remote/  libxdomhv_remote.a  ssh, fleet (libssh), helper client
#   console/            libxdomconsole.a  the terminal side of a console relay
#   top/                libxdomtop.a      the dashboard (ncurses, libtermkey)
#   cli/                libxdomcli.a      the `xdom` command line
#   shell/              libxdomshell.a    xdom-shell (readline)
#   helper/             libxdomhelper.a   xdomd, the privileged helper

# make's built-in CC (cc) would win over "CC ?= gcc"; the environment or
# the command line still choose.
ifeq ($(origin CC),default)
CC = gcc
endif
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD ?= build
OPT = -O2 -D_FORTIFY_SOURCE=2
else
BUILD ?= build-san
OPT = -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
       -Wstrict-prototypes -Wvla
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

# pkg-config runs once per make, not once per compile (":=").
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)
HAVE_XEN := $(shell $(PKG_CONFIG) --exists xenlight xenstat xentoollog 2>/dev/null && echo 1)
XEN_PKGS := $(if $(HAVE_XEN),xenlight xenstat xentoollog)
PKG_CFLAGS := $(call pc_cflags,ncursesw termkey readline libcap libssh json-c $(XEN_PKGS))

# What each piece needs beyond libc.
LIBS_XEN := $(if $(HAVE_XEN),$(call pc_libs,$(XEN_PKGS)))
LIBS_REMOTE := $(call pc_libs,libssh json-c) -lpthread
LIBS_TOP := $(call pc_libs,ncursesw termkey json-c) -lm
LIBS_CAP := $(call pc_libs,libcap)
LIBS_SECCOMP := $(call pc_libs,libseccomp)
LIBS_RL := $(call pc_libs,readline)
LIBS_CMOCKA := $(call pc_libs,cmocka)
LIBS_SYS = -lutil -lm -lpthread

# The project's flags always apply; CFLAGS, CPPFLAGS and LDFLAGS from the
# command line add to them (make CFLAGS=-O0 changes the optimisation, not
# the include path or the dependency files).
CFLAGS ?= -g $(OPT)
XCPPFLAGS = -I. -D_GNU_SOURCE $(if $(HAVE_XEN),-DXDOM_HAVE_XEN) $(PKG_CFLAGS)
XCFLAGS = -std=c11 $(WARN) -fPIE -fstack-protector-strong -MMD -MP \
	  $(if $(SANITIZE),-fsanitize=$(SANITIZE))
XLDFLAGS = -pie -Wl,-z,relro,-z,now $(if $(SANITIZE),-fsanitize=$(SANITIZE))

src = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
CORE_SRC := $(call src,core)
HV_SRC := $(wildcard hypervisor/*.c)
SIM_SRC := $(call src,hypervisor/sim)
# xen_conv.c is pure (no Xen headers): built without libxen-dev too, for
# its unit test; the rest of the backend needs libxenlight.
XEN_SRC := $(if $(HAVE_XEN),$(call src,hypervisor/xen),hypervisor/xen/xen_conv.c)
REMOTE_SRC := $(call src,hypervisor/remote)
CONSOLE_SRC := $(call src,console)
TOP_SRC := $(call src,top)
CLI_SRC := $(call src,cli)
SHELL_SRC := $(call src,shell)
HELPER_SRC := $(call src,helper)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TSUP_SRC := $(wildcard tests/unit/support/*.c)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
TOOL_SRC := tests/integration/xdomd_client.c $(if $(HAVE_XEN),tests/xen/hvprobe.c tests/xen/xencmp.c)
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
LIB_SIM = $(BUILD)/libxdomhv_sim.a
LIB_XEN = $(BUILD)/libxdomhv_xen.a
LIB_REMOTE = $(BUILD)/libxdomhv_remote.a
LIB_CONSOLE = $(BUILD)/libxdomconsole.a
LIB_TOP = $(BUILD)/libxdomtop.a
LIB_CLI = $(BUILD)/libxdomcli.a
LIB_SHELL = $(BUILD)/libxdomshell.a
LIB_HELPER = $(BUILD)/libxdomhelper.a
LIB_TSUP = $(BUILD)/libxdomtestsup.a
ALL_LIBS = $(LIB_TSUP) $(LIB_CLI) $(LIB_SHELL) $(LIB_HELPER) $(LIB_TOP) \
	   $(LIB_CONSOLE) $(LIB_REMOTE) $(LIB_SIM) $(LIB_XEN) $(LIB_HV) $(LIB_CORE)
LIBS_ALL = $(LIBS_TOP) $(LIBS_RL) $(LIBS_CAP) $(LIBS_REMOTE) $(LIBS_XEN) $(LIBS_SYS)

PROGS = $(BUILD)/xdom $(BUILD)/xdom-shell $(BUILD)/xdomd
TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES = $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
TOOLS = $(patsubst %.c,$(BUILD)/tools/%,$(notdir $(TOOL_SRC)))

# Objects are kept (the test tools reach theirs through a pattern), and
# a missing one is rebuilt: .SECONDARY would let an archive newer than a
# new source file stand without it.
.PRECIOUS: $(BUILD)/obj/%.o
.PHONY: all tests deps demo check check-quick check-xen fuzz bench install clean
all: $(PROGS)
tests: $(PROGS) $(TESTS) $(BENCHES) $(TOOLS)

deps:
	@scripts/deps.sh build

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(XCPPFLAGS) $(CPPFLAGS) $(XCFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_CORE): $(call obj,$(CORE_SRC))
$(LIB_HV): $(call obj,$(HV_SRC))
$(LIB_SIM): $(call obj,$(SIM_SRC))
$(LIB_REMOTE): $(call obj,$(REMOTE_SRC))
$(LIB_CONSOLE): $(call obj,$(CONSOLE_SRC))
$(LIB_TOP): $(call obj,$(TOP_SRC))
$(LIB_CLI): $(call obj,$(CLI_SRC))
$(LIB_SHELL): $(call obj,$(SHELL_SRC))
$(LIB_HELPER): $(call obj,$(HELPER_SRC))
$(LIB_TSUP): $(call obj,$(TSUP_SRC))
$(LIB_XEN): $(call obj,$(XEN_SRC))
$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $^

link = $(say) LD $@; $(CC) $(XLDFLAGS) $(LDFLAGS) -o $@

# The privileged helper: the local backends and nothing of a terminal or
# of SSH. This link line is the size of the privileged surface.
$(BUILD)/xdomd: $(call obj,helper/main.c) $(LIB_HELPER) $(LIB_SIM) $(LIB_XEN) $(LIB_HV) $(LIB_CORE)
	$(Q)$(link) $^ $(LIBS_CAP) $(LIBS_SECCOMP) $(LIBS_XEN) $(LIBS_SYS)
# The customer's login shell: the helper client only (no Xen, no SSH).
$(BUILD)/xdom-shell: $(call obj,shell/main.c) $(LIB_SHELL) $(LIB_TOP) $(LIB_CONSOLE) $(LIB_REMOTE) $(LIB_HV) $(LIB_CORE)
	$(Q)$(link) $^ $(LIBS_RL) $(LIBS_TOP) $(LIBS_SYS)
# The admin's command: every backend.
$(BUILD)/xdom: $(call obj,cli/main.c) $(LIB_CLI) $(LIB_TOP) $(LIB_CONSOLE) $(LIB_REMOTE) $(LIB_SIM) $(LIB_XEN) $(LIB_HV) $(LIB_CORE)
	$(Q)$(link) $^ $(LIBS_TOP) $(LIBS_REMOTE) $(LIBS_XEN) $(LIBS_SYS)

# Unit tests, benchmarks and test tools link every archive; the test
# support archive (tests/unit/support/) names every backend.
$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(link) $< -Wl,--start-group $(ALL_LIBS) -Wl,--end-group $(LIBS_ALL) $(LIBS_CMOCKA)
$(BUILD)/bench/%: $(call obj,tests/bench/%.c) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(link) $< -Wl,--start-group $(ALL_LIBS) -Wl,--end-group $(LIBS_ALL)
$(BUILD)/tools/%: $(BUILD)/obj/tests/integration/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(link) $< -Wl,--as-needed -Wl,--start-group $(ALL_LIBS) -Wl,--end-group $(LIBS_ALL)
$(BUILD)/tools/%: $(BUILD)/obj/tests/xen/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(link) $< -Wl,--as-needed -Wl,--start-group $(ALL_LIBS) -Wl,--end-group $(LIBS_ALL)

# libFuzzer targets: each links the core sources and includes the parser
# it fuzzes; its .d file records the .c files it includes, so a change in
# any of them rebuilds it.
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_GNU_SOURCE \
	$(call pc_cflags,json-c)
fuzz: $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
build-fuzz/%: tests/fuzz/%.c $(CORE_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -MM -MP -MT $@ -o $@.d $<
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(CORE_SRC) $(call pc_libs,json-c) -lm -lpthread

bench: tests
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

demo:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory tests
	@tests/check.sh

# Unit and integration tests of the normal build only (fast loop).
check-quick: tests
	@CHECK_PHASES="unit integration" tests/check.sh

check-xen: tests
	@CHECK_PHASES="xen" tests/check.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the layout the Debian
# packages ship (debian/*.install pick from it). The unit's /usr/local
# paths become SBINDIR's; xdom.conf, the policy and the logrotate file
# are installed only where none is (an admin's are never overwritten),
# and make uninstall removes one of them only while it is unchanged from
# the shipped file. The sshd snippet goes to share/xdom/sshd_config.d,
# not enabled (docs/ADMIN.md says how).
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
# systemd reads /lib/systemd/system (Debian 12) and /usr/local/lib/...
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)/systemd/system
COMPLDIR ?= $(DATADIR)/bash-completion/completions
INSTALL_CONFS = xdom/xdom.conf:etc/xdom.conf:644 xdom/policy:etc/policy:644 \
	logrotate.d/xdomd:etc/xdomd.logrotate:644

install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR)
	install -m 755 $(BUILD)/xdom $(BUILD)/xdom-shell $(DESTDIR)$(BINDIR)/
	install -m 755 $(BUILD)/xdomd $(DESTDIR)$(SBINDIR)/
	install -d $(DESTDIR)$(DATADIR)/xdom/themes
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/xdom/themes/
	install -d $(DESTDIR)$(DATADIR)/xdom/sshd_config.d
	install -m 644 etc/sshd_config.d/xdom-shell.conf $(DESTDIR)$(DATADIR)/xdom/sshd_config.d/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for m in man/*.[158]; do \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/ || exit 1; done
	install -d $(DESTDIR)$(COMPLDIR)
	install -m 644 etc/bash-completion/xdom etc/bash-completion/xdom-shell $(DESTDIR)$(COMPLDIR)/
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' -e 's|/usr/local/bin/|$(BINDIR)/|g' \
		etc/xdomd.service >$(DESTDIR)$(UNITDIR)/xdomd.service.tmp
	chmod 644 $(DESTDIR)$(UNITDIR)/xdomd.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/xdomd.service.tmp $(DESTDIR)$(UNITDIR)/xdomd.service
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/xdom $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	for c in $(INSTALL_CONFS); do \
		dst=$(DESTDIR)$(SYSCONFDIR)/$${c%%:*}; rest=$${c#*:}; \
		if [ -e "$$dst" ] || [ -L "$$dst" ]; then echo "keeping $$dst (not overwritten)"; \
		else install -m $${rest#*:} $${rest%:*} "$$dst" || exit 1; fi; done

.PHONY: uninstall
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xdom $(DESTDIR)$(BINDIR)/xdom-shell $(DESTDIR)$(SBINDIR)/xdomd
	for t in themes/*.theme; do rm -f $(DESTDIR)$(DATADIR)/xdom/themes/$${t#themes/}; done
	rm -f $(DESTDIR)$(DATADIR)/xdom/sshd_config.d/xdom-shell.conf
	for m in man/*.[158]; do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	rm -f $(DESTDIR)$(COMPLDIR)/xdom $(DESTDIR)$(COMPLDIR)/xdom-shell
	rm -f $(DESTDIR)$(UNITDIR)/xdomd.service
	for c in $(INSTALL_CONFS); do \
		dst=$(DESTDIR)$(SYSCONFDIR)/$${c%%:*}; rest=$${c#*:}; [ -e "$$dst" ] || continue; \
		if cmp -s "$${rest%:*}" "$$dst"; then rm -f "$$dst"; \
		else echo "keeping $$dst (changed from the shipped file)"; fi; done
	-rmdir $(DESTDIR)$(DATADIR)/xdom/themes $(DESTDIR)$(DATADIR)/xdom/sshd_config.d \
		$(DESTDIR)$(DATADIR)/xdom $(DESTDIR)$(SYSCONFDIR)/xdom 2>/dev/null

clean:
	rm -rf build build-san build-fuzz

ALL_OBJ = $(call obj,$(CORE_SRC) $(HV_SRC) $(SIM_SRC) $(XEN_SRC) $(REMOTE_SRC) \
	  $(CONSOLE_SRC) $(TOP_SRC) $(CLI_SRC) $(SHELL_SRC) $(HELPER_SRC) \
	  $(TSUP_SRC) $(TEST_SRC) $(BENCH_SRC) $(TOOL_SRC) cli/main.c shell/main.c helper/main.c)
-include $(ALL_OBJ:.o=.d) $(wildcard build-fuzz/*.d)
