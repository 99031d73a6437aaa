/* entrepot user, entrepot token: users and their roles, API tokens.
 * Who makes each change is the operating-system user running the program.
 * A password is never an argument (it would show in `ps` and the shell's
 * history): it comes from standard input or a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char user_help[] =
    "usage: entrepot user add NAME --role ROLE [--display TEXT] (--password-stdin | --password-file FILE)\n"
    "       entrepot user edit NAME [--role ROLE] [--display TEXT]\n"
    "                          [--password-stdin | --password-file FILE] [--unlock]\n"
    "       entrepot user list [--all]\n"
    "       entrepot user retire NAME\n"
    "\n"
    "NAME      login name: 1 to 64 of a-z 0-9 . _ - (lower case), unique\n"
    "ROLE      cashier, supervisor, stock-clerk, label-clerk, manager, auditor\n"
    "          (what each may do: README, \"Users, roles and tokens\")\n"
    "--display the name people see, such as 王芳 (default: the login name)\n"
    "--password-stdin   read the password from the first line of standard input\n"
    "--password-file F  read it from the first line of file F\n"
    "          (8 to 1024 bytes; never give a password as an argument)\n"
    "--unlock  lift the lock that ten failed logins put on the user\n"
    "--all     list retired users too\n"
    "A new password ends the user's sessions; a retired user cannot log in and\n"
    "its API tokens stop working. The last active manager cannot be retired or\n"
    "given another role. Changes are recorded with the operating-system user.\n"
    "\n"
    "example: printf '%s\\n' \"$PW\" | entrepot user add wang.fang --role cashier --display 王芳 --password-stdin\n";

static const char token_help[] = "usage: entrepot token add --user NAME --device TEXT\n"
                                 "       entrepot token list [--all]\n"
                                 "       entrepot token revoke ID\n"
                                 "\n"
                                 "An API token lets a device or a script act as a user on the store server\n"
                                 "(Authorization: Bearer ent_...). add prints the secret once, on standard\n"
                                 "output: it is stored only hashed and cannot be shown again. list shows each\n"
                                 "token's id, user, device, when it was made and last used, never the secret\n"
                                 "(--all: revoked ones too). revoke ends a token for good.\n"
                                 "\n"
                                 "example: entrepot token add --user scanner.7 --device \"收货枪 7\"\n";

/* Reads the password from the first line of f (without its line end) into
 * buf; 0, or the exit status after saying what is wrong (never the text). */
static int read_password(FILE *f, const char *from, char *buf, size_t len)
{
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (c == '\0')
            return cli_error(EXIT_USAGE, "the password from %s holds a NUL byte", from);
        if (n + 1 >= len)
            return cli_error(EXIT_USAGE, "the password from %s is too long: at most %d bytes", from, ENT_PASSWORD_MAX);
        buf[n++] = (char)c;
    }
    if (ferror(f))
        return cli_error(EXIT_IO, "reading the password from %s failed", from);
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return 0;
}

/* The password of --password-stdin or --password-file into buf; *given says
 * whether one of them was used. */
static int password_of(bool from_stdin, const char *file, char *buf, size_t len, bool *given)
{
    *given = from_stdin || file;
    if (from_stdin && file)
        return cli_error(EXIT_USAGE, "give the password once: --password-stdin or --password-file");
    if (from_stdin)
        return read_password(stdin, "standard input", buf, len);
    if (file == NULL)
        return 0;
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return cli_error(EXIT_IO, "password file %s cannot be read: %s", ENT_CLIP(file, 40), strerror(errno));
    char from[ENT_CLIP_SIZE + 16];
    snprintf(from, sizeof from, "file %s", ENT_CLIP(file, 40));
    int st = read_password(f, from, buf, len);
    fclose(f);
    return st;
}

static int parse_role(const char *s, int *role)
{
    if (s == NULL)
        return 0;
    if (ent_role_parse(NULL, s, role) != ENT_OK)
        return cli_error(EXIT_USAGE,
                         "--role '%s' is not a role: cashier, supervisor, stock-clerk, label-clerk, manager or auditor",
                         ENT_CLIP(s, 40));
    return 0;
}

/* add and edit: the same options, the password read before the database is
 * opened so that a bad file changes nothing. */
static int user_write(struct cli *cli, int argc, char **argv, bool adding)
{
    const char *role = NULL, *display = NULL, *file = NULL, *argument = NULL, *pos[1];
    bool from_stdin = false, unlock = false, given;
    char pw[ENT_PASSWORD_MAX + 2] = "";
    ent_user_fields f = {0};
    const struct cli_opt opts[] = {{"role", &role, NULL},          {"display", &display, NULL},
                                   {"password-file", &file, NULL}, {"password-stdin", NULL, &from_stdin},
                                   {"unlock", NULL, &unlock},      {"password", &argument, NULL},
                                   {0}};
    int npos, st = cli_parse(argc, argv, opts, user_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (argument) /* taken only to refuse it by name */
        return cli_error(EXIT_USAGE, "--password is refused: `ps` and the shell's history would show it; give "
                                     "--password-stdin or --password-file FILE");
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "user %s needs the login name (see --help)", adding ? "add" : "edit");
    if (adding && unlock)
        return cli_error(EXIT_USAGE, "--unlock is for user edit: a new user has nothing to unlock");
    if (adding && role == NULL)
        return cli_error(EXIT_USAGE, "user add needs --role (see --help)");
    if ((st = parse_role(role, &f.role)) != 0 || (st = password_of(from_stdin, file, pw, sizeof pw, &given)) != 0)
        goto done;
    if (adding && !given) {
        st = cli_error(EXIT_USAGE, "user add needs the password: --password-stdin or --password-file FILE");
        goto done;
    }
    f.display = display;
    f.password = given ? pw : NULL;
    f.unlock = unlock;
    if ((st = cli_open(cli, 0)) != 0)
        goto done;
    const char *by = ent_user_acting(cli->db);
    int rc = adding ? ent_user_add(cli->db, pos[0], &f, by) : ent_user_edit(cli->db, pos[0], &f, by);
    if (rc != ENT_OK)
        st = cli_fail(cli, rc);
    else
        printf("user %s %s by %s\n", pos[0], adding ? "added" : "changed", by);
done:
    explicit_bzero(pw, sizeof pw);
    return st;
}

