/*
 * entrepot — RFC 4180 CSV: a reader that checks UTF-8 and reports the line
 * of each problem, and a writer that quotes only where needed.
 */
#ifndef ENTREPOT_CSV_H
#define ENTREPOT_CSV_H

#include <stdio.h>
#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ent_csv ent_csv;

/* Starts reading CSV from f (borrowed; not closed by ent_csv_free).
 * A UTF-8 byte-order mark at the start is skipped. */
ENT_API int ent_csv_open(ent_csv **out, FILE *f);
ENT_API void ent_csv_free(ent_csv *csv);

/*
 * Reads the next record. Returns 1 with *fields and *count set (borrowed,
 * valid until the next call), 0 at the end of the input, or ENT_INVALID for
 * malformed input (an unterminated quote, text after a closing quote, bytes
 * that are not UTF-8, a NUL byte, a field over 64 KiB, a record over 1 MiB
 * or 1024 fields, a folder or a device instead of a file or pipe), refused
 * as soon as it is seen, the calling thread's last error (ent_error_last)
 * saying what and where:
 * "row 2, column name_zh: not valid UTF-8 text" (rows count records; the
 * first record is taken as the header that names the columns). ENT_ERROR
 * when the input cannot be read. Records end at LF or CRLF; quoted fields
 * may hold both.
 */
ENT_API int ent_csv_next(ent_csv *csv, char ***fields, size_t *count);

/* The line (1-based) where the record last returned starts, and its record
 * number (1 for the first record, usually the header). */
ENT_API size_t ent_csv_line(const ent_csv *csv);
ENT_API size_t ent_csv_record(const ent_csv *csv);

/* Writes one record of count fields (NULL is written as an empty field),
 * quoting fields that hold a comma, quote, CR or LF, and ending with CRLF
 * as RFC 4180 asks. Returns ENT_OK or ENT_ERROR on a write error. */
ENT_API int ent_csv_write(FILE *f, const char *const *fields, size_t count);

/*
 * The one decoding step of every CSV import: reads all of in, text in
 * encoding ("utf-8", "gb18030" or "gbk", any case; GB18030 is what Excel on
 * Chinese Windows saves), and gives it back as UTF-8 in *out, a temporary
 * file at its start that the caller closes. ENT_INVALID for another encoding
 * or for a byte sequence that is not of the encoding, named by line and byte
 * ("the file is not GB18030: line 2 byte 8", "... (it ends inside a
 * character)"), with nothing given back; ENT_ERROR when in cannot be read or
 * the temporary file cannot be written. Any size: it reads and writes in
 * pieces.
 */
ENT_API int ent_csv_decode(FILE **out, FILE *in, const char *encoding);

#ifdef __cplusplus
}
#endif
#endif
