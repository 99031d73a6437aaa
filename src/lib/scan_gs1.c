/*
 * The scan parser's GS1 side: the AI table, dates, one AI checked and
 * recorded, and element strings (FNC1-separated and bracketed). Facts about
 * AIs come from the GS1 General Specifications (section 3 and 7.8) and the
 * GS1 Barcode Syntax Dictionary, release 2026-01-27: one row per entry of
 * the Dictionary (its ranges 3100-3105 ... as "310n"), with its format,
 * check-digit position (F_CHK: last; head: end of the numeric key), linter
 * (lint), Digital Link attribute flag ('?': dl), req= and ex= as written
 * there. A reviewer compares them row by row.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "entrepot/country.h"
#include "time_internal.h"
#include "scan_internal.h"
#include "scan_parse.h"

/* ---- the AI table ------------------------------------------------------- */

/* Sorted by pat (a test checks it): looked up by binary search.
 * pat, format, min, max, head, title, unit, trade, lint, dl, req, ex */
static const struct ai_def ai_defs[] = {
    {"00", F_CHK, 18, 18, 0, "SSCC", NULL, 0, L_NONE, 1, "", ""},
    {"01", F_CHK, 14, 14, 0, "GTIN", NULL, 0, L_NONE, 1, "", "255,37"},
    {"02", F_CHK, 14, 14, 0, "CONTENT", NULL, 0, L_NONE, 1, "37", "01,03"},
    {"03", F_CHK, 14, 14, 0, "MTO GTIN", NULL, 0, L_NONE, 0, "", "01,02,37"},
    {"10", F_X, 1, 20, 0, "BATCH/LOT", NULL, 0, L_NONE, 1, "01,02,03,8006,8026", ""},
    {"11", F_DATE0, 6, 6, 0, "PROD DATE", NULL, 0, L_NONE, 1, "01,02,03,8006,8026", ""},
    {"12", F_DATE0, 6, 6, 0, "DUE DATE", NULL, 0, L_NONE, 1, "8020", ""},
    {"13", F_DATE0, 6, 6, 0, "PACK DATE", NULL, 0, L_NONE, 1, "01,02,03,8006,8026", ""},
    {"15", F_DATE0, 6, 6, 0, "BEST BEFORE or BEST BY", NULL, 0, L_NONE, 1, "01,02,03,8006,8026", ""},
    {"16", F_DATE0, 6, 6, 0, "SELL BY", NULL, 0, L_NONE, 1, "01,02,03,8006,8026", ""},
    {"17", F_DATE0, 6, 6, 0, "USE BY OR EXPIRY", NULL, 0, L_NONE, 1, "01,02,03,255,8006,8026", ""},
    {"20", F_N, 2, 2, 0, "VARIANT", NULL, 0, L_NONE, 1, "01,02,8006,8026", ""},
    {"21", F_X, 1, 20, 0, "SERIAL", NULL, 0, L_NONE, 0, "01,03,8006", "235"},
    {"22", F_X, 1, 20, 0, "CPV", NULL, 0, L_NONE, 0, "01", ""},
    {"235", F_X, 1, 28, 0, "TPX", NULL, 0, L_NONE, 0, "01", ""},
    {"240", F_X, 1, 30, 0, "ADDITIONAL ID", NULL, 0, L_NONE, 1, "01,02,8006,8026", ""},
    {"241", F_X, 1, 30, 0, "CUST. PART No.", NULL, 0, L_NONE, 1, "01,02,8006,8026", ""},
    {"242", F_N, 1, 6, 0, "MTO VARIANT", NULL, 0, L_NONE, 1, "01,02,8006,8026", ""},
    {"243", F_X, 1, 20, 0, "PCN", NULL, 0, L_NONE, 1, "01", ""},
    {"250", F_X, 1, 30, 0, "SECONDARY SERIAL", NULL, 0, L_NONE, 1, "01,8006 21", ""},
    {"251", F_X, 1, 30, 0, "REF. TO SOURCE", NULL, 0, L_NONE, 1, "01,8006", ""},
    {"253", F_X, 13, 30, 13, "GDTI", NULL, 0, L_NONE, 1, "", ""},
    {"254", F_X, 1, 20, 0, "GLN EXTENSION COMPONENT", NULL, 0, L_NONE, 0, "414", ""},
    {"255", F_N, 13, 25, 13, "GCN", NULL, 0, L_NONE, 1, "", "01,02,415,8006,8020,8026"},
    {"30", F_N, 1, 8, 0, "VAR. COUNT", NULL, 0, L_NONE, 1, "01,02", ""},
    {"310n", F_MEASURE, 6, 6, 0, "NET WEIGHT (kg)", "kg", 1, L_NONE, 1, "01,02", "310n"},
    {"311n", F_MEASURE, 6, 6, 0, "LENGTH (m)", "m", 1, L_NONE, 1, "01,02", "311n"},
    {"312n", F_MEASURE, 6, 6, 0, "WIDTH (m)", "m", 1, L_NONE, 1, "01,02", "312n"},
    {"313n", F_MEASURE, 6, 6, 0, "HEIGHT (m)", "m", 1, L_NONE, 1, "01,02", "313n"},
    {"314n", F_MEASURE, 6, 6, 0, "AREA (m2)", "m2", 1, L_NONE, 1, "01,02", "314n"},
    {"315n", F_MEASURE, 6, 6, 0, "NET VOLUME (l)", "l", 1, L_NONE, 1, "01,02", "315n"},
    {"316n", F_MEASURE, 6, 6, 0, "NET VOLUME (m3)", "m3", 1, L_NONE, 1, "01,02", "316n"},
    {"320n", F_MEASURE, 6, 6, 0, "NET WEIGHT (lb)", "lb", 1, L_NONE, 1, "01,02", "320n"},
    {"321n", F_MEASURE, 6, 6, 0, "LENGTH (in)", "in", 1, L_NONE, 1, "01,02", "321n"},
    {"322n", F_MEASURE, 6, 6, 0, "LENGTH (ft)", "ft", 1, L_NONE, 1, "01,02", "322n"},
    {"323n", F_MEASURE, 6, 6, 0, "LENGTH (yd)", "yd", 1, L_NONE, 1, "01,02", "323n"},
    {"324n", F_MEASURE, 6, 6, 0, "WIDTH (in)", "in", 1, L_NONE, 1, "01,02", "324n"},
    {"325n", F_MEASURE, 6, 6, 0, "WIDTH (ft)", "ft", 1, L_NONE, 1, "01,02", "325n"},
    {"326n", F_MEASURE, 6, 6, 0, "WIDTH (yd)", "yd", 1, L_NONE, 1, "01,02", "326n"},
    {"327n", F_MEASURE, 6, 6, 0, "HEIGHT (in)", "in", 1, L_NONE, 1, "01,02", "327n"},
    {"328n", F_MEASURE, 6, 6, 0, "HEIGHT (ft)", "ft", 1, L_NONE, 1, "01,02", "328n"},
    {"329n", F_MEASURE, 6, 6, 0, "HEIGHT (yd)", "yd", 1, L_NONE, 1, "01,02", "329n"},
    {"330n", F_MEASURE, 6, 6, 0, "GROSS WEIGHT (kg)", "kg", 0, L_NONE, 1, "00,01", "330n"},
    {"331n", F_MEASURE, 6, 6, 0, "LENGTH (m), log", "m", 0, L_NONE, 1, "00,01", "331n"},
    {"332n", F_MEASURE, 6, 6, 0, "WIDTH (m), log", "m", 0, L_NONE, 1, "00,01", "332n"},
    {"333n", F_MEASURE, 6, 6, 0, "HEIGHT (m), log", "m", 0, L_NONE, 1, "00,01", "333n"},
    {"334n", F_MEASURE, 6, 6, 0, "AREA (m2), log", "m2", 0, L_NONE, 1, "00,01", "334n"},
    {"335n", F_MEASURE, 6, 6, 0, "VOLUME (l), log", "l", 0, L_NONE, 1, "00,01", "335n"},
    {"336n", F_MEASURE, 6, 6, 0, "VOLUME (m3), log", "m3", 0, L_NONE, 1, "00,01", "336n"},
    {"337n", F_MEASURE, 6, 6, 0, "KG PER m2", "kg/m2", 0, L_NONE, 1, "01", "337n"},
    {"340n", F_MEASURE, 6, 6, 0, "GROSS WEIGHT (lb)", "lb", 0, L_NONE, 1, "00,01", "340n"},
    {"341n", F_MEASURE, 6, 6, 0, "LENGTH (in), log", "in", 0, L_NONE, 1, "00,01", "341n"},
    {"342n", F_MEASURE, 6, 6, 0, "LENGTH (ft), log", "ft", 0, L_NONE, 1, "00,01", "342n"},
    {"343n", F_MEASURE, 6, 6, 0, "LENGTH (yd), log", "yd", 0, L_NONE, 1, "00,01", "343n"},
    {"344n", F_MEASURE, 6, 6, 0, "WIDTH (in), log", "in", 0, L_NONE, 1, "00,01", "344n"},
    {"345n", F_MEASURE, 6, 6, 0, "WIDTH (ft), log", "ft", 0, L_NONE, 1, "00,01", "345n"},
    {"346n", F_MEASURE, 6, 6, 0, "WIDTH (yd), log", "yd", 0, L_NONE, 1, "00,01", "346n"},
    {"347n", F_MEASURE, 6, 6, 0, "HEIGHT (in), log", "in", 0, L_NONE, 1, "00,01", "347n"},
    {"348n", F_MEASURE, 6, 6, 0, "HEIGHT (ft), log", "ft", 0, L_NONE, 1, "00,01", "348n"},
    {"349n", F_MEASURE, 6, 6, 0, "HEIGHT (yd), log", "yd", 0, L_NONE, 1, "00,01", "349n"},
    {"350n", F_MEASURE, 6, 6, 0, "AREA (in2)", "in2", 1, L_NONE, 1, "01,02", "350n"},
    {"351n", F_MEASURE, 6, 6, 0, "AREA (ft2)", "ft2", 1, L_NONE, 1, "01,02", "351n"},
    {"352n", F_MEASURE, 6, 6, 0, "AREA (yd2)", "yd2", 1, L_NONE, 1, "01,02", "352n"},
    {"353n", F_MEASURE, 6, 6, 0, "AREA (in2), log", "in2", 0, L_NONE, 1, "00,01", "353n"},
    {"354n", F_MEASURE, 6, 6, 0, "AREA (ft2), log", "ft2", 0, L_NONE, 1, "00,01", "354n"},
    {"355n", F_MEASURE, 6, 6, 0, "AREA (yd2), log", "yd2", 0, L_NONE, 1, "00,01", "355n"},
    {"356n", F_MEASURE, 6, 6, 0, "NET WEIGHT (troy oz)", "ozt", 1, L_NONE, 1, "01,02", "356n"},
    {"357n", F_MEASURE, 6, 6, 0, "NET VOLUME (oz)", "oz", 1, L_NONE, 1, "01,02", "357n"},
    {"360n", F_MEASURE, 6, 6, 0, "NET VOLUME (qt)", "qt", 1, L_NONE, 1, "01,02", "360n"},
    {"361n", F_MEASURE, 6, 6, 0, "NET VOLUME (gal.)", "gal", 1, L_NONE, 1, "01,02", "361n"},
    {"362n", F_MEASURE, 6, 6, 0, "VOLUME (qt), log", "qt", 0, L_NONE, 1, "00,01", "362n"},
    {"363n", F_MEASURE, 6, 6, 0, "VOLUME (gal.), log", "gal", 0, L_NONE, 1, "00,01", "363n"},
    {"364n", F_MEASURE, 6, 6, 0, "VOLUME (in3)", "in3", 1, L_NONE, 1, "01,02", "364n"},
    {"365n", F_MEASURE, 6, 6, 0, "VOLUME (ft3)", "ft3", 1, L_NONE, 1, "01,02", "365n"},
    {"366n", F_MEASURE, 6, 6, 0, "VOLUME (yd3)", "yd3", 1, L_NONE, 1, "01,02", "366n"},
    {"367n", F_MEASURE, 6, 6, 0, "VOLUME (in3), log", "in3", 0, L_NONE, 1, "00,01", "367n"},
    {"368n", F_MEASURE, 6, 6, 0, "VOLUME (ft3), log", "ft3", 0, L_NONE, 1, "00,01", "368n"},
    {"369n", F_MEASURE, 6, 6, 0, "VOLUME (yd3), log", "yd3", 0, L_NONE, 1, "00,01", "369n"},
    {"37", F_N, 1, 8, 0, "COUNT", NULL, 0, L_NONE, 1, "00 02,8026", ""},
    {"390n", F_AMOUNT, 1, 15, 0, "AMOUNT", NULL, 0, L_NONE, 1, "255,8020", "390n,391n,394n,8111"},
    {"391n", F_AMOUNT_ISO, 4, 18, 0, "AMOUNT", NULL, 0, L_NONE, 1, "8020", "391n"},
    {"392n", F_AMOUNT, 1, 15, 0, "PRICE", NULL, 0, L_NONE, 1, "01 30,31nn,32nn,35nn,36nn", "392n,393n"},
    {"393n", F_AMOUNT_ISO, 4, 18, 0, "PRICE", NULL, 0, L_NONE, 1, "30,31nn,32nn,35nn,36nn", "393n"},
    {"394n", F_N, 4, 4, 0, "PRCNT OFF", NULL, 0, L_NONE, 1, "255", "394n,8111"},
    {"395n", F_N, 6, 6, 0, "PRICE/UoM", NULL, 0, L_NONE, 1, "30,31nn,32nn,35nn,36nn", "392n,393n,395n,8005"},
    {"400", F_X, 1, 30, 0, "ORDER NUMBER", NULL, 0, L_NONE, 1, "", ""},
    {"401", F_X, 1, 30, 0, "GINC", NULL, 0, L_GCP, 1, "", ""},
    {"402", F_CHK, 17, 17, 0, "GSIN", NULL, 0, L_NONE, 1, "", ""},
    {"403", F_X, 1, 30, 0, "ROUTE", NULL, 0, L_NONE, 1, "00", ""},
    {"410", F_CHK, 13, 13, 0, "SHIP TO LOC", NULL, 0, L_NONE, 1, "", ""},
    {"411", F_CHK, 13, 13, 0, "BILL TO", NULL, 0, L_NONE, 1, "", ""},
    {"412", F_CHK, 13, 13, 0, "PURCHASE FROM", NULL, 0, L_NONE, 1, "", ""},
    {"413", F_CHK, 13, 13, 0, "SHIP FOR LOC", NULL, 0, L_NONE, 1, "", ""},
    {"414", F_CHK, 13, 13, 0, "LOC No.", NULL, 0, L_NONE, 1, "", ""},
    {"415", F_CHK, 13, 13, 0, "PAY TO", NULL, 0, L_NONE, 1, "8020", ""},
    {"416", F_CHK, 13, 13, 0, "PROD/SERV LOC", NULL, 0, L_NONE, 1, "", ""},
    {"417", F_CHK, 13, 13, 0, "PARTY", NULL, 0, L_NONE, 1, "", ""},
    {"420", F_X, 1, 20, 0, "SHIP TO POST", NULL, 0, L_NONE, 1, "", "421"},
    {"421", F_COUNTRY_X, 4, 12, 3, "SHIP TO POST", NULL, 0, L_NONE, 1, "", "4307"},
    {"422", F_COUNTRY, 3, 3, 0, "ORIGIN", NULL, 0, L_NONE, 1, "01,02,8006,8026", "426"},
    {"423", F_COUNTRY, 3, 15, 0, "COUNTRY - INITIAL PROCESS.", NULL, 0, L_NONE, 1, "01,02", "426"},
    {"424", F_COUNTRY, 3, 3, 0, "COUNTRY - PROCESS.", NULL, 0, L_NONE, 1, "01,02", "426"},
    {"425", F_COUNTRY, 3, 15, 0, "COUNTRY - DISASSEMBLY", NULL, 0, L_NONE, 1, "01,02", "426"},
    {"426", F_COUNTRY, 3, 3, 0, "COUNTRY - FULL PROCESS", NULL, 0, L_NONE, 1, "01,02", ""},
    {"427", F_X, 1, 3, 0, "ORIGIN SUBDIVISION", NULL, 0, L_NONE, 1, "01,02 422", ""},
    {"4300", F_X, 1, 35, 0, "SHIP TO COMP", NULL, 0, L_PCENC, 1, "00", ""},
    {"4301", F_X, 1, 35, 0, "SHIP TO NAME", NULL, 0, L_PCENC, 1, "00", ""},
    {"4302", F_X, 1, 70, 0, "SHIP TO ADD1", NULL, 0, L_PCENC, 1, "00", ""},
    {"4303", F_X, 1, 70, 0, "SHIP TO ADD2", NULL, 0, L_PCENC, 1, "4302", ""},
    {"4304", F_X, 1, 70, 0, "SHIP TO SUB", NULL, 0, L_PCENC, 1, "00", ""},
    {"4305", F_X, 1, 70, 0, "SHIP TO LOC", NULL, 0, L_PCENC, 1, "00", ""},
    {"4306", F_X, 1, 70, 0, "SHIP TO REG", NULL, 0, L_PCENC, 1, "00", ""},
    {"4307", F_X, 2, 2, 0, "SHIP TO COUNTRY", NULL, 0, L_ALPHA2, 1, "00", ""},
    {"4308", F_X, 1, 30, 0, "SHIP TO PHONE", NULL, 0, L_NONE, 1, "00", ""},
    {"4309", F_N, 20, 20, 0, "SHIP TO GEO", NULL, 0, L_LATLONG, 1, "00", ""},
    {"4310", F_X, 1, 35, 0, "RTN TO COMP", NULL, 0, L_PCENC, 1, "00", ""},
    {"4311", F_X, 1, 35, 0, "RTN TO NAME", NULL, 0, L_PCENC, 1, "00", ""},
    {"4312", F_X, 1, 70, 0, "RTN TO ADD1", NULL, 0, L_PCENC, 1, "00", ""},
    {"4313", F_X, 1, 70, 0, "RTN TO ADD2", NULL, 0, L_PCENC, 1, "4312", ""},
    {"4314", F_X, 1, 70, 0, "RTN TO SUB", NULL, 0, L_PCENC, 1, "00", ""},
    {"4315", F_X, 1, 70, 0, "RTN TO LOC", NULL, 0, L_PCENC, 1, "00", ""},
    {"4316", F_X, 1, 70, 0, "RTN TO REG", NULL, 0, L_PCENC, 1, "00", ""},
    {"4317", F_X, 2, 2, 0, "RTN TO COUNTRY", NULL, 0, L_ALPHA2, 1, "00", ""},
    {"4318", F_X, 1, 20, 0, "RTN TO POST", NULL, 0, L_NONE, 1, "00", ""},
    {"4319", F_X, 1, 30, 0, "RTN TO PHONE", NULL, 0, L_NONE, 1, "00", ""},
    {"4320", F_X, 1, 35, 0, "SRV DESCRIPTION", NULL, 0, L_PCENC, 1, "00", ""},
    {"4321", F_N, 1, 1, 0, "DANGEROUS GOODS", NULL, 0, L_YESNO, 1, "00", ""},
    {"4322", F_N, 1, 1, 0, "AUTH LEAVE", NULL, 0, L_YESNO, 1, "00", ""},
    {"4323", F_N, 1, 1, 0, "SIG REQUIRED", NULL, 0, L_YESNO, 1, "00", ""},
    {"4324", F_N, 10, 10, 0, "NBEF DEL DT", NULL, 0, L_YMD0_HM, 1, "00", ""},
    {"4325", F_N, 10, 10, 0, "NAFT DEL DT", NULL, 0, L_YMD0_HM, 1, "00", ""},
    {"4326", F_DATE, 6, 6, 0, "REL DATE", NULL, 0, L_NONE, 1, "00", ""},
    {"4330", F_X, 6, 7, 0, "MAX TEMP F", NULL, 0, L_HYPHEN, 1, "00", "4331"},
    {"4331", F_X, 6, 7, 0, "MAX TEMP C", NULL, 0, L_HYPHEN, 1, "00", "4330"},
    {"4332", F_X, 6, 7, 0, "MIN TEMP F", NULL, 0, L_HYPHEN, 1, "00", "4333"},
    {"4333", F_X, 6, 7, 0, "MIN TEMP C", NULL, 0, L_HYPHEN, 1, "00", "4332"},
    {"7001", F_N, 13, 13, 0, "NSN", NULL, 0, L_NONE, 1, "01,02,8006,8026", ""},
    {"7002", F_X, 1, 30, 0, "MEAT CUT", NULL, 0, L_NONE, 1, "01,02", ""},
    {"7003", F_N, 10, 10, 0, "EXPIRY TIME", NULL, 0, L_YMD_HM, 1, "01,02", ""},
    {"7004", F_N, 1, 4, 0, "ACTIVE POTENCY", NULL, 0, L_NONE, 1, "01+10", ""},
    {"7005", F_X, 1, 12, 0, "CATCH AREA", NULL, 0, L_NONE, 1, "01,02", ""},
    {"7006", F_DATE, 6, 6, 0, "FIRST FREEZE DATE", NULL, 0, L_NONE, 1, "01,02", ""},
    {"7007", F_N, 6, 12, 0, "HARVEST DATE", NULL, 0, L_YMD_YMD, 1, "01,02", ""},
    {"7008", F_X, 1, 3, 0, "AQUATIC SPECIES", NULL, 0, L_NONE, 1, "01,02", ""},
    {"7009", F_X, 1, 10, 0, "FISHING GEAR TYPE", NULL, 0, L_NONE, 1, "01,02", ""},
    {"7010", F_X, 1, 2, 0, "PROD METHOD", NULL, 0, L_NONE, 1, "01,02", ""},
    {"7011", F_N, 6, 10, 0, "TEST BY DATE", NULL, 0, L_YMD_HM_OPT, 1, "01,02", ""},
    {"7020", F_X, 1, 20, 0, "REFURB LOT", NULL, 0, L_NONE, 1, "01,8006 416", ""},
    {"7021", F_X, 1, 20, 0, "FUNC STAT", NULL, 0, L_NONE, 1, "01,8006", ""},
    {"7022", F_X, 1, 20, 0, "REV STAT", NULL, 0, L_NONE, 1, "7021", ""},
    {"7023", F_X, 1, 30, 0, "GIAI - ASSEMBLY", NULL, 0, L_GCP, 1, "", ""},
    {"703n", F_COUNTRY_X, 4, 30, 3, "PROCESSOR # s", NULL, 0, L_COUNTRY999, 1, "01,02", ""},
    {"7040", F_X, 4, 4, 0, "UIC+EXT", NULL, 0, L_UIC, 0, "", ""},
    {"7041", F_X, 1, 4, 0, "UFRGT UNIT TYPE", NULL, 0, L_NONE, 0, "00", ""},
    {"710", F_X, 1, 20, 0, "NHRN PZN", NULL, 0, L_NONE, 1, "01", ""},
    {"711", F_X, 1, 20, 0, "NHRN CIP", NULL, 0, L_NONE, 1, "01", ""},
    {"712", F_X, 1, 20, 0, "NHRN CN", NULL, 0, L_NONE, 1, "01", ""},
    {"713", F_X, 1, 20, 0, "NHRN DRN", NULL, 0, L_NONE, 1, "01", ""},
    {"714", F_X, 1, 20, 0, "NHRN AIM", NULL, 0, L_NONE, 1, "01", ""},
    {"715", F_X, 1, 20, 0, "NHRN NDC", NULL, 0, L_NONE, 1, "01", ""},
    {"716", F_X, 1, 20, 0, "NHRN AIC", NULL, 0, L_NONE, 1, "01", ""},
    {"717", F_X, 1, 20, 0, "NHRN EMA", NULL, 0, L_NONE, 1, "01", ""},
    {"723n", F_X, 3, 30, 0, "CERT # s", NULL, 0, L_NONE, 1, "01,8004", ""},
    {"7240", F_X, 1, 20, 0, "PROTOCOL", NULL, 0, L_NONE, 1, "01,8006", ""},
    {"7241", F_N, 2, 2, 0, "AIDC MEDIA TYPE", NULL, 0, L_MEDIA, 1, "8017,8018", ""},
    {"7242", F_X, 1, 25, 0, "VCN", NULL, 0, L_NONE, 1, "8017,8018", ""},
    {"7250", F_N, 8, 8, 0, "DOB", NULL, 0, L_YYYYMMDD, 1, "8018", "7251"},
    {"7251", F_N, 12, 12, 0, "DOB TIME", NULL, 0, L_YYYYMMDD_HM, 1, "8018", "7250"},
    {"7252", F_N, 1, 1, 0, "BIO SEX", NULL, 0, L_ISO5218, 1, "8018", ""},
    {"7253", F_X, 1, 40, 0, "FAMILY NAME", NULL, 0, L_PCENC, 1, "8017,8018", "7256,7259"},
    {"7254", F_X, 1, 40, 0, "GIVEN NAME", NULL, 0, L_PCENC, 1, "8017,8018", "7256,7259"},
    {"7255", F_X, 1, 10, 0, "SUFFIX", NULL, 0, L_NONE, 1, "8017,8018", "7256,7259"},
    {"7256", F_X, 1, 90, 0, "FULL NAME", NULL, 0, L_PCENC, 1, "8017,8018", ""},
    {"7257", F_X, 1, 70, 0, "PERSON ADDR", NULL, 0, L_PCENC, 1, "8018", ""},
    {"7258", F_X, 3, 3, 0, "BIRTH SEQUENCE", NULL, 0, L_BIRTH_SEQ, 1, "8018+7259", ""},
    {"7259", F_X, 1, 40, 0, "BABY", NULL, 0, L_PCENC, 1, "8018", "7256"},
    {"8001", F_N, 14, 14, 0, "DIMENSIONS", NULL, 0, L_DIMENSIONS, 1, "01", ""},
    {"8002", F_X, 1, 20, 0, "CMT No.", NULL, 0, L_NONE, 1, "", ""},
    {"8003", F_X, 14, 30, 14, "GRAI", NULL, 0, L_ZERO_GCP, 1, "", ""},
    {"8004", F_X, 1, 30, 0, "GIAI", NULL, 0, L_GCP, 1, "", ""},
    {"8005", F_N, 6, 6, 0, "PRICE PER UNIT", NULL, 0, L_NONE, 1, "01,02", ""},
    {"8006", F_N, 18, 18, 14, "ITIP", NULL, 0, L_PIECE, 1, "", "01,37"},
    {"8007", F_X, 1, 34, 0, "IBAN", NULL, 0, L_IBAN, 1, "415", ""},
    {"8008", F_N, 8, 12, 0, "PROD TIME", NULL, 0, L_YMD_H_M_S, 1, "01,02", ""},
    {"8009", F_X, 1, 50, 0, "OPTSEN", NULL, 0, L_NONE, 1, "00,01", ""},
    {"8010", F_X, 1, 30, 0, "CPID", NULL, 0, L_CPID, 1, "", ""},
    {"8011", F_N, 1, 12, 0, "CPID SERIAL", NULL, 0, L_NO_ZERO_PREFIX, 0, "8010", ""},
    {"8012", F_X, 1, 20, 0, "VERSION", NULL, 0, L_NONE, 1, "01,8006", ""},
    {"8013", F_X, 1, 25, 0, "GMN", NULL, 0, L_GMN, 1, "", ""},
    {"8014", F_X, 1, 25, 0, "MUDI", NULL, 0, L_MUDI, 0, "01", ""},
    {"8017", F_CHK, 18, 18, 0, "GSRN - PROVIDER", NULL, 0, L_NONE, 1, "", "8018"},
    {"8018", F_CHK, 18, 18, 0, "GSRN - RECIPIENT", NULL, 0, L_NONE, 1, "", "8017"},
    {"8019", F_N, 1, 10, 0, "SRIN", NULL, 0, L_NONE, 0, "8017,8018", ""},
    {"8020", F_X, 1, 25, 0, "REF No.", NULL, 0, L_NONE, 0, "415", ""},
    {"8026", F_N, 18, 18, 14, "ITIP CONTENT", NULL, 0, L_PIECE, 1, "37", "02,8006"},
    {"8030", F_X, 1, 90, 0, "DIGSIG", NULL, 0, L_CSET64, 1,
     "00,01+21,253,255,8003,8004,8006+21,8010+8011,8017,8018", ""},
    {"8040", F_N, 15, 15, 0, "SN EXT", NULL, 0, L_NONE, 0, "01+21", ""},
    {"8041", F_N, 15, 15, 0, "SN EXT ONE", NULL, 0, L_NONE, 0, "01+21+8040", ""},
    {"8042", F_N, 32, 32, 0, "SN EXT TWO", NULL, 0, L_NONE, 0, "01+21+8040", ""},
    {"8043", F_N, 18, 20, 0, "SN EXT THREE", NULL, 0, L_NONE, 0, "01+21+8040", ""},
    {"8110", F_X, 1, 70, 0, "COUPON", NULL, 0, L_NONE, 1, "", ""},
    {"8111", F_N, 4, 4, 0, "POINTS", NULL, 0, L_NONE, 1, "255", ""},
    {"8112", F_X, 1, 70, 0, "COUPON", NULL, 0, L_NONE, 1, "", ""},
    {"8200", F_X, 1, 70, 0, "PRODUCT URL", NULL, 0, L_NONE, 0, "01", ""},
    {"90", F_X, 1, 30, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"91", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"92", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"93", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"94", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"95", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"96", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"97", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"98", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
    {"99", F_X, 1, 90, 0, "INTERNAL", NULL, 0, L_NONE, 1, "", ""},
};

/* An AI that is not in the table but whose number is well formed: any GS1
 * data up to the largest length an AI can have. */
const struct ai_def entx_scan_unknown_def = {"", F_X, 1, 90, 0, "", NULL, 0, L_NONE, 0, "", ""};

/*
 * The length of an AI from its first two digits (GS1 General Specifications
 * 3.2: the AI numbering leaves no ambiguity), 0 where no AI starts so.
 */
int entx_scan_ai_length(int two)
{
    if (two <= 4)
        return 2;        /* 00-04 */
    if (two < 10)
        return 0;        /* 05-09: not assigned */
    if (two <= 22)
        return 2;        /* 10-22 */
    if (two <= 29)
        return 3;        /* 23-29: 235, 24x, 25x */
    if (two == 30 || two == 37)
        return 2;
    if (two <= 39)
        return 4;        /* 31-36 measures, 39 amounts */
    if (two <= 42)
        return 3;        /* 40x-42x */
    if (two <= 49)
        return 4;        /* 43xx */
    if (two < 70)
        return 0;        /* 50-69: not assigned */
    if (two == 71)
        return 3;        /* 71x national healthcare numbers */
    if (two <= 89)
        return 4;        /* 70xx, 72xx, 80xx-82xx */
    return 2;            /* 90-99 internal */
}

/* By the first two digits (scan_internal.h). */
size_t ent_gs1_predefined_length(const char *ai)
{
    if (ai[0] < '0' || ai[0] > '9' || ai[1] < '0' || ai[1] > '9')
        return 0;
    switch ((ai[0] - '0') * 10 + (ai[1] - '0')) {
    case 0: return 20;
    case 1: case 2: case 3: return 16;
    case 4: return 18;
    case 11: case 12: case 13: case 14: case 15: case 16: case 17: case 18: case 19: return 8;
    case 20: return 4;
    case 31: case 32: case 33: case 34: case 35: case 36: return 10;
    case 41: return 16;
    default: return 0;
    }
}

static int pat_cmp(const char *key, size_t klen, const char *pat)
{
    for (size_t i = 0; i < klen; i++) {
        char pc = pat[i];
        if (pc == '\0')
            return 1; /* the key is longer */
        if (pc == 'n')
            continue; /* any digit; 'n' only ever ends a pattern */
        if (key[i] != pc)
            return (unsigned char)key[i] - (unsigned char)pc;
    }
    return pat[klen] == '\0' ? 0 : -1;
}

#define N_DEFS (sizeof ai_defs / sizeof *ai_defs)

/* Where each two-digit group starts and ends in the table, worked out once. */
static unsigned char group_lo[100], group_hi[100];
static pthread_once_t groups_once = PTHREAD_ONCE_INIT;

/*
 * The req= column compiled once into bit masks, so that checking a scan's
 * pairings costs a few AND operations (the parse is a hot path): each AI
 * that a req= names is a class; an alternative is the mask of its classes;
 * a row's groups are runs of alternatives in req_alt.
 */
static const char *const req_class[] = {"00",   "01",   "02",   "03",   "10",   "21",   "253",  "255",
                                        "30",   "31nn", "32nn", "35nn", "36nn", "37",   "414",  "415",
                                        "416",  "422",  "4302", "4312", "7021", "7259", "8003", "8004",
                                        "8006", "8010", "8011", "8017", "8018", "8020", "8026", "8040"};
#define N_CLASSES (sizeof req_class / sizeof *req_class)
#define REQ_MAX_GROUPS 2
static uint32_t req_alt[400];
static struct {
    unsigned short first;                  /* in req_alt */
    unsigned char nalt[REQ_MAX_GROUPS];    /* alternatives of each group; 0 past the last */
    unsigned short ex_first;               /* ex=: the rows it names, in ex_row */
    unsigned char ex_n;
} req_rule[sizeof ai_defs / sizeof *ai_defs];
static unsigned char ex_row[160];
static uint32_t row_class[sizeof ai_defs / sizeof *ai_defs]; /* the classes a row's AIs belong to */
static int req_bad;                        /* the table names an AI that is no class */

/* Do two patterns ("3103", "310n", "31nn") share an AI? */
static int pats_meet(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (a[i] != b[i] && a[i] != 'n' && b[i] != 'n')
            return 0;
    return 1;
}

static uint32_t class_bit(const char *p, size_t pn)
{
    for (size_t c = 0; c < N_CLASSES; c++)
        if (strlen(req_class[c]) == pn && memcmp(req_class[c], p, pn) == 0)
            return 1u << c;
    req_bad = 1;
    return 0;
}

static void compile_req(size_t row, size_t *used)
{
    const char *r = ai_defs[row].req;
    size_t g = 0;
    req_rule[row].first = (unsigned short)*used;
    while (*r) {
        uint32_t mask = 0;
        while (*r && *r != ',' && *r != ' ') {
            size_t k = strcspn(r, "+, ");
            mask |= class_bit(r, k);
            r += k;
            if (*r == '+')
                r++;
        }
        if (g >= REQ_MAX_GROUPS || *used >= sizeof req_alt / sizeof *req_alt) {
            req_bad = 1;
            return;
        }
        req_alt[(*used)++] = mask;
        req_rule[row].nalt[g]++;
        if (*r == ' ')
            g++;
        if (*r)
            r++;
    }
}

/* ex= names rows of the table ("01", "310n"): their indexes. */
static void compile_ex(size_t row, size_t *used)
{
    const char *x = ai_defs[row].ex;
    req_rule[row].ex_first = (unsigned short)*used;
    while (*x) {
        size_t k = strcspn(x, ","), r = 0;
        while (r < N_DEFS && !(strlen(ai_defs[r].pat) == k && memcmp(ai_defs[r].pat, x, k) == 0))
            r++;
        if (r == N_DEFS || *used >= sizeof ex_row) {
            req_bad = 1;
            return;
        }
        ex_row[(*used)++] = (unsigned char)r;
        req_rule[row].ex_n++;
        x += k + (x[k] == ',');
    }
}

static void build_groups(void)
{
    size_t used = 0, ex_used = 0;
    for (size_t i = 0; i < N_DEFS; i++) {
        int two = (ai_defs[i].pat[0] - '0') * 10 + (ai_defs[i].pat[1] - '0');
        if (group_hi[two] == 0)
            group_lo[two] = (unsigned char)i;
        group_hi[two] = (unsigned char)(i + 1);
        for (size_t c = 0; c < N_CLASSES; c++)
            if (pats_meet(ai_defs[i].pat, strlen(ai_defs[i].pat), req_class[c], strlen(req_class[c])))
                row_class[i] |= 1u << c;
        compile_req(i, &used);
        compile_ex(i, &ex_used);
    }
}

const struct ai_def *entx_scan_ai_find(const char *ai, size_t len)
{
    pthread_once(&groups_once, build_groups);
    int two = (ai[0] - '0') * 10 + (ai[1] - '0');
    size_t lo = group_lo[two], hi = group_hi[two];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = pat_cmp(ai, len, ai_defs[mid].pat);
        if (c == 0)
            return &ai_defs[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* For the unit test: the table must stay sorted for the binary search. */
int entx_scan_table_check_(void)
{
    for (size_t i = 1; i < N_DEFS; i++) {
        const char *a = ai_defs[i - 1].pat, *b = ai_defs[i].pat;
        if (strcmp(a, b) >= 0)
            return (int)i;
        if (entx_scan_ai_length((a[0] - '0') * 10 + a[1] - '0') != (int)strlen(a))
            return -(int)i;
    }
    /* Every entry must be found through its group (the index is a byte). */
    if (N_DEFS > 255)
        return -1000;
    pthread_once(&groups_once, build_groups);
    if (req_bad)
        return -2000; /* a req= names an AI missing from req_class, or too many */
    for (size_t i = 0; i < N_DEFS; i++) {
        char key[5];
        size_t n = strlen(ai_defs[i].pat);
        memcpy(key, ai_defs[i].pat, n + 1);
        if (key[n - 1] == 'n')
            key[n - 1] = '7';
        if (entx_scan_ai_find(key, n) != &ai_defs[i])
            return 1000 + (int)i;
    }
    return 0;
}

/* ---- dates -------------------------------------------------------------- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                             "July",    "August",   "September", "October", "November", "December"};

/* This year (UTC), worked out again only when the clock leaves the year
 * cached: the calendar on every dated scan would cost more than the parse. */
static _Atomic long long year_cache; /* year << 40 | first second of the next year */

static int this_year(void)
{
    time_t now = time(NULL);
    long long c = atomic_load_explicit(&year_cache, memory_order_relaxed);
    long long next = c & ((1LL << 40) - 1);
    if (c != 0 && (long long)now < next && (long long)now >= next - 366LL * 86400)
        return (int)(c >> 40);
    int64_t y;
    int m, d;
    entx_civil_from_days(&y, &m, &d, (int64_t)now / 86400);
    int year = (int)y;
    long long next_start = (long long)entx_days_from_civil(y + 1, 1, 1) * 86400;
    if (next_start > 0 && next_start < (1LL << 40) && year > 0)
        atomic_store_explicit(&year_cache, (long long)year << 40 | next_start, memory_order_relaxed);
    return year;
}

static int ref_year(struct ctx *cx)
{
    if (cx->year == 0)
        cx->year = this_year();
    return cx->year;
}

/* GS1 General Specifications 7.12: a two-digit year lies within 49 years
 * before and 50 years after the current one. */
static int full_year(struct ctx *cx, int yy)
{
    int cur = ref_year(cx);
    int base = cur - cur % 100;
    int diff = yy - cur % 100;
    if (diff >= 51)
        return base - 100 + yy;
    if (diff <= -50)
        return base + 100 + yy;
    return base + yy;
}

static int check_date(ent_scan *out, struct ctx *cx, const char *ai, const char *v, int day00, char date[ENT_DATE_SIZE])
{
    int yy = (v[0] - '0') * 10 + (v[1] - '0');
    int mm = (v[2] - '0') * 10 + (v[3] - '0');
    int dd = (v[4] - '0') * 10 + (v[5] - '0');
    if (mm < 1 || mm > 12)
        return fail(out, "AI (%s): month %02d is not a month", ai, mm);
    int y = full_year(cx, yy);
    int last = month_days(y, mm);
    if (dd == 0 && !day00)
        return fail(out, "AI (%s): day 00 is not a day", ai);
    if (dd > last)
        return fail(out, "AI (%s): %s %d has no day %d", ai, month_names[mm - 1], y, dd);
    if (dd == 0)
        dd = last;
    /* y is within 1900..2149 here, so the digits are plain arithmetic. */
    date[0] = (char)('0' + y / 1000);
    date[1] = (char)('0' + y / 100 % 10);
    date[2] = (char)('0' + y / 10 % 10);
    date[3] = (char)('0' + y % 10);
    date[4] = '-';
    date[5] = (char)('0' + mm / 10);
    date[6] = (char)('0' + mm % 10);
    date[7] = '-';
    date[8] = (char)('0' + dd / 10);
    date[9] = (char)('0' + dd % 10);
    date[10] = '\0';
    return ENT_OK;
}

/* ---- one AI: validate and record ---------------------------------------- */

static int check_chars(ent_scan *out, const char *ai, const struct ai_def *def, const char *v, size_t n)
{
    char b[16];
    int numeric = def->format != F_X && def->format != F_COUNTRY_X;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (numeric || i < def->head) {
            if (!is_digit(c))
                return fail(out, "AI (%s): %s at position %zu is not a digit", ai, show(b, c), i + 1);
        } else if (!is_cset82(c)) {
            return fail(out, "AI (%s): %s at position %zu is not allowed in GS1 data", ai, show(b, c), i + 1);
        }
    }
    return ENT_OK;
}

int entx_scan_check_length(ent_scan *out, const char *ai, const struct ai_def *def, size_t n)
{
    int text = def->format == F_X || def->format == F_COUNTRY_X;
    const char *what = text ? (n == 1 ? "character" : "characters") : (n == 1 ? "digit" : "digits");
    if (n == 0)
        return fail(out, "AI (%s): no data", ai);
    if (def->min == def->max && n != def->min)
        return fail(out, "AI (%s): %zu %s, expected %d", ai, n, what, def->min);
    if (n < def->min)
        return fail(out, "AI (%s): %zu %s, at least %d", ai, n, what, def->min);
    if (n > def->max)
        return fail(out, "AI (%s): %zu %s, at most %d", ai, n, what, def->max);
    return ENT_OK;
}

static int check_country(ent_scan *out, const char *ai, const char *v, const ent_country **found)
{
    int num = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
    int rc = ent_country_by_numeric(found, num);
    if (rc == ENT_ERROR)
        return fail(out, "AI (%s): the country list is not available: %s", ai, entx_why());
    if (rc != ENT_OK)
        return fail(out, "AI (%s): %03d is not an ISO 3166 country code", ai, num);
    return ENT_OK;
}

/* Checks what a format asks beyond length and characters. */
static int check_format(ent_scan *out, struct ctx *cx, const char *ai, const struct ai_def *def, const char *v,
                        size_t n, char date[ENT_DATE_SIZE])
{
    const ent_country *country = NULL;
    int cd;
    switch (def->format) {
    case F_CHK:
        cd = ent_gs1_check_digit(v, n - 1);
        if (cd != v[n - 1])
            return fail(out, "AI (%s): check digit %c should be %c", ai, v[n - 1], cd);
        return ENT_OK;
    case F_N:
    case F_X:
        /* A numeric head is a GS1 key (GDTI, GCN, GRAI, ITIP) ending in its check digit. */
        if (def->head > 0) {
            cd = ent_gs1_check_digit(v, def->head - 1u);
            if (cd != v[def->head - 1])
                return fail(out, "AI (%s): check digit %c should be %c", ai, v[def->head - 1], cd);
        }
        return ENT_OK;
    case F_DATE:
    case F_DATE0:
        return check_date(out, cx, ai, v, def->format == F_DATE0, date);
    case F_MEASURE:
        if (ai[3] > '5')
            return fail(out, "AI (%s): %c decimals is more than a measure allows (0 to 5)", ai, ai[3]);
        return ENT_OK;
    case F_AMOUNT_ISO: {
        const ent_currency *cur = NULL;
        int num = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
        int rc = ent_currency_by_numeric(&cur, num);
        if (rc == ENT_ERROR)
            return fail(out, "AI (%s): the currency list is not available: %s", ai, entx_why());
        if (!entx_currency_numeric_current(num))
            return fail(out, "AI (%s): %03d is not a current ISO 4217 currency code", ai, num);
        return ENT_OK;
    }
    case F_COUNTRY:
        if (n % 3 != 0)
            return fail(out, "AI (%s): %zu digits is not a list of 3-digit country codes", ai, n);
        for (size_t i = 0; i < n; i += 3)
            if (check_country(out, ai, v + i, &country) != ENT_OK)
                return ENT_INVALID;
        return ENT_OK;
    case F_COUNTRY_X:
        if (def->lint == L_COUNTRY999 && memcmp(v, "999", 3) == 0)
            return ENT_OK; /* 703n: 999 for a processor whose country is not stated */
        return check_country(out, ai, v, &country);
    default:
        return ENT_OK;
    }
}

/* ---- inside a field: the Dictionary's linters ---------------------------- */

static int two_digits(const char *v)
{
    return (v[0] - '0') * 10 + (v[1] - '0');
}

/* HHMI at v: hour 00-23, minute 00-59. */
static int check_hhmi(ent_scan *out, const char *ai, const char *v, size_t n)
{
    if (two_digits(v) > 23)
        return fail(out, "AI (%s): hour %.2s is not an hour", ai, v);
    if (n >= 4 && two_digits(v + 2) > 59)
        return fail(out, "AI (%s): minute %.2s is not a minute", ai, v + 2);
    if (n >= 6 && two_digits(v + 4) > 59)
        return fail(out, "AI (%s): second %.2s is not a second", ai, v + 4);
    return ENT_OK;
}

/* YYYYMMDD at v. */
static int check_yyyymmdd(ent_scan *out, const char *ai, const char *v)
{
    int y = (int)digits_value(v, 4), mm = two_digits(v + 4), dd = two_digits(v + 6);
    if (mm < 1 || mm > 12)
        return fail(out, "AI (%s): month %02d is not a month", ai, mm);
    if (dd == 0)
        return fail(out, "AI (%s): day 00 is not a day", ai);
    if (dd > month_days(y, mm))
        return fail(out, "AI (%s): %s %d has no day %d", ai, month_names[mm - 1], y, dd);
    return ENT_OK;
}

static int check_pcenc(ent_scan *out, const char *ai, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i] != '%')
            continue;
        if (i + 2 >= n || !strchr("0123456789ABCDEFabcdef", v[i + 1]) || !strchr("0123456789ABCDEFabcdef", v[i + 2]) ||
            v[i + 1] == '\0' || v[i + 2] == '\0')
            return fail(out, "AI (%s): '%%' at position %zu does not start a percent-escape", ai, i + 1);
        i += 2;
    }
    return ENT_OK;
}

