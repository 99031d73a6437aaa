/*
 * entrepot serve — receipt printers on the server: ESC/POS bytes written to
 * a device (a USB printer's /dev/usb/lp0) or appended to a file, named by
 * the operator at start (--receipt-printers C1=/dev/usb/lp0,...). A client
 * names a printer, never a path. The first receipt of a sale is printed
 * after the sale's commit when pay names a printer; a copy later is marked
 * REPRINT (POST /sales/RECEIPT/print).
 *
 * A device that does not take the bytes (no paper, switched off) is given
 * SRV_PRINT_WAIT_S seconds, then the print fails: the request's thread is
 * never held longer. One print at a time per printer, so that two receipts
 * never interleave on the paper.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "server.h"

#define SRV_PRINT_WAIT_S 10

struct printer {
    char name[SRV_PRINTER_NAME_MAX];
    char path[512];
    pthread_mutex_t lock;
};
static struct printer printers[SRV_PRINTERS_MAX];
static int nprinters;

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= SRV_PRINTER_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

/* "C1=/dev/usb/lp0,C2=/dev/usb/lp1" into the table (a copy of each). */
int srv_printers_parse(const char *spec)
{
    char buf[SRV_PRINTERS_MAX * 600];
    if (strlen(spec) >= sizeof buf)
        return cli_error(EXIT_USAGE, "--receipt-printers is too long");
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *item = buf, *next; item; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *eq = strchr(item, '=');
        if (eq == NULL || eq[1] == '\0' || strlen(eq + 1) >= sizeof printers[0].path ||
            !name_ok(item, (size_t)(eq - item)))
            return cli_error(EXIT_USAGE,
                             "--receipt-printers '%s' must be NAME=FILE (NAME 1 to %d letters, digits, '.', '_' or "
                             "'-'), separated by commas",
                             ENT_CLIP(item, 40), SRV_PRINTER_NAME_MAX - 1);
        if (nprinters == SRV_PRINTERS_MAX)
            return cli_error(EXIT_USAGE, "--receipt-printers names more than %d printers", SRV_PRINTERS_MAX);
        *eq = '\0';
        for (int i = 0; i < nprinters; i++)
            if (strcmp(printers[i].name, item) == 0)
                return cli_error(EXIT_USAGE, "--receipt-printers names printer '%s' twice", ENT_CLIP(item, 40));
        struct printer *p = &printers[nprinters++];
        memcpy(p->name, item, (size_t)(eq - item) + 1); /* checked shorter than the name's room */
        snprintf(p->path, sizeof p->path, "%s", eq + 1);
        pthread_mutex_init(&p->lock, NULL);
    }
    return 0;
}

static struct printer *printer_find(const char *name)
{
    for (int i = 0; name && i < nprinters; i++)
        if (strcmp(printers[i].name, name) == 0)
            return &printers[i];
    return NULL;
}

int srv_printer_known(const char *name)
{
    return printer_find(name) != NULL;
}

/* Writes all of bytes to fd within the deadline: 0, or an errno. */
static int write_all(int fd, const unsigned char *bytes, size_t len)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += SRV_PRINT_WAIT_S;
    while (len > 0) {
        ssize_t n = write(fd, bytes, len);
        if (n > 0) {
            bytes += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return errno;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
        if (ms <= 0)
            return ETIMEDOUT;
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        if (poll(&pf, 1, (int)ms) < 0 && errno != EINTR)
            return errno;
    }
    return 0;
}

/* Prints sale on printer name as ESC/POS (reprint: marked as a copy),
 * reading what it needs through db; 0 with *bytes_out, or -1 with the
 * answer: 422 for a printer not named at start, 502 when the device or
 * file did not take it. */
int srv_print_receipt(ent_db *db, const char *name, const ent_sale *sale, int columns, bool reprint,
                      size_t *bytes_out, struct reply *out)
{
    struct printer *p = printer_find(name);
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (p == NULL) {
        reply_error(out, 422, "invalid", "printer", "no receipt printer is called '%s'%s", ENT_CLIP(name ? name : "", 40),
                    nprinters ? "" : ": the server was started without --receipt-printers");
        return -1;
    }
    int rc = ent_receipt_escpos(db, &bytes, &len, sale, columns, reprint);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return -1;
    }
    pthread_mutex_lock(&p->lock);
    int err = 0, fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0)
        err = errno;
    else
        err = write_all(fd, bytes, len);
    if (fd >= 0 && close(fd) != 0 && err == 0)
        err = errno;
    pthread_mutex_unlock(&p->lock);
    free(bytes);
    if (err != 0) {
        if (err == ETIMEDOUT)
            reply_error(out, 502, "printer", "printer",
                        "receipt printer '%s' did not take receipt %lld: it took nothing for %d seconds", p->name,
                        (long long)sale->receipt, SRV_PRINT_WAIT_S);
        else
            reply_error(out, 502, "printer", "printer", "receipt printer '%s' did not take receipt %lld: %s", p->name,
                        (long long)sale->receipt, strerror(err));
        return -1;
    }
    *bytes_out = len;
    return 0;
}

/* GET /receipt-printers: the names a till may choose from. */
int route_receipt_printers(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    json_t *names = json_array();
    for (int i = 0; i < nprinters; i++)
        json_array_append_new(names, json_string(printers[i].name));
    reply_json(out, 200, json_pack("{s:o}", "printers", names));
    return 0;
}
