/*
 * Word tables of the demo centre: product categories with their HS headings,
 * tax rates, sizes, prices and storage texts; which categories each country
 * is known for; syllables for made-up brands; Shanghai importers.
 *
 * Country names are not here: demo.c takes them from iso-codes through
 * ent_country_lookup. HS headings are the real 6-digit ones (HS 2022);
 * prices, rates and companies are invented for the demo.
 */
#include "demo_data.h"

#define N(a) (sizeof(a) / sizeof *(a))
#define CAT(key, hs, tax, storage, shelf, lot_lo, lot_hi, ro_lo, ro_hi, aisle, v, s, unit) \
    {key, hs, tax, storage, shelf, lot_lo, lot_hi, ro_lo, ro_hi, aisle, v, N(v), s, N(s), unit}

enum {
    C_RED, C_WHITE, C_SPARK, C_SPIRIT, C_BEER, C_CHEESE, C_BUTTER, C_MILK, C_FORMULA, C_POWDER,
    C_OLIVE, C_PASTA, C_SAUCE, C_COFFEE, C_TEA, C_CHOC, C_BISCUIT, C_SNACK, C_CANDY, C_HONEY,
    C_NUTS, C_DRIED, C_RICE, C_NOODLE, C_DRINK, C_COSMETIC, C_FISH, C_JAM, C_CEREAL, C_SPICE
};

/* ---- categories --------------------------------------------------------- */

static const struct demo_size wine_sizes[] = {{"750 ml", 6800, 59800}, {"375 ml", 4800, 19800}, {"1.5 l", 16800, 99800}};
static const struct demo_variant red_v[] = {
    {"Cabernet Sauvignon Dry Red Wine", "赤霞珠干红葡萄酒", NULL, NULL, 0, 0},
    {"Merlot Dry Red Wine", "梅洛干红葡萄酒", NULL, NULL, 0, 0},
    {"Dry Red Wine", "干红葡萄酒", NULL, NULL, 0, 0},
    {"Pinot Noir Red Wine", "黑皮诺红葡萄酒", NULL, "FR NZ US DE CL AU", 0, 0},
    {"Chianti Classico DOCG", "经典基安蒂红葡萄酒", NULL, "IT", 0, 0},
    {"Barolo DOCG", "巴罗洛红葡萄酒", NULL, "IT", 0, 0},
    {"Bordeaux AOC Red Wine", "波尔多红葡萄酒", NULL, "FR", 0, 0},
    {"Côtes du Rhône Red Wine", "罗讷河谷红葡萄酒", NULL, "FR", 0, 0},
    {"Rioja Crianza", "里奥哈陈酿红葡萄酒", NULL, "ES", 0, 0},
    {"Douro Red Wine", "杜罗河红葡萄酒", NULL, "PT", 0, 0},
    {"Malbec Dry Red Wine", "马尔贝克干红葡萄酒", NULL, "AR CL FR", 0, 0},
    {"Shiraz Dry Red Wine", "设拉子干红葡萄酒", NULL, "AU ZA", 0, 0},
    {"Carmenère Dry Red Wine", "佳美娜干红葡萄酒", NULL, "CL", 0, 0},
    {"Pinotage Dry Red Wine", "皮诺塔吉干红葡萄酒", NULL, "ZA", 0, 0},
    {"Saperavi Dry Red Wine", "萨别拉维干红葡萄酒", NULL, "GE", 0, 0},
    {"Tannat Dry Red Wine", "丹娜干红葡萄酒", NULL, "UY", 0, 0},
    {"Zinfandel Red Wine", "仙粉黛红葡萄酒", NULL, "US", 0, 0},
};
static const struct demo_variant white_v[] = {
    {"Chardonnay Dry White Wine", "霞多丽干白葡萄酒", NULL, NULL, 0, 0},
    {"Sauvignon Blanc Dry White Wine", "长相思干白葡萄酒", NULL, NULL, 0, 0},
    {"Dry White Wine", "干白葡萄酒", NULL, NULL, 0, 0},
    {"Riesling White Wine", "雷司令白葡萄酒", NULL, "DE AT FR AU LU", 0, 0},
    {"Moscato d'Asti", "莫斯卡托阿斯蒂甜白葡萄酒", NULL, "IT", 0, 0},
    {"Tokaji Aszú Sweet Wine", "托卡伊贵腐甜白葡萄酒", NULL, "HU", 0, 0},
    {"Vinho Verde", "绿酒白葡萄酒", NULL, "PT", 0, 0},
    {"Grüner Veltliner", "绿维特利纳干白葡萄酒", NULL, "AT", 0, 0},
    {"Assyrtiko Dry White Wine", "阿斯提可干白葡萄酒", NULL, "GR", 0, 0},
    {"Chenin Blanc", "白诗南白葡萄酒", NULL, "ZA FR", 0, 0},
};
static const struct demo_variant spark_v[] = {
    {"Brut Sparkling Wine", "天然型起泡葡萄酒", NULL, NULL, 0, 0},
    {"Prosecco DOC Extra Dry", "普罗塞克起泡葡萄酒", NULL, "IT", 0, 0},
    {"Asti Spumante", "阿斯蒂甜起泡酒", NULL, "IT", 0, 0},
    {"Champagne Brut", "香槟", NULL, "FR", 0, 0},
    {"Crémant Brut", "克雷芒起泡葡萄酒", NULL, "FR LU", 0, 0},
    {"Cava Brut", "卡瓦起泡葡萄酒", NULL, "ES", 0, 0},
};
static const struct demo_size spirit_sizes[] = {{"700 ml", 12800, 89800}, {"500 ml", 8800, 39800}, {"1 l", 16800, 69800}};
static const struct demo_variant spirit_v[] = {
    {"Fruit Liqueur", "水果利口酒", "2208.70", NULL, 0, 0},
    {"Single Malt Scotch Whisky 12 Years", "12年单一麦芽苏格兰威士忌", "2208.30", "GB", 0, 0},
    {"Blended Scotch Whisky", "调和苏格兰威士忌", "2208.30", "GB", 0, 0},
    {"Irish Whiskey", "爱尔兰威士忌", "2208.30", "IE", 0, 0},
    {"Kentucky Bourbon Whiskey", "波本威士忌", "2208.30", "US", 0, 0},
    {"Blended Malt Whisky", "调和麦芽威士忌", "2208.30", "JP CA", 0, 0},
    {"Cognac VSOP", "干邑白兰地 VSOP", "2208.20", "FR", 0, 0},
    {"Aged Brandy", "陈年白兰地", "2208.20", "AM GE ES RS", 0, 0},
    {"Vodka", "伏特加", "2208.60", "RU PL SE FI UA BY MN EE KZ LV", 0, 0},
    {"London Dry Gin", "伦敦干金酒", "2208.50", "GB NL", 0, 0},
    {"Aged Rum 7 Years", "7年陈酿朗姆酒", "2208.40", "CU JM", 0, 0},
    {"Tequila Reposado", "微陈龙舌兰酒", "2208.90", "MX", 0, 0},
    {"Junmai Sake", "纯米清酒", "2206.00", "JP", 0, 0},
    {"Soju", "烧酒", "2208.90", "KR", 0, 0},
    {"Limoncello", "柠檬甜酒", "2208.70", "IT", 0, 0},
    {"Herbal Liqueur", "草本利口酒", "2208.70", "DE IT LV", 0, 0},
    {"Chacha Grape Spirit", "恰恰葡萄烈酒", "2208.20", "GE", 0, 0},
};
static const struct demo_size beer_sizes[] = {{"330 ml", 690, 2290}, {"500 ml", 890, 2990}, {"750 ml", 2800, 8800}};
static const struct demo_variant beer_v[] = {
    {"Lager Beer", "拉格啤酒", NULL, NULL, 0, 2},
    {"Pilsner Beer", "皮尔森啤酒", NULL, "CZ DE AT PL", 0, 2},
    {"Wheat Beer", "小麦啤酒", NULL, "DE BE AT", 0, 2},
    {"Trappist Ale", "修道院啤酒", NULL, "BE NL", 0, 0},
    {"Stout", "世涛黑啤酒", NULL, "IE GB", 0, 2},
    {"IPA Pale Ale", "IPA 淡色艾尔啤酒", NULL, "US GB AU NZ", 0, 2},
    {"Dark Lager", "黑拉格啤酒", NULL, "CZ DE MX", 0, 2},
};
static const struct demo_size cheese_sizes[] = {{"125 g", 2900, 6900}, {"200 g", 3900, 9900}, {"250 g", 4900, 12800}, {"500 g", 8800, 23800}};
static const struct demo_variant cheese_v[] = {
    {"Mozzarella Cheese", "马苏里拉干酪", NULL, NULL, 0, 0},
    {"Cream Cheese", "奶油奶酪", "0406.10", NULL, 0, 3},
    {"Processed Cheese Slices", "再制干酪片", "0406.30", NULL, 0, 3},
    {"Semi-hard Cheese", "半硬质干酪", NULL, NULL, 0, 0},
    {"Parmigiano Reggiano DOP", "帕玛森雷加诺干酪", NULL, "IT", 0, 0},
    {"Grated Grana Padano", "格拉娜帕达诺干酪碎", "0406.20", "IT", 0, 2},
    {"Brie de Meaux", "莫城布里干酪", NULL, "FR", 0, 0},
    {"Camembert", "卡蒙贝尔干酪", NULL, "FR", 0, 0},
    {"Roquefort", "洛克福蓝纹干酪", "0406.40", "FR", 0, 0},
    {"Manchego", "曼彻格干酪", NULL, "ES", 0, 0},
    {"Gouda Cheese", "高达干酪", NULL, "NL", 0, 0},
    {"Edam Cheese", "伊丹干酪", NULL, "NL", 0, 0},
    {"Emmentaler", "埃曼塔干酪", NULL, "CH", 0, 0},
    {"Gruyère", "格吕耶尔干酪", NULL, "CH FR", 0, 0},
    {"Feta Cheese", "菲达干酪", NULL, "GR", 0, 0},
    {"Halloumi", "哈罗米干酪", NULL, "CY", 0, 0},
    {"Danish Blue Cheese", "丹麦蓝纹干酪", "0406.40", "DK", 0, 0},
    {"Mature Cheddar", "陈年切达干酪", NULL, "GB IE AU NZ US", 0, 0},
};
static const struct demo_size butter_sizes[] = {{"200 g", 2500, 4900}, {"250 g", 2900, 5900}, {"454 g", 4900, 8900}};
static const struct demo_variant butter_v[] = {
    {"Unsalted Butter", "无盐黄油", NULL, NULL, 0, 0},
    {"Salted Butter", "含盐黄油", NULL, NULL, 0, 0},
    {"Cultured Butter", "发酵黄油", NULL, NULL, 0, 0},
};
static const struct demo_size milk_sizes[] = {{"1 l", 1390, 2990}, {"250 ml", 490, 990}, {"200 ml", 390, 890}};
static const struct demo_variant milk_v[] = {
    {"Whole Milk UHT", "全脂纯牛奶", NULL, NULL, 0, 0},
    {"Low Fat Milk UHT", "低脂纯牛奶", NULL, NULL, 0, 0},
    {"Skimmed Milk UHT", "脱脂纯牛奶", "0401.10", NULL, 0, 0},
    {"Organic Whole Milk", "有机全脂纯牛奶", NULL, NULL, 0, 0},
};
static const struct demo_size formula_sizes[] = {{"800 g", 19800, 46800}, {"900 g", 22800, 49800}, {"400 g", 12800, 25800}};
static const struct demo_variant formula_v[] = {
    {"Infant Formula Stage 1 (0-6 months)", "婴儿配方奶粉 1段", NULL, NULL, 0, 0},
    {"Follow-on Formula Stage 2 (6-12 months)", "较大婴儿配方奶粉 2段", NULL, NULL, 0, 0},
    {"Growing-up Formula Stage 3 (12-36 months)", "幼儿配方奶粉 3段", NULL, NULL, 0, 0},
    {"Goat Milk Infant Formula Stage 1", "婴儿配方羊奶粉 1段", NULL, NULL, 0, 0},
};
static const struct demo_size powder_sizes[] = {{"1 kg", 9800, 18800}, {"400 g", 4900, 9800}, {"900 g", 8800, 16800}};
static const struct demo_variant powder_v[] = {
    {"Full Cream Milk Powder", "全脂奶粉", NULL, NULL, 0, 0},
    {"Skim Milk Powder", "脱脂奶粉", "0402.10", NULL, 0, 0},
    {"High-Calcium Adult Milk Powder", "中老年高钙奶粉", "0402.29", NULL, 0, 0},
};
static const struct demo_size olive_sizes[] = {{"500 ml", 5900, 13800}, {"250 ml", 3900, 7900}, {"750 ml", 8800, 18800},
                                               {"1 l", 9800, 22800}, {"3 l", 26800, 49800}};