/* A field that starts with a GS1 Company Prefix: its shortest form is 4 digits. */
static int check_gcp(ent_scan *out, const char *ai, const char *v, size_t n, size_t at)
{
    char b[16];
    if (n < at + 4)
        return fail(out, "AI (%s): too short to hold a GS1 Company Prefix", ai);
    for (size_t i = at; i < at + 4; i++)
        if (!is_digit((unsigned char)v[i]))
            return fail(out, "AI (%s): %s at position %zu: a GS1 Company Prefix has digits", ai,
                        show(b, (unsigned char)v[i]), i + 1);
    return ENT_OK;
}

/* "piece of total": 4 digits at v, 0 < piece <= total. */
static int check_piece(ent_scan *out, const char *ai, const char *v)
{
    int piece = two_digits(v), total = two_digits(v + 2);
    if (piece == 0 || total == 0 || piece > total)
        return fail(out, "AI (%s): piece %02d of %02d is not a piece of a total", ai, piece, total);
    return ENT_OK;
}

static int check_date_part(ent_scan *out, struct ctx *cx, const char *ai, const char *v, int day00)
{
    char date[11];
    return check_date(out, cx, ai, v, day00, date);
}

static int lint_dates(ent_scan *out, struct ctx *cx, const char *ai, const struct ai_def *def, const char *v,
                      size_t n)
{
    switch (def->lint) {
    case L_YMD_HM:
    case L_YMD0_HM:
        if (check_date_part(out, cx, ai, v, def->lint == L_YMD0_HM) != ENT_OK)
            return ENT_INVALID;
        return check_hhmi(out, ai, v + 6, 4);
    case L_YMD_YMD:
        if (n != 6 && n != 12)
            return fail(out, "AI (%s): %zu digits, a date or two (6 or 12)", ai, n);
        if (check_date_part(out, cx, ai, v, 0) != ENT_OK)
            return ENT_INVALID;
        return n == 12 ? check_date_part(out, cx, ai, v + 6, 0) : ENT_OK;
    case L_YMD_HM_OPT:
        if (n != 6 && n != 10)
            return fail(out, "AI (%s): %zu digits, a date and an optional time (6 or 10)", ai, n);
        if (check_date_part(out, cx, ai, v, 0) != ENT_OK)
            return ENT_INVALID;
        return n == 10 ? check_hhmi(out, ai, v + 6, 4) : ENT_OK;
    case L_YMD_H_M_S:
        if (n % 2 != 0)
            return fail(out, "AI (%s): %zu digits, a date and hours[, minutes[, seconds]] (8, 10 or 12)", ai, n);
        if (check_date_part(out, cx, ai, v, 0) != ENT_OK)
            return ENT_INVALID;
        return check_hhmi(out, ai, v + 6, n - 6);
    case L_YYYYMMDD:
        return check_yyyymmdd(out, ai, v);
    case L_YYYYMMDD_HM:
        if (check_yyyymmdd(out, ai, v) != ENT_OK)
            return ENT_INVALID;
        return check_hhmi(out, ai, v + 8, 4);
    default:
        return ENT_OK;
    }
}

