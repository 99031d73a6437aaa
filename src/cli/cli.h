/* The entrepot program's shared pieces: options, output formats, exit codes. */
#ifndef ENT_CLI_H
#define ENT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "entrepot/entrepot.h"

/* Exit status (DESIGN.md): 0 ok, 1 refused, 2 usage or input error, 3 database or I/O. */
enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

enum cli_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV };

struct cli {
    const char *db_path;
    enum cli_format format;
    ent_db *db;
};

/* Opens cli->db (flags as ent_db_open). Returns 0, or the exit status after
 * printing why. */
int cli_open(struct cli *cli, int flags);

/* Maps an ENT_* code to the exit status. */
int cli_exit_code(int rc);

/* The db's message for its last failure followed by what to type about it
 * (the library's hint, ent_errhint, in the program's words: a command or an
 * option). Borrowed: valid until the next call. */
const char *cli_errmsg(struct cli *cli);
/* The same for a handle of the front end's own (the server's). */
const char *cli_db_errmsg(ent_db *db);

/* Prints "entrepot: <cli_errmsg>" to stderr and returns the exit status for rc. */
int cli_fail(struct cli *cli, int rc);

/* Prints "entrepot: <message>" to stderr and returns status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The folder of the running program, links resolved: 0, or -1 with errno. */
int cli_self_dir(char *buf, size_t len);

/*
 * Options of one command. Each option is "--name VALUE" (or --name=VALUE)
 * when value is set, a flag when flag is set. --help prints help and makes
 * cli_parse return -1 (the caller exits 0). Anything else that starts with
 * "--" is an error (exit 2). Positionals are gathered into pos (at most
 * max_pos; more is an error).
 */
struct cli_opt {
    const char *name;
    const char **value;
    bool *flag;
};
int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char *help, const char **pos,
              int max_pos, int *npos);

/* 0, or 2 after saying so when an option was given an empty value: an empty
 * value is a mistake (an unset variable in a script), never "not given"
 * (an empty --origin would fall back to the default, an empty --pubkey to
 * no key). */
int cli_refuse_empty(const struct cli_opt *opts);

/* A result table printed as aligned text, JSON (array of objects) or CSV. */
struct cli_table;
struct cli_table *cli_table_new(int ncols, const char *const *headers, const char *numeric_cols);
void cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(struct cli *cli, struct cli_table *t, FILE *f);
void cli_table_free(struct cli_table *t);
size_t cli_table_rows(const struct cli_table *t);
int cli_table_cols(const struct cli_table *t);
/* A column's header and a cell (row from 0), borrowed. */
const char *cli_table_header(const struct cli_table *t, int col);
const char *cli_table_cell(const struct cli_table *t, size_t row, int col);

/*
 * The exports for spreadsheets (src/cli/xlsx.c): --excel (CSV starting with a
 * UTF-8 byte-order mark, so that Excel reads it as UTF-8) and --xlsx FILE (an
 * Excel workbook with typed cells). A command that offers them puts
 * CLI_EXPORT_OPTS(e) among its options, calls cli_export_check after parsing
 * (it refuses --json with them, and both at once, and makes the output a
 * script's: every row, no totals line) and prints its table with
 * cli_export_table.
 */
struct cli_export {
    const char *xlsx;
    bool excel;
};
#define CLI_EXPORT_OPTS(e) {"xlsx", &(e).xlsx, NULL}, {"excel", NULL, &(e).excel}
int cli_export_check(struct cli *cli, const struct cli_export *e);
/* Prints t as the command's format (with the BOM for --excel) to standard
 * output, or writes it to the --xlsx file as a sheet named sheet. Returns 0
 * or the exit status after saying what failed. */
int cli_export_table(struct cli *cli, struct cli_table *t, const struct cli_export *e, const char *sheet);
/* Writes the CSV text in csv (header first, as `product export` writes it)
 * to an .xlsx file at path: the catalogue's export. */
int cli_xlsx_from_csv(struct cli *cli, FILE *csv, const char *path, const char *sheet);

/* Display width of UTF-8 text in a terminal (CJK counts 2). */
size_t cli_text_width(const char *s);

