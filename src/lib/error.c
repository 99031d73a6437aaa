/*
 * The calling thread's last error: what a call without a database handle
 * (money, dates, GTINs, scans, CSV, labels, countries) says when it fails,
 * and a copy of every failure recorded on a handle. One fixed buffer per
 * thread, so a server thread reads the words of its own call and nothing
 * else, and recording a failure never allocates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local struct {
    ent_error pub; /* what ent_error_last hands out; message points into msg */
    char msg[ENT_MSG_MAX];
} last;

const ent_error *ent_error_last(void)
{
    last.pub.message = last.msg;
    return &last.pub;
}

void ent_error_clear(void)
{
    last.pub.code = ENT_OK;
    last.pub.hint = ENT_HINT_NONE;
    last.msg[0] = '\0';
}

const char *entx_why(void)
{
    return last.msg;
}

void entx_error_copy(int code, int hint, const char *msg)
{
    last.pub.code = code;
    last.pub.hint = hint;
    if (msg != last.msg) {
        snprintf(last.msg, sizeof last.msg, "%s", msg ? msg : "");
        entx_text_trim_cut(last.msg, sizeof last.msg);
    }
}

int ent_error_set(int code, const char *message)
{
    entx_error_copy(code, ENT_HINT_NONE, message);
    return code;
}

/* The arguments may point into the thread's own message (a prefix added to
 * a helper's words): format aside, then copy. */
int entx_error_set(int code, const char *fmt, ...)
{
    char buf[ENT_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    entx_text_trim_cut(buf, sizeof buf);
    memcpy(last.msg, buf, strlen(buf) + 1);
    last.pub.code = code;
    last.pub.hint = ENT_HINT_NONE;
    return code;
}