/* GS1 General Specifications 7.9.5: the check character pair that ends a
 * GMN, over the values of the characters before it in figure 7.11-1's
 * order, weighted by the primes from the right, modulo 1021. */
static int check_pair(ent_scan *out, const char *ai, const char *v, size_t n)
{
    static const char cset82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    static const int primes[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37,
                                 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83};
    if (n < 2)
        return fail(out, "AI (%s): too short for its two check characters", ai);
    long sum = 0;
    for (size_t i = 0; i < n - 2; i++) {
        const char *at = strchr(cset82, v[n - 3 - i]);
        size_t w = i < sizeof primes / sizeof *primes ? (size_t)primes[i] : 0;
        sum += at ? (long)(at - cset82) * (long)w : 0;
    }
    sum %= 1021;
    char want[3] = {cset32[sum >> 5], cset32[sum & 31], '\0'};
    if (v[n - 2] != want[0] || v[n - 1] != want[1])
        return fail(out, "AI (%s): check characters %.2s should be %s", ai, v + n - 2, want);
    return ENT_OK;
}

/* ISO 13616: the country, two check digits, the account; mod 97 is 1. */
static int check_iban(ent_scan *out, const char *ai, const char *v, size_t n)
{
    const ent_country *country = NULL;
    char cc[3] = {v[0], n > 1 ? v[1] : '\0', '\0'};
    if (n < 5 || ent_country_lookup(&country, cc) != ENT_OK || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' ||
        cc[1] > 'Z' || !is_digit((unsigned char)v[2]) || !is_digit((unsigned char)v[3]))
        return fail(out, "AI (%s): an IBAN starts with a country code and two check digits", ai);
    int rem = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)v[(k + 4) % n];
        if (is_digit(c))
            rem = (rem * 10 + (c - '0')) % 97;
        else if (c >= 'A' && c <= 'Z')
            rem = (rem * 100 + (c - 'A' + 10)) % 97;
        else
            return fail(out, "AI (%s): an IBAN has digits and capital letters only", ai);
    }
    if (rem != 1)
        return fail(out, "AI (%s): the IBAN's check digits %.2s do not match", ai, v + 2);
    return ENT_OK;
}