static const struct demo_variant olive_v[] = {
    {"Extra Virgin Olive Oil", "特级初榨橄榄油", NULL, NULL, 0, 0},
    {"Organic Extra Virgin Olive Oil", "有机特级初榨橄榄油", NULL, NULL, 0, 4},
    {"Pure Olive Oil", "纯正橄榄油", "1509.90", NULL, 0, 0},
    {"Light Olive Oil", "清淡橄榄油", "1509.90", NULL, 0, 0},
};
static const struct demo_size pasta_sizes[] = {{"500 g", 1290, 3990}, {"1 kg", 2290, 5990}, {"250 g", 990, 2990}};
static const struct demo_variant pasta_v[] = {
    {"Spaghetti No. 5", "5号意大利直面", NULL, NULL, 0, 0},
    {"Penne Rigate", "斜管通心粉", NULL, NULL, 0, 0},
    {"Fusilli", "螺旋意面", NULL, NULL, 0, 0},
    {"Farfalle", "蝴蝶意面", NULL, NULL, 0, 0},
    {"Linguine", "扁意面", NULL, NULL, 0, 0},
    {"Egg Tagliatelle", "鸡蛋宽面", "1902.11", NULL, 0, 0},
    {"Orzo", "米粒面", NULL, "GR TR IT", 0, 0},
};
static const struct demo_size sauce_sizes[] = {{"250 g", 1290, 3990}, {"400 g", 1990, 5900}, {"500 ml", 2490, 6900},
                                               {"150 ml", 990, 2990}};
