/* entrepot — the whole public API. Include this one header. */
#ifndef ENTREPOT_H
#define ENTREPOT_H

#include "entrepot/common.h"
#include "entrepot/db.h"
#include "entrepot/country.h"
#include "entrepot/money.h"
#include "entrepot/parse.h"
#include "entrepot/csv.h"
#include "entrepot/scan.h"
#include "entrepot/catalog.h"
#include "entrepot/stock.h"
#include "entrepot/journal.h"
#include "entrepot/sales.h"
#include "entrepot/label.h"
#include "entrepot/demo.h"
#include "entrepot/user.h"
#include "entrepot/purchase.h"
#include "entrepot/outbox.h"
#include "entrepot/transfer.h"

#endif