/* Checks inside a field that its format alone does not (enum ai_lint). */
static int check_lint(ent_scan *out, struct ctx *cx, const char *ai, const struct ai_def *def, const char *v,
                      size_t n)
{
    char b[16];
    const ent_country *country = NULL;
    switch (def->lint) {
    case L_NONE:
        return ENT_OK;
    case L_GCP:
        return check_gcp(out, ai, v, n, 0);
    case L_ZERO_GCP:
        if (v[0] != '0')
            return fail(out, "AI (%s): the first digit must be 0, not %c", ai, v[0]);
        return ENT_OK;
    case L_CPID:
        for (size_t i = 0; i < n; i++)
            if (!strchr("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", v[i]))
                return fail(out, "AI (%s): %s at position %zu is not allowed here (digits, capitals, # - /)", ai,
                            show(b, (unsigned char)v[i]), i + 1);
        return check_gcp(out, ai, v, n, 0);
    case L_NO_ZERO_PREFIX:
        if (n > 1 && v[0] == '0')
            return fail(out, "AI (%s): a serial number does not start with 0", ai);
        return ENT_OK;
    case L_PIECE:
        return check_piece(out, ai, v + 14);
    case L_COUNTRY999:
        return ENT_OK; /* in check_format */
    case L_DIMENSIONS:
        if (digits_value(v, 4) == 0 || digits_value(v + 4, 5) == 0 || digits_value(v + 9, 3) == 0)
            return fail(out, "AI (%s): a width, length or diameter of 0", ai);
        if (v[12] != '0' && v[12] != '1' && v[12] != '9')
            return fail(out, "AI (%s): winding direction %c is not 0, 1 or 9", ai, v[12]);
        return ENT_OK;
    case L_UIC:
        if (v[0] < '0' || v[0] > '9')
            return fail(out, "AI (%s): %s at position 1 is not a digit", ai, show(b, (unsigned char)v[0]));
        return ENT_OK;
    case L_PCENC:
        return check_pcenc(out, ai, v, n);
    case L_ALPHA2: {
        char code[3] = {v[0], v[1], '\0'};
        if (!(v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z') ||
            ent_country_lookup(&country, code) != ENT_OK)
            return fail(out, "AI (%s): %.2s is not an ISO 3166 alpha-2 country code", ai, v);
        return ENT_OK;
    }
    case L_LATLONG:
        if (digits_value(v, 10) > 1800000000 || digits_value(v + 10, 10) > 3600000000)
            return fail(out, "AI (%s): a latitude or longitude out of range", ai);
        return ENT_OK;
    case L_YESNO:
        if (v[0] != '0' && v[0] != '1')
            return fail(out, "AI (%s): %c is neither 0 (no) nor 1 (yes)", ai, v[0]);
        return ENT_OK;
    case L_HYPHEN:
        for (size_t i = 0; i < 6; i++)
            if (!is_digit((unsigned char)v[i]))
                return fail(out, "AI (%s): %s at position %zu is not a digit", ai, show(b, (unsigned char)v[i]), i + 1);
        if (n == 7 && v[6] != '-')
            return fail(out, "AI (%s): after the 6 digits only '-' may follow", ai);
        return ENT_OK;
    case L_ISO5218:
        if (!strchr("0129", v[0]))
            return fail(out, "AI (%s): %c is not an ISO 5218 code (0, 1, 2 or 9)", ai, v[0]);
        return ENT_OK;
    case L_BIRTH_SEQ:
        if (!is_digit((unsigned char)v[0]) || v[1] != '/' || !is_digit((unsigned char)v[2]) || v[0] == '0' ||
            v[0] > v[2])
            return fail(out, "AI (%s): '%.3s' is not a position in a sequence such as 1/2", ai, v);
        return ENT_OK;
    case L_GMN:
    case L_MUDI:
        if (check_gcp(out, ai, v, n, 0) != ENT_OK || check_pair(out, ai, v, n) != ENT_OK)
            return ENT_INVALID;
        if (def->lint == L_MUDI && all_digits(v, n))
            return fail(out, "AI (%s): not all digits: at least one letter or sign", ai);
        return ENT_OK;
    case L_MEDIA: {
        int t = two_digits(v);
        if (!((t >= 1 && t <= 10) || t >= 80))
            return fail(out, "AI (%s): %02d is not an AIDC media type (01-10, 80-99)", ai, t);
        return ENT_OK;
    }
    case L_IBAN:
        return check_iban(out, ai, v, n);
    case L_CSET64:
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)v[i];
            if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
                  (c == '=' && i + 2 >= n)))
                return fail(out, "AI (%s): %s at position %zu is not base64url", ai, show(b, c), i + 1);
        }
        return ENT_OK;
    default:
        return lint_dates(out, cx, ai, def, v, n);
    }
}

