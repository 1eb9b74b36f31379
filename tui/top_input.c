/* top_input.c - interactive dashboard (being written). */
#include "tui/top_int.h"

int
top_ui_run(struct hv *hv, const struct hv_open_opts *hvo, struct top_opts *o,
    struct xdom_err *err)
{
	(void)hv;
	(void)hvo;
	(void)o;
	return xdom_err_set(err, XDOM_ENOSYS, "interactive top: not yet");
}
