/*
 * The exports for spreadsheets: --excel (CSV with a UTF-8 byte-order mark)
 * and --xlsx FILE, an Excel workbook written with libxlsxwriter.
 *
 * A workbook's cells are typed by the column's name, the same names the CSV
 * and JSON outputs use: counts and quantities are numbers, money is a number
 * with its currency's decimals as the cell's format, dates are dates. Every
 * number comes from the exact decimal text the other outputs print (which
 * the library made from integer minor units): its digits are read as an
 * integer and divided by 10^decimals once, never summed or rounded here, and
 * a cell whose text is not a number or date of its column (a blank, "expired")
 * stays text. The header row is in Chinese, frozen, with a filter; columns are
 * as wide as their longest text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "cli.h"

/* A column's type: text, a whole number, a decimal, money, a date, a time. */
enum col_type { C_TEXT, C_INT, C_DEC, C_MONEY, C_DATE, C_TIME };

struct col_name {
    const char *key, *zh;
    enum col_type type;
};

/* Every column name of the exported tables and what it is. */
static const struct col_name columns[] = {
    /* the catalogue (product export) */
    {"gtin", "商品条码", C_TEXT},
    {"sku", "货号", C_TEXT},
    {"name_zh", "中文品名", C_TEXT},
    {"name_en", "英文品名", C_TEXT},
    {"brand", "品牌", C_TEXT},
    {"origin", "原产国", C_TEXT},
    {"hs_code", "海关编码", C_TEXT},
    {"unit", "计量单位", C_TEXT},
    {"net_content", "规格", C_TEXT},
    {"price", "售价", C_MONEY},
    {"currency", "币种", C_TEXT},
    {"tax_rate", "税率%", C_DEC},
    {"importer", "进口商", C_TEXT},
    {"reorder_point", "补货点", C_INT},
    {"storage", "贮存条件", C_TEXT},
    {"shelf_life_days", "保质期（天）", C_INT},
    {"sell_unit", "销售单位", C_TEXT},
    {"food_kind", "食品类别", C_TEXT},
    {"ingredients", "配料表", C_TEXT},
    {"allergens", "致敏物质", C_TEXT},
    {"abv", "酒精度%vol", C_DEC},
    {"energy_kj", "能量（千焦/100）", C_DEC},
    {"protein", "蛋白质（克/100）", C_DEC},
    {"fat", "脂肪（克/100）", C_DEC},
    {"carbohydrate", "碳水化合物（克/100）", C_DEC},
    {"sodium", "钠（毫克/100）", C_DEC},
    /* stock levels (stock levels --by ...) */
    {"name", "品名", C_TEXT},
    {"lots", "批次数", C_INT},
    {"lot", "批号", C_TEXT},
    {"products", "商品数", C_INT},
    {"on_hand", "库存数量", C_INT},
    {"pcs", "件数", C_INT}, /* by origin: on hand in pieces, */
    {"kg", "千克", C_DEC},  /* in kg (goods kept in grams), */
    {"L", "升", C_DEC},     /* in litres (goods kept in millilitres) */
    {"short_by", "缺货数量", C_INT},
    {"value", "金额", C_MONEY},
    {"location", "库位", C_TEXT},
    {"kind", "类型", C_TEXT},
    {"country_zh", "国家（中文）", C_TEXT},
    {"country_en", "国家（英文）", C_TEXT},
    {"expiry", "到期日", C_DATE},
    {"days_left", "剩余天数", C_INT},
    {"declaration", "报关单号", C_TEXT},
    {"landed", "到岸价值（本币）", C_MONEY}, /* by lot: on hand at the landed cost, in the store's currency */
    /* reports */
    {"day", "日期", C_DATE},
    {"hour", "小时", C_TEXT},
    {"counter", "收银台", C_TEXT},
    {"cashier", "收银员", C_TEXT},
    {"commodity", "商品", C_TEXT},
    {"country", "国家", C_TEXT},
    {"gross", "销售额", C_MONEY},
    {"returns", "退货额", C_MONEY},
    {"net", "净销售额", C_MONEY},
    {"units_sold", "售出数量", C_INT},
    {"units_returned", "退回数量", C_INT},
    {"units_net", "净数量", C_INT},
    {"sales", "销售笔数", C_INT},
    {"refunds", "退款笔数", C_INT},
    {"lines", "销售行数", C_INT},
    {"lines_returned", "退货行数", C_INT},
    {"share_%", "占比%", C_DEC},
    {"period", "时段", C_DATE},
    {"visitors", "客流", C_INT},
    {"conversion_%", "转化率%", C_DEC},
    {"avg_basket", "客单价", C_MONEY},
    {"avg_items", "客单件数", C_DEC},
    {"peak", "高峰", C_TEXT},
    {"receipt", "小票号", C_INT},
    {"time", "时间（UTC）", C_TIME}, /* the journal's times, in UTC as in the CSV */
    {"approver", "授权人", C_TEXT},
    {"what", "事项", C_TEXT},
    {"code", "编码", C_TEXT},
    {"amount", "金额", C_MONEY},
    {"reason", "原因", C_TEXT},
    /* report margin, purchase margin */
    {"key", "编码", C_TEXT},
    {"units", "数量", C_INT},
    {"revenue", "收入（不含税）", C_MONEY},
    {"landed_cost", "到岸成本", C_MONEY},
    {"margin", "毛利", C_MONEY},
    {"uncosted_units", "无成本数量", C_INT},
};

