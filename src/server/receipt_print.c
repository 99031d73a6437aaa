/*
 * entrepot serve — receipt printers on the server: ESC/POS bytes written to
 * a device (a USB printer's /dev/usb/lp0), appended to a file, or sent to a
 * network printer's raw port (tcp://HOST:PORT, 9100 as a rule: one
 * connection a receipt, closed after the bytes), named by the operator at
 * start (--receipt-printers C1=/dev/usb/lp0,C2=tcp://10.0.0.21:9100). A client
 * names a printer, never a path. The first receipt of a sale is printed
 * after the sale's commit when pay names a printer; a copy later is marked
 * REPRINT (POST /sales/RECEIPT/print).
 *
 * A device that does not take the bytes (no paper, switched off) is given
 * SRV_PRINT_WAIT_S seconds, then the print fails: the request's thread is
 * never held longer. A network printer has SRV_PRINT_CONNECT_S seconds to
 * answer the connection, then as long to take the bytes (the host name is
 * looked up at each print, by the system's resolver and its own timeouts).
 * One print at a time per printer, so that two receipts never interleave on
 * the paper.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "server.h"

#define SRV_PRINT_WAIT_S 10
#define SRV_PRINT_CONNECT_S 3
#define STR_(x) #x
#define STR(x) STR_(x)

struct printer {
    char name[SRV_PRINTER_NAME_MAX];
    char path[512];          /* a file or device; "" for a network printer */
    char host[256], port[6]; /* a network printer's (tcp://HOST:PORT) */
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

/* "tcp://HOST:PORT" into p's host and port (1 to 65535; HOST a name, an
 * IPv4 address or [an IPv6 one]): 0, or -1. */
static int tcp_parse(struct printer *p, const char *url)
{
    const char *h = url + 6, *colon = strrchr(h, ':');
    if (colon == NULL || colon == h)
        return -1;
    size_t hn = (size_t)(colon - h);
    if (h[0] == '[' && hn > 2 && h[hn - 1] == ']')
        h++, hn -= 2;
    if (hn >= sizeof p->host || memchr(h, '/', hn) || memchr(h, '[', hn) || memchr(h, ']', hn))
        return -1;
    int64_t port = 0;
    if (ent_whole_parse(&port, colon + 1, 1, 65535) != ENT_OK)
        return -1;
    memcpy(p->host, h, hn);
    p->host[hn] = '\0';
    snprintf(p->port, sizeof p->port, "%d", (int)port);
    return 0;
}

/* "C1=/dev/usb/lp0,C2=tcp://HOST:9100" into the table (a copy of each). */
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
                             "--receipt-printers '%s' must be NAME=FILE or NAME=tcp://HOST:PORT (NAME 1 to %d "
                             "letters, digits, '.', '_' or '-'), separated by commas",
                             ENT_CLIP(item, 40), SRV_PRINTER_NAME_MAX - 1);
        if (nprinters == SRV_PRINTERS_MAX)
            return cli_error(EXIT_USAGE, "--receipt-printers names more than %d printers", SRV_PRINTERS_MAX);
        *eq = '\0';
        for (int i = 0; i < nprinters; i++)
            if (strcmp(printers[i].name, item) == 0)
                return cli_error(EXIT_USAGE, "--receipt-printers names printer '%s' twice", ENT_CLIP(item, 40));
        struct printer *p = &printers[nprinters];
        memset(p, 0, sizeof *p);
        if (strncmp(eq + 1, "tcp://", 6) == 0) {
            if (tcp_parse(p, eq + 1) != 0)
                return cli_error(
                    EXIT_USAGE, "--receipt-printers: printer '%s' at '%s' must be tcp://HOST:PORT, the port 1 to 65535",
                    ENT_CLIP(item, 40), ENT_CLIP(eq + 1, 40));
        } else {
            snprintf(p->path, sizeof p->path, "%s", eq + 1);
        }
        memcpy(p->name, item, (size_t)(eq - item) + 1); /* checked shorter than the name's room */
        pthread_mutex_init(&p->lock, NULL);
        nprinters++;
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

/* Waits up to ms for fd to be ready for events: 0, or an errno (ETIMEDOUT). */
static int wait_fd(int fd, short events, int ms)
{
    struct pollfd pf = {.fd = fd, .events = events};
    int n;
    while ((n = poll(&pf, 1, ms)) < 0 && errno == EINTR)
        ;
    return n < 0 ? errno : n == 0 ? ETIMEDOUT : 0;
}

/* A connection to p's raw port, each address tried for SRV_PRINT_CONNECT_S
 * seconds: the socket (non-blocking), or -1 with *err (an errno, or
 * EHOSTUNREACH for a name that does not resolve). */
static int tcp_open(const struct printer *p, int *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    *err = EHOSTUNREACH;
    if (getaddrinfo(p->host, p->port, &hints, &ai) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            *err = errno;
            continue;
        }
        int e = connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
        if (e == EINPROGRESS && (e = wait_fd(fd, POLLOUT, SRV_PRINT_CONNECT_S * 1000)) == 0) {
            socklen_t len = sizeof e;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
                e = errno;
        }
        if (e != 0) {
            *err = e;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    return fd;
}

/* Opens p for writing: 0 with *fd, or an errno. */
static int printer_open(const struct printer *p, int *fd)
{
    int err = 0;
    if (p->path[0] == '\0')
        *fd = tcp_open(p, &err);
    else if ((*fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0644)) < 0)
        err = errno;
    return *fd < 0 ? err : 0;
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
    int fd = -1, err = printer_open(p, &fd), opened = fd >= 0;
    if (opened)
        err = write_all(fd, bytes, len);
    if (opened && close(fd) != 0 && err == 0)
        err = errno;
    pthread_mutex_unlock(&p->lock);
    free(bytes);
    if (err != 0) {
        if (!opened && p->path[0] == '\0')
            reply_error(
                out, 502, "printer", "printer",
                "receipt printer '%s' does not answer at %s port %s: %s (receipt %lld is recorded: print a copy "
                "once it answers)",
                p->name, ENT_CLIP(p->host, 40), p->port,
                err == ETIMEDOUT      ? "no answer within " STR(SRV_PRINT_CONNECT_S) " seconds"
                : err == EHOSTUNREACH ? "the host cannot be found or reached"
                                      : strerror(err),
                (long long)sale->receipt);
        else if (err == ETIMEDOUT)
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
