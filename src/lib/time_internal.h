/*
 * Time, dates and zones in one place (src/lib/time.c): the civil calendar,
 * UTC now (with the test clock), and UTC <-> local time in a named IANA zone
 * read from its compiled TZif file. Nothing here touches $TZ, tzset or the
 * C library's local time: every function is safe from several threads.
 */
#ifndef ENT_TIME_INTERNAL_H
#define ENT_TIME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar; m and d
 * may lie outside their ranges and roll over (month 13 is January of y+1,
 * day 0 the last day of the month before). */
int64_t entx_days_from_civil(int64_t y, int m, int d);
/* The reverse: the y-m-d of a day number. */
void entx_civil_from_days(int64_t *y, int *m, int *d, int64_t days);

/* "YYYY-MM-DDTHH:MM:SSZ" (20 characters, fields in range) as seconds since
 * 1970-01-01T00:00:00Z; ENT_OK or ENT_INVALID. */
int entx_utc_parse(int64_t *t, const char *utc);
/* Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (years 0 to 9999). */
void entx_utc_format(char out[ENT_TIME_SIZE], int64_t t);

/* A parsed zone: immutable once published, kept for the life of the process. */
typedef struct ent_zone ent_zone;

/*
 * The zone named tz ("Asia/Shanghai"), read from $TZDIR (else
 * /usr/share/zoneinfo) on first use and cached. ENT_INVALID, the calling
 * thread's last error naming what was wrong, when the name is not a zone's.
 */
int entx_zone_get(const ent_zone **out, const char *tz);
/* The offset from UTC, in seconds east, in force at UTC instant t. */
int32_t entx_zone_offset(const ent_zone *z, int64_t t);
/*
 * The UTC instant of local time local (seconds since 1970-01-01T00:00:00
 * local). In a gap (clocks jump forward) the offset in force before the
 * jump is used, so a time that does not exist lands as far after the jump
 * as it was after its start: 02:30 in a 02:00 -> 03:00 gap is 03:30; the
 * local midnight that does not exist is the jump itself. In an overlap
 * (clocks go back) the earlier of the two instants is taken.
 */
int64_t entx_zone_to_utc(const ent_zone *z, int64_t local);

/* The local date "YYYY-MM-DD" of a UTC time in zone tz. */
int entx_time_local_date(char out[ENT_DATE_SIZE], const char *tz, const char *utc);
/* The UTC instant of the local midnight starting y-m-d in zone tz (days and
 * months out of range roll over), under the gap and overlap rule above. */
int entx_time_midnight_utc(char out[ENT_TIME_SIZE], const char *tz, int y, int m, int d);

#endif
