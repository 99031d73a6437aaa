#!/usr/bin/env bash
# End to end: the complete back label of imported prepackaged food (GB 7718).
# The catalogue holds 配料表, 致敏物质提示, 酒精度 and the 营养成分表 (GB 28050,
# per 100 g or 100 ml, NRV% by its rounding rules); the template's table
# element draws the nutrition table; pdftotext reads the label back and
# dmtxread decodes its DataMatrix. A back label lacking what the law asks for
# the kind of goods is refused, naming it; bad catalogue input is refused
# with the database unchanged.
source "$(dirname "$0")/lib.sh"
E=$ENTREPOT
LABELS="${ENT_SOURCE_DIR:-$(dirname "$0")/../..}/labels"
export ENTREPOT_LABELS="$LABELS"
export ENTREPOT_NOW=2026-11-28T01:00:00Z
cd "$WORK" || exit 1
have() { command -v "$1" >/dev/null 2>&1; }
text_of() { pdftotext -layout "$1" - | tr -s ' '; }

expect 0 created -- init --store SH01 --name "上海进口商品馆"
expect 0 added -- location add S1 --kind shelf
IMP="上海环球食品进出口有限公司 上海市浦东新区世纪大道100号 电话 021-58880000"
B=4006381333931
W=3017620422003
expect 0 added -- product add --gtin $B --name-zh 黄油曲奇 --name-en "Butter cookies" --origin DK \
    --net-content "200 g" --price 39.00 --importer "$IMP" --storage "常温、阴凉干燥处" --food-kind food \
    --ingredients "小麦粉、黄油(25%)、白砂糖、鸡蛋、食用盐" --allergens "含有小麦、鸡蛋、乳制品" \
    --energy-kj 2050 --protein 6.3 --fat 24.5 --carbohydrate 62 --sodium 380
expect 0 added -- product add --gtin $W --name-zh 红葡萄酒 --name-en "Red wine" --origin FR --net-content "750 ml" \
    --price 128.00 --importer "$IMP" --storage "避光、12-18℃保存" --food-kind alcohol \
    --ingredients "葡萄汁、二氧化硫" --abv 13.5 --sell-unit 瓶
expect 0 "能量 2050千焦 24%, 蛋白质 6.3克 11%, 脂肪 24.5克 41%, 碳水化合物 62.0克 21%, 钠 380毫克 19%" -- product show $B
expect 0 "13.50%vol" -- product show $W
expect 0 received -- stock receive --product $B --qty 2 --lot DK2611 --location S1 --expiry 2027-05-31
expect 0 received -- stock receive --product $W --qty 2 --lot FR22 --location S1 --expiry 2036-11-30

# The food label: every field, the nutrition table as rows (GB 28050:
# 2050 kJ = 24% of 8400, 6.3 g = 11% of 60 half up, 24.5 g = 41%, 62.0 g =
# 21% of 300, 380 mg = 19% of 2000).
expect 0 "wrote 1 label" -- label print --template back-food-cn-80x70 $B --lot DK2611 --out b.pdf
text_of b.pdf > b.txt
for want in "品名：黄油曲奇" "配料：小麦粉、黄油(25%)、白砂糖、鸡蛋、食用盐" "原产国或地区：丹麦" "净含量：200克" \
    "致敏物质提示：含有小麦、鸡蛋、乳制品" "营养成分表" "项目 每100克 NRV%" "能量 2050千焦 24%" \
    "蛋白质 6.3克 11%" "脂肪 24.5克 41%" "碳水化合物 62.0克 21%" "钠 380毫克 19%" "批号：DK2611"; do
    grep -qF -- "$want" b.txt && ok || fail "food label lacks '$want': $(cat b.txt)"
done
grep -q "酒精度" b.txt && fail "food label shows 酒精度" || ok
# The wine: 酒精度 in %vol, per 100 ml basis not needed (no nutrition table: GB 28050 exempts it).
expect 0 "wrote 1 label" -- label print --template back-food-cn-80x70 $W --lot FR22 --out w.pdf
text_of w.pdf > w.txt
for want in "品名：红葡萄酒" "配料：葡萄汁、二氧化硫" "酒精度：13.5%vol" "净含量：750毫升"; do
    grep -qF -- "$want" w.txt && ok || fail "wine label lacks '$want': $(cat w.txt)"
done
grep -q "营养成分表" w.txt && fail "wine label shows a nutrition table" || ok
# The DataMatrix carries GTIN, lot and expiry.
expect 0 "wrote 1 label" -- label print --template back-food-cn-80x70 $B --lot DK2611 --out b.png --dpi 300
if have dmtxread; then
    raw=$(dmtxread -n -G 29 -N 1 -e 100 b.png | tr '\035' '|')
    [ "$raw" = "|0104006381333931""10DK2611|17270531" ] && ok || fail "DataMatrix: '$raw'"
else
    printf 'SKIP: dmtxread absent (dmtx-utils): DataMatrix not decoded\n'
fi

# GB 28050's "0": 17 kJ, 0.5 g and 5 mg or less are declared as 0, NRV 0%;
# per 100 ml for goods measured in ml.
expect 0 added -- product add --gtin 8410376000115 --sku WATER --name-zh 苏打水 --origin IT --net-content "500 ml" --price 8.00 \
    --importer "$IMP" --storage 常温 --food-kind food --ingredients "水、二氧化碳" \
    --energy-kj 17 --protein 0.5 --fat 0.6 --carbohydrate 0.4 --sodium 5
