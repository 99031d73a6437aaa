/* `entrepot transfer`: goods between the stores of a chain (issue 13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char transfer_help[] =
    "usage: entrepot transfer ship --to STORE (--gtin CODE --qty N [--lot LOT] ... | --file CSV)\n"
    "                              [--from LOCATION] [--note TEXT]\n"
    "       entrepot transfer receive UUID --location LOCATION [--note TEXT]\n"
    "                              [--counted CSV | --gtin CODE --qty N [--lot LOT] [--damaged N] ...]\n"
    "       entrepot transfer list [--in | --out]\n"
    "       entrepot transfer show UUID\n"
    "\n"
    "Moves goods with their lots (origin, declaration, dates, supplier, cost) to\n"
    "another store of the chain (README, \"Transfers between stores\").\n"
    "\n"
    "ship     takes the goods out of this store's stock (shelf and back room, never\n"
    "         expired lots; --from LOCATION first; without --lot, first expiry first)\n"
    "         and records the transfer, in one transaction: the goods are in transit\n"
    "         from then on. STORE is one of the chain's stores as head office listed\n"
    "         them at this store's last sync. --file CSV: a header and rows of\n"
    "         gtin,qty[,lot]. Prints the transfer's UUID. The next sync sends it.\n"
    "receive  puts an incoming transfer (brought by this store's sync) into LOCATION:\n"
    "         each lot as the sender had it. Without counts everything arrived as\n"
    "         shipped; with counts (--counted CSV: gtin,qty[,lot][,damaged], or\n"
    "         --gtin ... --qty ...) a line no count names arrived with 0 units.\n"
    "         qty is the good units put into stock, --damaged the unsellable ones\n"
    "         (recorded, not stocked); short and over are what differs from the\n"
    "         shipped quantity. A transfer is received once. The next sync sends\n"
    "         the receipt back.\n"
    "list     transfers, newest first, with their status (shipped: in transit).\n"
    "show     a transfer's lines: shipped, received, damaged.\n"
    "\n"
    "examples:\n"
    "  entrepot transfer ship --to SH02 --gtin 8001505005707 --qty 24 --lot L2406\n"
    "  entrepot transfer receive 0f9c2d4e --location B-01 --gtin 8001505005707 --qty 22 --damaged 1\n";

struct items {
    ent_transfer_item *ship;
    ent_transfer_count *count;
    size_t n, cap;
};

static int grow(struct items *it)
{
    if (it->n < it->cap)
        return 0;
    size_t cap = it->cap ? it->cap * 2 : 8;
    ent_transfer_item *s = realloc(it->ship, cap * sizeof *s);
    if (s)
        it->ship = s;
    ent_transfer_count *c = s ? realloc(it->count, cap * sizeof *c) : NULL;
    if (c)
        it->count = c;
    if (s == NULL || c == NULL)
        return cli_error(EXIT_IO, "out of memory");
    it->cap = cap;
    return 0;
}

static int add_item(struct items *it, const char *product)
{
    if (it->n >= ENT_TRANSFER_LINES_MAX)
        return cli_error(EXIT_USAGE, "a transfer holds at most %d commodities", ENT_TRANSFER_LINES_MAX);
    int st = grow(it);
    if (st == 0) {
        it->ship[it->n] = (ent_transfer_item){.product = product, .qty = -1};
        it->count[it->n] = (ent_transfer_count){.product = product, .received = -1};
        it->n++;
    }
    return st;
}

/* Sets a quantity of the last --gtin. */
static int set_num(struct items *it, const char *opt, const char *val, bool receive)
{
    int64_t n;
    if (it->n == 0)
        return cli_error(EXIT_USAGE, "%s belongs to a --gtin: give --gtin CODE first", opt);
    size_t k = it->n - 1;
    int st = cli_parse_whole(&n, opt, val, strcmp(opt, "--qty") == 0 && !receive ? 1 : 0, 1000000000);
    if (st != 0)
        return st;
    if (strcmp(opt, "--damaged") == 0)
        it->count[k].damaged = n;
    else if (it->ship[k].qty >= 0)
        return cli_error(EXIT_USAGE, "--qty given twice for --gtin %s", ENT_CLIP(it->ship[k].product, 40));
    else
        it->ship[k].qty = it->count[k].received = n;
    return 0;
}

