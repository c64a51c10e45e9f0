"""The sample shop's category tree: subcategories with nouns, brands, prices and attributes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from semrec.data.records import AttributeValue

__all__ = ["SUBCATEGORIES", "Subcategory", "subcategory_index"]

_C = ("black", "white", "silver", "blue", "red", "green", "grey", "pink", "gold", "navy", "beige")
_S = ("XS", "S", "M", "L", "XL")


@dataclass(frozen=True, slots=True)
class Subcategory:
    """One leaf of the category tree and everything needed to invent items in it."""

    key: str
    top: str
    name: str
    zh: str
    nouns: tuple[tuple[str, str], ...]
    brands: tuple[str, ...]
    price: float
    attrs: Mapping[str, Sequence[AttributeValue]]
    aspects: tuple[str, ...]
    complements: tuple[str, ...] = ()

    @property
    def path(self) -> list[str]:
        """The category path, e.g. ``["Electronics", "Headphones"]``."""
        return [self.top, self.name]


def _s(
    key: str,
    path: str,
    zh: str,
    nouns: str,
    brands: str,
    price: float,
    attrs: Mapping[str, Sequence[AttributeValue]],
    aspects: str,
    complements: str = "",
) -> Subcategory:
    """Compact constructor: ``nouns`` is ``"en=zh;en=zh"``, the other lists are comma-separated."""
    top, name = path.split("/")
    pairs = tuple((en, zh_noun) for en, zh_noun in (p.split("=") for p in nouns.split(";")))
    return Subcategory(
        key=key,
        top=top,
        name=name,
        zh=zh,
        nouns=pairs,
        brands=tuple(brands.split(",")),
        price=price,
        attrs=attrs,
        aspects=tuple(aspects.split(",")),
        complements=tuple(c for c in complements.split(",") if c),
    )


# fmt: off
SUBCATEGORIES: tuple[Subcategory, ...] = (
    _s("phones", "Electronics/Phones", "手机",
       "Smartphone=智能手机;5G Phone=5G手机;Foldable Phone=折叠屏手机",
       "Apple,Samsung,Xiaomi,Huawei,Google,OnePlus", 650,
       attrs={"colour": _C[:6], "storage_gb": (128, 256, 512), "screen_in": (6.1, 6.4, 6.7),
              "weight_g": range(160, 240, 5), "battery_mah": range(3500, 5500, 100)},
       aspects="screen,camera,battery,performance,value", complements="accessories,headphones"),
    _s("headphones", "Electronics/Headphones", "耳机",
       "Wireless Headphones=无线耳机;Noise-Cancelling Headphones=降噪耳机;"
       "Wireless Earbuds=蓝牙耳塞;Over-Ear Headphones=头戴式耳机",
       "Sony,Bose,Apple,Samsung,Sennheiser,Anker,Xiaomi,JBL", 150,
       attrs={"colour": _C[:5], "battery_h": range(6, 60, 2), "weight_g": range(40, 320, 10)},
       aspects="sound,battery,comfort,noise_cancelling,build", complements="accessories"),
    _s("laptops", "Electronics/Laptops", "笔记本电脑",
       "Laptop=笔记本电脑;Ultrabook=轻薄本;Gaming Laptop=游戏本",
       "Apple,Lenovo,Dell,Asus,HP,Samsung,Huawei", 1100,
       attrs={"colour": ("silver", "grey", "black"), "ram_gb": (8, 16, 32),
              "storage_gb": (256, 512, 1024), "screen_in": (13.3, 14.0, 15.6, 16.0),
              "weight_g": range(1100, 2600, 50)},
       aspects="performance,screen,battery,build,value", complements="accessories,headphones"),
    _s("accessories", "Electronics/Accessories", "数码配件",
       "Phone Case=手机壳;USB-C Charger=USB-C充电器;Power Bank=充电宝;Charging Cable=充电线",
       "Anker,Belkin,Apple,Samsung,Xiaomi,Spigen", 25,
       attrs={"colour": _C[:4], "material": ("silicone", "plastic", "aluminium", "leather"),
              "weight_g": range(20, 300, 10)},
       aspects="build,durability,value"),
    _s("running_shoes", "Sports/Running Shoes", "跑鞋",
       "Running Shoes=跑鞋;Trail Running Shoes=越野跑鞋;Racing Shoes=竞速跑鞋",
       "Nike,Adidas,Asics,Brooks,Hoka,New Balance,Li-Ning", 120,
       attrs={"colour": _C, "size_eu": range(36, 47), "material": ("mesh", "knit"),
              "weight_g": range(180, 340, 10)},
       aspects="comfort,fit,durability,design", complements="sportswear,fitness_trackers"),
    _s("sportswear", "Sports/Sportswear", "运动服饰",
       "Running Shorts=跑步短裤;Training T-Shirt=运动T恤;Sports Socks=运动袜;"
       "Running Jacket=跑步夹克",
       "Nike,Adidas,Under Armour,Lululemon,Uniqlo,Decathlon", 35,
       attrs={"colour": _C, "size": _S, "material": ("polyester", "cotton", "nylon")},
       aspects="fit,comfort,durability,value", complements="running_shoes"),
    _s("fitness_trackers", "Sports/Fitness Trackers", "运动手表",
       "Fitness Tracker=运动手环;Smartwatch=智能手表;GPS Running Watch=GPS跑步手表",
       "Garmin,Apple,Samsung,Xiaomi,Fitbit,Huawei", 200,
       attrs={"colour": _C[:4], "battery_h": range(24, 340, 12), "weight_g": range(25, 70, 5),
              "water_resistant": (True, False)},
       aspects="battery,screen,comfort,performance", complements="sportswear"),
    _s("yoga", "Sports/Yoga", "瑜伽",
       "Yoga Mat=瑜伽垫;Yoga Block=瑜伽砖;Resistance Bands=弹力带",
       "Lululemon,Manduka,Decathlon,Gaiam", 40,
       attrs={"colour": _C, "material": ("rubber", "cork", "TPE"), "thickness_mm": (3, 4, 5, 6)},
       aspects="comfort,durability,value", complements="sportswear"),
    _s("jackets", "Fashion/Jackets", "外套",
       "Down Jacket=羽绒服;Rain Jacket=冲锋衣;Fleece Jacket=抓绒外套;Denim Jacket=牛仔夹克",
       "The North Face,Patagonia,Uniqlo,Columbia,Zara,Arc'teryx", 140,
       attrs={"colour": _C, "size": _S, "material": ("down", "nylon", "polyester", "denim"),
              "weight_g": range(300, 1200, 20), "waterproof": (True, False)},
       aspects="warmth,fit,build,design", complements="jeans,bags"),
    _s("jeans", "Fashion/Jeans", "裤装",
       "Slim Jeans=修身牛仔裤;Straight Jeans=直筒牛仔裤;Chinos=休闲裤",
       "Levi's,Uniqlo,Zara,H&M,Wrangler", 60,
       attrs={"colour": ("blue", "black", "grey", "beige"), "size": _S,
              "material": ("denim", "cotton")},
       aspects="fit,comfort,durability,design", complements="sneakers"),
    _s("sneakers", "Fashion/Sneakers", "休闲鞋",
       "Sneakers=运动鞋;Canvas Shoes=帆布鞋;Leather Sneakers=皮质休闲鞋",
       "Nike,Adidas,New Balance,Converse,Vans,Li-Ning", 90,
       attrs={"colour": _C, "size_eu": range(36, 47), "material": ("leather", "canvas", "knit")},
       aspects="comfort,design,fit,durability", complements="jeans"),
    _s("bags", "Fashion/Bags", "箱包",
       "Backpack=双肩包;Tote Bag=托特包;Crossbody Bag=斜挎包",
       "Herschel,Samsonite,Coach,Uniqlo,The North Face", 70,
       attrs={"colour": _C, "material": ("nylon", "leather", "canvas"),
              "capacity_l": range(5, 35), "weight_g": range(200, 1400, 50)},
       aspects="build,design,value"),
    _s("coffee_makers", "Kitchen/Coffee Makers", "咖啡机",
       "Espresso Machine=意式咖啡机;Drip Coffee Maker=滴滤咖啡机;Pour-Over Kettle=手冲壶;"
       "Capsule Coffee Machine=胶囊咖啡机",
       "Breville,De'Longhi,Nespresso,Keurig,Philips,Hario", 180,
       attrs={"colour": ("black", "silver", "white", "red"),
              "material": ("stainless steel", "plastic", "glass"),
              "capacity_ml": range(300, 1800, 100), "wattage_w": range(600, 1700, 50)},
       aspects="flavour,build,ease_of_use,value", complements="coffee"),
    _s("coffee", "Kitchen/Coffee", "咖啡",
       "Coffee Beans=咖啡豆;Ground Coffee=研磨咖啡粉;Coffee Capsules=咖啡胶囊",
       "Lavazza,Starbucks,Illy,Nespresso,Blue Bottle", 18,
       attrs={"roast": ("light", "medium", "dark"), "weight_g": (250, 500, 1000),
              "origin": ("Ethiopia", "Colombia", "Brazil", "Kenya", "Guatemala")},
       aspects="flavour,freshness,value"),
    _s("cookware", "Kitchen/Cookware", "锅具",
       "Frying Pan=煎锅;Dutch Oven=荷兰锅;Saucepan=汤锅;Wok=炒锅",
       "Le Creuset,Lodge,T-fal,All-Clad,Zwilling,Supor", 70,
       attrs={"colour": ("black", "red", "blue", "silver"),
              "material": ("cast iron", "stainless steel", "carbon steel", "ceramic"),
              "diameter_cm": (20, 24, 28, 30), "weight_g": range(800, 5000, 100)},
       aspects="heat,build,ease_of_use,value", complements="knives"),
    _s("knives", "Kitchen/Knives", "刀具",
       "Chef's Knife=主厨刀;Knife Set=刀具套装;Santoku Knife=三德刀",
       "Wüsthof,Zwilling,Victorinox,Shun,Global", 90,
       attrs={"material": ("stainless steel", "carbon steel", "damascus steel"),
              "blade_cm": (15, 18, 20, 23), "weight_g": range(120, 400, 10)},
       aspects="sharpness,build,value", complements="cookware"),
    _s("fiction", "Books/Fiction", "小说",
       "Novel=小说;Short Story Collection=短篇小说集", "Penguin,HarperCollins,Vintage,Scribner", 16,
       attrs={"format": ("paperback", "hardcover"), "pages": range(180, 720, 4)},
       aspects="story,characters,writing"),
    _s("scifi", "Books/Science Fiction", "科幻",
       "Science Fiction Novel=科幻小说;Space Opera=太空歌剧小说", "Tor,Orbit,Penguin,Gollancz", 17,
       attrs={"format": ("paperback", "hardcover"), "pages": range(220, 900, 4)},
       aspects="story,characters,writing", complements="fiction"),
    _s("cookbooks", "Books/Cookbooks", "烹饪书",
       "Cookbook=食谱;Baking Book=烘焙书", "Phaidon,Ten Speed Press,Penguin", 28,
       attrs={"format": ("paperback", "hardcover"), "pages": range(160, 420, 4)},
       aspects="writing,value", complements="cookware"),
    _s("business", "Books/Business", "商业",
       "Business Book=商业书;Self-Help Book=自我提升书", "HarperCollins,Portfolio,Penguin", 22,
       attrs={"format": ("paperback", "hardcover"), "pages": range(180, 400, 4)},
       aspects="writing,value"),
    _s("building_sets", "Toys/Building Sets", "积木",
       "Building Set=积木套装;Construction Kit=拼装套装", "Lego,Mega Bloks,Playmobil", 50,
       attrs={"pieces": range(100, 3000, 25), "age_min": (4, 6, 8, 12, 18)},
       aspects="fun,build,value"),
    _s("board_games", "Toys/Board Games", "桌游",
       "Board Game=桌游;Card Game=卡牌游戏;Jigsaw Puzzle=拼图",
       "Hasbro,Ravensburger,Asmodee,Mattel", 30,
       attrs={"players": ("1-4", "2-4", "2-6", "3-8"), "age_min": (6, 8, 10, 12),
              "playtime_min": (15, 30, 45, 60, 90)},
       aspects="fun,build,value"),
    _s("plush", "Toys/Plush", "毛绒玩具",
       "Plush Toy=毛绒玩具;Teddy Bear=泰迪熊", "Jellycat,Mattel,Ty", 25,
       attrs={"colour": ("beige", "pink", "grey", "white", "blue"), "material": ("polyester",),
              "size_cm": range(15, 60, 5)},
       aspects="softness,design,value"),
    _s("skincare", "Beauty/Skincare", "护肤",
       "Moisturizer=保湿霜;Serum=精华液;Sunscreen=防晒霜;Cleanser=洁面乳",
       "CeraVe,La Roche-Posay,The Ordinary,Kiehl's,Shiseido,SK-II", 30,
       attrs={"volume_ml": (30, 50, 100, 200), "skin_type": ("dry", "oily", "combination", "all")},
       aspects="texture,results,scent,value", complements="makeup"),
    _s("makeup", "Beauty/Makeup", "彩妆",
       "Lipstick=口红;Foundation=粉底液;Mascara=睫毛膏", "Maybelline,L'Oréal,MAC,Dior,Shiseido", 25,
       attrs={"colour": ("red", "pink", "beige", "black"), "volume_ml": (5, 10, 30)},
       aspects="longevity,texture,value", complements="skincare"),
    _s("fragrance", "Beauty/Fragrance", "香水",
       "Eau de Parfum=香水;Eau de Toilette=淡香水", "Dior,Chanel,Jo Malone,Calvin Klein", 90,
       attrs={"volume_ml": (30, 50, 100), "scent_family": ("floral", "woody", "citrus", "fresh")},
       aspects="scent,longevity,value"),
    _s("guitars", "Music/Guitars", "吉他",
       "Electric Guitar=电吉他;Acoustic Guitar=民谣吉他;Classical Guitar=古典吉他;"
       "Bass Guitar=电贝斯",
       "Fender,Gibson,Yamaha,Ibanez,Epiphone,Taylor", 550,
       attrs={"colour": ("black", "white", "red", "blue", "natural"),
              "material": ("mahogany", "maple", "spruce", "alder"), "strings": (4, 6, 12),
              "weight_g": range(1800, 4200, 100)},
       aspects="tone,playability,build,value", complements="guitar_accessories,amplifiers"),
    _s("guitar_accessories", "Music/Guitar Accessories", "吉他配件",
       "Guitar Strings=吉他弦;Guitar Picks=吉他拨片;Capo=变调夹;Guitar Strap=吉他背带;"
       "Clip-On Tuner=夹式调音器",
       "Ernie Ball,D'Addario,Dunlop,Fender,Boss", 12,
       attrs={"colour": ("black", "red", "natural"), "material": ("nickel", "nylon", "leather")},
       aspects="tone,durability,value"),
    _s("amplifiers", "Music/Amplifiers", "音箱效果器",
       "Guitar Amp=吉他音箱;Practice Amp=练习音箱;Effects Pedal=效果器",
       "Marshall,Fender,Boss,Roland,Vox,Yamaha", 220,
       attrs={"colour": ("black", "red", "blue"), "wattage_w": range(10, 120, 5),
              "weight_g": range(400, 15000, 200)},
       aspects="tone,build,value", complements="guitar_accessories"),
    _s("keyboards", "Music/Keyboards", "键盘乐器",
       "Digital Piano=电钢琴;MIDI Keyboard=MIDI键盘;Synthesizer=合成器",
       "Yamaha,Roland,Casio,Korg", 400,
       attrs={"colour": ("black", "white"), "keys": (49, 61, 76, 88),
              "weight_g": range(3000, 25000, 500)},
       aspects="sound,playability,build,value"),
    _s("bedding", "Home/Bedding", "床品",
       "Duvet Cover=被套;Pillow=枕头;Bed Sheet Set=床单套装", "IKEA,Muji,Brooklinen,Casper", 60,
       attrs={"colour": ("white", "grey", "beige", "navy"), "material": ("cotton", "linen"),
              "size": ("single", "double", "queen", "king")},
       aspects="comfort,build,value", complements="lighting"),
    _s("lighting", "Home/Lighting", "灯具",
       "Desk Lamp=台灯;Floor Lamp=落地灯;Smart Bulb=智能灯泡", "IKEA,Philips,Xiaomi,Muji", 45,
       attrs={"colour": ("white", "black", "gold"), "wattage_w": range(5, 40, 1),
              "material": ("metal", "plastic", "glass")},
       aspects="design,build,ease_of_use"),
)
# fmt: on


def subcategory_index() -> dict[str, int]:
    """Map each subcategory key to its position in `SUBCATEGORIES`."""
    return {sub.key: i for i, sub in enumerate(SUBCATEGORIES)}