static const struct demo_variant sauce_v[] = {
    {"Tomato Ketchup", "番茄沙司", "2103.20", NULL, 0, 0},
    {"Mayonnaise", "蛋黄酱", "2103.90", NULL, 0, 0},
    {"Tomato Basil Pasta Sauce", "番茄罗勒意面酱", "2103.90", "IT", 0, 2},
    {"Basil Pesto", "罗勒青酱", "2103.90", "IT", 0, 2},
    {"Balsamic Vinegar of Modena", "摩德纳香脂醋", "2209.00", "IT", 2, 4},
    {"Sherry Vinegar", "雪利酒醋", "2209.00", "ES", 2, 4},
    {"Dijon Mustard", "第戎芥末酱", "2103.30", "FR", 0, 2},
    {"Medium Hot Mustard", "中辣芥末酱", "2103.30", "DE", 0, 2},
    {"Naturally Brewed Soy Sauce", "酿造酱油", "2103.10", "JP TW KR SG HK MY", 2, 4},
    {"Gochujang Red Pepper Paste", "韩式辣椒酱", "2103.90", "KR", 0, 2},
    {"Sriracha Chili Sauce", "是拉差辣椒酱", "2103.90", "TH US", 2, 4},
    {"Green Curry Paste", "绿咖喱酱", "2103.90", "TH", 0, 2},
    {"Fish Sauce", "鱼露", "2103.90", "TH VN", 2, 4},
    {"Oyster Sauce", "蚝油", "2103.90", "HK", 0, 3},
    {"Sambal Chili Paste", "参巴辣椒酱", "2103.90", "ID MY", 0, 2},
    {"Hot Salsa", "墨西哥辣酱", "2103.90", "MX JM", 0, 2},
    {"Worcestershire Sauce", "伍斯特辣酱油", "2103.90", "GB", 2, 4},
    {"Barbecue Sauce", "烧烤酱", "2103.90", "US", 0, 3},
};
static const struct demo_size coffee_sizes[] = {{"250 g", 4900, 12800}, {"500 g", 8800, 19800}, {"1 kg", 14800, 32800},
                                                {"100 g", 3900, 8900}};
static const struct demo_variant coffee_v[] = {
    {"Roasted Coffee Beans", "烘焙咖啡豆", NULL, NULL, 0, 0},
    {"Ground Coffee Medium Roast", "中度烘焙咖啡粉", NULL, NULL, 0, 0},
    {"Espresso Beans Dark Roast", "深度烘焙意式咖啡豆", NULL, NULL, 0, 0},
    {"Drip Bag Coffee", "挂耳咖啡", NULL, NULL, 3, 4},
    {"Decaffeinated Coffee Beans", "低因咖啡豆", "0901.22", NULL, 0, 0},
    {"Freeze-dried Instant Coffee", "冻干速溶咖啡", "2101.11", NULL, 0, 4},
    {"3-in-1 White Coffee", "三合一白咖啡", "2101.12", "MY SG", 0, 4},
    {"Blue Mountain Coffee Beans", "蓝山咖啡豆", NULL, "JM", 0, 0},
};
static const struct demo_size tea_sizes[] = {{"100 g", 3900, 12800}, {"50 g", 2900, 8800}, {"200 g", 6800, 19800},
                                             {"500 g", 12800, 39800}};
static const struct demo_variant tea_v[] = {
    {"Black Tea", "红茶", NULL, NULL, 0, 0},
    {"Green Tea", "绿茶", "0902.10", NULL, 0, 0},
    {"Earl Grey Tea", "伯爵红茶", NULL, "GB LK IN", 0, 0},
    {"English Breakfast Tea", "英式早餐茶", NULL, "GB IE", 0, 0},
    {"Ceylon Black Tea", "锡兰红茶", NULL, "LK", 0, 0},
    {"Darjeeling Black Tea", "大吉岭红茶", NULL, "IN NP", 0, 0},
    {"Assam Black Tea", "阿萨姆红茶", NULL, "IN", 0, 0},
    {"Rooibos Tea", "南非博士茶", "1211.90", "ZA", 0, 0},
    {"Matcha Powder", "抹茶粉", "0902.10", "JP", 0, 2},
    {"Sencha Green Tea", "煎茶", "0902.10", "JP", 0, 0},
    {"High Mountain Oolong Tea", "高山乌龙茶", NULL, "TW", 0, 0},
};
static const struct demo_size choc_sizes[] = {{"100 g", 1990, 4990}, {"200 g", 3900, 8900}, {"250 g", 4900, 12800},
                                              {"400 g", 7900, 19800}};
static const struct demo_variant choc_v[] = {
    {"Dark Chocolate 70% Cocoa", "70%可可黑巧克力", NULL, NULL, 0, 2},
    {"Milk Chocolate Bar", "牛奶巧克力", NULL, NULL, 0, 2},
    {"Hazelnut Milk Chocolate", "榛子牛奶巧克力", NULL, NULL, 0, 2},
    {"Assorted Pralines", "什锦夹心巧克力", "1806.90", NULL, 1, 4},
    {"Chocolate Truffles", "松露形巧克力", "1806.90", NULL, 1, 4},
    {"White Chocolate", "白巧克力", "1704.90", NULL, 0, 2},
    {"Single Origin Dark Chocolate 85%", "单一产地85%黑巧克力", NULL, "GH CI EC PE CO MG PG CR", 0, 2},
};
static const struct demo_size biscuit_sizes[] = {{"150 g", 1290, 3590}, {"200 g", 1590, 4590}, {"300 g", 2490, 6800},
                                                 {"454 g", 3900, 9800}};
static const struct demo_variant biscuit_v[] = {
    {"Butter Cookies", "黄油曲奇饼干", NULL, NULL, 0, 0},
    {"Chocolate Chip Cookies", "巧克力豆曲奇", NULL, NULL, 0, 0},
    {"Wafer Rolls", "威化卷", "1905.32", NULL, 0, 3},
    {"Crackers", "苏打饼干", "1905.90", NULL, 0, 3},
    {"Oat Biscuits", "燕麦饼干", NULL, NULL, 0, 3},
    {"Digestive Biscuits", "消化饼干", NULL, "GB IE", 0, 0},
    {"Shortbread", "苏格兰黄油酥饼", NULL, "GB", 0, 0},
    {"Stroopwafels", "焦糖华夫饼", "1905.32", "NL BE", 0, 3},
    {"Caramelised Biscuits", "焦糖饼干", NULL, "BE NL", 0, 3},
    {"Gingerbread", "姜饼", NULL, "DE SE PL", 0, 3},
    {"Pineapple Cakes", "凤梨酥", "1905.90", "TW", 0, 0},
    {"Egg Rolls", "蛋卷", "1905.90", "HK MO SG", 0, 0},
    {"Almond Cookies", "杏仁饼", NULL, "MO HK", 0, 0},
};
static const struct demo_size snack_sizes[] = {{"100 g", 990, 2990}, {"150 g", 1290, 3590}, {"50 g", 590, 1690},
                                               {"200 g", 1590, 4590}};