struct args {
    const char *to, *from, *note, *file, *counted, *location;
    bool in, out;
    const char *pos[2];
    int npos;
    struct items it;
};

static int take_value(int argc, char **argv, int *i, const char **out)
{
    char *eq = strchr(argv[*i], '=');
    if (eq) {
        *out = eq + 1;
        return 0;
    }
    if (*i + 1 >= argc)
        return cli_error(EXIT_USAGE, "%s needs a value", argv[*i]);
    *out = argv[++*i];
    return 0;
}

static bool is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Options may repeat (--gtin ... --qty ...), so they are read here rather
 * than by cli_parse. Returns 0, -1 after --help, or the exit status. */
static int parse(int argc, char **argv, struct args *a, bool receive)
{
    static const char *const singles[] = {"--to", "--from", "--note", "--file", "--counted", "--location"};
    for (int i = 0; i < argc; i++) {
        const char *v = NULL, *arg = argv[i];
        int st = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(transfer_help, stdout);
            return -1;
        }
        if (strcmp(arg, "--in") == 0 || strcmp(arg, "--out") == 0) {
            *(strcmp(arg, "--in") == 0 ? &a->in : &a->out) = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (a->npos >= 2)
                return cli_error(EXIT_USAGE, "unexpected argument '%s' (see --help)", ENT_CLIP(arg, 40));
            a->pos[a->npos++] = arg;
            continue;
        }
        const char **slot = NULL;
        const char **slots[] = {&a->to, &a->from, &a->note, &a->file, &a->counted, &a->location};
        for (int k = 0; k < 6; k++)
            if (is_opt(arg, singles[k]))
                slot = slots[k];
        bool item = is_opt(arg, "--gtin") || is_opt(arg, "--qty") || is_opt(arg, "--lot") || is_opt(arg, "--damaged");
        if (slot == NULL && !item)
            return cli_error(EXIT_USAGE, "unknown option '%s' (see --help)", ENT_CLIP(arg, 40));
        if ((st = take_value(argc, argv, &i, &v)) != 0)
            return st;
        if (v[0] == '\0')
            return cli_error(EXIT_USAGE, "%.12s is empty: give a value or leave it out", arg);
        if (slot && *slot)
            return cli_error(EXIT_USAGE, "%.12s given twice", arg);
        if (slot)
            *slot = v;
        else if (is_opt(arg, "--gtin"))
            st = add_item(&a->it, v);
        else if (is_opt(arg, "--lot")) {
            if (a->it.n == 0)
                return cli_error(EXIT_USAGE, "--lot belongs to a --gtin: give --gtin CODE first");
            a->it.ship[a->it.n - 1].lot = a->it.count[a->it.n - 1].lot = v;
        } else
            st = set_num(&a->it, is_opt(arg, "--qty") ? "--qty" : "--damaged", v, receive);
        if (st != 0)
            return st;
    }
    for (size_t k = 0; k < a->it.n; k++)
        if (a->it.ship[k].qty < 0)
            return cli_error(EXIT_USAGE, "--gtin %s needs its --qty", ENT_CLIP(a->it.ship[k].product, 40));
    return 0;
}

/* Reads gtin,qty[,lot][,damaged] rows (after a header) into it. The strings
 * are kept in *keep (freed by the caller). */