/* ---- pairs: the Dictionary's req= and ex= -------------------------------- */

/* The group as people read it: "(01), (02) or (8006)", "(01) with (21)". */
static void group_words(char *buf, size_t len, const char *g, size_t gn)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < gn && o + 16 < len; i++) {
        if (i == 0 || g[i - 1] == ',' || g[i - 1] == '+')
            o += (size_t)snprintf(buf + o, len - o, "(");
        if (g[i] == ',' || g[i] == '+') {
            int last = memchr(g + i + 1, ',', gn - i - 1) == NULL;
            o += (size_t)snprintf(buf + o, len - o, g[i] == '+' ? ") with " : last ? ") or " : "), ");
            continue;
        }
        buf[o++] = g[i];
        buf[o] = '\0';
    }
    if (o + 2 < len)
        snprintf(buf + o, len - o, ")");
}

/* The n-th space-separated group of req, for the message. */
static void nth_group(const char *req, size_t nth, const char **g, size_t *gn)
{
    for (size_t k = 0; k < nth && strchr(req, ' '); k++)
        req = strchr(req, ' ') + 1;
    *g = req;
    *gn = strcspn(req, " ");
}

static int check_requires(ent_scan *out, const struct ctx *cx, const ent_scan_ai *a, size_t row, uint32_t present)
{
    char words[120];
    const uint32_t *alt = &req_alt[req_rule[row].first];
    for (size_t g = 0; g < REQ_MAX_GROUPS && req_rule[row].nalt[g]; alt += req_rule[row].nalt[g], g++) {
        int met = 0;
        for (size_t k = 0; k < req_rule[row].nalt[g] && !met; k++)
            met = (present & alt[k]) == alt[k];
        if (met)
            continue;
        if (cx->strict == ENT_SCAN_STRICT_CARRIER)
            return ENT_OK; /* the caller checks the item's codes together */
        if (!cx->strict) {
            /* The companion may be on another barcode of the same item. */
            entx_scan_tolerate(out, "requires-elsewhere");
            return ENT_OK;
        }
        const char *gs;
        size_t gn;
        nth_group(ai_defs[row].req, g, &gs, &gn);
        group_words(words, sizeof words, gs, gn);
        return fail(out, "AI (%s) needs %s in the same data", a->ai, words);
    }
    return ENT_OK;
}