static const struct col_name *column(const char *key)
{
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
        if (strcmp(columns[i].key, key) == 0)
            return &columns[i];
    return NULL;
}

/* Excel's limits: rows of a sheet, characters of a cell. */
#define XLSX_ROWS 1048576
#define XLSX_CELL_CHARS 32767
#define WIDTH_MAX 60

/* "-12.50" -> -1250 and 2 decimals, exactly; 0 when s is not such a number. */
static int parse_decimal(const char *s, int64_t *digits, int *decimals)
{
    const char *p = s;
    bool neg = *p == '-';
    int64_t v = 0;
    int dec = -1, n = 0;
    if (neg)
        p++;
    for (; *p; p++) {
        if (*p == '.' && dec < 0 && n > 0) {
            dec = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            return 0;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
            return 0;
        n++;
        if (dec >= 0 && ++dec > 9)
            return 0;
    }
    if (n == 0 || dec == 0) /* "", "-", "12." */
        return 0;
    *digits = neg ? -v : v;
    *decimals = dec < 0 ? 0 : dec;
    return 1;
}

/* "2026-11-28", and "2026-11-28 10:00" or "2026-11-28 10:00:00" (or with T
 * and Z) for a time, as Excel's date and time; 0 when s is not one. */
static int parse_when(const char *s, bool with_time, lxw_datetime *dt)
{
    char day[ENT_DATE_SIZE], sep = 0;
    int n = 0, sec = 0;
    int32_t days;
    memset(dt, 0, sizeof *dt);
    if (strlen(s) < 10)
        return 0;
    snprintf(day, sizeof day, "%.10s", s);
    if (ent_date_check(&days, day) != ENT_OK || sscanf(day, "%4d-%2d-%2d", &dt->year, &dt->month, &dt->day) != 3 ||
        dt->year < 1900)
        return 0;
    if (!with_time)
        return s[10] == '\0';
    int got = sscanf(s + 10, "%c%2d:%2d%n:%2d%n", &sep, &dt->hour, &dt->min, &n, &sec, &n);
    if (got < 3 || (sep != ' ' && sep != 'T'))
        return 0;
    dt->sec = sec;
    return (s[10 + n] == '\0' || strcmp(s + 10 + n, "Z") == 0) && dt->hour >= 0 && dt->hour < 24 && dt->min >= 0 &&
           dt->min < 60 && sec >= 0 && sec < 60;
}

struct book {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *date, *time, *minute, *dec[10], *money[10];
    const struct col_name **cols;
    int ncols;
    size_t row;
    lxw_error err;
};

/* The number format of n decimals: "0.00", or "#,##0.00" for money. */
static lxw_format *num_format(struct book *b, bool money, int n)
{
    lxw_format **slot = money ? &b->money[n] : &b->dec[n];
    if (*slot == NULL) {
        char f[24];
        snprintf(f, sizeof f, "%s%s%.*s", money ? "#,##0" : "0", n ? "." : "", n, "000000000");
        *slot = workbook_add_format(b->wb);
        format_set_num_format(*slot, f);
    }
    return *slot;
}

static void put_text(struct book *b, int c, const char *s)
{
    if (*s == '\0')
        return; /* an empty cell, not an empty string */
    lxw_error e = worksheet_write_string(b->ws, (lxw_row_t)b->row, (lxw_col_t)c, s, NULL);
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
        b->err = e;
}

static void put_cell(struct book *b, int c, const char *s)
{
    enum col_type type = b->cols[c] ? b->cols[c]->type : C_TEXT;
    int64_t digits;
    int dec;
    lxw_datetime dt;
    lxw_error e = LXW_NO_ERROR;
    if ((type == C_INT || type == C_DEC || type == C_MONEY) && parse_decimal(s, &digits, &dec)) {
        double scale = 1;
        for (int i = 0; i < dec; i++)
            scale *= 10;
        lxw_format *f = type == C_INT && dec == 0 ? NULL : num_format(b, type == C_MONEY, dec);
        e = worksheet_write_number(b->ws, (lxw_row_t)b->row, (lxw_col_t)c, (double)digits / scale, f);
    } else if ((type == C_DATE || type == C_TIME) && parse_when(s, false, &dt)) {
        e = worksheet_write_datetime(b->ws, (lxw_row_t)b->row, (lxw_col_t)c, &dt, b->date);
    } else if ((type == C_DATE || type == C_TIME) && parse_when(s, true, &dt)) {
        /* A period of an hour ("2026-11-28 10:00") or a moment. */
        lxw_format *f = strlen(s) == 16 ? b->minute : b->time;
        e = worksheet_write_datetime(b->ws, (lxw_row_t)b->row, (lxw_col_t)c, &dt, f);
    } else {
        put_text(b, c, s);
    }
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
        b->err = e;
}

/* Widens each column to its longest cell (CJK counts 2, as on a terminal). */
static void measure(double *width, int ncols, const char *const *cells)
{
    for (int c = 0; c < ncols; c++) {
        double w = (double)cli_text_width(cells[c]) + 2;
        if (w > width[c])
            width[c] = w < WIDTH_MAX ? w : WIDTH_MAX;
    }
}

/* Starts the workbook: one sheet, the Chinese header row frozen with a
 * filter over it, the columns as wide as width says. */
static int book_open(struct book *b, const char *file, const char *sheet, int ncols, const char *const *headers,
                     double *width)
{
    memset(b, 0, sizeof *b);
    /* Rows go out as they come: memory does not grow with the catalogue. */
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    b->wb = workbook_new_opt(file, &opt);
    if (b->wb == NULL || (b->ws = workbook_add_worksheet(b->wb, sheet)) == NULL)
        return cli_error(EXIT_IO, "the workbook cannot be started beside %s", ENT_CLIP(file, 40));
    b->ncols = ncols;
    b->cols = calloc((size_t)ncols, sizeof *b->cols);
    if (b->cols == NULL)
        return cli_error(EXIT_IO, "out of memory");
    b->head = workbook_add_format(b->wb);
    format_set_bold(b->head);
    format_set_bg_color(b->head, 0xDDEBF7);
    b->date = workbook_add_format(b->wb);
    format_set_num_format(b->date, "yyyy-mm-dd");
    b->time = workbook_add_format(b->wb);
    format_set_num_format(b->time, "yyyy-mm-dd hh:mm:ss");
    b->minute = workbook_add_format(b->wb);
    format_set_num_format(b->minute, "yyyy-mm-dd hh:mm");
    for (int c = 0; c < ncols; c++) {
        b->cols[c] = column(headers[c]);
        const char *zh = b->cols[c] ? b->cols[c]->zh : headers[c];
        double w = (double)cli_text_width(zh) + 4; /* room for the filter's arrow */
        if (b->cols[c] && (b->cols[c]->type == C_DATE || b->cols[c]->type == C_TIME))
            w = w > 21 ? w : b->cols[c]->type == C_DATE ? 12 : 21;
        worksheet_set_column(b->ws, (lxw_col_t)c, (lxw_col_t)c, w > width[c] ? w : width[c], NULL);
        worksheet_write_string(b->ws, 0, (lxw_col_t)c, zh, b->head);
    }
    worksheet_freeze_panes(b->ws, 1, 0);
    b->row = 1;
    return 0;
}

static void book_row(struct book *b, const char *const *cells)
{
    for (int c = 0; c < b->ncols; c++)
        put_cell(b, c, cells[c]);
    b->row++;
}

/* Closes the workbook; the exit status after saying what failed, or 0. */
static int book_close(struct book *b, const char *path)
{
    lxw_error err = b->err;
    if (b->wb && b->ws && b->row > 1)
        worksheet_autofilter(b->ws, 0, 0, (lxw_row_t)(b->row - 1), (lxw_col_t)(b->ncols - 1));
    if (b->wb) {
        lxw_error e = workbook_close(b->wb); /* frees it too */
        if (err == LXW_NO_ERROR)
            err = e;
    } else {
        err = LXW_ERROR_CREATING_XLSX_FILE;
    }
    free(b->cols);
    if (err != LXW_NO_ERROR)
        return cli_error(EXIT_IO, "cannot write %s: %s", path, lxw_strerror(err));
    return 0;
}

/* The path's checks and its temporary file beside it (cli_out_open): the
 * workbook goes there and is renamed into place when it is whole. */
static int xlsx_out(struct cli *cli, struct cli_out *o, const char *path)
{
    int st = cli_out_open(cli, o, path);
    if (st != 0)
        return st;
    if (o->tmp == NULL) {
        cli_out_close(o, false);
        return cli_error(EXIT_USAGE, "--xlsx %s: a workbook is written to a file, not to a device or pipe",
                         ENT_CLIP(path, 40));
    }
    return 0;
}

static int check_cells(const char *const *cells, int ncols, size_t row)
{
    for (int c = 0; c < ncols; c++)
        if (strlen(cells[c]) > XLSX_CELL_CHARS)
            return cli_error(EXIT_USAGE, "row %zu holds a text longer than an Excel cell takes (%d characters)",
                             row, XLSX_CELL_CHARS);
    return 0;
}

static int table_to_xlsx(struct cli *cli, struct cli_table *t, const char *path, const char *sheet)
{
    int ncols = cli_table_cols(t), st;
    size_t rows = cli_table_rows(t);
    if (rows >= XLSX_ROWS)
        return cli_error(EXIT_REFUSED, "%zu rows are more than one Excel sheet holds (%d): narrow the export", rows,
                         XLSX_ROWS - 1);
    const char **cells = calloc((size_t)ncols, sizeof *cells);
    double *width = calloc((size_t)ncols, sizeof *width);
    if (cells == NULL || width == NULL) {
        free(cells);
        free(width);
        return cli_error(EXIT_IO, "out of memory");
    }
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < ncols; c++)
            cells[c] = cli_table_cell(t, r, c);
        measure(width, ncols, cells);
    }
    for (int c = 0; c < ncols; c++)
        cells[c] = cli_table_header(t, c);
    struct cli_out o;
    struct book b;
    if ((st = xlsx_out(cli, &o, path)) != 0)
        goto out;
    st = book_open(&b, o.tmp, sheet, ncols, cells, width);
    for (size_t r = 0; r < rows && st == 0; r++) {
        for (int c = 0; c < ncols; c++)
            cells[c] = cli_table_cell(t, r, c);
        if ((st = check_cells(cells, ncols, r + 1)) == 0)
            book_row(&b, cells);
    }
    int closed = book_close(&b, path);
    st = st ? st : closed;
    int done = cli_out_close(&o, st == 0);
    st = st ? st : done;
    if (st == 0)
        fprintf(stderr, "wrote %zu row%s to %s\n", rows, rows == 1 ? "" : "s", path);