/* A 14-digit GTIN in the form printed under its barcode (13 or 8 digits). */
const char *cli_gtin(const char *gtin);

/* Parses a whole number from min to max into *out; returns 0 or the exit
 * status after saying what is wrong, what first ("--qty '0' is too small:
 * the least is 1"). Every numeric option goes through it. */
int cli_parse_whole(int64_t *out, const char *what, const char *s, int64_t min, int64_t max);

/* Reads one line of f without its '\n' into *line (grown as needed, the
 * caller frees it), counting lines in *lineno. Returns its length, -1 at the
 * end of the input, or -2 after saying why (a line over CLI_LINE_MAX bytes
 * or holding a NUL byte is refused as soon as it is seen, so endless input
 * stops at once). A shorter line too long for any code is the caller's to
 * refuse by itself: a counter says so and goes on with the next scan. */
#define CLI_LINE_MAX (1024 * 1024)
ssize_t cli_read_line(FILE *f, char **line, size_t *cap, size_t *lineno);
/* Writes prompt to out and reads one line from in (without its end), or
 * NULL at the end of input; with secret, echo is off while in is a terminal
 * (a password). The caller frees (and wipes a secret). */
char *cli_ask(FILE *in, FILE *out, const char *prompt, bool secret);

/* Parses --limit (a whole number, 0 for all) into *out when s is set;
 * returns 0 or the exit status after saying what is wrong. */
int cli_parse_limit(long long *out, const char *s);

/* One basket line as a till shows it, numbered n: name, origin, quantity in
 * its selling unit (2瓶 x 653.80/瓶) or weight (500 g at 45.00/kg), amount,
 * discount and approver. The local and the server's counter both use it. */
void cli_till_line(FILE *out, size_t n, const ent_basket_line *l, const char *currency);

/* Money with its currency, for people ("12.50 CNY"). */
void cli_money(char *buf, size_t len, int64_t minor, const char *currency);

/* Refuses an output path that is a file entrepot owns: the database, its
 * -wal, -shm and -journal, its signing key (DB.key, $ENTREPOT_KEY). Compared
 * by device and inode where the file exists, by resolved path otherwise.
 * Returns 0, or the exit status after saying why. */
int cli_check_output(struct cli *cli, const char *path);

/* An output file: checked with cli_check_output, written under a temporary
 * name beside it and renamed into place by cli_out_close(o, true), so that a
 * failed write leaves the old file (or none). Devices and pipes are written
 * directly. cli_out_close(o, false) drops the temporary file. Both return 0
 * or the exit status after saying what failed. */
struct cli_out {
    FILE *f;
    const char *path; /* as given, for messages */
    char *tmp, *final;
};
int cli_out_open(struct cli *cli, struct cli_out *o, const char *path);
int cli_out_close(struct cli_out *o, bool ok);

/* Flushes standard output: a failed write (full disk, closed pipe) turns
 * status 0 into EXIT_IO, with the reason on standard error. */
int cli_stdout_status(int status);

/* A command: its name and what runs it (returns the exit status). */
struct cli_command {
    const char *name;
    int (*run)(struct cli *, int, char **);
};

/* Parses the global options (--db, --json, --csv, --help, --version) and runs
 * the named command; closes the database afterwards. */
int cli_main(int argc, char **argv, const char *usage, const struct cli_command *commands, size_t ncommands);

/* A list of codes read by cli_read_codes: v[0..n-1], owned. */
struct cli_codes {
    char **v;
    size_t n, cap;
};

/*
 * Reads commodity codes from path ("-": standard input), one per line, for
 * --codes FILE. Blank lines and lines starting with '#' are skipped, spaces
 * around a code are trimmed. Appends to out. Returns 0, or the exit status
 * after naming the file and the line number that is wrong (not UTF-8, two
 * codes on one line, too long). Release with cli_codes_free.
 */
int cli_read_codes(struct cli_codes *out, const char *path);
void cli_codes_free(struct cli_codes *c);

/*
 * The input of a CSV import: the file (or standard input for "-") and its
 * --encoding (utf-8, the default, gb18030 or gbk), decoded to UTF-8 by the
 * library's one decoding step (ent_csv_decode) before anything is opened or
 * written. Every import command takes CLI_ENCODING_OPT, opens its input with
 * cli_input_open, reads in->f, reports a failed import with cli_input_fail
 * (a UTF-8 file that is not is named by line and byte, with what to try) and
 * closes with cli_input_close.
 */