/* ex=: no other AI of the rows it names (an AI does not exclude itself,
 * even through its pattern: (3103) twice with one value is fine). */
static int check_excludes(ent_scan *out, const struct ctx *cx, size_t i, const uint64_t present[4])
{
    size_t row = (size_t)(cx->defs[i] - ai_defs);
    for (size_t k = 0; k < req_rule[row].ex_n; k++) {
        size_t x = ex_row[req_rule[row].ex_first + k];
        if (!(present[x / 64] >> (x % 64) & 1))
            continue;
        for (size_t j = 0; j < out->n_ais; j++)
            if (cx->defs[j] == &ai_defs[x] && strcmp(out->ais[j].ai, out->ais[i].ai) != 0)
                return fail(out, "AI (%s) and AI (%s) cannot be in one code", out->ais[i].ai, out->ais[j].ai);
    }
    return ENT_OK;
}

int entx_scan_check_pairs(ent_scan *out, const struct ctx *cx)
{
    uint32_t present = 0;
    uint64_t rows[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < out->n_ais; i++) {
        if (cx->defs[i] == &entx_scan_unknown_def)
            continue;
        size_t r = (size_t)(cx->defs[i] - ai_defs);
        present |= row_class[r];
        rows[r / 64] |= 1ull << (r % 64);
    }
    for (size_t i = 0; i < out->n_ais; i++)
        if (cx->defs[i]->ex[0] && check_excludes(out, cx, i, rows) != ENT_OK)
            return ENT_INVALID;
    for (size_t i = 0; i < out->n_ais; i++)
        if (cx->defs[i]->req[0] &&
            check_requires(out, cx, &out->ais[i], (size_t)(cx->defs[i] - ai_defs), present) != ENT_OK)
            return ENT_INVALID;
    return ENT_OK;
}

