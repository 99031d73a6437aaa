-- entrepot schema 15: selling units (瓶, 盒, 袋 ...).
--
-- Quantities stay in the base unit (pcs, g, ml); a commodity counted in
-- pieces may name the unit a piece is sold as, which labels and receipts
-- show. The closed list of units is this one table: the library refuses a
-- unit that is not in it. code is what files and the API carry; zh and en
-- are what labels and receipts print.
CREATE TABLE sell_unit (
    code TEXT PRIMARY KEY,
    zh   TEXT NOT NULL UNIQUE,
    en   TEXT NOT NULL
);
INSERT INTO sell_unit(code, zh, en) VALUES
    ('bottle', '瓶', 'bottle'), ('box', '盒', 'box'), ('bag', '袋', 'bag'), ('jar', '罐', 'jar'),
    ('pack', '包', 'pack'), ('tube', '支', 'tube'), ('piece', '件', 'piece'), ('case', '箱', 'case'),
    ('can', '听', 'can'), ('carton', '条', 'carton'), ('pair', '双', 'pair'), ('set', '套', 'set'),
    ('each', '个', 'each'), ('tub', '桶', 'tub'), ('cup', '杯', 'cup'), ('bar', '块', 'bar'),
    ('sheet', '片', 'sheet'), ('roll', '卷', 'roll');

-- NULL: none named (a label says 件). Checked by the library against
-- sell_unit (no REFERENCES, so that an older schema can still be restored).
ALTER TABLE product ADD COLUMN sell_unit TEXT;
-- The selling unit a line was sold in, kept so that a reprint says what the
-- receipt said on the day.
ALTER TABLE sale_line ADD COLUMN sell_unit TEXT;

-- The back label of imported prepackaged food (GB 7718, GB 28050).
-- food_kind: NULL (not prepackaged food), 'food' or 'alcohol' (a drink of
-- 0.5 %vol or more): what the back label must carry follows from it.
-- ingredients in descending order by weight, as given; allergens as text.
-- abv: alcohol in hundredths of a %vol (1350 = 13.5 %vol).
-- Nutrition per 100 g (or 100 ml when the net content is in ml), at the
-- precision GB 28050 prints: energy kJ, protein, fat and carbohydrate in
-- tenths of a gram, sodium mg; all five or none.
ALTER TABLE product ADD COLUMN food_kind TEXT;
ALTER TABLE product ADD COLUMN ingredients TEXT;
ALTER TABLE product ADD COLUMN allergens TEXT;
ALTER TABLE product ADD COLUMN abv INTEGER;
ALTER TABLE product ADD COLUMN energy_kj INTEGER;
ALTER TABLE product ADD COLUMN protein INTEGER;
ALTER TABLE product ADD COLUMN fat INTEGER;
ALTER TABLE product ADD COLUMN carbohydrate INTEGER;
ALTER TABLE product ADD COLUMN sodium INTEGER;
