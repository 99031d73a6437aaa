/* Printing through CUPS: the job is written to a temporary file and handed
 * to `lp` (raw for ZPL, which the printer interprets itself). lp's exit
 * status says whether CUPS accepted the job. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "label_int.h"

extern char **environ;

/* Runs argv with stdout and stderr into out (NUL-terminated, at most len-1
 * bytes kept). Returns the exit status, or -1 with errno when it could not start. */
static int run_capture(char *const argv[], char *out, size_t len)
{
    int fd[2], status = -1;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    size_t n = 0;
    out[0] = '\0';
    if (pipe(fd) != 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 2);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (err != 0) {
        close(fd[0]);
        errno = err;
        return -1;
    }
    for (;;) {
        char buf[512];
        ssize_t got = read(fd[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got && n + 1 < len; i++)
            out[n++] = buf[i];
    }
    out[n] = '\0';
    close(fd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* lp reports "not found" through the shell convention 127 when exec failed in the child. */
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

int ent_label_job_print(ent_label_job *job, char *request_id, size_t len, const char *printer)
{
    char path[] = "/tmp/entrepot-label-XXXXXX";
    char said[1024];
    const char *lp = getenv("ENTREPOT_LP");
    int rc = ENT_OK, fd = -1;
    FILE *f = NULL;
    ent_error_clear();
    if (request_id && len)
        request_id[0] = '\0';
    if (lp == NULL || *lp == '\0')
        lp = "lp";
    if (printer == NULL || *printer == '\0' || printer[0] == '-' || strpbrk(printer, " /\t\n") != NULL)
        return entx_label_fail(job, ENT_INVALID, "'%s' is not a printer name (lpstat -p lists them)", printer ? printer : "");
    if (job->opt.format == ENT_LABEL_SVG)
        return entx_label_fail(job, ENT_INVALID, "printers take PDF, PNG or ZPL, not SVG");
    fd = mkstemp(path);
    if (fd < 0)
        return entx_label_fail(job, ENT_ERROR, "cannot make a temporary file: %s", strerror(errno));
    f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        rc = entx_label_fail(job, ENT_ERROR, "cannot make a temporary file: %s", strerror(errno));
        goto done;
    }
    rc = ent_label_job_write(job, f);
    if (fclose(f) != 0 && rc == ENT_OK)
        rc = entx_label_fail(job, ENT_ERROR, "writing the temporary file failed");
    if (rc != ENT_OK)
        goto done;
    char *argv[] = {(char *)lp, "-d", (char *)printer, "-t", (char *)job->t->name, "-o", "raw", path, NULL};
    if (job->opt.format != ENT_LABEL_ZPL) { /* drop "-o raw": CUPS renders PDF and PNG for the printer */
        argv[5] = path;
        argv[6] = NULL;
    }
    int st = run_capture(argv, said, sizeof said);
    trim(said);
    if (st < 0 || st == 127) {
        rc = entx_label_fail(job, ENT_ERROR, "cannot run %s: %s (install cups-client, or set ENTREPOT_LP)", lp,
                        st < 0 ? strerror(errno) : "not found");
    } else if (st != 0) {
        bool missing = strstr(said, "does not exist") || strstr(said, "Unknown destination") ||
                       strstr(said, "Invalid destination");
        rc = entx_label_fail(job, missing ? ENT_NOTFOUND : ENT_ERROR, "%s '%s': %s", missing ? "no such printer" :
                        "printing to", printer, *said ? said : "lp failed without saying why");
    } else if (request_id && len) {
        snprintf(request_id, len, "%s", said);
    }
done:
    unlink(path);
    return rc;
}
