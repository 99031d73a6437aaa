/*
 * scan module: the parser as a table of numbered rows (input, store
 * configuration, expected result code, kind, GTIN, every other field, and
 * the exact message), zint style; then the check-digit helpers, layouts,
 * settings and resolution against a database.
 *
 * Every valid code below has a check digit computed, not copied: GTINs by
 * the GS1 mod-10 rule, in-store price/weight check digits by GS1 7.9.3
 * (whose reference examples 2875 -> 9 and 14685 -> 6 are checked first).
 */
#include "testutil.h"
#include "internal.h" /* the handle's connection: a lot changed by hand */
#include "scan_internal.h"

/* cfg 1: the shop set-up used by the in-store rows; cfg 2: reference year 2090. */
static ent_scan_config cfgs[3];

static void make_configs(void)
{
    ent_scan_config_init(&cfgs[0]);
    ent_scan_config_init(&cfgs[1]);
    assert_int_equal(ent_scan_config_set_fnc1(&cfgs[1], '~'), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfgs[1], "20IIIIIPPP.PPC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfgs[1], "21IIIIVWW.WWWC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfgs[1], "02IIIIIVPP.PPC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfgs[1], "22IIIIIIPPPPC"), ENT_OK);
    cfgs[1].year = 2026;
    ent_scan_config_init(&cfgs[2]);
    cfgs[2].year = 2090;
}

static void put(char *buf, size_t len, const char *key, const char *value)
{
    size_t used = strlen(buf);
    if (value[0])
        snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "", key, value);
}

static void decimal(char *buf, size_t len, int64_t v, int d)
{
    ent_decimal_format(buf, len, v, d);
}

/* Everything but kind and GTIN, in one fixed order, so a row states the whole result. */
static void describe(char *buf, size_t len, const ent_scan *s)
{
    char t[2200];
    buf[0] = '\0';
    put(buf, len, "aim", s->aim);
    put(buf, len, "addon", s->addon);
    put(buf, len, "cont", s->gtin_contained);
    if (s->count >= 0) {
        snprintf(t, sizeof t, "%lld", (long long)s->count);
        put(buf, len, "count", t);
    }
    put(buf, len, "lot", s->lot);
    put(buf, len, "ser", s->serial);
    put(buf, len, "exp", s->expiry);
    put(buf, len, "bb", s->best_before);
    put(buf, len, "prod", s->production);
    put(buf, len, "pack", s->packaging);
    if (s->has_measure) {
        decimal(t, sizeof t, s->measure.value, s->measure.decimals);
        strcat(t, s->measure.unit);
        put(buf, len, "meas", t);
    }
    if (s->has_amount) {
        decimal(t, sizeof t, s->amount, s->amount_decimals);
        strcat(t, s->currency);
        put(buf, len, "amt", t);
    }
    put(buf, len, "origin", s->origin);
    put(buf, len, "sscc", s->sscc);
    put(buf, len, "ref", s->payment_ref);
    put(buf, len, "item", s->instore_item);
    if (s->kind == ENT_SCAN_INSTORE)
        put(buf, len, "igtin", s->item_gtin);
    if (s->layout >= 0) {
        snprintf(t, sizeof t, "%d", s->layout);
        put(buf, len, "layout", t);
    }
    put(buf, len, "text", s->text);
    if (s->kind == ENT_SCAN_GS1 || s->kind == ENT_SCAN_DIGITAL_LINK) {
        ent_scan_format_hri(t, sizeof t, s);
        put(buf, len, "hri", t);
    }
}