static int read_csv(struct items *it, const char *path, bool receive, char ***keep, size_t *nkeep)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    ent_csv *csv = NULL;
    char **fields;
    size_t count;
    int st = 0, r;
    if (f == NULL)
        return cli_error(EXIT_USAGE, "cannot read %s", ENT_CLIP(path, 60));
    if (ent_csv_open(&csv, f) != ENT_OK) {
        st = cli_error(EXIT_IO, "out of memory");
        goto done;
    }
    bool header = true;
    while (st == 0 && (r = ent_csv_next(csv, &fields, &count)) == 1) {
        if (header) {
            header = false;
            continue;
        }
        if (count < 2 || count > (receive ? 4u : 3u) || fields[0][0] == '\0') {
            st = cli_error(EXIT_USAGE, "%s line %zu: want gtin,qty%s", ENT_CLIP(path, 60), ent_csv_line(csv),
                           receive ? "[,lot][,damaged]" : "[,lot]");
            break;
        }
        char **g = realloc(*keep, (*nkeep + 2) * sizeof *g);
        if (g == NULL || (st = add_item(it, NULL)) != 0) {
            st = st ? st : cli_error(EXIT_IO, "out of memory");
            break;
        }
        *keep = g;
        g[(*nkeep)++] = strdup(fields[0]);
        g[(*nkeep)++] = count > 2 && fields[2][0] ? strdup(fields[2]) : NULL;
        it->ship[it->n - 1].product = it->count[it->n - 1].product = g[*nkeep - 2];
        it->ship[it->n - 1].lot = it->count[it->n - 1].lot = g[*nkeep - 1];
        if ((st = set_num(it, "--qty", fields[1], receive)) == 0 && count > 3 && fields[3][0])
            st = set_num(it, "--damaged", fields[3], receive);
    }
    if (st == 0 && r < 0)
        st = cli_error(EXIT_USAGE, "%s: %s", ENT_CLIP(path, 60), ent_error_last()->message);
    if (st == 0 && it->n == 0)
        st = cli_error(EXIT_USAGE, "%s holds no rows after its header", ENT_CLIP(path, 60));
done:
    ent_csv_free(csv);
    if (f != stdin)
        fclose(f);
    return st;
}

static int do_ship(struct cli *cli, struct args *a)
{
    char uuid[ENT_UUID_SIZE];
    if (a->to == NULL)
        return cli_error(EXIT_USAGE, "transfer ship needs --to STORE");
    if (a->npos != 1 || a->location || a->in || a->out)
        return cli_error(EXIT_USAGE, "transfer ship takes --to, --gtin/--qty/--lot or --file, --from and --note");
    if (a->it.n == 0)
        return cli_error(EXIT_USAGE, "transfer ship needs the goods: --gtin CODE --qty N ... or --file CSV");
    for (size_t k = 0; k < a->it.n; k++)
        if (a->it.count[k].damaged)
            return cli_error(EXIT_USAGE, "--damaged is for transfer receive");
    int st = cli_open(cli, 0);
    if (st != 0)
        return st;
    int rc = ent_transfer_ship(cli->db, uuid,
                               &(ent_transfer_ship_req){
                                   .to = a->to, .items = a->it.ship, .n = a->it.n, .from = a->from, .note = a->note});
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    int64_t units = 0;
    for (size_t k = 0; k < a->it.n; k++)
        units += a->it.ship[k].qty;
    printf("%s\n", uuid);
    fprintf(stderr, "transfer %s: %lld unit%s of %zu commodit%s shipped to %s, in transit until it is received\n",
            uuid, (long long)units, units == 1 ? "" : "s", a->it.n, a->it.n == 1 ? "y" : "ies", a->to);
    return 0;
}

static int do_receive(struct cli *cli, struct args *a)
{
    if (a->npos != 2)
        return cli_error(EXIT_USAGE, "transfer receive needs the transfer's UUID");
    if (a->location == NULL)
        return cli_error(EXIT_USAGE, "transfer receive needs --location LOCATION (where the goods go)");
    if (a->to || a->from || a->in || a->out)
        return cli_error(EXIT_USAGE, "transfer receive takes --location, --note and --counted or --gtin/--qty");
    int st = cli_open(cli, 0);
    if (st != 0)
        return st;
    int rc = ent_transfer_receive(cli->db, &(ent_transfer_receive_req){.transfer = a->pos[1],
                                                                       .location = a->location,
                                                                       .counts = a->it.count,
                                                                       .n = a->it.n,
                                                                       .note = a->note});
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("transfer %s received into %s\n", a->pos[1], a->location);
    return 0;
}

static int add_row(const ent_transfer_info *t, void *ud)
{
    char cells[7][32];
    snprintf(cells[0], sizeof cells[0], "%lld", (long long)t->lines);
    snprintf(cells[1], sizeof cells[1], "%lld", (long long)t->shipped);
    const int64_t nums[] = {t->received, t->damaged, t->short_units, t->over};
    for (int k = 0; k < 4; k++)
        snprintf(cells[2 + k], sizeof cells[2 + k], "%lld", (long long)nums[k]);
    const char *row[] = {t->uuid, t->direction, t->from, t->to, t->status, t->shipped_at,
                         t->received_at ? t->received_at : "", cells[0], cells[1], cells[2], cells[3], cells[4],
                         cells[5], t->location ? t->location : ""};
    cli_table_add(ud, row);
    return ENT_OK;
}