out:
    free(cells);
    free(width);
    return st;
}

int cli_export_check(struct cli *cli, const struct cli_export *e)
{
    if (e->xlsx && e->excel)
        return cli_error(EXIT_USAGE, "--excel (CSV for Excel) and --xlsx FILE (a workbook): choose one");
    if ((e->xlsx || e->excel) && cli->format == FORMAT_JSON)
        return cli_error(EXIT_USAGE, "--json does not go with --%s", e->xlsx ? "xlsx" : "excel");
    if (e->xlsx && *e->xlsx == '\0')
        return cli_error(EXIT_USAGE, "--xlsx needs the name of the workbook to write");
    if (e->xlsx || e->excel)
        cli->format = FORMAT_CSV; /* for a script: every row, no totals line */
    return 0;
}

int cli_export_table(struct cli *cli, struct cli_table *t, const struct cli_export *e, const char *sheet)
{
    if (e && e->xlsx)
        return table_to_xlsx(cli, t, e->xlsx, sheet);
    /* Excel reads a CSV as the system's code page unless it starts with a BOM. */
    if (e && e->excel)
        fputs("\xef\xbb\xbf", stdout);
    cli_table_print(cli, t, stdout);
    return 0;
}

/* One pass over the catalogue's CSV: widths (b NULL) or the rows. */
static int csv_pass(FILE *csv, struct book *b, double *width, int *ncols, size_t *rows)
{
    ent_csv *r = NULL;
    char **fields;
    size_t count;
    int rc, st = 0;
    rewind(csv);
    if (ent_csv_open(&r, csv) != ENT_OK)
        return cli_error(EXIT_IO, "out of memory");
    *rows = 0;
    while (st == 0 && (rc = ent_csv_next(r, &fields, &count)) == 1) {
        if (ent_csv_record(r) == 1) {
            *ncols = (int)count;
            continue;
        }
        if ((int)count != *ncols)
            st = cli_error(EXIT_IO, "the catalogue's CSV has %zu fields in record %zu", count, ent_csv_record(r));
        else if (++*rows >= XLSX_ROWS)
            st = cli_error(EXIT_REFUSED, "the catalogue has more rows than one Excel sheet holds (%d)",
                           XLSX_ROWS - 1);
        else if (b == NULL)
            measure(width, *ncols, (const char *const *)fields);
        else if ((st = check_cells((const char *const *)fields, *ncols, *rows)) == 0)
            book_row(b, (const char *const *)fields);
    }
    if (st == 0 && rc != 0)
        st = cli_error(EXIT_IO, "the catalogue's CSV cannot be read back: %s", ent_error_last()->message);
    ent_csv_free(r);
    return st;
}