static void parse_rows(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        int cfg;
        int rc;
        ent_scan_kind kind;
        const char *gtin, *fields, *msg;
    } rows[] = {
        /*   0 */ {"4006381333931", 0, ENT_OK, ENT_SCAN_EAN13, "04006381333931", "", ""},
        /*   1 */ {"9501101531000", 0, ENT_OK, ENT_SCAN_EAN13, "09501101531000", "", ""},
        /*   2 */ {"4006381333932", 0, ENT_INVALID, 0, "", "", "GTIN 4006381333932: check digit should be 1"},
        /*   3 */ {"4006381333931\r\n", 0, ENT_OK, ENT_SCAN_EAN13, "04006381333931", "", ""},
        /*   4 */ {"4006381333931\n", 0, ENT_OK, ENT_SCAN_EAN13, "04006381333931", "", ""},
        /*   5 */ {"95012346", 0, ENT_OK, ENT_SCAN_EAN8, "00000095012346", "", ""},
        /*   6 */ {"95012347", 0, ENT_INVALID, 0, "", "", "GTIN 95012347: check digit should be 6"},
        /*   7 */ {"036000241457", 0, ENT_OK, ENT_SCAN_UPCA, "00036000241457", "", ""},
        /*   8 */ {"036000241458", 0, ENT_INVALID, 0, "", "", "GTIN 036000241458: check digit should be 7"},
        /*   9 */ {"0036000241457", 0, ENT_OK, ENT_SCAN_UPCA, "00036000241457", "", ""},
        /*  10 */ {"14006381333938", 0, ENT_OK, ENT_SCAN_GTIN14, "14006381333938", "", ""},
        /*  11 */ {"14006381333930", 0, ENT_INVALID, 0, "", "", "GTIN 14006381333930: check digit should be 8"},
        /*  12 */ {"]E04006381333931", 0, ENT_OK, ENT_SCAN_EAN13, "04006381333931", "aim=E0", ""},
        /*  13 */ {"]E0036000241457", 0, ENT_OK, ENT_SCAN_UPCA, "00036000241457", "aim=E0", ""},
        /*  14 */ {"]E00036000241457", 0, ENT_OK, ENT_SCAN_UPCA, "00036000241457", "aim=E0", ""},
        /*  15 */ {"]E001234565", 0, ENT_OK, ENT_SCAN_UPCE, "00012345000065", "aim=E0", ""},
        /*  16 */ {"]E001234505", 0, ENT_OK, ENT_SCAN_UPCE, "00012000003455", "aim=E0", ""},
        /*  17 */ {"]E001234514", 0, ENT_OK, ENT_SCAN_UPCE, "00012100003454", "aim=E0", ""},
        /*  18 */ {"]E001234531", 0, ENT_OK, ENT_SCAN_UPCE, "00012300000451", "aim=E0", ""},
        /*  19 */ {"]E001234543", 0, ENT_OK, ENT_SCAN_UPCE, "00012340000053", "aim=E0", ""},
        /*  20 */ {"]E012345694", 0, ENT_OK, ENT_SCAN_UPCE, "00123456000094", "aim=E0", ""},
        /*  21 */ {"]E001234566", 0, ENT_INVALID, 0, "", "", "UPC-E 01234566: check digit should be 5"},
        /*  22 */ {"]E021234565", 0, ENT_INVALID, 0, "", "", "UPC-E 21234565: the number system must be 0 or 1"},
        /*  23 */ {"01234565", 0, ENT_OK, ENT_SCAN_EAN8, "00000001234565", "", ""},
        /*  24 */ {"01234505", 0, ENT_OK, ENT_SCAN_UPCE, "00012000003455", "", ""},
        /*  25 */ {"]E495012346", 0, ENT_OK, ENT_SCAN_EAN8, "00000095012346", "aim=E4", ""},
        /*  26 */ {"]E44006381333931", 0, ENT_INVALID, 0, "", "", "EAN-8: 13 digits, expected 8"},
        /*  27 */ {"]E04006A81333931", 0, ENT_INVALID, 0, "", "", "EAN/UPC: 'A' at position 5 is not a digit"},
        /*  28 */ {"]E01234567890", 0, ENT_INVALID, 0, "", "", "EAN/UPC: 10 digits, expected 8, 12 or 13"},
        /*  29 */ {"]E3400638133393112", 0, ENT_OK, ENT_SCAN_EAN13, "04006381333931", "aim=E3 addon=12", ""},
        /*  30 */ {"]E3400638133393152495", 0, ENT_OK, ENT_SCAN_EAN13, "04006381333931", "aim=E3 addon=52495", ""},
        /*  31 */ {"]E34006381333931123", 0, ENT_INVALID, 0, "", "", "EAN/UPC with add-on: 16 digits is no known combination"},
        /*  32 */ {"]E112", 0, ENT_INVALID, 0, "", "", "an EAN/UPC add-on (12) alone names no product"},
        /*  33 */ {"]I114006381333938", 0, ENT_OK, ENT_SCAN_GTIN14, "14006381333938", "aim=I1", ""},
        /*  34 */ {"]C00104006381333931", 0, ENT_OK, ENT_SCAN_OTHER, "", "aim=C0 text=0104006381333931", ""},
        /*  35 */ {"]A0ABC-123", 0, ENT_OK, ENT_SCAN_OTHER, "", "aim=A0 text=ABC-123", ""},
        /*  36 */ {"SKU-123", 0, ENT_OK, ENT_SCAN_OTHER, "", "text=SKU-123", ""},
        /*  37 */ {"12345", 0, ENT_OK, ENT_SCAN_OTHER, "", "text=12345", ""},
        /*  38 */ {"123456789", 0, ENT_OK, ENT_SCAN_OTHER, "", "text=123456789", ""},
        /*  39 */ {"Tea box 12", 0, ENT_OK, ENT_SCAN_OTHER, "", "text=Tea box 12", ""},
        /*  40 */ {"AB\x01" "C", 0, ENT_INVALID, 0, "", "", "store code: byte 0x01 at position 3 is not a character a code can hold"},
        /*  41 */ {"caf\xc3\xa9", 0, ENT_INVALID, 0, "", "", "store code: byte 0xC3 at position 4 is not a character a code can hold"},
        /*  42 */ {"", 0, ENT_INVALID, 0, "", "", "empty scan: nothing was read"},
        /*  43 */ {"\r\n", 0, ENT_INVALID, 0, "", "", "empty scan: nothing was read"},
        /*  44 */ {"]", 0, ENT_INVALID, 0, "", "", "']' at the start is not followed by an AIM symbology identifier"},
        /*  45 */ {"]C", 0, ENT_INVALID, 0, "", "", "']' at the start is not followed by an AIM symbology identifier"},
        /*  46 */ {"]C1", 0, ENT_INVALID, 0, "", "", "nothing after the symbology identifier ]C1"},
        /*  47 */ {"]C1010400638133393117270531102024A", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=2024A exp=2027-05-31 hri=(01)04006381333931(17)270531(10)2024A", ""},
        /*  48 */ {"]C1010400638133393110ABC\x1d" "17270531", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=ABC exp=2027-05-31 hri=(01)04006381333931(10)ABC(17)270531", ""},
        /*  49 */ {"]C10104006381333931\x1d" "10ABC", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=ABC hri=(01)04006381333931(10)ABC", ""},
        /*  50 */ {"]C1\x1d" "010400638133393110ABC", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=ABC hri=(01)04006381333931(10)ABC", ""},
        /*  51 */ {"]C1010400638133393117270200", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2027-02-28 hri=(01)04006381333931(17)270200", ""},
        /*  52 */ {"]C1010400638133393117280200", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2028-02-29 hri=(01)04006381333931(17)280200", ""},
        /*  53 */ {"]C1010400638133393117270400", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2027-04-30 hri=(01)04006381333931(17)270400", ""},
        /*  54 */ {"]C1010400638133393117271200", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2027-12-31 hri=(01)04006381333931(17)271200", ""},
        /*  55 */ {"]C1010400638133393117271301", 0, ENT_INVALID, 0, "", "", "AI (17): month 13 is not a month"},
        /*  56 */ {"]C1010400638133393117270001", 0, ENT_INVALID, 0, "", "", "AI (17): month 00 is not a month"},
        /*  57 */ {"]C1010400638133393117270431", 0, ENT_INVALID, 0, "", "", "AI (17): April 2027 has no day 31"},
        /*  58 */ {"]C1010400638133393117270229", 0, ENT_INVALID, 0, "", "", "AI (17): February 2027 has no day 29"},
        /*  59 */ {"]C1010400638133393117280229", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2028-02-29 hri=(01)04006381333931(17)280229", ""},
        /*  60 */ {"]C10104006381333931172705", 0, ENT_INVALID, 0, "", "", "AI (17): 4 digits, expected 6"},
        /*  61 */ {"]C101040063813339311727A531", 0, ENT_INVALID, 0, "", "", "AI (17): 'A' at position 3 is not a digit"},
        /*  62 */ {"]C1010400638133393111250101", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 prod=2025-01-01 hri=(01)04006381333931(11)250101", ""},
        /*  63 */ {"]C1010400638133393113250115", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 pack=2025-01-15 hri=(01)04006381333931(13)250115", ""},
        /*  64 */ {"]C1010400638133393115271000", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 bb=2027-10-31 hri=(01)04006381333931(15)271000", ""},
        /*  65 */ {"]C101040063813339317006270500", 0, ENT_INVALID, 0, "", "", "AI (7006): day 00 is not a day"},
        /*  66 */ {"]C101040063813339317006270515", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 hri=(01)04006381333931(7006)270515", ""},
        /*  67 */ {"]C1010400638133393117760101", 1, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2076-01-01 hri=(01)04006381333931(17)760101", ""},
        /*  68 */ {"]C1010400638133393117770101", 1, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=1977-01-01 hri=(01)04006381333931(17)770101", ""},
        /*  69 */ {"]C1010400638133393117990101", 1, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=1999-01-01 hri=(01)04006381333931(17)990101", ""},
        /*  70 */ {"]C1010400638133393117400101", 2, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2140-01-01 hri=(01)04006381333931(17)400101", ""},
        /*  71 */ {"]C1010400638133393117410101", 2, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 exp=2041-01-01 hri=(01)04006381333931(17)410101", ""},
        /*  72 */ {"]C1010400638133393110AAAAAAAAAAAAAAAAAAAAA", 0, ENT_INVALID, 0, "", "", "AI (10): 21 characters, at most 20 (is an FNC1 separator missing?)"},
        /*  73 */ {"]C1010400638133393110A~B", 0, ENT_INVALID, 0, "", "", "AI (10): '~' at position 2 is not allowed in GS1 data"},
        /*  74 */ {"]C1010400638133393110A B", 0, ENT_INVALID, 0, "", "", "AI (10): a space at position 2 is not allowed in GS1 data"},
        /*  75 */ {"]C1010400638133393110\x1d" "", 0, ENT_INVALID, 0, "", "", "AI (10): no data"},
        /*  76 */ {"]C10104006381333932", 0, ENT_INVALID, 0, "", "", "AI (01): check digit 2 should be 1"},
        /*  77 */ {"]C10104006381333", 0, ENT_INVALID, 0, "", "", "AI (01): 11 digits, expected 14"},
        /*  78 */ {"]C1010400A381333931", 0, ENT_INVALID, 0, "", "", "AI (01): 'A' at position 5 is not a digit"},
        /*  79 */ {"]C100106141412345678908", 0, ENT_OK, ENT_SCAN_GS1, "", "aim=C1 sscc=106141412345678908 hri=(00)106141412345678908", ""},
        /*  80 */ {"]C100106141412345678907", 0, ENT_INVALID, 0, "", "", "AI (00): check digit 7 should be 8"},
        /*  81 */ {"]C102040063813339313712", 0, ENT_OK, ENT_SCAN_GS1, "", "aim=C1 cont=04006381333931 count=12 hri=(02)04006381333931(37)12", ""},
        /*  82 */ {"]C101040063813339310204006381333931", 0, ENT_INVALID, 0, "", "", "AI (01) and AI (02) cannot be in one code"},
        /*  83 */ {"]C101040063813339313025", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 count=25 hri=(01)04006381333931(30)25", ""},
        /*  84 */ {"]C1010400638133393130123456789", 0, ENT_INVALID, 0, "", "", "AI (30): 9 digits, at most 8 (is an FNC1 separator missing?)"},
        /*  85 */ {"]C101040063813339313103001250", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 meas=1.250kg hri=(01)04006381333931(3103)001250", ""},
        /*  86 */ {"]C101040063813339313102001250", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 meas=12.50kg hri=(01)04006381333931(3102)001250", ""},
        /*  87 */ {"]C101040063813339313100001250", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 meas=1250kg hri=(01)04006381333931(3100)001250", ""},
        /*  88 */ {"]C101040063813339313106001250", 0, ENT_INVALID, 0, "", "", "AI (3106): 6 decimals is more than a measure allows (0 to 5)"},
        /*  89 */ {"]C10104006381333931310300125", 0, ENT_INVALID, 0, "", "", "AI (3103): 5 digits, expected 6"},
        /*  90 */ {"]C101040063813339313202001000", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 meas=10.00lb hri=(01)04006381333931(3202)001000", ""},
        /*  91 */ {"]C101040063813339313153000750", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 meas=0.750l hri=(01)04006381333931(3153)000750", ""},
        /*  92 */ {"]C101040063813339313302012000", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 hri=(01)04006381333931(3302)012000", ""},
        /*  93 */ {"]C1010400638133393133020120003103000500", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 meas=0.500kg hri=(01)04006381333931(3302)012000(3103)000500", ""},
        /*  94 */ {"]C1010400638133393139221234", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 amt=12.34 hri=(01)04006381333931(3922)1234", ""},
        /*  95 */ {"]C1010400638133393139329781234", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 amt=12.34EUR hri=(01)04006381333931(3932)9781234", ""},
        /*  96 */ {"]C10104006381333931393015612", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 amt=12CNY hri=(01)04006381333931(3930)15612", ""},
        /*  97 */ {"]C1010400638133393139321911234", 0, ENT_INVALID, 0, "", "", "AI (3932): 191 is not a current ISO 4217 currency code"},
        /*  98 */ {"]C10104006381333931393297", 0, ENT_INVALID, 0, "", "", "AI (3932): 2 digits, at least 4"},
        /*  99 */ {"]C10104006381333931422250", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 origin=FR hri=(01)04006381333931(422)250", ""},
        /* 100 */ {"]C10104006381333931422156\x1d" "10L7", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=L7 origin=CN hri=(01)04006381333931(422)156(10)L7", ""},
        /* 101 */ {"]C10104006381333931422999", 0, ENT_INVALID, 0, "", "", "AI (422): 999 is not an ISO 3166 country code"},
        /* 102 */ {"]C101040063813339314222500", 0, ENT_INVALID, 0, "", "", "AI (422): 4 digits, expected 3 (is an FNC1 separator missing?)"},
        /* 103 */ {"]C1010400638133393142225010ABC", 0, ENT_INVALID, 0, "", "", "AI (422): 8 digits, expected 3 (is an FNC1 separator missing?)"},
        /* 104 */ {"(01)04006381333931(422)2500", 0, ENT_INVALID, 0, "", "", "AI (422): 4 digits, expected 3"},
        /* 105 */ {"]C10104006381333931423250276", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 hri=(01)04006381333931(423)250276", ""},
        /* 106 */ {"]C101040063813339314232502", 0, ENT_INVALID, 0, "", "", "AI (423): 4 digits is not a list of 3-digit country codes"},
        /* 107 */ {"]C1421250F-75001", 0, ENT_OK, ENT_SCAN_GS1, "", "aim=C1 hri=(421)250F-75001", ""},
        /* 108 */ {"]C1421999F", 0, ENT_INVALID, 0, "", "", "AI (421): 999 is not an ISO 3166 country code"},
        /* 109 */ {"]C101040063813339318020INV-2026-0042", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 ref=INV-2026-0042 hri=(01)04006381333931(8020)INV-2026-0042", ""},
        /* 110 */ {"]C1010400638133393121SN0001\x1d" "10L1", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=L1 ser=SN0001 hri=(01)04006381333931(21)SN0001(10)L1", ""},
        /* 111 */ {"]C101040063813339317240ABC", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 hri=(01)04006381333931(7240)ABC", ""},
        /* 112 */ {"]C1010400638133393199ANY-internal", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 hri=(01)04006381333931(99)ANY-internal", ""},
        /* 113 */ {"]C191XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", 0, ENT_INVALID, 0, "", "", "AI (91): 91 characters, at most 90 (is an FNC1 separator missing?)"},
        /* 114 */ {"]C15512345", 0, ENT_INVALID, 0, "", "", "AI (55): no AI starts with these digits"},
        /* 115 */ {"]C101040063813339312", 0, ENT_INVALID, 0, "", "", "the data ends inside an AI (2"},
        /* 116 */ {"]C1010400638133393131", 0, ENT_INVALID, 0, "", "", "AI (31): an AI starting 31 has 4 digits"},
        /* 117 */ {"]C10104006381333931310", 0, ENT_INVALID, 0, "", "", "AI (310): an AI starting 31 has 4 digits"},
        /* 118 */ {"]C1AB", 0, ENT_INVALID, 0, "", "", "expected an AI, found 'A'"},
        /* 119 */ {"]C10A", 0, ENT_INVALID, 0, "", "", "expected an AI, found 'A' after 0"},
        /* 120 */ {"]C1010400638133393110ABC\x1d" "10ABC", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=C1 lot=ABC hri=(01)04006381333931(10)ABC", ""},
        /* 121 */ {"]C1010400638133393110ABC\x1d" "10ABD", 0, ENT_INVALID, 0, "", "", "AI (10) appears twice with different data"},
        /* 122 */ {"\x1d" "010400638133393110ABC", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "lot=ABC hri=(01)04006381333931(10)ABC", ""},
        /* 123 */ {"0104006381333931", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "hri=(01)04006381333931", ""},
        /* 124 */ {"010400638133393110ABC\x1d" "17270531", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "lot=ABC exp=2027-05-31 hri=(01)04006381333931(10)ABC(17)270531", ""},
        /* 125 */ {"~010400638133393110ABC~422250", 1, ENT_OK, ENT_SCAN_GS1, "04006381333931", "lot=ABC origin=FR hri=(01)04006381333931(10)ABC(422)250", ""},
        /* 126 */ {"010400638133393110ABC~17270531", 1, ENT_OK, ENT_SCAN_GS1, "04006381333931", "lot=ABC exp=2027-05-31 hri=(01)04006381333931(10)ABC(17)270531", ""},
        /* 127 */ {"~010400638133393110ABC~422250", 0, ENT_OK, ENT_SCAN_OTHER, "", "text=~010400638133393110ABC~422250", ""},
        /* 128 */ {"]d201040063813339311727053110LOT-9\x1d" "21S9", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=d2 lot=LOT-9 ser=S9 exp=2027-05-31 hri=(01)04006381333931(17)270531(10)LOT-9(21)S9", ""},
        /* 129 */ {"]Q3010400638133393110B1", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=Q3 lot=B1 hri=(01)04006381333931(10)B1", ""},
        /* 130 */ {"]e001040063813339313103000500", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=e0 meas=0.500kg hri=(01)04006381333931(3103)000500", ""},
        /* 131 */ {"]J10104006381333931", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "aim=J1 hri=(01)04006381333931", ""},
        /* 132 */ {"]C12534000001000005DOC7", 0, ENT_OK, ENT_SCAN_GS1, "", "aim=C1 hri=(253)4000001000005DOC7", ""},
        /* 133 */ {"]C12534000001000004DOC7", 0, ENT_INVALID, 0, "", "", "AI (253): check digit 4 should be 5"},
        /* 134 */ {"]C14149501101530003", 0, ENT_OK, ENT_SCAN_GS1, "", "aim=C1 hri=(414)9501101530003", ""},
        /* 135 */ {"]C18006040063813339310102", 0, ENT_OK, ENT_SCAN_GS1, "", "aim=C1 hri=(8006)040063813339310102", ""},
        /* 136 */ {"(01)04006381333931(17)270531(10)ABC", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "lot=ABC exp=2027-05-31 hri=(01)04006381333931(17)270531(10)ABC", ""},
        /* 137 */ {"(01)04006381333931(10)A\\(B", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "lot=A(B hri=(01)04006381333931(10)A\\(B", ""},
        /* 138 */ {"(01)04006381333931(3103)001250(422)250", 0, ENT_OK, ENT_SCAN_GS1, "04006381333931", "meas=1.250kg origin=FR hri=(01)04006381333931(3103)001250(422)250", ""},
        /* 139 */ {"(01", 0, ENT_INVALID, 0, "", "", "bracketed form: '(' at position 1 does not enclose an AI"},
        /* 140 */ {"(1)23", 0, ENT_INVALID, 0, "", "", "bracketed form: (1) is not an AI"},
        /* 141 */ {"()", 0, ENT_INVALID, 0, "", "", "bracketed form: () is not an AI"},
        /* 142 */ {"(010)04006381333931", 0, ENT_INVALID, 0, "", "", "bracketed form: (010) is not an AI; AIs starting 01 have 2 digits"},
        /* 143 */ {"(01)04006381333931x", 0, ENT_INVALID, 0, "", "", "AI (01): 15 digits, expected 14"},
        /* 144 */ {"(10)", 0, ENT_INVALID, 0, "", "", "AI (10): no data"},
        /* 145 */ {"(01)04006381333931(17)271301", 0, ENT_INVALID, 0, "", "", "AI (17): month 13 is not a month"},
        /* 146 */ {"https://id.gs1.org/01/04006381333931", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "text=https://id.gs1.org/01/04006381333931 hri=(01)04006381333931", ""},
        /* 147 */ {"http://example.com/01/4006381333931", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "text=http://example.com/01/4006381333931 hri=(01)04006381333931", ""},
        /* 148 */ {"https://shop.example.com/products/01/04006381333931/10/ABC%2F1?17=270531", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "lot=ABC/1 exp=2027-05-31 text=https://shop.example.com/products/01/04006381333931/10/ABC%2F1?17=270531 hri=(01)04006381333931(10)ABC/1(17)270531", ""},
        /* 149 */ {"https://example.com/gtin/04006381333931/lot/L1/ser/S1", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "lot=L1 ser=S1 text=https://example.com/gtin/04006381333931/lot/L1/ser/S1 hri=(01)04006381333931(10)L1(21)S1", ""},
        /* 150 */ {"https://id.gs1.org/01/04006381333931?3103=001250&linkType=gs1:pip", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "meas=1.250kg text=https://id.gs1.org/01/04006381333931?3103=001250&linkType=gs1:pip hri=(01)04006381333931(3103)001250", ""},
        /* 151 */ {"HTTPS://ID.GS1.ORG/01/04006381333931/21/X%20Y", 0, ENT_INVALID, 0, "", "", "AI (21): a space at position 2 is not allowed in GS1 data"},
        /* 152 */ {"https://id.gs1.org/01/04006381333931/10/AB%2", 0, ENT_INVALID, 0, "", "", "Digital Link: bad percent-encoding in the path"},
        /* 153 */ {"https://id.gs1.org/01/04006381333931?17=27%G10531", 0, ENT_INVALID, 0, "", "", "Digital Link: bad percent-encoding in ?17="},
        /* 154 */ {"https://example.com/foo/bar", 0, ENT_INVALID, 0, "", "", "Digital Link: no GS1 key such as /01/{GTIN} in the path"},
        /* 155 */ {"https:///01/04006381333931", 0, ENT_INVALID, 0, "", "", "Digital Link: no host name after https://"},
        /* 156 */ {"https://id.gs1.org/01/04006381333932", 0, ENT_INVALID, 0, "", "", "AI (01): check digit 2 should be 1"},
        /* 157 */ {"https://id.gs1.org/01/04006381333931?17=", 0, ENT_INVALID, 0, "", "", "Digital Link: ?17= has no value"},
        /* 158 */ {"https://id.gs1.org/01/04006381333931?17=270531#top", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "exp=2027-05-31 text=https://id.gs1.org/01/04006381333931?17=270531#top hri=(01)04006381333931(17)270531", ""},
        /* 159 */ {"https://id.gs1.org/01/04006381333931?310=1", 0, ENT_INVALID, 0, "", "", "Digital Link: ?310= is not an AI; AIs starting 31 have 4 digits"},
        /* 160 */ {"https://example.com/00/106141412345678908", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "", "sscc=106141412345678908 text=https://example.com/00/106141412345678908 hri=(00)106141412345678908", ""},
        /* 161 */ {"]Q1https://id.gs1.org/01/04006381333931?422=250&abc=1", 0, ENT_OK, ENT_SCAN_DIGITAL_LINK, "04006381333931", "aim=Q1 origin=FR text=https://id.gs1.org/01/04006381333931?422=250&abc=1 hri=(01)04006381333931(422)250", ""},
        /* 162 */ {"https://id.gs1.org/01/04006381333931/10/L1?17=271301", 0, ENT_INVALID, 0, "", "", "AI (17): month 13 is not a month"},
        /* 163 */ {"2012345012349", 1, ENT_OK, ENT_SCAN_INSTORE, "02012345012349", "amt=12.34 item=12345 igtin=02012345000001 layout=0", ""},
        /* 164 */ {"2112347012504", 1, ENT_OK, ENT_SCAN_INSTORE, "02112347012504", "meas=1.250kg item=1234 igtin=02112340000003 layout=1", ""},
        /* 165 */ {"2112346012505", 1, ENT_INVALID, 0, "", "", "in-store code 2112346012505: weight check digit 6 should be 7"},
        /* 166 */ {"212345001998", 1, ENT_OK, ENT_SCAN_INSTORE, "00212345001998", "amt=1.99 item=12345 igtin=00212345000007 layout=2", ""},
        /* 167 */ {"212345301999", 1, ENT_INVALID, 0, "", "", "in-store code 0212345301999: price check digit 3 should be 0"},
        /* 168 */ {"2212345609994", 1, ENT_OK, ENT_SCAN_INSTORE, "02212345609994", "amt=999 item=123456 igtin=02212345600007 layout=3", ""},
        /* 169 */ {"2312345678904", 1, ENT_OK, ENT_SCAN_INSTORE, "02312345678904", "igtin=02312345678904", ""},
        /* 170 */ {"2012345012349", 0, ENT_OK, ENT_SCAN_INSTORE, "02012345012349", "igtin=02012345012349", ""},
        /* 171 */ {"0412345678903", 1, ENT_OK, ENT_SCAN_INSTORE, "00412345678903", "igtin=00412345678903", ""},
        /* 172 */ {"2012345012340", 1, ENT_INVALID, 0, "", "", "GTIN 2012345012340: check digit should be 9"},
        /* 173 */ {"]E02012345012349", 1, ENT_OK, ENT_SCAN_INSTORE, "02012345012349", "aim=E0 amt=12.34 item=12345 igtin=02012345000001 layout=0", ""},
    };
    static ent_scan s;
    char got[4096];
    int bad = 0;
    make_configs();
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int rc = ent_scan_parse(&s, rows[i].data, strlen(rows[i].data), rows[i].cfg ? &cfgs[rows[i].cfg] : NULL);
        if (rc != rows[i].rc || strcmp(ent_error_last()->message, rows[i].msg) != 0) {
            print_message("row %zu: rc %d '%s', want %d '%s'\n", i, rc, ent_error_last()->message, rows[i].rc, rows[i].msg);
            bad++;
            continue;
        }
        if (rc != ENT_OK)
            continue;
        describe(got, sizeof got, &s);
        if (s.kind != rows[i].kind || strcmp(s.gtin, rows[i].gtin) != 0 || strcmp(got, rows[i].fields) != 0) {
            print_message("row %zu: kind %d gtin '%s' fields '%s'\n       want %d gtin '%s' fields '%s'\n", i,
                          s.kind, s.gtin, got, rows[i].kind, rows[i].gtin, rows[i].fields);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/*
 * Strict and tolerant, side by side: the Syntax Dictionary's pairings and
 * the checks inside fields, with the exact message (strict = 1), or the
 * tolerance the counter used (strict = 0, rc ENT_OK: msg is the tolerance).
 */
static void strict_rows(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int strict, rc;
        const char *msg;
    } rows[] = {
        /* requires */
        {"(10)AB", 1, ENT_INVALID, "AI (10) needs (01), (02), (03), (8006) or (8026) in the same data"},
        {"(10)AB", 0, ENT_OK, "requires-elsewhere"},
        {"(02)04006381333931", 1, ENT_INVALID, "AI (02) needs (37) in the same data"},
        {"(02)04006381333931(37)12", 1, ENT_INVALID, "AI (37) needs (00) in the same data"},
        {"(00)340123450000000000(02)04006381333931(37)12", 1, ENT_OK, ""},
        {"(01)04006381333931(3922)1234", 1, ENT_INVALID,
         "AI (3922) needs (30), (31nn), (32nn), (35nn) or (36nn) in the same data"},
        {"(01)04006381333931(30)2(3922)1234", 1, ENT_OK, ""},
        {"(01)04006381333931(7004)12", 1, ENT_INVALID, "AI (7004) needs (01) with (10) in the same data"},
        /* excludes, in both modes */
        {"(01)04006381333931(255)4006381333931", 0, ENT_INVALID, "AI (01) and AI (255) cannot be in one code"},
        {"(01)04006381333931(3102)000100(3103)000200", 0, ENT_INVALID, "AI (3102) and AI (3103) cannot be in one code"},
        {"(01)04006381333931(3103)000100(3103)000100", 1, ENT_OK, ""},
        {"(01)04006381333931(422)276(426)276", 0, ENT_INVALID, "AI (422) and AI (426) cannot be in one code"},
        {"(00)340123450000000000(01)04006381333931(37)5", 0, ENT_INVALID, "AI (01) and AI (37) cannot be in one code"},
        /* unknown AIs */
        {"(01)04006381333931(244)12", 1, ENT_INVALID, "AI (244) is not an AI the GS1 General Specifications define"},
        {"(01)04006381333931(244)12", 0, ENT_OK, "unknown-ai"},
        {"(01)04006381333931(3944)1234", 1, ENT_INVALID, "AI (3944) is not an AI the GS1 General Specifications define"},
        /* inside fields: errors in both modes */
        {"(01)04006381333931(7003)2601322359", 0, ENT_INVALID, "AI (7003): January 2026 has no day 32"},
        {"(01)04006381333931(7003)2602301200", 0, ENT_INVALID, "AI (7003): February 2026 has no day 30"},
        {"(01)04006381333931(7003)2601012400", 0, ENT_INVALID, "AI (7003): hour 24 is not an hour"},
        {"(01)04006381333931(7003)2601011260", 0, ENT_INVALID, "AI (7003): minute 60 is not a minute"},
        {"(01)04006381333931(8008)26010012", 0, ENT_INVALID, "AI (8008): day 00 is not a day"},
        {"(01)04006381333931(8008)260101123", 0, ENT_INVALID,
         "AI (8008): 9 digits, a date and hours[, minutes[, seconds]] (8, 10 or 12)"},
        {"(01)04006381333931(8008)26010112345", 0, ENT_INVALID,
         "AI (8008): 11 digits, a date and hours[, minutes[, seconds]] (8, 10 or 12)"},
        {"(401)ABCD12", 0, ENT_INVALID, "AI (401): 'A' at position 1: a GS1 Company Prefix has digits"},
        {"(8004)12AB", 0, ENT_INVALID, "AI (8004): 'A' at position 3: a GS1 Company Prefix has digits"},
        {"(8003)14006381333938", 0, ENT_INVALID, "AI (8003): the first digit must be 0, not 1"},
        {"(8006)040063813339310302", 0, ENT_INVALID, "AI (8006): piece 03 of 02 is not a piece of a total"},
        {"(01)04006381333931(30)1(3932)1911234", 0, ENT_INVALID, "AI (3932): 191 is not a current ISO 4217 currency code"},
        {"(01)04006381333931(30)1(3932)9241234", 1, ENT_OK, ""},
        /* scan data: FNC1 where none belongs */
        {"]C1\x1d" "0104006381333931", 1, ENT_INVALID, "GS1 data: an FNC1 right after the symbology identifier ]C1"},
        {"]C1\x1d" "0104006381333931", 0, ENT_OK, "gs-after-prefix"},
        {"]C10104006381333931\x1d\x1d" "10AB", 1, ENT_INVALID, "GS1 data: two FNC1 in a row at position 18"},
        {"]C10104006381333931\x1d\x1d" "10AB", 0, ENT_OK, "double-gs"},
        {"]C10104006381333931\x1d" "10AB\x1d", 1, ENT_OK, ""},
        /* Digital Link */
        {"https://id.gs1.org/01/04006381333931?10=AB", 1, ENT_INVALID,
         "Digital Link: AI (10) qualifies /01/ and belongs in the path, not in the query"},
        {"https://id.gs1.org/01/04006381333931?10=AB", 0, ENT_OK, "qualifier-in-query"},
        {"https://id.gs1.org/01/04006381333931?21=S1", 1, ENT_INVALID,
         "Digital Link: AI (21) is not a data attribute and cannot stand in the query"},
        {"https://id.gs1.org/01/4006381333931", 1, ENT_INVALID, "AI (01): 13 digits, expected 14"},
        {"https://id.gs1.org/01/4006381333931", 0, ENT_OK, "zero-suppressed-gtin"},
        {"https://id.gs1.org/gtin/04006381333931", 1, ENT_INVALID,
         "Digital Link: /gtin/ is a short name the current standard no longer uses; write /01/"},
        {"https://id.gs1.org/gtin/04006381333931", 0, ENT_OK, "short-name"},
        {"https://id.gs1.org/01/04006381333931?7012=AB", 1, ENT_INVALID,
         "AI (7012) is not an AI the GS1 General Specifications define"},
        {"https://id.gs1.org/415/4006381333931/8020/ABC123", 1, ENT_OK, ""},
        {"https://id.gs1.org/01/04006381333931/235/X1/21/S1", 1, ENT_INVALID,
         "Digital Link: no GS1 key such as /01/{GTIN} in the path"},
    };
    ent_scan s;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_scan_config cfg;
        ent_scan_config_init(&cfg);
        cfg.year = 2026;
        cfg.strict = rows[i].strict;
        int rc = ent_scan_parse(&s, rows[i].in, strlen(rows[i].in), &cfg);
        const char *got = rc == ENT_OK ? s.tolerance : ent_error_last()->message;
        if (rc != rows[i].rc || strcmp(got, rows[i].msg) != 0) {
            print_message("strict row %zu: rc %d '%s', want %d '%s'\n", i, rc, got, rows[i].rc, rows[i].msg);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* 393n in a fund or metal (959 XAU) is valid GS1 data but no price: it
 * must not read as an amount in the store's currency (""). */
static void amount_in_fund(void **state)
{
    (void)state;
    ent_scan s;
    const char *xau = "(01)04006381333931(30)1(3932)9591234", *eur = "(01)04006381333931(30)1(3932)9781234";
    assert_int_equal(ent_scan_parse(&s, xau, strlen(xau), NULL), ENT_OK);
    assert_int_equal(s.has_amount, 0);
    assert_int_equal(s.n_ais, 3);
    assert_int_equal(ent_scan_parse(&s, eur, strlen(eur), NULL), ENT_OK);
    assert_int_equal(s.has_amount, 1);
    assert_string_equal(s.currency, "EUR");
    assert_int_equal(s.amount, 1234);
}

/* GS1 General Specifications 7.9.3 gives 2875 -> 9 and 14685 -> 6. */
static void price_check_digits(void **state)
{
    (void)state;
    assert_int_equal(ent_gs1_price_check_digit("2875", 4), '9');
    assert_int_equal(ent_gs1_price_check_digit("14685", 5), '6');
    assert_int_equal(ent_gs1_price_check_digit("0000", 4), '0');
    assert_int_equal(ent_gs1_price_check_digit("00000", 5), '0');
    assert_int_equal(ent_gs1_price_check_digit("123", 3), -1);
    assert_int_equal(ent_gs1_price_check_digit("12a4", 4), -1);
    assert_int_equal(ent_gs1_price_check_digit(NULL, 4), -1);
    /* A single changed digit always changes the 4-digit check digit. */
    char v[5] = "0000";
    for (int pos = 0; pos < 4; pos++) {
        for (char d = '1'; d <= '9'; d++) {
            memcpy(v, "0000", 4);
            v[pos] = d;
            assert_int_not_equal(ent_gs1_price_check_digit(v, 4), '0');
        }
    }
}

static void upce_expansion(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        int rc;
    } rows[] = {
        /* 0 */ {"01234565", "012345000065", ENT_OK},
        /* 1 */ {"01234505", "012000003455", ENT_OK},
        /* 2 */ {"01234531", "012300000451", ENT_OK},
        /* 3 */ {"01234543", "012340000053", ENT_OK},
        /* 4 */ {"12345694", "123456000094", ENT_OK},
        /* 5 */ {"21234565", "", ENT_INVALID},
        /* 6 */ {"0123456", "", ENT_INVALID},
        /* 7 */ {"012345650", "", ENT_INVALID},
        /* 8 */ {"0123456x", "", ENT_INVALID},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char out[13] = "";
        int rc = ent_upce_expand(out, rows[i].in);
        if (rc != rows[i].rc || (rc == ENT_OK && strcmp(out, rows[i].out) != 0))
            fail_msg("row %zu: %d '%s'", i, rc, out);
        if (rc == ENT_OK)
            assert_int_equal(ent_gs1_check_digit(out, 11), out[11]);
    }
}

static void ai_table_sorted(void **state)
{
    (void)state;
    assert_int_equal(entx_scan_table_check_(), 0);
}

/* The predefined lengths (GS1 General Specifications figure 7.8.5-2) that
 * both the scanner and the label writers use. */
static void predefined_lengths(void **state)
{
    (void)state;
    static const struct {
        const char *ai;
        size_t len;
    } rows[] = {
        /*  0 */ {"00", 20}, /*  1 */ {"01", 16},   /*  2 */ {"03", 16}, /*  3 */ {"04", 18},
        /*  4 */ {"11", 8},  /*  5 */ {"17", 8},    /*  6 */ {"19", 8},  /*  7 */ {"20", 4},
        /*  8 */ {"3103", 10}, /*  9 */ {"36", 10}, /* 10 */ {"41", 16}, /* 11 */ {"10", 0},
        /* 12 */ {"21", 0},  /* 13 */ {"05", 0},    /* 14 */ {"37", 0},  /* 15 */ {"422", 0},
        /* 16 */ {"8020", 0}, /* 17 */ {"1", 0},    /* 18 */ {"a1", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (ent_gs1_predefined_length(rows[i].ai) != rows[i].len)
            fail_msg("row %zu: AI %s: %zu, want %zu", i, rows[i].ai, ent_gs1_predefined_length(rows[i].ai),
                     rows[i].len);
}

static void layouts(void **state)
{
    (void)state;
    static const struct {
        const char *pattern;
        int rc;
        const char *msg;
        const char *prefix;
        int item_pos, item_len, value_pos, value_len, decimals, check_pos;
        char kind;
    } rows[] = {
        /*  0 */ {"20IIIIIPPP.PPC", ENT_OK, "", "20", 2, 5, 7, 5, 2, -1, 'P'},
        /*  1 */ {"21IIIIVWW.WWWC", ENT_OK, "", "21", 2, 4, 7, 5, 3, 6, 'W'},
        /*  2 */ {"02IIIIIVPP.PPC", ENT_OK, "", "02", 2, 5, 8, 4, 2, 7, 'P'},
        /*  3 */ {"2IIIIIIPPPPPC", ENT_OK, "", "2", 1, 6, 7, 5, 0, -1, 'P'},
        /*  4 */ {"045IIIIWWWWWC", ENT_OK, "", "045", 3, 4, 7, 5, 0, -1, 'W'},
        /*  5 */ {"20IIIIIPPPPP", ENT_INVALID, "in-store layout '20IIIIIPPPPP': 12 digits, expected 13 ending in C", "", 0, 0, 0, 0, 0, 0, 0},
        /*  6 */ {"30IIIIIPPPPPC", ENT_INVALID,
                  "in-store layout '30IIIIIPPPPPC': the prefix must be a restricted-circulation one (02, 04, 2, 20-29)", "", 0, 0, 0, 0, 0, 0, 0},
        /*  7 */ {"20IIIVPPPPPPC", ENT_INVALID,
                  "in-store layout '20IIIVPPPPPPC': a check digit V needs 4 or 5 value digits, not 6", "", 0, 0, 0, 0, 0, 0, 0},
        /*  8 */ {"20IIPIIPPPPPC", ENT_INVALID, "in-store layout '20IIPIIPPPPPC': the item digits I must be together", "", 0, 0, 0, 0, 0, 0, 0},
        /*  9 */ {"20IIIIIPPPPXC", ENT_INVALID,
                  "in-store layout '20IIIIIPPPPXC': 'X' is not one of the digits, I, P, W, V, C or '.'", "", 0, 0, 0, 0, 0, 0, 0},
        /* 10 */ {"20.IIIIIPPPPPC", ENT_INVALID, "in-store layout '20.IIIIIPPPPPC': '.' belongs between price or weight digits", "", 0, 0, 0, 0, 0, 0, 0},
        /* 11 */ {"20IIIIIPPPPCC", ENT_INVALID, "in-store layout '20IIIIIPPPPCC': C, the check digit, is the 13th and last", "", 0, 0, 0, 0, 0, 0, 0},
        /* 12 */ {"20IIIIIPPWWWC", ENT_INVALID,
                  "in-store layout '20IIIIIPPWWWC': the value digits (all P or all W) must be together", "", 0, 0, 0, 0, 0, 0, 0},
        /* 13 */ {"20IIVIVPPPPPC", ENT_INVALID, "in-store layout '20IIVIVPPPPPC': the item digits I must be together", "", 0, 0, 0, 0, 0, 0, 0},
        /* 14 */ {"20VVIIIPPPPPC", ENT_INVALID, "in-store layout '20VVIIIPPPPPC': one V at most", "", 0, 0, 0, 0, 0, 0, 0},
        /* 15 */ {"", ENT_INVALID, "in-store layout '': expected 13 characters such as 20IIIIIPPP.PPC", "", 0, 0, 0, 0, 0, 0, 0},
        /* 16 */ {"20IIIIIIIIIIIIC", ENT_INVALID, "in-store layout '20IIIIIIIIIIIIC': more than 13 digits", "", 0, 0, 0, 0, 0, 0, 0},
        /* 17 */ {"2I0IIIIPPPPPC", ENT_INVALID,
                  "in-store layout '2I0IIIIPPPPPC': the prefix digits come first, 1 to 3 of them", "", 0, 0, 0, 0, 0, 0, 0},
        /* 18 */ {"20IIIIIIIIIIC", ENT_INVALID,
                  "in-store layout '20IIIIIIIIIIC': needs item digits I and price P or weight W digits", "", 0, 0, 0, 0, 0, 0, 0},
        /* 19 */ {"20IIIIIPP.P.PC", ENT_INVALID, "in-store layout '20IIIIIPP.P.PC': '.' belongs between price or weight digits", "", 0, 0, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_scan_layout l;
        const char *why = ent_error_last()->message;
        int rc = ent_scan_layout_parse(&l, rows[i].pattern);
        if (rc != rows[i].rc || strcmp(why, rows[i].msg) != 0)
            fail_msg("row %zu: %d '%s'", i, rc, why);
        if (rc != ENT_OK)
            continue;
        if (strcmp(l.prefix, rows[i].prefix) != 0 || l.item_pos != rows[i].item_pos ||
            l.item_len != rows[i].item_len || l.value_pos != rows[i].value_pos ||
            l.value_len != rows[i].value_len || l.decimals != rows[i].decimals ||
            l.check_pos != rows[i].check_pos || l.kind != rows[i].kind)
            fail_msg("row %zu: prefix %s item %d+%d value %d+%d dec %d V %d kind %c", i, l.prefix, l.item_pos,
                     l.item_len, l.value_pos, l.value_len, l.decimals, l.check_pos, l.kind);
    }
}

static void config_rules(void **state)
{
    (void)state;
    ent_scan_config cfg;
    const char *why = ent_error_last()->message;
    ent_scan_config_init(&cfg);
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, '%'), ENT_INVALID);
    assert_string_equal(why, "FNC1 substitute '%': choose a character GS1 data cannot contain: one of # $ @ [ \\ ^ ` "
                             "{ | } ~ or a space");
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, ']'), ENT_INVALID);
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, '\n'), ENT_INVALID);
    assert_string_equal(why, "FNC1 substitute byte 0x0A: choose a character GS1 data cannot contain: one of # $ @ [ "
                             "\\ ^ ` { | } ~ or a space");
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, '#'), ENT_OK);
    assert_int_equal(cfg.fnc1, '#');
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, 0), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "20IIIIIPPP.PPC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "2IIIIIIPPPPPC"), ENT_INVALID);
    assert_string_equal(why, "in-store layout '2IIIIIIPPPPPC': its prefix 2 overlaps layout '20IIIIIPPP.PPC'");
    for (int i = 1; i < ENT_SCAN_MAX_LAYOUTS; i++) {
        char p[16];
        snprintf(p, sizeof p, "2%dIIIIIPPPPPC", i);
        assert_int_equal(ent_scan_config_add_layout(&cfg, p), ENT_OK);
    }
    assert_int_equal(ent_scan_config_add_layout(&cfg, "029IIIIPPPPPC"), ENT_INVALID);
    assert_string_equal(why, "at most 8 in-store layouts");
}

static void odd_inputs(void **state)
{
    (void)state;
    static ent_scan s;
    static char big[ENT_SCAN_MAX_INPUT + 10];
    memset(big, 'A', sizeof big);
    assert_int_equal(ent_scan_parse(&s, big, sizeof big, NULL), ENT_INVALID);
    assert_string_equal(ent_error_last()->message, "4106 bytes is longer than any code (at most 4096)");
    assert_int_equal(ent_scan_parse(&s, big, 128, NULL), ENT_INVALID);
    assert_string_equal(ent_error_last()->message, "store code: 128 characters, at most 127");
    assert_int_equal(ent_scan_parse(&s, big, 127, NULL), ENT_OK);
    assert_int_equal(s.kind, ENT_SCAN_OTHER);
    assert_int_equal(ent_scan_parse(&s, NULL, 5, NULL), ENT_INVALID);
    assert_string_equal(ent_error_last()->message, "empty scan: nothing was read");
    /* A NUL byte inside is data, not an end. */
    assert_int_equal(ent_scan_parse(&s, "40063\0" "81333931", 14, NULL), ENT_INVALID);
    assert_string_equal(ent_error_last()->message, "store code: byte 0x00 at position 6 is not a character a code can hold");
    /* The bracketed form comes back from the parse, escaping '(' in data. */
    char hri[64];
    assert_int_equal(ent_scan_parse(&s, "(01)04006381333931(10)A\\(B", 26, NULL), ENT_OK);
    assert_int_equal(ent_scan_format_hri(hri, sizeof hri, &s), 26);
    assert_string_equal(hri, "(01)04006381333931(10)A\\(B");
    assert_int_equal(ent_scan_format_hri(hri, 10, &s), 26);
    assert_string_equal(hri, "(01)04006");
    assert_string_equal(ent_scan_kind_name(ENT_SCAN_DIGITAL_LINK), "GS1 Digital Link");
    assert_string_equal(s.ais[0].title, "GTIN");
    assert_string_equal(s.ais[1].title, "BATCH/LOT");
    /* More AIs than fit: the 25th is refused by name. */
    char many[400] = "]C101" "04006381333931";
    for (int i = 0; i < 24; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "72%02dX\x1d", i);
    assert_int_equal(ent_scan_parse(&s, many, strlen(many), NULL), ENT_INVALID);
    assert_string_equal(ent_error_last()->message, "more than 24 AIs in one code");
}

/* ---- with a database ---------------------------------------------------- */

static void seed(ent_db *db)
{
    ent_product_fields f = {0};
    f.gtin = "4006381333931";
    f.name_en = "Pen";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "14006381333938", 12), ENT_OK);
    f = (ent_product_fields){0};
    f.sku = "CHEESE-COMTE";
    f.gtin = "2012345000001";
    f.name_zh = "孔泰奶酪";
    f.unit = "g";
    if (ent_product_add(db, &f) != ENT_OK)
        fail_msg("%s", ent_errmsg(db));
    f = (ent_product_fields){0};
    f.sku = "TEA-01";
    f.name_en = "Tea";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_location_add(db, "A-01", "shelf", NULL), ENT_OK);
    ent_receive r = {0};
    r.product = "4006381333931";
    r.qty = 30;
    r.lot = "2024A";
    r.origin = "DE";
    r.declaration = "223320241000123456";
    r.import_date = "2026-06-01";
    r.production_date = "2026-03-01";
    r.expiry = "2027-05-31";
    r.unit_cost = -1;
    r.location = "A-01";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
}

/*
 * The counter's lean resolve of a row of resolve_rows: the same commodity,
 * code, quantities and lot; a lot not on record or not agreeing is refused
 * with the match's problem in its words.
 */
static void lean_agrees(ent_db *db, const ent_scan *s, size_t i, int want_rc, const char *code, int64_t code_qty,
                        int64_t qty, ent_scan_lot_state lot, const char *msg)
{
    ent_scan_ids ids;
    char want[512];
    int rc = ent_scan_resolve_ids(db, &ids, s);
    snprintf(want, sizeof want, "%s", msg);
    if (want_rc == ENT_OK && lot == ENT_SCAN_LOT_UNKNOWN)
        want_rc = ENT_NOTFOUND;
    if (want_rc == ENT_OK && lot == ENT_SCAN_LOT_CONFLICT) {
        want_rc = ENT_INVALID;
        snprintf(want, sizeof want, "the scan does not agree with lot 2024A on record: %s", msg);
    }
    if (rc != want_rc)
        fail_msg("row %zu, lean: rc %d '%s'", i, rc, ent_errmsg(db));
    if (rc != ENT_OK) {
        if (strcmp(ent_errmsg(db), want) != 0)
            fail_msg("row %zu, lean: '%s'", i, ent_errmsg(db));
        return;
    }
    int64_t pid = 0;
    assert_int_equal(ent_product_id(db, &pid, NULL, code), ENT_OK);
    if (ids.product_id != pid || strcmp(ids.code, code) != 0 || ids.code_qty != code_qty || ids.qty != qty ||
        (lot == ENT_SCAN_LOT_OK) != (ids.lot_id != 0) || strcmp(ids.lot, lot == ENT_SCAN_LOT_OK ? "2024A" : "") != 0)
        fail_msg("row %zu, lean: commodity %lld code %s x%lld qty %lld lot %lld '%s'", i, (long long)ids.product_id,
                 ids.code, (long long)ids.code_qty, (long long)ids.qty, (long long)ids.lot_id, ids.lot);
    if (ids.lot_id) {
        ent_lot *l = NULL;
        assert_int_equal(ent_lot_find_id(db, &l, pid, "2024A"), ENT_OK);
        assert_int_equal(ids.lot_id, l->id);
        ent_lot_free(l);
    }
}

static void resolve_rows(void **state)
{
    ent_db *db = *state;
    ent_scan_config cfg;
    seed(db);
    ent_scan_config_init(&cfg);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "21IIIIVWW.WWWC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "20IIIIIWW.WWWC"), ENT_OK);
    static const struct {
        const char *data;
        int rc;
        const char *code;
        int64_t code_qty, qty;
        ent_scan_lot_state lot;
        const char *msg; /* the error, or the match's problem */
    } rows[] = {
        /*  0 */ {"4006381333931", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_NONE, ""},
        /*  1 */ {"14006381333938", ENT_OK, "04006381333931", 12, 12, ENT_SCAN_LOT_NONE, ""},
        /*  2 */ {"]C10104006381333931172705311020" "24A", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_OK, ""},
        /*  3 */ {"]C1010400638133393117270630102024A", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_CONFLICT,
                  "lot 2024A: expiry 2027-06-30 in the scan, 2027-05-31 on record"},
        /*  4 */ {"]C1010400638133393111260302102024A\x1d" "422250", ENT_OK, "04006381333931", 1, 1,
                  ENT_SCAN_LOT_CONFLICT,
                  "lot 2024A: production date 2026-03-02 in the scan, 2026-03-01 on record; origin FR in the scan, "
                  "DE on record"},
        /*  5 */ {"]C1010400638133393110NOPE", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_UNKNOWN,
                  "04006381333931 Pen has no lot 'NOPE'"},
        /*  6 */ {"]C102140063813339383705", ENT_OK, "04006381333931", 12, 60, ENT_SCAN_LOT_NONE, ""},
        /*  7 */ {"]C101040063813339313003", ENT_OK, "04006381333931", 1, 3, ENT_SCAN_LOT_NONE, ""},
        /*  8 */ {"https://id.gs1.org/01/04006381333931/10/2024A?17=270531", ENT_OK, "04006381333931", 1, 1,
                  ENT_SCAN_LOT_OK, ""},
        /*  9-13: the lot alone, with its production date and origin, with a best-before date; a lot
         * code in another case is another lot */
        {"]C101040063813339311020" "24A", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_OK, ""},
        {"]C1010400638133393111260301102024A\x1d" "422276", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_OK, ""},
        {"]C1010400638133393115270531102024A", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_OK, ""},
        {"]C1010400638133393115270601102024A", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_CONFLICT,
         "lot 2024A: expiry 2027-06-01 in the scan, 2027-05-31 on record"},
        {"]C101040063813339311020" "24a", ENT_OK, "04006381333931", 1, 1, ENT_SCAN_LOT_UNKNOWN,
         "04006381333931 Pen has no lot '2024a'"},
        /* 14 */ {"TEA-01", ENT_OK, "TEA-01", 1, 1, ENT_SCAN_LOT_NONE, ""},
        /* 15 */ {"2012345012349", ENT_OK, "02012345000001", 1, 1234, ENT_SCAN_LOT_NONE, ""},
        /* 16 */ {"9501101531000", ENT_NOTFOUND, "", 0, 0, 0, "no commodity has the code '09501101531000'"},
        /* 17 */ {"NOSUCH", ENT_NOTFOUND, "", 0, 0, 0, "no commodity has the code 'NOSUCH'"},
        /* 18 */ {"]C100106141412345678908", ENT_NOTFOUND, "", 0, 0, 0,
                  "the scan names no commodity (no GTIN in it)"},
    };
    static ent_scan s;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_scan_match *m = NULL;
        if (ent_scan_parse(&s, rows[i].data, strlen(rows[i].data), &cfg) != ENT_OK)
            fail_msg("row %zu: parse: %s", i, ent_error_last()->message);
        lean_agrees(db, &s, i, rows[i].rc, rows[i].code, rows[i].code_qty, rows[i].qty, rows[i].lot, rows[i].msg);
        int rc = ent_scan_resolve(db, &m, &s);
        if (rc != rows[i].rc)
            fail_msg("row %zu: rc %d '%s'", i, rc, ent_errmsg(db));
        if (rc != ENT_OK) {
            if (strcmp(ent_errmsg(db), rows[i].msg) != 0)
                fail_msg("row %zu: '%s'", i, ent_errmsg(db));
            assert_null(m);
            continue;
        }
        if (strcmp(m->code, rows[i].code) != 0 || m->code_qty != rows[i].code_qty || m->qty != rows[i].qty ||
            m->lot_state != rows[i].lot || strcmp(m->problem, rows[i].msg) != 0)
            fail_msg("row %zu: code %s x%lld qty %lld lot %d '%s'", i, m->code, (long long)m->code_qty,
                     (long long)m->qty, m->lot_state, m->problem);
        if (m->lot_state == ENT_SCAN_LOT_OK || m->lot_state == ENT_SCAN_LOT_CONFLICT)
            assert_string_equal(m->lot->code, "2024A");
        ent_scan_match_free(m);
    }
    ent_scan_match_free(NULL);
    /* An invalid scan: the parse says why; resolving it anyway is refused
     * (the parse's words are not the resolve's: the scan carries no message). */
    ent_scan_match *m = (ent_scan_match *)&s;
    assert_int_equal(ent_scan_parse(&s, "4006381333932", 13, NULL), ENT_INVALID);
    assert_string_equal(ent_error_last()->message, "GTIN 4006381333932: check digit should be 1");
    assert_int_equal(ent_scan_resolve(db, &m, &s), ENT_INVALID);
    assert_null(m);
    assert_string_equal(ent_errmsg(db), "the scan was not understood");
    assert_string_equal(ent_error_last()->message, "the scan was not understood");
}

/* The lean resolve of one code: its return code, and the lot it found. */
static int lean(ent_db *db, const char *code, int64_t *lot_id)
{
    static ent_scan s;
    ent_scan_ids ids;
    if (ent_scan_parse(&s, code, strlen(code), NULL) != ENT_OK)
        fail_msg("%s: parse: %s", code, ent_error_last()->message);
    int rc = ent_scan_resolve_ids(db, &ids, &s);
    *lot_id = rc == ENT_OK ? ids.lot_id : 0;
    return rc;
}

static void sql(ent_db *db, const char *text)
{
    char *err = NULL;
    if (sqlite3_exec(db->sql, text, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", text, err);
}

static void first_problem(const char *problem, void *ud)
{
    char *out = ud;
    if (out[0] == '\0')
        snprintf(out, 512, "%s", problem);
}

/* check's words for the scan's copy of the lots ("" when it agrees). */
static const char *copy_drift(ent_db *db)
{
    static char problem[512];
    problem[0] = '\0';
    int rc = ent_db_check(db, first_problem, problem);
    assert_int_equal(rc, problem[0] ? ENT_TAMPERED : ENT_OK);
    return problem;
}

/*
 * The counter finds a scan with a lot by one seek in scan_lot (schema 26), a
 * copy of the lots keyed by GTIN and lot code: it follows a commodity's GTIN
 * changed, a lot's code and dates changed and a lot deleted, and check names
 * a copy that drifted from the lots.
 */
static void scan_copy_follows(void **state)
{
    ent_db *db = *state;
    int64_t lot = 0, was = 0;
    seed(db);
    assert_int_equal(lean(db, "]C1010400638133393117270531102024A", &was), ENT_OK);
    assert_true(was != 0);
    assert_string_equal(copy_drift(db), "");
    /* the commodity's GTIN changed: its lot answers under the new one only */
    ent_product_fields f = {0};
    f.gtin = "9501101531000";
    assert_int_equal(ent_product_edit(db, "4006381333931", &f), ENT_OK);
    assert_int_equal(lean(db, "]C1010400638133393117270531102024A", &lot), ENT_NOTFOUND);
    assert_int_equal(lean(db, "]C1010950110153100017270531102024A", &lot), ENT_OK);
    assert_int_equal(lot, was);
    /* the lot's code and dates changed by hand */
    sql(db, "UPDATE lot SET code = '2025B', expiry = '2027-12-31', production_date = '2026-06-01' WHERE code = '2024A'");
    assert_int_equal(lean(db, "]C1010950110153100017270531102024A", &lot), ENT_NOTFOUND);
    assert_string_equal(ent_errmsg(db), "09501101531000 Pen has no lot '2024A'");
    assert_int_equal(lean(db, "]C1010950110153100017270531102025B", &lot), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "the scan does not agree with lot 2025B on record: lot 2025B: expiry "
                                        "2027-05-31 in the scan, 2027-12-31 on record");
    assert_int_equal(lean(db, "]C1010950110153100011260601172712311020" "25B", &lot), ENT_OK);
    assert_int_equal(lot, was);
    assert_string_equal(copy_drift(db), "");
    /* a commodity without a GTIN has none of its lots in the copy until it is given one */
    ent_receive r = {.product = "TEA-01", .qty = 5, .lot = "T1", .origin = "CN", .unit_cost = -1, .location = "A-01"};
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_string_equal(copy_drift(db), "");
    f.gtin = "4006381333931";
    assert_int_equal(ent_product_edit(db, "TEA-01", &f), ENT_OK);
    assert_int_equal(lean(db, "]C10104006381333931" "10T1", &lot), ENT_OK);
    assert_true(lot != 0 && lot != was);
    assert_string_equal(copy_drift(db), "");
    /* a copy that drifted: check names it; a lot deleted leaves the copy too */
    sql(db, "UPDATE scan_lot SET expiry = '2030-01-01' WHERE code = '2025B'");
    assert_string_equal(copy_drift(db), "scan copy drift: lot 2025B of 09501101531000: copy lot #1 of commodity #1, "
                                        "expiry 2030-01-01, production 2026-06-01, origin DE, lots lot #1 of "
                                        "commodity #1, expiry 2027-12-31, production 2026-06-01, origin DE");
    sql(db, "DELETE FROM scan_lot WHERE code = 'T1'");
    assert_string_equal(copy_drift(db), "scan copy drift: lot 2025B of 09501101531000: copy lot #1 of commodity #1, "
                                        "expiry 2030-01-01, production 2026-06-01, origin DE, lots lot #1 of "
                                        "commodity #1, expiry 2027-12-31, production 2026-06-01, origin DE");
    sql(db, "UPDATE scan_lot SET expiry = '2027-12-31' WHERE code = '2025B'");
    assert_string_equal(copy_drift(db), "scan copy drift: lot T1 of 04006381333931: copy none, lots lot #2 of "
                                        "commodity #3, expiry -, production -, origin CN");
    sql(db, "INSERT INTO scan_lot VALUES ('04006381333931', 'T1', 3, 2, '2031-01-01', NULL, 'CN')");
    assert_string_equal(copy_drift(db), "scan copy drift: lot T1 of 04006381333931: copy lot #2 of commodity #3, "
                                        "expiry 2031-01-01, production -, origin CN, lots lot #2 of commodity #3, "
                                        "expiry -, production -, origin CN");
    sql(db, "UPDATE scan_lot SET expiry = NULL WHERE code = 'T1'"); /* mended (T1 was given no expiry) */
    assert_string_equal(copy_drift(db), "");
    /* a lot with no stock, added and deleted by hand */
    sql(db, "INSERT INTO lot(uuid, product_id, code, origin, created_at) "
            "VALUES ('c5b1f7a0-0000-4000-8000-000000000001', 3, 'T2', 'CN', '2026-06-01T00:00:00Z')");
    assert_int_equal(lean(db, "]C10104006381333931" "10T2", &lot), ENT_OK);
    sql(db, "DELETE FROM lot WHERE code = 'T2'");
    assert_int_equal(lean(db, "]C10104006381333931" "10T2", &lot), ENT_NOTFOUND);
    assert_string_equal(copy_drift(db), "");
    sql(db, "INSERT INTO scan_lot VALUES ('00000000000000', 'X', 9, 9, NULL, NULL, 'FR')");
    assert_string_equal(copy_drift(db), "scan copy drift: lot X of 00000000000000: copy lot #9 of commodity #9, "
                                        "expiry -, production -, origin FR, lots none");
}

static void settings_round_trip(void **state)
{
    ent_db *db = *state;
    ent_scan_config cfg, back;
    assert_int_equal(ent_scan_config_load(db, &back), ENT_OK);
    assert_int_equal(back.fnc1, 0);
    assert_int_equal(back.n_layouts, 0);
    ent_scan_config_init(&cfg);
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, '~'), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "20IIIIIPPP.PPC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "21IIIIVWW.WWWC"), ENT_OK);
    assert_int_equal(ent_scan_config_save(db, &cfg), ENT_OK);
    assert_int_equal(ent_scan_config_load(db, &back), ENT_OK);
    assert_int_equal(back.fnc1, '~');
    assert_int_equal(back.n_layouts, 2);
    assert_string_equal(back.layouts[0].pattern, "20IIIIIPPP.PPC");
    assert_string_equal(back.layouts[1].pattern, "21IIIIVWW.WWWC");
    assert_int_equal(back.layouts[1].check_pos, 6);
    /* Clearing removes the settings again. */
    ent_scan_config_init(&cfg);
    assert_int_equal(ent_scan_config_save(db, &cfg), ENT_OK);
    assert_int_equal(ent_scan_config_load(db, &back), ENT_OK);
    assert_int_equal(back.fnc1, 0);
    assert_int_equal(back.n_layouts, 0);
    /* A bad configuration is refused before anything is written. */
    cfg.fnc1 = '%';
    assert_int_equal(ent_scan_config_save(db, &cfg), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "FNC1 substitute '%': choose a character GS1 data cannot contain: one of # $ @ "
                                        "[ \\ ^ ` { | } ~ or a space");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_rows),
        cmocka_unit_test(strict_rows),
        cmocka_unit_test(amount_in_fund),
        cmocka_unit_test(price_check_digits),
        cmocka_unit_test(upce_expansion),
        cmocka_unit_test(ai_table_sorted),
        cmocka_unit_test(predefined_lengths),
        cmocka_unit_test(layouts),
        cmocka_unit_test(config_rules),
        cmocka_unit_test(odd_inputs),
        cmocka_unit_test_setup_teardown(resolve_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(scan_copy_follows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(settings_round_trip, test_db_setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