static const struct demo_variant snack_v[] = {
    {"Sea Salt Potato Chips", "海盐味薯片", NULL, NULL, 0, 0},
    {"Sour Cream Onion Potato Chips", "酸奶油洋葱味薯片", NULL, NULL, 0, 0},
    {"Roasted Seaweed Snack", "海苔零食", "2008.99", "KR JP TH", 2, 3},
    {"Banana Chips", "香蕉片", "2008.99", "EC PH", 0, 0},
    {"Tortilla Chips", "玉米片", "1905.90", "MX US", 0, 0},
    {"Pretzels", "椒盐卷饼", "1905.90", "DE US", 0, 0},
    {"Rice Crackers", "米饼", "1905.90", "JP TW TH KR", 0, 0},
    {"Prawn Crackers", "虾片", "1905.90", "TH MY ID VN", 0, 0},
    {"Plantain Chips", "大蕉片", "2008.99", "CO PE NG GH", 0, 0},
};
static const struct demo_size candy_sizes[] = {{"100 g", 990, 2990}, {"200 g", 1690, 4590}, {"80 g", 790, 1990}};
static const struct demo_variant candy_v[] = {
    {"Fruit Gummies", "水果软糖", NULL, NULL, 0, 0},
    {"Hard Candy", "硬糖", NULL, NULL, 0, 0},
    {"Milk Candy", "牛奶糖", NULL, NULL, 0, 0},
    {"Sugar-free Chewing Gum", "无糖口香糖", "1704.10", NULL, 2, 3},
    {"Salty Licorice", "咸味甘草糖", NULL, "NL FI SE DK", 0, 0},
    {"Turkish Delight", "土耳其软糖", NULL, "TR", 0, 0},
    {"Butter Toffee", "黄油太妃糖", NULL, "GB", 0, 0},
    {"Marzipan", "杏仁蛋白糖", NULL, "DE", 0, 0},
};
static const struct demo_size honey_sizes[] = {{"250 g", 4900, 19800}, {"500 g", 7900, 39800}, {"1 kg", 12800, 49800}};
static const struct demo_variant honey_v[] = {
    {"Wildflower Honey", "百花蜂蜜", NULL, NULL, 0, 0},
    {"Acacia Honey", "洋槐蜂蜜", NULL, NULL, 0, 0},
    {"Raw Honey", "原生蜂蜜", NULL, NULL, 0, 0},
    {"Manuka Honey UMF 10+", "麦卢卡蜂蜜 UMF10+", NULL, "NZ AU", 0, 2},
    {"Clover Honey", "三叶草蜂蜜", NULL, "NZ CA US", 0, 0},
    {"Thyme Honey", "百里香蜂蜜", NULL, "GR MT CY", 0, 0},
};
static const struct demo_size nut_sizes[] = {{"200 g", 2990, 6900}, {"500 g", 5900, 14800}, {"1 kg", 9800, 25800}};
static const struct demo_variant nut_v[] = {
    {"Mixed Roasted Nuts", "混合坚果", "2008.19", NULL, 0, 0},
    {"Roasted Macadamia Nuts", "烘烤夏威夷果", "0802.62", "AU ZA KE US", 0, 0},
    {"Almonds", "巴旦木仁", "0802.12", "US AU ES", 0, 0},
    {"Pistachios", "开心果", "0802.52", "US IR TR", 0, 0},
    {"Cashew Nuts", "腰果", "0801.32", "VN CI TZ IN GH NG BR", 0, 0},
    {"Hazelnuts", "榛子仁", "0802.22", "TR IT", 0, 0},
    {"Walnut Kernels", "核桃仁", "0802.32", "CL US UZ", 0, 0},
};
static const struct demo_size dried_sizes[] = {{"200 g", 1990, 4990}, {"500 g", 3900, 9800}, {"1 kg", 6800, 16800}};
static const struct demo_variant dried_v[] = {
    {"Raisins", "葡萄干", "0806.20", NULL, 0, 0},
    {"Medjool Dates", "椰枣", "0804.10", "IL JO US SA AE EG IR MA TN", 0, 0},
    {"Dried Figs", "无花果干", "0804.20", "TR GR ES", 0, 0},
    {"Prunes", "西梅干", "0813.20", "CL US RS", 0, 0},
    {"Dried Apricots", "杏干", "0813.10", "TR UZ AM", 0, 0},
    {"Dried Mango", "芒果干", "0804.50", "TH PH VN", 0, 0},
};
static const struct demo_size rice_sizes[] = {{"1 kg", 1990, 4590}, {"2 kg", 3590, 7900}, {"5 kg", 7900, 16800}};
static const struct demo_variant rice_v[] = {
    {"Long Grain Rice", "长粒米", NULL, NULL, 0, 0},
    {"Jasmine Fragrant Rice", "茉莉香米", NULL, "TH KH LA", 0, 0},
    {"Basmati Rice", "巴斯马蒂香米", NULL, "IN PK", 0, 0},
    {"Japonica Rice", "粳米", NULL, "JP KR", 0, 0},
    {"Glutinous Rice", "糯米", NULL, "TH LA MM", 0, 0},
};
static const struct demo_size noodle_sizes[] = {{"120 g", 590, 1590}, {"600 g", 2490, 5900}, {"400 g", 1590, 3990}};
static const struct demo_variant noodle_v[] = {
    {"Instant Noodles", "方便面", NULL, NULL, 0, 0},
    {"Instant Ramen", "方便拉面", NULL, "JP KR TW", 0, 0},
    {"Spicy Ramen", "辣味拉面", NULL, "KR", 0, 0},
    {"Udon Noodles", "乌冬面", NULL, "JP", 0, 0},
    {"Rice Vermicelli", "米粉", "1902.19", "VN TH TW", 1, 3},
    {"Mi Goreng Fried Noodles", "印尼炒面", NULL, "ID", 0, 0},
    {"Pho Rice Noodles", "越南河粉", "1902.19", "VN", 1, 3},
};
static const struct demo_size drink_sizes[] = {{"330 ml", 590, 1690}, {"1 l", 1290, 3590}, {"500 ml", 690, 1990},
                                               {"250 ml", 490, 1290}};
static const struct demo_variant drink_v[] = {
    {"Natural Mineral Water", "天然矿泉水", "2201.10", NULL, 0, 3},
    {"Sparkling Mineral Water", "含气天然矿泉水", "2201.10", NULL, 0, 3},
    {"100% Orange Juice", "100%橙汁", "2009.12", NULL, 0, 0},
    {"100% Apple Juice", "100%苹果汁", "2009.71", NULL, 0, 0},
    {"Cola", "可乐", "2202.10", NULL, 0, 0},
    {"Coconut Water", "椰子水", "2009.89", "TH PH LK FJ VN BR", 0, 0},
    {"Mango Juice", "芒果汁", "2009.89", "IN TH PH", 0, 0},
    {"Energy Drink", "能量饮料", "2202.99", "AT TH", 0, 0},
    {"Aloe Vera Drink", "芦荟饮料", "2202.99", "KR", 0, 0},
};
static const struct demo_size cosmetic_sizes[] = {{"50 ml", 8800, 39800}, {"100 ml", 9800, 29800}, {"200 ml", 6800, 19800},
                                                  {"30 ml", 12800, 59800}};