void entx_scan_tolerate(ent_scan *out, const char *name)
{
    size_t used = strlen(out->tolerance), k = strlen(name);
    const char *t = out->tolerance;
    for (const char *f = strstr(t, name); f; f = strstr(f + 1, name))
        if ((f == t || f[-1] == ',') && (f[k] == ',' || f[k] == '\0'))
            return; /* named already */
    if (used + k + 2 > sizeof out->tolerance)
        return;
    if (used)
        out->tolerance[used++] = ',';
    memcpy(out->tolerance + used, name, k + 1);
}

static int same_value(const ent_scan_ai *a, const char *v, size_t n)
{
    return strlen(a->value) == n && memcmp(a->value, v, n) == 0;
}

/* Fills the typed fields of out from one validated AI. */
static void record(ent_scan *out, const char *ai, const struct ai_def *def, const char *v, size_t n,
                   const char date[ENT_DATE_SIZE])
{
    switch (ai[0]) {
    case '0':
        if (ai[1] == '0')
            copy_text(out->sscc, sizeof out->sscc, v, n);
        else if (ai[1] == '1')
            copy_text(out->gtin, sizeof out->gtin, v, n);
        else if (ai[1] == '2')
            copy_text(out->gtin_contained, sizeof out->gtin_contained, v, n);
        return;
    case '1':
        if (ai[1] == '0')
            copy_text(out->lot, sizeof out->lot, v, n);
        else if (ai[1] == '1')
            memcpy(out->production, date, ENT_DATE_SIZE);
        else if (ai[1] == '3')
            memcpy(out->packaging, date, ENT_DATE_SIZE);
        else if (ai[1] == '5')
            memcpy(out->best_before, date, ENT_DATE_SIZE);
        else if (ai[1] == '7')
            memcpy(out->expiry, date, ENT_DATE_SIZE);
        return;
    case '2':
        if (ai[1] == '1' && ai[2] == '\0')
            copy_text(out->serial, sizeof out->serial, v, n);
        return;
    case '3':
        if ((ai[1] == '0' || ai[1] == '7') && ai[2] == '\0') {
            if (out->count < 0)
                out->count = digits_value(v, n);
        } else if (def->format == F_MEASURE && def->trade && !out->has_measure) {
            out->has_measure = true;
            memcpy(out->measure.ai, ai, 5);
            out->measure.value = digits_value(v, n);
            out->measure.decimals = ai[3] - '0';
            copy_text(out->measure.unit, sizeof out->measure.unit, def->unit, strlen(def->unit));
        } else if ((def->format == F_AMOUNT || def->format == F_AMOUNT_ISO) && !out->has_amount) {
            size_t skip = def->format == F_AMOUNT_ISO ? 3 : 0;
            const ent_currency *cur = NULL;
            /* An amount in a fund or metal (XAU...) is no price a shop takes:
             * it stays among the AIs, not as the amount ("" would read as
             * the store's currency). */
            if (skip && ent_currency_by_numeric(&cur, (int)digits_value(v, 3)) != ENT_OK)
                return;
            out->has_amount = true;
            out->amount = digits_value(v + skip, n - skip);
            out->amount_decimals = ai[3] - '0';
            if (cur)
                memcpy(out->currency, cur->alpha3, ENT_CURRENCY_SIZE);
        }
        return;
    case '4':
        if (ai[1] == '2' && ai[2] == '2' && out->origin_numeric == 0) {
            const ent_country *c = NULL;
            out->origin_numeric = (int)digits_value(v, 3);
            if (ent_country_by_numeric(&c, out->origin_numeric) == ENT_OK)
                memcpy(out->origin, c->alpha2, ENT_COUNTRY_SIZE);
        }
        return;
    case '8':
        if (strcmp(ai, "8020") == 0)
            copy_text(out->payment_ref, sizeof out->payment_ref, v, n);
        return;
    default:
        return;
    }
}

