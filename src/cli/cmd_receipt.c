/* entrepot receipt verify: checks a printed receipt's QR payload. */
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"


static const char receipt_help[] =
    "usage: entrepot receipt verify [--pubkey FILE] PAYLOAD\n"
    "\n"
    "Checks the QR payload printed on a receipt (README, \"Receipt QR payload\"):\n"
    "its signature against the store's public key(s) in FILE, or, without\n"
    "--pubkey, against the keys of the journal in the database. When the\n"
    "database is the store's, the journal's record must also match the receipt.\n"
    "Exit 0 genuine, 1 forged or not matching the journal, 2 not a payload.\n"
    "\n"
    "example: entrepot receipt verify --pubkey sh01.pub.pem 'ENT1|SH01|42|SALE|...'\n";

static int receipt_verify(struct cli *cli, int argc, char **argv)
{
    const char *pubkey = NULL;
    const struct cli_opt opts[] = {{"pubkey", &pubkey, NULL}, {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, receipt_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "give the receipt's QR payload (see --help)");
    /* Offline, with a public key and no database, an empty in-memory one
     * carries the messages. */
    int rc = pubkey && access(cli->db_path, F_OK) != 0 ? ent_db_open(&cli->db, ":memory:", ENT_OPEN_CREATE)
                                                        : ent_db_open(&cli->db, cli->db_path, ENT_OPEN_READONLY);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    ent_journal_receipt r;
    rc = ent_journal_receipt_verify(cli->db, &r, pos[0], pubkey);
    if (rc != ENT_OK && rc != ENT_TAMPERED)
        return cli_error(EXIT_USAGE, "%s", cli_errmsg(cli));
    if (cli->format == FORMAT_JSON) {
        json_t *o = json_pack("{s:b,s:s,s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:b}", "valid", rc == ENT_OK, "store", r.store,
                              "seq", (json_int_t)r.seq, "kind", r.kind, "time", r.time, "total", (json_int_t)r.total,
                              "currency", r.currency, "hash", r.hash, "key_id", r.key_id, "in_journal", r.in_journal);
        if (rc != ENT_OK)
            json_object_set_new(o, "reason", json_string(cli_errmsg(cli)));
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
        return rc == ENT_OK ? EXIT_OK : cli_error(EXIT_REFUSED, "the receipt is not valid: %s", cli_errmsg(cli));
    }
    if (rc != ENT_OK) {
        printf("NOT VALID: %s\n", cli_errmsg(cli));
        return cli_error(EXIT_REFUSED, "the receipt is not valid: %s", cli_errmsg(cli));
    }
    /* People read times in the store's zone: known when the database is the
     * store's; otherwise the signed UTC time is shown as such. */
    char m[64], at[96];
    ent_store *store = NULL;
    if (ent_store_get(cli->db, &store) == ENT_OK && strcmp(store->code, r.store) == 0) {
        char local[24];
        cli_local_time(local, sizeof local, store->tz, r.time);
        snprintf(at, sizeof at, "%s (%s)", local, store->tz);
    } else {
        char utc[24];
        cli_local_time(utc, sizeof utc, "UTC", r.time);
        snprintf(at, sizeof at, "%s (UTC)", utc);
    }
    ent_store_free(store);
    cli_money(m, sizeof m, r.total, r.currency);
    printf("valid: %s record %lld of store %s, %s, %s\n", r.kind, (long long)r.seq, r.store, at, m);
    printf("signed by key %s\n", r.key_id);
    printf("%s\n", r.in_journal ? "the journal holds this record unchanged"
                                : "not compared with a journal (another store's database, or none)");
    return EXIT_OK;
}

int cmd_receipt(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(receipt_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[0], "verify") == 0)
        return receipt_verify(cli, argc - 1, argv + 1);
    char a[64];
    return cli_error(EXIT_USAGE, "unknown receipt command '%s' (see entrepot receipt --help)",
                     ent_text_clip(a, sizeof a, argv[0], 40));
}