static const struct demo_variant cosmetic_v[] = {
    {"Hydrating Face Cream", "保湿面霜", NULL, NULL, 0, 2},
    {"Sunscreen SPF50+", "防晒霜 SPF50+", NULL, NULL, 0, 2},
    {"Hand Cream", "护手霜", NULL, NULL, 0, 2},
    {"Body Lotion", "身体乳", NULL, NULL, 2, 3},
    {"Shampoo", "洗发水", "3305.10", NULL, 2, 3},
    {"Face Serum", "精华液", NULL, NULL, 3, 4},
    {"Eau de Toilette", "淡香水", "3303.00", "FR IT ES", 0, 2},
    {"Argan Oil", "摩洛哥坚果油", NULL, "MA", 3, 4},
    {"Dead Sea Mud Mask", "死海泥面膜", NULL, "IL JO", 1, 2},
    {"Rose Water Toner", "玫瑰纯露爽肤水", NULL, "BG TR", 1, 3},
    {"Snail Essence", "蜗牛精华液", NULL, "KR", 3, 4},
};
static const struct demo_size fish_sizes[] = {{"120 g", 1290, 3590}, {"160 g", 1590, 3990}, {"185 g", 1690, 4590}};
static const struct demo_variant fish_v[] = {
    {"Tuna in Olive Oil", "橄榄油浸金枪鱼", "1604.14", NULL, 0, 0},
    {"Tuna in Spring Water", "水浸金枪鱼", "1604.14", NULL, 0, 0},
    {"Sardines in Tomato Sauce", "茄汁沙丁鱼", "1604.13", "PT MA ES", 0, 0},
    {"Mackerel Fillets", "鲭鱼柳罐头", "1604.15", "NO JP", 0, 0},
    {"Anchovy Fillets", "鳀鱼柳", "1604.16", "ES IT", 0, 0},
    {"Herring Fillets", "鲱鱼柳", "1604.12", "SE NO IS", 0, 0},
    {"Cod Liver", "鳕鱼肝罐头", "1604.20", "IS NO", 0, 0},
};
static const struct demo_size jam_sizes[] = {{"340 g", 1990, 4990}, {"200 g", 1490, 3590}, {"400 g", 2490, 5990}};
static const struct demo_variant jam_v[] = {
    {"Strawberry Jam", "草莓果酱", NULL, NULL, 0, 0},
    {"Hazelnut Cocoa Spread", "榛子可可酱", "1806.90", NULL, 0, 0},
    {"Orange Marmalade", "橙子果酱", "2007.91", "GB ES", 0, 0},
    {"Peanut Butter", "花生酱", "2008.11", "US AU", 0, 0},
    {"Maple Syrup", "枫糖浆", "1702.20", "CA", 0, 0},
    {"Dulce de Leche", "牛奶焦糖酱", "1901.90", "AR UY", 0, 0},
    {"Kaya Coconut Jam", "咖椰酱", NULL, "MY SG", 0, 0},
    {"Lingonberry Jam", "越橘果酱", NULL, "SE FI", 0, 0},
};
static const struct demo_size cereal_sizes[] = {{"500 g", 2990, 6900}, {"375 g", 2490, 5900}, {"1 kg", 4900, 11800}};
static const struct demo_variant cereal_v[] = {
    {"Fruit Muesli", "水果燕麦片", NULL, NULL, 0, 0},
    {"Rolled Oats", "燕麦片", "1104.12", NULL, 0, 0},
    {"Corn Flakes", "玉米片", "1904.10", NULL, 0, 0},
    {"Crunchy Granola", "格兰诺拉麦片", NULL, NULL, 0, 0},
};
static const struct demo_size spice_sizes[] = {{"1 g", 2990, 8800}, {"50 g", 1290, 3990}, {"100 g", 1990, 5990},
                                               {"500 g", 2990, 8800}};
static const struct demo_variant spice_v[] = {
    {"Ground Black Pepper", "黑胡椒粉", NULL, NULL, 1, 3},
    {"Saffron Threads", "藏红花", "0910.20", "IR ES", 0, 1},
    {"Sweet Paprika", "甜红椒粉", "0904.22", "HU ES", 1, 3},
    {"Ceylon Cinnamon Sticks", "锡兰肉桂棒", "0906.11", "LK", 1, 3},
    {"Bourbon Vanilla Pods", "波旁香草荚", "0905.10", "MG", 0, 1},
    {"Himalayan Pink Salt", "喜马拉雅玫瑰盐", "2501.00", "PK NP", 3, 4},
    {"Ras el Hanout Spice Blend", "摩洛哥综合香料", "0910.91", "MA", 1, 3},
    {"Curry Powder", "咖喱粉", "0910.91", "IN LK", 1, 3},
    {"Za'atar", "扎塔香料", "0910.99", "LB IL JO", 1, 3},
    {"Green Cardamom", "绿豆蔻", "0908.31", "GT IN", 1, 3},
};