struct user_rows {
    struct cli_table *t;
};

static int add_user_row(const ent_user *u, void *ud)
{
    char failures[24];
    snprintf(failures, sizeof failures, "%lld", (long long)u->failures);
    const char *status = u->retired ? "retired" : u->locked ? "locked" : "active";
    const char *cells[] = {u->name,       u->display,    ent_role_name(u->role), status,       failures,
                           u->created_at, u->created_by, u->changed_at,          u->changed_by};
    cli_table_add(((struct user_rows *)ud)->t, cells);
    return 0;
}

static int user_list(struct cli *cli, int argc, char **argv)
{
    bool all = false;
    const char *pos[1];
    const struct cli_opt opts[] = {{"all", NULL, &all}, {0}};
    int npos, st = cli_parse(argc, argv, opts, user_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    const char *h[] = {"user",    "display",    "role",    "status",    "failures",
                       "created", "created_by", "changed", "changed_by"};
    struct user_rows r = {cli_table_new(9, h, "    n    ")};
    int rc = ent_user_each(cli->db, all, add_user_row, &r);
    if (rc == ENT_OK)
        cli_table_print(cli, r.t, stdout);
    cli_table_free(r.t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int user_retire(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, user_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "user retire needs the login name (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *by = ent_user_acting(cli->db);
    int rc = ent_user_retire(cli->db, pos[0], by);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("user %s retired by %s: it can no longer log in\n", pos[0], by);
    return EXIT_OK;
}

int cmd_user(struct cli *cli, int argc, char **argv)
{
    if (argc < 1)
        return cli_error(EXIT_USAGE, "user needs add, edit, list or retire (see entrepot user --help)");
    if (strcmp(argv[0], "add") == 0 || strcmp(argv[0], "edit") == 0)
        return user_write(cli, argc - 1, argv + 1, argv[0][0] == 'a');
    if (strcmp(argv[0], "list") == 0)
        return user_list(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "retire") == 0)
        return user_retire(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(user_help, stdout);
        return EXIT_OK;
    }
    return cli_error(EXIT_USAGE, "user: unknown action '%s': add, edit, list or retire (see entrepot user --help)",
                     ENT_CLIP(argv[0], 40));
}

/* ---- tokens ------------------------------------------------------------- */

static int token_add(struct cli *cli, int argc, char **argv)
{
    const char *user = NULL, *device = NULL, *pos[1];
    const struct cli_opt opts[] = {{"user", &user, NULL}, {"device", &device, NULL}, {0}};
    int npos, st = cli_parse(argc, argv, opts, token_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (user == NULL || device == NULL)
        return cli_error(EXIT_USAGE, "token add needs --user and --device (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    ent_token_secret sec;
    int rc = ent_token_add(cli->db, &sec, user, device, ent_user_acting(cli->db));
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (cli->format == FORMAT_JSON) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)sec.id, "user", user, "device", device,
                              "secret", sec.secret);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        printf("%s\n", sec.secret);
    }
    fprintf(stderr, "entrepot: API token %lld for %s on %s: keep the secret now, it is not shown again\n",
            (long long)sec.id, user, device);
    explicit_bzero(&sec, sizeof sec);
    return EXIT_OK;
}

static int add_token_row(const ent_token_info *t, void *ud)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)t->id);
    const char *cells[] = {id,           t->user,      t->device, t->created_at, t->created_by ? t->created_by : "",
                           t->last_used, t->revoked_at};
    cli_table_add(ud, cells);
    return 0;
}

static int token_list(struct cli *cli, int argc, char **argv)
{
    bool all = false;
    const char *pos[1];
    const struct cli_opt opts[] = {{"all", NULL, &all}, {0}};
    int npos, st = cli_parse(argc, argv, opts, token_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    const char *h[] = {"id", "user", "device", "created", "created_by", "last_used", "revoked"};
    struct cli_table *t = cli_table_new(7, h, "n      ");
    int rc = ent_token_each(cli->db, all, add_token_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int token_revoke(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int64_t id;
    int npos, st = cli_parse(argc, argv, NULL, token_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "token revoke needs the token's id (see entrepot token list)");
    if ((st = cli_parse_whole(&id, "token id", pos[0], 1, INT64_MAX)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *by = ent_user_acting(cli->db);
    int rc = ent_token_revoke(cli->db, id, by);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("API token %lld revoked by %s\n", (long long)id, by);
    return EXIT_OK;
}

int cmd_token(struct cli *cli, int argc, char **argv)
{
    if (argc < 1)
        return cli_error(EXIT_USAGE, "token needs add, list or revoke (see entrepot token --help)");
    if (strcmp(argv[0], "add") == 0)
        return token_add(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "list") == 0)
        return token_list(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "revoke") == 0)
        return token_revoke(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(token_help, stdout);
        return EXIT_OK;
    }
    return cli_error(EXIT_USAGE, "token: unknown action '%s': add, list or revoke (see entrepot token --help)",
                     ENT_CLIP(argv[0], 40));
}
