#!/bin/bash
# completion.sh - the bash completion in etc/bash-completion: xdom's
# commands (from xdom help), guest names (from xdom list, with --sim
# typed before the command), top's options, columns and themes, and
# xdom-shell -c's commands, which must be exactly the names of the shell's
# command table (shell/cmds.c): the list is written out in the completion
# file, so this is where a new command that is missing from it shows.
source "$(dirname "$0")/../lib.sh"
sim_tmpdir
export XDOM_THEME_DIR=$TOP/themes
# shellcheck disable=SC1091
source "$TOP/etc/bash-completion/xdom"
# shellcheck disable=SC1091
source "$TOP/etc/bash-completion/xdom-shell"
# comp FUNCTION WORD...: what FUNCTION offers for the last word.
comp() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$fn" 2>/dev/null
	echo "${COMPREPLY[*]}"
}
has() {	# DESC WANT GOT: every word of WANT is in GOT
	local w
	for w in $2; do
		grep -qw -- "$w" <<<"$3" || { not_ok "$1: '$w' not offered (got: $3)"; return; }
	done
	ok "$1"
}
got=$(comp _xdom "$XDOM" '')
want=$("$XDOM" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
has "xdom: every command of xdom help (${want//$'\n'/ })" "$want" "$got"
has "xdom: doctor is a command" doctor "$got"
has "xdom re<TAB>: reboot reset restore" "reboot reset restore" "$(comp _xdom "$XDOM" re)"
has "xdom --sim reboot <TAB>: the sim's guests" "web01 db01 Domain-0" "$(comp _xdom "$XDOM" --sim reboot '')"
has "xdom --s<TAB>: global options" "--sim --socket --sim-domains" "$(comp _xdom "$XDOM" --s)"
has "xdom top --sort=<TAB>: columns" "--sort=cpu_pct --sort=name --sort=mem" "$(comp _xdom "$XDOM" top --sort=)"
has "xdom top --columns=id,<TAB>: the next column" "--columns=id,name" "$(comp _xdom "$XDOM" top --columns=id,na)"
has "xdom top --theme=<TAB>: themes" "--theme=default --theme=monochrome --theme=dark256" "$(comp _xdom "$XDOM" top --theme=)"
has "xdom top --<TAB>: top's options" "--batch --delay= --filter= --list-columns" "$(comp _xdom "$XDOM" top --)"
# The rows of shell_commands[] name their command first: `.name = "boot",`.
table=$(sed -n '/shell_commands\[\] = {/,/^};/s/^\t\t\.name = "\([a-z][a-z-]*\)",.*/\1/p' \
	"$TOP/shell/cmds.c" | sort)
offered=$(comp _xdom_shell xdom-shell -c '' | tr ' ' '\n' | sort)
if [ -n "$table" ] && [ "$table" = "$offered" ]; then
	ok "xdom-shell -c <TAB>: exactly the shell's command table ($(wc -l <<<"$table") commands)"
else
	not_ok "xdom-shell -c: completion and shell/cmds.c differ:"; diff <(echo "$table") <(echo "$offered") | sed 's/^/#   /'
fi
has "xdom-shell -c re<TAB>" "reboot reset reimage restore" "$(comp _xdom_shell xdom-shell -c re)"
done_testing