const struct demo_category entx_demo_categories[] = {
    [C_RED] = CAT("red_wine", "2204.21", "13", "避光、阴凉处卧放，12-16℃为宜", 0, 6, 60, 6, 18, 'A', red_v, wine_sizes, "瓶"),
    [C_WHITE] = CAT("white_wine", "2204.21", "13", "避光、阴凉处卧放，8-12℃为宜", 0, 6, 60, 6, 18, 'A', white_v, wine_sizes, "瓶"),
    [C_SPARK] = CAT("sparkling", "2204.10", "13", "避光、阴凉处卧放，饮用前冰镇", 0, 6, 48, 6, 12, 'A', spark_v, wine_sizes, "瓶"),
    [C_SPIRIT] = CAT("spirits", NULL, "13", "避光、阴凉干燥处直立存放", 0, 6, 36, 3, 12, 'A', spirit_v, spirit_sizes, "瓶"),
    [C_BEER] = CAT("beer", "2203.00", "13", "阴凉干燥处，避免阳光直射", 365, 24, 240, 24, 72, 'H', beer_v, beer_sizes, "瓶"),
    [C_CHEESE] = CAT("cheese", "0406.90", "13", "2-8℃冷藏", 180, 12, 60, 6, 18, 'B', cheese_v, cheese_sizes, "块"),
    [C_BUTTER] = CAT("butter", "0405.10", "13", "0-4℃冷藏", 240, 12, 72, 6, 24, 'B', butter_v, butter_sizes, "块"),
    [C_MILK] = CAT("uht_milk", "0401.20", "9", "常温避光保存，开启后冷藏并尽快饮用", 270, 24, 240, 24, 96, 'B', milk_v, milk_sizes, "盒"),
    [C_FORMULA] = CAT("infant_formula", "1901.10", "13", "常温干燥处保存，开罐后4周内食用完", 720, 12, 96, 12, 36, 'F', formula_v, formula_sizes, "罐"),
    [C_POWDER] = CAT("milk_powder", "0402.21", "13", "常温干燥处保存，开袋后密封", 720, 12, 72, 6, 24, 'F', powder_v, powder_sizes, "袋"),
    [C_OLIVE] = CAT("olive_oil", "1509.20", "9", "避光、阴凉干燥处密封保存", 720, 12, 120, 12, 36, 'C', olive_v, olive_sizes, "瓶"),
    [C_PASTA] = CAT("pasta", "1902.19", "13", "常温干燥处保存", 730, 24, 200, 24, 60, 'C', pasta_v, pasta_sizes, "包"),
    [C_SAUCE] = CAT("sauces", "2103.90", "13", "常温保存，开封后冷藏", 540, 12, 120, 12, 36, 'C', sauce_v, sauce_sizes, "瓶"),
    [C_COFFEE] = CAT("coffee", "0901.21", "13", "常温避光干燥处，开封后密封保存", 540, 12, 96, 12, 30, 'D', coffee_v, coffee_sizes, "袋"),
    [C_TEA] = CAT("tea", "0902.30", "9", "密封、避光、干燥处保存，防潮防异味", 730, 12, 96, 6, 24, 'D', tea_v, tea_sizes, "盒"),
    [C_CHOC] = CAT("chocolate", "1806.32", "13", "阴凉干燥处，18℃以下保存", 365, 24, 240, 24, 72, 'E', choc_v, choc_sizes, "块"),
    [C_BISCUIT] = CAT("biscuits", "1905.31", "13", "常温干燥处保存，开封后尽快食用", 365, 24, 200, 24, 60, 'E', biscuit_v, biscuit_sizes, "包"),
    [C_SNACK] = CAT("snacks", "2005.20", "13", "常温干燥处，避免阳光直射", 270, 24, 240, 24, 72, 'E', snack_v, snack_sizes, "袋"),
    [C_CANDY] = CAT("candy", "1704.90", "13", "阴凉干燥处保存", 540, 24, 200, 24, 60, 'E', candy_v, candy_sizes, "袋"),
    [C_HONEY] = CAT("honey", "0409.00", "13", "常温避光保存，勿冷藏", 730, 12, 72, 6, 24, 'F', honey_v, honey_sizes, "罐"),
    [C_NUTS] = CAT("nuts", "2008.19", "13", "阴凉干燥处密封保存", 365, 12, 120, 12, 36, 'F', nut_v, nut_sizes, "袋"),
    [C_DRIED] = CAT("dried_fruit", "0806.20", "9", "阴凉干燥处密封保存，开袋后冷藏", 365, 12, 120, 12, 36, 'F', dried_v, dried_sizes, "袋"),
    [C_RICE] = CAT("rice", "1006.30", "9", "阴凉干燥通风处保存，防虫防潮", 540, 12, 96, 6, 24, 'C', rice_v, rice_sizes, "袋"),
    [C_NOODLE] = CAT("noodles", "1902.30", "13", "常温干燥处保存", 270, 24, 240, 24, 72, 'C', noodle_v, noodle_sizes, "包"),
    [C_DRINK] = CAT("drinks", "2202.99", "13", "常温避光保存，开启后冷藏", 365, 24, 240, 24, 96, 'H', drink_v, drink_sizes, "瓶"),
    [C_COSMETIC] = CAT("cosmetics", "3304.99", "13", "置于阴凉干燥处，避免阳光直射", 1095, 6, 60, 6, 18, 'G', cosmetic_v, cosmetic_sizes, NULL),
    [C_FISH] = CAT("canned_fish", "1604.14", "13", "常温保存，开罐后冷藏", 1095, 24, 200, 24, 60, 'C', fish_v, fish_sizes, "罐"),
    [C_JAM] = CAT("spreads", "2007.99", "13", "常温保存，开封后冷藏", 540, 12, 120, 12, 36, 'E', jam_v, jam_sizes, "罐"),
    [C_CEREAL] = CAT("cereals", "1904.20", "13", "阴凉干燥处密封保存", 365, 12, 96, 12, 36, 'F', cereal_v, cereal_sizes, "盒"),
    [C_SPICE] = CAT("spices", "0904.12", "13", "阴凉干燥处密封保存", 730, 12, 96, 6, 24, 'C', spice_v, spice_sizes, "瓶"),
};
const size_t entx_demo_ncategories = N(entx_demo_categories);

/* ---- countries ---------------------------------------------------------- */

/* What an import hall in Shanghai typically carries from each origin. The
 * GS1 prefix is that of the country's GS1 office, used for made-up brands'
 * company prefixes (a prefix names the office, never the origin). */