static int do_list(struct cli *cli, struct args *a)
{
    static const char *const head[] = {"uuid",  "direction", "from",     "to",      "status",
                                       "shipped_at", "received_at", "lines", "shipped", "received",
                                       "damaged",    "short",       "over",  "location"};
    if (a->npos != 1 || (a->in && a->out) || a->it.n || a->to || a->from || a->location)
        return cli_error(EXIT_USAGE, "transfer list takes --in or --out");
    int st = cli_open(cli, 0);
    if (st != 0)
        return st;
    struct cli_table *t = cli_table_new(14, head, "-------nnnnnn-");
    int rc = ent_transfer_each(cli->db, a->in ? "in" : a->out ? "out" : NULL, add_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? 0 : cli_fail(cli, rc);
}

static int add_line(const ent_transfer_line *l, void *ud)
{
    char cells[4][32];
    snprintf(cells[0], sizeof cells[0], "%d", l->line);
    snprintf(cells[1], sizeof cells[1], "%lld", (long long)l->qty);
    cells[2][0] = cells[3][0] = '\0';
    if (l->received >= 0) {
        snprintf(cells[2], sizeof cells[2], "%lld", (long long)l->received);
        snprintf(cells[3], sizeof cells[3], "%lld", (long long)l->damaged);
    }
    const char *row[] = {cells[0], l->product, l->lot, l->origin, l->declaration ? l->declaration : "",
                         l->expiry ? l->expiry : "", cells[1], cells[2], cells[3]};
    cli_table_add(ud, row);
    return ENT_OK;
}

static int do_show(struct cli *cli, struct args *a)
{
    static const char *const head[] = {"line", "product", "lot", "origin", "declaration", "expiry",
                                       "shipped", "received", "damaged"};
    if (a->npos != 2)
        return cli_error(EXIT_USAGE, "transfer show needs the transfer's UUID");
    int st = cli_open(cli, 0);
    if (st != 0)
        return st;
    struct cli_table *t = cli_table_new(9, head, "n-----nnn");
    int rc = ent_transfer_lines(cli->db, a->pos[1], add_line, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? 0 : cli_fail(cli, rc);
}

int cmd_transfer(struct cli *cli, int argc, char **argv)
{
    struct args a = {0};
    char **keep = NULL;
    size_t nkeep = 0;
    bool receive = argc > 0 && strcmp(argv[0], "receive") == 0;
    int st = parse(argc, argv, &a, receive);
    if (st == 0 && a.npos == 0)
        st = cli_error(EXIT_USAGE, "transfer needs ship, receive, list or show (see --help)");
    const char *csv = st == 0 ? (receive ? a.counted : a.file) : NULL;
    if (csv && a.it.n > 0)
        st = cli_error(EXIT_USAGE, "give the goods either as --gtin CODE --qty N ... or as %s CSV",
                       receive ? "--counted" : "--file");
    else if (csv)
        st = read_csv(&a.it, csv, receive, &keep, &nkeep);
    a.file = a.counted = NULL; /* read: the items stand for them */
    if (st == 0) {
        if (strcmp(a.pos[0], "ship") == 0)
            st = do_ship(cli, &a);
        else if (receive)
            st = do_receive(cli, &a);
        else if (strcmp(a.pos[0], "list") == 0)
            st = do_list(cli, &a);
        else if (strcmp(a.pos[0], "show") == 0)
            st = do_show(cli, &a);
        else
            st = cli_error(EXIT_USAGE, "transfer needs ship, receive, list or show, not '%s'", ENT_CLIP(a.pos[0], 40));
    }
    for (size_t k = 0; k < nkeep; k++)
        free(keep[k]);
    free(keep);
    free(a.it.ship);
    free(a.it.count);
    return st < 0 ? EXIT_OK : cli_stdout_status(st);
}