expect 0 received -- stock receive --product WATER --qty 1 --lot IT1 --location S1 --expiry 2027-12-31
expect 0 "wrote 1 label" -- label print --template back-food-cn-80x70 WATER --lot IT1 --out z.pdf
text_of z.pdf > z.txt
for want in "项目 每100毫升 NRV%" "能量 0千焦 0%" "蛋白质 0克 0%" "脂肪 0.6克 1%" "碳水化合物 0克 0%" "钠 0毫克 0%"; do
    grep -qF -- "$want" z.txt && ok || fail "zero rule lacks '$want': $(cat z.txt)"
done

# GB 7718 4.3.1: a drink of 10 %vol or more may go without the shelf life
# (a lot without expiry: no 保质期至, a DataMatrix of GTIN and lot); a beer
# of 4.8 %vol and food may not (refused, naming 保质期).
expect 0 received -- stock receive --product $W --qty 1 --lot FR23 --location S1
expect 0 "wrote 1 label" -- label print --template back-food-cn-80x70 $W --lot FR23 --out w2.pdf
text_of w2.pdf > w2.txt
grep -qF "酒精度：13.5%vol" w2.txt && ! grep -q "保质期" w2.txt && ok || fail "exempt wine label: $(cat w2.txt)"
expect 0 "wrote 1 label" -- label print --template back-food-cn-80x70 $W --lot FR23 --out w2.png --dpi 300
if have dmtxread; then
    raw=$(dmtxread -n -G 29 -N 1 -e 100 w2.png | tr '\035' '|')
    [ "$raw" = "|0103017620422003""10FR23" ] && ok || fail "DataMatrix without expiry: '$raw'"
fi
expect 0 added -- product add --gtin 4006381333948 --name-zh 小麦啤酒 --origin DE --net-content "500 ml" --price 18.00 \
    --importer "$IMP" --storage 常温 --food-kind alcohol --ingredients "水、小麦芽、大麦芽、啤酒花" --abv 4.8
expect 0 received -- stock receive --product 4006381333948 --qty 1 --lot DE1 --location S1
refused 1 "a back label of an alcoholic drink (GB 7718) needs 保质期 (the lot's expiry; only a drink of 10 %vol or more" -- \
    label print --template back-food-cn-80x70 4006381333948 --lot DE1 --out x.pdf
expect 0 received -- stock receive --product WATER --qty 1 --lot IT2 --location S1
refused 1 "a back label of prepackaged food (GB 7718) needs 保质期" -- \
    label print --template back-food-cn-80x70 WATER --lot IT2 --out x.pdf

# What the law asks for the kind of goods, refused by name (nothing written).
expect 0 changed -- product edit $W --abv ""
refused 1 "a back label of an alcoholic drink (GB 7718) needs 酒精度 (abv), which it does not have" -- \
    label print --template back-food-cn-80x70 $W --lot FR22 --out x.pdf
expect 0 changed -- product edit $B --energy-kj "" --protein "" --fat "" --carbohydrate "" --sodium ""
refused 1 "a back label of prepackaged food (GB 7718) needs 营养成分表 (the nutrition table" -- \
    label print --template back-food-cn-80x70 $B --lot DK2611 --out x.pdf
expect 0 changed -- product edit $B --ingredients ""
refused 1 "needs 配料表 (ingredients), which it does not have" -- \
    label print --template back-food-cn-80x70 $B --lot DK2611 --out x.pdf
expect 0 changed -- product edit $B --food-kind ""
refused 1 "is a GB 7718 back label and needs the kind of food (food_kind: food or alcohol)" -- \
    label print --template back-food-cn-80x70 $B --lot DK2611 --out x.pdf
[ ! -e x.pdf ] && ok || fail "a refused label wrote x.pdf"

# Bad catalogue input, named, the database unchanged.
refused 2 "food_kind 'drink' must be food or alcohol" -- product edit $W --food-kind drink
refused 2 "abv '101' must be alcohol in %vol from 0 to 100" -- product edit $W --abv 101
refused 2 "abv '13.555' must be alcohol in %vol" -- product edit $W --abv 13.555
refused 2 "abv '12,5' must be alcohol in %vol" -- product edit $W --abv 12,5
refused 2 "the nutrition table needs all five of energy_kj, protein, fat, carbohydrate and sodium: protein is missing" -- \
    product edit $W --energy-kj 300
refused 2 "protein '6.33' must be grams per 100 g or ml with one decimal at most" -- product edit $W \
    --energy-kj 300 --protein 6.33 --fat 1 --carbohydrate 1 --sodium 1
refused 2 "energy_kj '4001' must be a whole number of kJ per 100 g or ml, 0 to 4000" -- product edit $W \
    --energy-kj 4001 --protein 6 --fat 1 --carbohydrate 1 --sodium 1
refused 2 "sodium '-1'" -- product edit $W --energy-kj 1 --protein 6 --fat 1 --carbohydrate 1 --sodium -1

# CSV: the columns go out and come back.
"$E" product export | tr -d '\r' > cat.csv
head -1 cat.csv | grep -q ',food_kind,ingredients,allergens,abv,energy_kj,protein,fat,carbohydrate,sodium$' && ok ||
    fail "export header: $(head -1 cat.csv)"
grep -q '^08410376000115,WATER,.*,food,水、二氧化碳,,,17,0.5,0.6,0.4,5$' cat.csv && ok || fail "export row: $(grep WATER cat.csv)"
printf 'sku,name_zh,food_kind,ingredients,abv\nBEER1,啤酒,alcohol,"水、大麦芽、啤酒花",4.8%%vol\n' > in.csv
expect 0 "imported 1" -- product import in.csv
expect 0 "4.80%vol" -- product show BEER1
printf 'sku,name_zh,food_kind,energy_kj\nBAD1,饼干,food,1500\n' > bad.csv
refused 2 "row 2: the nutrition table needs all five" -- product import bad.csv
finish