#define E -1
const struct demo_country entx_demo_countries[] = {
    {"IT", 90, "800", "EUR", {C_RED, C_WHITE, C_SPARK, C_OLIVE, C_PASTA, C_SAUCE, C_CHEESE, C_COFFEE, C_CHOC, C_BISCUIT, C_COSMETIC, C_SPIRIT, C_DRINK, C_FISH, C_CANDY, C_JAM, E}},
    {"FR", 80, "300", "EUR", {C_RED, C_WHITE, C_SPARK, C_SPIRIT, C_CHEESE, C_BUTTER, C_BISCUIT, C_CHOC, C_COSMETIC, C_JAM, C_DRINK, C_SAUCE, C_CANDY, C_MILK, C_FORMULA, E}},
    {"ES", 50, "840", "EUR", {C_RED, C_WHITE, C_SPARK, C_OLIVE, C_SNACK, C_FISH, C_SAUCE, C_SPICE, C_DRIED, C_DRINK, C_CHEESE, C_NUTS, C_COSMETIC, E}},
    {"PT", 20, "560", "EUR", {C_RED, C_WHITE, C_OLIVE, C_FISH, C_BISCUIT, E}},
    {"GR", 20, "520", "EUR", {C_OLIVE, C_WHITE, C_HONEY, C_CHEESE, C_PASTA, C_DRIED, E}},
    {"DE", 80, "400", "EUR", {C_BEER, C_BISCUIT, C_CHOC, C_CANDY, C_MILK, C_FORMULA, C_COFFEE, C_COSMETIC, C_CEREAL, C_SAUCE, C_DRINK, C_WHITE, C_SNACK, C_SPIRIT, C_JAM, E}},
    {"NL", 40, "870", "EUR", {C_CHEESE, C_POWDER, C_FORMULA, C_BISCUIT, C_CANDY, C_BEER, C_SPIRIT, C_COFFEE, C_SNACK, E}},
    {"BE", 30, "540", "EUR", {C_CHOC, C_BEER, C_BISCUIT, C_CANDY, C_JAM, E}},
    {"CH", 30, "760", "CHF", {C_CHOC, C_CHEESE, C_COFFEE, C_COSMETIC, C_CANDY, C_FORMULA, E}},
    {"AT", 20, "900", "EUR", {C_MILK, C_BEER, C_WHITE, C_CANDY, C_DRINK, C_CHOC, E}},
    {"DK", 25, "570", "DKK", {C_BUTTER, C_BISCUIT, C_CHEESE, C_FORMULA, C_BEER, C_CANDY, E}},
    {"SE", 15, "730", "SEK", {C_CANDY, C_BISCUIT, C_SPIRIT, C_COFFEE, C_FISH, C_JAM, E}},
    {"NO", 10, "700", "NOK", {C_FISH, C_CHEESE, C_DRINK, E}},
    {"FI", 10, "640", "EUR", {C_CANDY, C_BISCUIT, C_SPIRIT, C_JAM, E}},
    {"IE", 20, "539", "EUR", {C_BUTTER, C_SPIRIT, C_BEER, C_FORMULA, C_CHEESE, C_POWDER, C_TEA, E}},
    {"GB", 50, "500", "GBP", {C_TEA, C_BISCUIT, C_SPIRIT, C_JAM, C_CANDY, C_CEREAL, C_SAUCE, C_COSMETIC, C_SNACK, C_BEER, C_CHEESE, E}},
    {"PL", 20, "590", "PLN", {C_CANDY, C_SPIRIT, C_BISCUIT, C_DRINK, C_MILK, C_BEER, E}},
    {"CZ", 15, "859", "CZK", {C_BEER, C_CANDY, C_BISCUIT, E}},
    {"HU", 10, "599", NULL, {C_SPICE, C_WHITE, C_CANDY, C_RED, E}},
    {"RO", 8, "594", NULL, {C_RED, C_HONEY, E}},
    {"BG", 8, "380", "EUR", {C_COSMETIC, C_HONEY, C_RED, E}},
    {"HR", 8, "385", "EUR", {C_OLIVE, C_WHITE, C_CANDY, E}},
    {"SI", 6, "383", "EUR", {C_HONEY, C_WHITE, E}},
    {"SK", 6, "858", "EUR", {C_CANDY, C_BISCUIT, E}},
    {"LT", 6, "477", "EUR", {C_CHEESE, C_MILK, C_CANDY, E}},
    {"LV", 5, "475", "EUR", {C_CANDY, C_BISCUIT, C_SPIRIT, E}},
    {"EE", 5, "474", "EUR", {C_CANDY, C_SPIRIT, E}},
    {"IS", 4, "569", "EUR", {C_FISH, C_DRINK, E}},
    {"LU", 4, "540", "EUR", {C_WHITE, C_SPARK, E}},
    {"MT", 4, "535", "EUR", {C_OLIVE, C_HONEY, E}},
    {"CY", 5, "529", "EUR", {C_RED, C_CHEESE, C_HONEY, E}},
    {"RS", 6, "860", NULL, {C_JAM, C_DRIED, C_SPIRIT, E}},
    {"UA", 8, "482", NULL, {C_HONEY, C_CANDY, C_SPIRIT, C_BISCUIT, E}},
    {"GE", 8, "486", NULL, {C_RED, C_WHITE, C_SPIRIT, C_DRINK, E}},
    {"AM", 5, "485", NULL, {C_SPIRIT, C_DRIED, E}},
    {"TR", 25, "869", NULL, {C_DRIED, C_NUTS, C_CANDY, C_BISCUIT, C_OLIVE, C_TEA, C_PASTA, C_COSMETIC, E}},
    {"IL", 10, "729", NULL, {C_DRIED, C_COSMETIC, C_SNACK, C_SPICE, E}},
    {"LB", 5, "528", NULL, {C_OLIVE, C_RED, C_SPICE, E}},
    {"JO", 5, "625", NULL, {C_DRIED, C_COSMETIC, C_SPICE, E}},
    {"EG", 6, "622", NULL, {C_DRIED, C_DRINK, C_SPICE, E}},
    {"MA", 8, "611", NULL, {C_OLIVE, C_SPICE, C_COSMETIC, C_DRIED, C_FISH, E}},
    {"TN", 6, "619", NULL, {C_OLIVE, C_DRIED, E}},
    {"ZA", 20, "600", NULL, {C_RED, C_WHITE, C_TEA, C_DRIED, C_NUTS, C_DRINK, E}},
    {"KE", 6, "616", NULL, {C_TEA, C_COFFEE, C_NUTS, E}},
    {"ET", 5, NULL, NULL, {C_COFFEE, C_HONEY, C_SPICE, E}},
    {"TZ", 4, "620", NULL, {C_COFFEE, C_SPICE, C_TEA, C_NUTS, E}},
    {"RW", 4, NULL, NULL, {C_COFFEE, C_TEA, E}},
    {"GH", 4, "603", NULL, {C_CHOC, C_NUTS, C_SNACK, E}},
    {"CI", 4, "618", NULL, {C_CHOC, C_COFFEE, C_NUTS, E}},
    {"NG", 3, "615", NULL, {C_SNACK, C_NUTS, E}},
    {"MG", 4, NULL, NULL, {C_SPICE, C_CHOC, E}},
    {"US", 70, "081", "USD", {C_NUTS, C_SNACK, C_CEREAL, C_JAM, C_SAUCE, C_CANDY, C_SPIRIT, C_RED, C_DRINK, C_COSMETIC, C_COFFEE, C_BISCUIT, C_FORMULA, C_DRIED, C_BEER, E}},
    {"CA", 25, "754", "CAD", {C_JAM, C_SPIRIT, C_SNACK, C_CEREAL, C_HONEY, C_FISH, C_FORMULA, E}},
    {"MX", 15, "750", "USD", {C_SPIRIT, C_BEER, C_SNACK, C_SAUCE, C_COFFEE, E}},
    {"BR", 15, "789", "USD", {C_COFFEE, C_SNACK, C_NUTS, C_CANDY, C_DRINK, E}},
    {"AR", 12, "779", "USD", {C_RED, C_SNACK, C_BISCUIT, C_HONEY, C_JAM, E}},
    {"CL", 20, "780", "USD", {C_RED, C_WHITE, C_DRIED, C_NUTS, C_DRINK, E}},
    {"PE", 8, "775", NULL, {C_COFFEE, C_SNACK, C_CHOC, E}},
    {"CO", 8, "770", NULL, {C_COFFEE, C_CHOC, C_SNACK, C_CANDY, E}},
    {"EC", 6, "786", NULL, {C_CHOC, C_SNACK, C_COFFEE, E}},
    {"UY", 5, "773", NULL, {C_RED, C_HONEY, C_JAM, E}},
    {"CR", 4, "744", NULL, {C_COFFEE, C_CHOC, E}},
    {"GT", 4, "740", NULL, {C_COFFEE, C_SPICE, E}},
    {"JM", 4, NULL, NULL, {C_COFFEE, C_SPIRIT, C_SAUCE, E}},
    {"CU", 4, "850", NULL, {C_SPIRIT, C_COFFEE, E}},
    {"AU", 80, "930", "AUD", {C_RED, C_WHITE, C_MILK, C_FORMULA, C_POWDER, C_HONEY, C_NUTS, C_BISCUIT, C_COSMETIC, C_CEREAL, C_BEER, C_SNACK, C_DRINK, C_JAM, C_CHEESE, E}},
    {"NZ", 50, "940", "NZD", {C_POWDER, C_FORMULA, C_HONEY, C_BUTTER, C_CHEESE, C_WHITE, C_RED, C_COSMETIC, C_BEER, C_MILK, E}},
    {"FJ", 3, NULL, NULL, {C_DRINK, E}},
    {"JP", 80, "450", "JPY", {C_SNACK, C_CANDY, C_BISCUIT, C_SAUCE, C_NOODLE, C_TEA, C_SPIRIT, C_COSMETIC, C_RICE, C_COFFEE, C_DRINK, C_BEER, C_FISH, E}},
    {"KR", 60, "880", "KRW", {C_NOODLE, C_SNACK, C_SAUCE, C_COSMETIC, C_CANDY, C_DRINK, C_SPIRIT, C_BISCUIT, C_RICE, E}},
    {"TW", 30, "471", NULL, {C_BISCUIT, C_SNACK, C_TEA, C_NOODLE, C_SAUCE, C_CANDY, E}},
    {"HK", 15, "489", "HKD", {C_BISCUIT, C_SAUCE, C_CANDY, E}},
    {"MO", 5, "958", NULL, {C_BISCUIT, C_CANDY, E}},
    {"TH", 50, "885", "THB", {C_RICE, C_SNACK, C_SAUCE, C_DRINK, C_NOODLE, C_COSMETIC, C_DRIED, C_CANDY, E}},
    {"VN", 30, "893", "USD", {C_COFFEE, C_SNACK, C_NOODLE, C_NUTS, C_DRIED, C_CANDY, C_SAUCE, E}},
    {"MY", 30, "955", "MYR", {C_BISCUIT, C_SNACK, C_COFFEE, C_SAUCE, C_NOODLE, C_CANDY, C_CHOC, C_JAM, E}},
    {"SG", 15, "888", "SGD", {C_SAUCE, C_BISCUIT, C_TEA, C_COFFEE, C_JAM, E}},
    {"ID", 20, "899", "USD", {C_COFFEE, C_SNACK, C_NOODLE, C_CHOC, C_SAUCE, E}},
    {"PH", 12, "480", "USD", {C_DRIED, C_SNACK, C_DRINK, E}},
    {"IN", 15, "890", "USD", {C_TEA, C_SPICE, C_RICE, C_SNACK, C_COSMETIC, C_DRINK, E}},
    {"LK", 10, "479", "USD", {C_TEA, C_SPICE, C_DRINK, E}},
    {"NP", 3, NULL, NULL, {C_TEA, C_SPICE, E}},
    {"PK", 5, "896", NULL, {C_RICE, C_SPICE, C_DRIED, E}},
    {"BD", 3, NULL, NULL, {C_TEA, C_SNACK, E}},
    {"MN", 4, "865", NULL, {C_POWDER, C_SPIRIT, C_CANDY, E}},
    {"KZ", 5, "487", NULL, {C_HONEY, C_CANDY, C_BISCUIT, C_SPIRIT, E}},
    {"UZ", 4, "478", NULL, {C_DRIED, C_NUTS, E}},
    {"RU", 20, "460", "USD", {C_CANDY, C_BISCUIT, C_SPIRIT, C_HONEY, C_SNACK, C_CHOC, E}},
    {"BY", 8, "481", NULL, {C_MILK, C_CHEESE, C_CANDY, C_BISCUIT, C_POWDER, E}},
    {"IR", 6, "626", NULL, {C_SPICE, C_DRIED, C_NUTS, E}},
    {"SA", 5, "628", NULL, {C_DRIED, C_COFFEE, E}},
    {"AE", 5, "629", NULL, {C_DRIED, C_CHOC, E}},
    {"PG", 3, NULL, NULL, {C_COFFEE, C_CHOC, E}},
    {"KH", 4, "884", NULL, {C_RICE, C_SPICE, E}},
    {"LA", 3, NULL, NULL, {C_COFFEE, C_RICE, E}},
    {"MM", 3, "883", NULL, {C_RICE, C_TEA, E}},
};
#undef E
const size_t entx_demo_ncountries = N(entx_demo_countries);