/*
 * Validates one AI with its data and appends it to out. ai is the AI's
 * digits (already checked to be an AI of the right length), v/n the data.
 */
int entx_scan_add_ai(ent_scan *out, struct ctx *cx, const char *ai_text, size_t ai_len, const char *v, size_t n)
{
    char ai[5];
    char date[ENT_DATE_SIZE] = "";
    memcpy(ai, ai_text, ai_len);
    ai[ai_len] = '\0';
    const struct ai_def *def = entx_scan_ai_find(ai, ai_len);
    /* The Dictionary stops 394n at 3943 and 395n at 3955. */
    if (def && ai_len == 4 && ai[0] == '3' && ai[1] == '9' &&
        ((ai[2] == '4' && ai[3] > '3') || (ai[2] == '5' && ai[3] > '5')))
        def = NULL;
    if (def == NULL && cx->strict)
        return fail(out, "AI (%s) is not an AI the GS1 General Specifications define", ai);
    if (def == NULL) {
        /* GS1 adds AIs every year: the counter reads the rest of the code. */
        entx_scan_tolerate(out, "unknown-ai");
        def = &entx_scan_unknown_def;
    }
    int rc = entx_scan_check_length(out, ai, def, n);
    if (rc == ENT_OK)
        rc = check_chars(out, ai, def, v, n);
    if (rc == ENT_OK)
        rc = check_format(out, cx, ai, def, v, n, date);
    if (rc == ENT_OK)
        rc = check_lint(out, cx, ai, def, v, n);
    if (rc != ENT_OK)
        return rc;
    for (size_t i = 0; i < out->n_ais; i++) {
        if (strcmp(out->ais[i].ai, ai) != 0)
            continue;
        /* GS1 allows an AI twice only with the same data; keep one copy. */
        if (!same_value(&out->ais[i], v, n))
            return fail(out, "AI (%s) appears twice with different data", ai);
        /* A URI names each AI once (GS1 Digital Link 1.2, 4.4). */
        if (out->kind == ENT_SCAN_DIGITAL_LINK && cx->strict)
            return fail(out, "Digital Link: AI (%s) appears twice", ai);
        if (out->kind == ENT_SCAN_DIGITAL_LINK)
            entx_scan_tolerate(out, "repeated-ai");
        return ENT_OK;
    }
    if (out->n_ais >= ENT_SCAN_MAX_AIS)
        return fail(out, "more than %d AIs in one code", ENT_SCAN_MAX_AIS);
    cx->defs[out->n_ais] = def;
    ent_scan_ai *slot = &out->ais[out->n_ais++];
    memcpy(slot->ai, ai, ai_len + 1);
    slot->title = def->title;
    memcpy(slot->value, v, n);
    slot->value[n] = '\0';
    record(out, ai, def, v, n, date);
    return ENT_OK;
}

/* Reads the AI number at p (n bytes left). *ai_len receives its length. */
static int read_ai(ent_scan *out, const char *p, size_t n, size_t *ai_len)
{
    char b[16];
    if (n < 2 || !is_digit((unsigned char)p[0]) || !is_digit((unsigned char)p[1])) {
        if (n >= 1 && !is_digit((unsigned char)p[0]))
            return fail(out, "expected an AI, found %s", show(b, (unsigned char)p[0]));
        if (n >= 2)
            return fail(out, "expected an AI, found %s after %c", show(b, (unsigned char)p[1]), p[0]);
        return fail(out, "the data ends inside an AI (%.*s", (int)n, p);
    }
    int two = (p[0] - '0') * 10 + (p[1] - '0');
    int len = entx_scan_ai_length(two);
    if (len == 0)
        return fail(out, "AI (%c%c): no AI starts with these digits", p[0], p[1]);
    if ((size_t)len > n || !all_digits(p, (size_t)len)) {
        size_t have = 2;
        while (have < n && have < (size_t)len && is_digit((unsigned char)p[have]))
            have++;
        return fail(out, "AI (%.*s): an AI starting %c%c has %d digits", (int)have, p, p[0], p[1], len);
    }
    *ai_len = (size_t)len;
    return ENT_OK;
}

/* ---- GS1 element strings ------------------------------------------------ */

int entx_scan_parse_elements(ent_scan *out, struct ctx *cx, const char *p, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return fail(out, "GS1 data with no AI in it");
    while (i < n) {
        size_t ai_len = 0;
        if (is_fnc1(cx, (unsigned char)p[i])) {
            /* FNC1 ends a field; after the symbology identifier (which says
             * FNC1 already) or after another FNC1 it is one too many. */
            int extra = i == 0 ? out->aim[0] != '\0' : is_fnc1(cx, (unsigned char)p[i - 1]);
            if (extra && cx->strict && i == 0)
                return fail(out, "GS1 data: an FNC1 right after the symbology identifier ]%s", out->aim);
            if (extra && cx->strict)
                return fail(out, "GS1 data: two FNC1 in a row at position %zu", i + 1);
            if (extra)
                entx_scan_tolerate(out, i == 0 ? "gs-after-prefix" : "double-gs");
            i++;
            continue;
        }
        int rc = read_ai(out, p + i, n - i, &ai_len);
        if (rc != ENT_OK)
            return rc;
        size_t start = i + ai_len, end = start;
        size_t fixed = ent_gs1_predefined_length(p + i);
        size_t limit = fixed ? i + fixed : n;
        if (limit > n)
            limit = n;
        while (end < limit && !is_fnc1(cx, (unsigned char)p[end]))
            end++;
        if (!fixed) {
            /* Too long for the AI: most often a scanner that drops FNC1, so
             * the next AI ran into this one's data. Say so. */
            const struct ai_def *def = entx_scan_ai_find(p + i, ai_len);
            if (def == NULL)
                def = &entx_scan_unknown_def;
            if (end - start > def->max) {
                char ai[5];
                memcpy(ai, p + i, ai_len);
                ai[ai_len] = '\0';
                entx_scan_check_length(out, ai, def, end - start);
                char msg[ENTX_SCAN_MSG];
                snprintf(msg, sizeof msg, "%s (is an FNC1 separator missing?)", entx_why());
                entx_error_copy(ENT_INVALID, ENT_HINT_NONE, msg);
                return ENT_INVALID;
            }
        }
        rc = entx_scan_add_ai(out, cx, p + i, ai_len, p + start, end - start);
        if (rc != ENT_OK)
            return rc;
        i = end;
    }
    return ENT_OK;
}

/* The bracketed human-readable form: (01)04006381333931(10)ABC. A '(' inside
 * data is written "\(" (as zint and the GS1 Barcode Syntax Engine do). */
int entx_scan_parse_bracketed(ent_scan *out, struct ctx *cx, const char *p, size_t n)
{
    size_t i = 0;
    char buf[91];
    while (i < n) {
        if (p[i] != '(')
            return fail(out, "bracketed form: expected '(' at position %zu", i + 1);
        size_t a = i + 1, e = a;
        while (e < n && e - a < 5 && is_digit((unsigned char)p[e]))
            e++;
        if (e >= n || p[e] != ')')
            return fail(out, "bracketed form: '(' at position %zu does not enclose an AI", i + 1);
        size_t ai_len = 0;
        if (e - a < 2) {
            return fail(out, "bracketed form: (%.*s) is not an AI", (int)(e - a), p + a);
        }
        int rc = read_ai(out, p + a, e - a, &ai_len);
        if (rc != ENT_OK)
            return rc;
        if (ai_len != e - a)
            return fail(out, "bracketed form: (%.*s) is not an AI; AIs starting %c%c have %zu digits", (int)(e - a),
                        p + a, p[a], p[a + 1], ai_len);
        size_t v = e + 1, bn = 0, count = 0;
        while (v < n && p[v] != '(') {
            char c = p[v];
            if (c == '\\' && v + 1 < n && p[v + 1] == '(') {
                c = '(';
                v++;
            }
            if (bn < 90)
                buf[bn++] = c;
            count++;
            v++;
        }
        if (count > 90) {
            const struct ai_def *def = entx_scan_ai_find(p + a, ai_len);
            char ai[5];
            memcpy(ai, p + a, ai_len);
            ai[ai_len] = '\0';
            return entx_scan_check_length(out, ai, def ? def : &entx_scan_unknown_def, count);
        }
        rc = entx_scan_add_ai(out, cx, p + a, ai_len, buf, bn);
        if (rc != ENT_OK)
            return rc;
        i = v;
    }
    return ENT_OK;
}