struct cli_input {
    FILE *f;          /* what the import reads: UTF-8 */
    FILE *raw;        /* the file as given */
    const char *name; /* as given, for messages */
    bool decoded;
};
#define CLI_ENCODING_OPT(v) {"encoding", &(v), NULL}
/* Returns 0, or the exit status after saying what is wrong (no such file,
 * an unknown encoding, a byte that is not of the encoding: exit 2). */
int cli_input_open(struct cli_input *in, const char *path, const char *encoding);
/* Prints "entrepot: NAME: <why>" and "nothing was imported"; returns the
 * exit status for rc. */
int cli_input_fail(struct cli *cli, struct cli_input *in, int rc);
void cli_input_close(struct cli_input *in);

/*
 * A CSV export to path, or to standard output when path is NULL or "-": an
 * empty path refused, the path checked before the database is opened (a
 * refused one changes nothing), then write(cli->db, f), after a UTF-8
 * byte-order mark when bom (Excel); a file is put in place only when all of
 * it was written. cmd names the command in messages ("product export").
 * Returns the exit status.
 */
int cli_csv_export(struct cli *cli, const char *cmd, const char *path, bool bom, int (*write)(ent_db *db, FILE *f));

/* A UTC time "YYYY-MM-DDTHH:MM:SSZ" as people read it: local in the store's
 * zone, "2026-11-27 20:00:00". Anything else is copied as is. */
void cli_local_time(char *out, size_t len, const char *tz, const char *utc);

/* Called by `entrepot init` after the store is made (cmd_journal.c): makes
 * the store's first signing key at key (default DB.key) and starts the
 * journal, unless no_key. Returns the exit status after saying what failed. */
int journal_init_key(struct cli *cli, const char *key, bool no_key, const char *passfile);

/* Commands. Each returns the exit status. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_product(struct cli *cli, int argc, char **argv);
int cmd_location(struct cli *cli, int argc, char **argv);
int cmd_supplier(struct cli *cli, int argc, char **argv);
int cmd_purchase(struct cli *cli, int argc, char **argv);
int cmd_rate(struct cli *cli, int argc, char **argv);
int cmd_landed(struct cli *cli, int argc, char **argv);
int cmd_purchase_pdf(struct cli *cli, int argc, char **argv); /* in entrepot-label */
int cmd_stock(struct cli *cli, int argc, char **argv);
int cmd_transfer(struct cli *cli, int argc, char **argv);
/* `journal verify --hq`: the journal against head office's copy (src/hq/journal_witness.c). */
int hq_journal_verify(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_scan(struct cli *cli, int argc, char **argv);
int cmd_journal(struct cli *cli, int argc, char **argv);
int cmd_receipt(struct cli *cli, int argc, char **argv);
int cmd_label(struct cli *cli, int argc, char **argv);
int cmd_sale_pdf(struct cli *cli, int argc, char **argv);
/* Runs entrepot-label (beside entrepot) with entrepot's own arguments: only
 * returns, with the exit status, when it cannot (main.c). */
int cli_label_exec(struct cli *cli, int argc, char **argv);
int cmd_counter(struct cli *cli, int argc, char **argv);
/* counter --server URL: the till against a store server (cmd_counter_remote.c). */
int cmd_counter_remote(struct cli *cli, int argc, char **argv);
int cmd_sale(struct cli *cli, int argc, char **argv);
int cmd_return(struct cli *cli, int argc, char **argv);
int cmd_flow(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
/* The margin table of `purchase margin` and `report margin` (cmd_purchase.c). */
int cli_margin_print(struct cli *cli, const ent_margin_options *o, const struct cli_export *ex);
int cmd_store(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_token(struct cli *cli, int argc, char **argv);
/* src/server/server.c */
int cmd_serve(struct cli *cli, int argc, char **argv);
/* Head office (src/hq): `hq` and `sync`. */
int cmd_hq(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);

/* The next space-separated word of *args (cut in place); NULL when none is left. */
char *cli_next_word(char **args);

#endif