/* Prefixes seen on imported goods whatever their origin: a multinational's
 * home office, or an importer's own codes from GS1 China (69x). */
const char *const entx_demo_other_gs1[] = {"690", "691", "692", "693", "694", "695", "400", "500", "300", "871", "761"};
const size_t entx_demo_nother_gs1 = N(entx_demo_other_gs1);

/* ---- brands, companies, places ------------------------------------------ */

/* Latin syllables with a Chinese transliteration, for made-up brands. */
const struct demo_syllable entx_demo_syllables[] = {
    {"ca", "卡"}, {"sa", "萨"}, {"lo", "洛"}, {"ri", "里"}, {"ma", "玛"}, {"na", "纳"}, {"ti", "蒂"},
    {"vi", "维"}, {"ra", "拉"}, {"do", "多"}, {"be", "贝"}, {"mo", "莫"}, {"ne", "内"}, {"to", "托"},
    {"li", "利"}, {"sto", "斯托"}, {"ber", "伯"}, {"gen", "根"}, {"hof", "霍夫"}, {"ton", "顿"}, {"ley", "莱"},
    {"wood", "伍德"}, {"ko", "科"}, {"ya", "雅"}, {"mi", "米"}, {"ha", "哈"}, {"ru", "鲁"}, {"ki", "基"},
    {"so", "索"}, {"fe", "费"}, {"di", "迪"}, {"al", "阿尔"}, {"an", "安"}, {"el", "埃尔"}, {"or", "奥"},
    {"ve", "韦"}, {"da", "达"}, {"ro", "罗"}, {"sel", "塞尔"}, {"mar", "马尔"}, {"tel", "特尔"}, {"ni", "尼"},
    {"ta", "塔"}, {"pa", "帕"}, {"lu", "卢"}, {"bo", "波"}, {"zi", "齐"}, {"go", "戈"}, {"ke", "克"},
    {"len", "伦"}, {"win", "温"}, {"ster", "斯特"}, {"mon", "蒙"}, {"vel", "韦尔"}, {"tan", "坦"}, {"fi", "菲"},
    {"no", "诺"}, {"se", "塞"}, {"cor", "科尔"}, {"bel", "贝尔"}, {"ga", "加"}, {"ni", "妮"}, {"la", "拉"},
};
const size_t entx_demo_nsyllables = N(entx_demo_syllables);

const char *const entx_demo_company_heads[] = {
    "环球", "金桥", "东方", "浦江", "嘉利", "恒信", "华联", "德盛", "宝隆", "瑞丰", "海泰", "新港", "远洋",
    "欧亚", "太平洋", "丰源", "汇通", "锦程", "盛源", "佳禾", "和誉", "万邦", "申美", "信达", "港汇",
};
const size_t entx_demo_ncompany_heads = N(entx_demo_company_heads);

const char *const entx_demo_company_tails[] = {
    "进出口有限公司", "国际贸易有限公司", "供应链管理有限公司", "食品贸易有限公司", "商贸有限公司",
};
const size_t entx_demo_ncompany_tails = N(entx_demo_company_tails);

/* Streets of the Waigaoqiao free-trade zone and nearby districts, where
 * importers of record sit; the house numbers are made up. */
const char *const entx_demo_streets[] = {
    "中国（上海）自由贸易试验区富特北路", "中国（上海）自由贸易试验区日京路", "中国（上海）自由贸易试验区基隆路",
    "中国（上海）自由贸易试验区华京路", "中国（上海）自由贸易试验区英伦路", "上海市浦东新区杨高北路",
    "上海市浦东新区洲海路", "上海市闵行区虹梅路", "上海市长宁区遵义路", "上海市普陀区真北路",
};
const size_t entx_demo_nstreets = N(entx_demo_streets);

/* Customs offices where Shanghai's imports are declared: the first four
 * digits of an 18-digit declaration number. */
const char *const entx_demo_customs[] = {"2201", "2202", "2210", "2218", "2225", "2233", "2244", "2248"};
const size_t entx_demo_ncustoms = N(entx_demo_customs);

/* Demo exchange rates, CNY x 10000 per unit of currency (round numbers, not quotes). */
const struct demo_rate entx_demo_rates[] = {
    {"EUR", 78000}, {"USD", 72000}, {"GBP", 91000}, {"CHF", 81000}, {"DKK", 10500}, {"SEK", 6800},
    {"NOK", 6700},  {"PLN", 18000}, {"CZK", 3100},  {"CAD", 52000}, {"AUD", 47000}, {"NZD", 43000},
    {"JPY", 480},   {"KRW", 52},    {"THB", 2000},  {"SGD", 53500}, {"MYR", 15500}, {"HKD", 9200},
};
const size_t entx_demo_nrates = N(entx_demo_rates);

const struct demo_aisle entx_demo_aisles[] = {
    {'A', "葡萄酒与烈酒"}, {'B', "乳品冷藏"}, {'C', "粮油调味"}, {'D', "咖啡茶叶"},
    {'E', "糖果饼干零食"}, {'F', "母婴蜂蜜早餐"}, {'G', "美妆个护"}, {'H', "啤酒饮料"},
};
const size_t entx_demo_naisles = N(entx_demo_aisles);