static int csv_headers(FILE *csv, char ***names, int *ncols)
{
    ent_csv *r = NULL;
    char **fields;
    size_t count;
    rewind(csv);
    if (ent_csv_open(&r, csv) != ENT_OK || ent_csv_next(r, &fields, &count) != 1) {
        ent_csv_free(r);
        return cli_error(EXIT_IO, "the catalogue's CSV has no header");
    }
    *names = calloc(count, sizeof **names);
    for (size_t i = 0; *names && i < count; i++)
        (*names)[i] = strdup(fields[i]);
    *ncols = (int)count;
    ent_csv_free(r);
    return *names ? 0 : cli_error(EXIT_IO, "out of memory");
}

int cli_xlsx_from_csv(struct cli *cli, FILE *csv, const char *path, const char *sheet)
{
    char **names = NULL;
    double *width = NULL;
    int ncols = 0, st;
    size_t rows = 0;
    if ((st = csv_headers(csv, &names, &ncols)) != 0)
        return st;
    if ((width = calloc((size_t)ncols, sizeof *width)) == NULL) {
        st = cli_error(EXIT_IO, "out of memory");
        goto out;
    }
    if ((st = csv_pass(csv, NULL, width, &ncols, &rows)) != 0)
        goto out;
    struct cli_out o;
    struct book b;
    if ((st = xlsx_out(cli, &o, path)) != 0)
        goto out;
    st = book_open(&b, o.tmp, sheet, ncols, (const char *const *)names, width);
    if (st == 0)
        st = csv_pass(csv, &b, width, &ncols, &rows);
    int closed = book_close(&b, path);
    st = st ? st : closed;
    int done = cli_out_close(&o, st == 0);
    st = st ? st : done;
    if (st == 0)
        fprintf(stderr, "wrote %zu commodit%s to %s\n", rows, rows == 1 ? "y" : "ies", path);
out:
    for (int i = 0; names && i < ncols; i++)
        free(names[i]);
    free(names);
    free(width);
    return st;
}
