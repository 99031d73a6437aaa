/* entrepot — the command-line program: global options and dispatch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "entrepot — inventory, labels and sales for import trading centres\n"
    "\n"
    "usage: entrepot [--db PATH] [--json | --csv] COMMAND [ARGS...]\n"
    "\n"
    "  init        create a database for a store\n"
    "  demo        fill a new database with a realistic demo centre\n"
    "  store       show and edit the store's name, address and phone\n"
    "  user        add, edit, list and retire users and their roles\n"
    "  token       API tokens for devices and scripts: add, list, revoke\n"
    "  product     add, edit, show, list, search, import and export commodities\n"
    "  location    add and list stock locations\n"
    "  supplier    suppliers and what each supplies: add, edit, list, show, CSV\n"
    "  purchase    purchase orders: new, line, send, receive, suggest, pdf, list\n"
    "  rate        exchange rates per currency and day: set, import, list\n"
    "  landed      landed cost of the lots of a customs declaration\n"
    "  stock       receive, move, adjust, scrap, count; levels, history\n"
    "  scan        show what a scanned code means and what it resolves to\n"
    "  journal     the signed sales journal: keygen, close, verify, export, pubkey\n"
    "  label       print shelf labels, item tags, back labels, carton labels\n"
    "  counter     the till: scan, change, pay, print (reads a scanner or a pipe)\n"
    "  sale        one sale from arguments: codes and payments\n"
    "  return      take goods back, with or without the receipt\n"
    "  flow        import door-counter counts, or record one by hand\n"
    "  report      sales (by day, hour, counter, cashier, commodity, country), flow\n"
    "  receipt     verify a printed receipt's QR payload\n"
    "  serve       the store server: the JSON API over HTTP for the hall's devices\n"
    "  transfer    ship goods with their lots to another store, receive them\n"
    "  sync        push this store's changes to head office (PostgreSQL)\n"
    "  hq          head office: set up its PostgreSQL schema, register stores\n"
    "  check       integrity check and ledger recomputation\n"
    "  backup      consistent online copy of the database\n"
    "  version     print the version\n"
    "\n"
    "The database is --db PATH, else $ENTREPOT_DB, else ./entrepot.db.\n"
    "Every command has --help with an example. Exit status: 0 ok, 1 refused\n"
    "(not enough stock, expired lot, tampered journal), 2 usage or input error,\n"
    "3 database or I/O error.\n";

/* `label` runs in its own program, entrepot-label, beside this one: the
 * renderer needs cairo, libzint and fontconfig, and loading those libraries
 * would add about 15 ms to every other command's start (a counter's scan, a
 * receipt), so only label printing pays for them. */
static char **original_argv;

int cli_label_exec(struct cli *cli, int argc, char **argv)
{
    char self[4096], path[4200];
    (void)cli;
    (void)argc;
    (void)argv;
    if (cli_self_dir(self, sizeof self) != 0)
        return cli_error(EXIT_IO, "cannot find where entrepot is installed: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/entrepot-label", self);
    original_argv[0] = path;
    execv(path, original_argv);
    return cli_error(EXIT_IO, "%s: %s (it is built with entrepot)", path, strerror(errno));
}

static const struct cli_command commands[] = {
    {"init", cmd_init},       {"demo", cmd_demo},     {"product", cmd_product}, {"location", cmd_location},
    {"stock", cmd_stock},     {"transfer", cmd_transfer}, {"scan", cmd_scan},     {"journal", cmd_journal}, {"receipt", cmd_receipt},
    {"check", cmd_check},     {"backup", cmd_backup}, {"label", cli_label_exec},
    {"counter", cmd_counter}, {"sale", cmd_sale},     {"return", cmd_return},   {"flow", cmd_flow},
    {"report", cmd_report},   {"store", cmd_store},
    {"user", cmd_user},       {"token", cmd_token},   {"serve", cmd_serve},
    {"supplier", cmd_supplier}, {"purchase", cmd_purchase}, {"rate", cmd_rate}, {"landed", cmd_landed},
    {"hq", cmd_hq},           {"sync", cmd_sync},
};

int main(int argc, char **argv)
{
    original_argv = calloc((size_t)argc + 1, sizeof *original_argv);
    if (original_argv == NULL)
        return EXIT_IO;
    memcpy(original_argv, argv, (size_t)argc * sizeof *argv);
    return cli_main(argc, argv, usage, commands, sizeof commands / sizeof *commands);
}
