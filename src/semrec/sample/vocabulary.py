"""Word lists for item titles and descriptions (English and Chinese)."""

from __future__ import annotations

from typing import Final

__all__ = [
    "ATTR_SENTENCES_EN",
    "ATTR_SENTENCES_ZH",
    "AUDIENCE",
    "BOOK_ADJECTIVES",
    "BOOK_INTRO_EN",
    "BOOK_INTRO_ZH",
    "BOOK_NOUNS",
    "BRAND_TIER",
    "BRAND_ZH",
    "COLOUR_ZH",
    "FIRST_NAMES",
    "INTRO_EN",
    "INTRO_ZH",
    "LAST_NAMES",
    "MATERIAL_ZH",
    "MODEL_WORDS",
    "OUTRO_EN",
    "OUTRO_ZH",
    "TIER_NAMES",
    "TIER_SUFFIX",
    "TIER_WORDS_EN",
    "TIER_WORDS_ZH",
]

TIER_NAMES: Final = ("budget", "mid", "premium")
TIER_WORDS_EN: Final = ("an affordable", "a well-rounded", "a premium")
TIER_WORDS_ZH: Final = ("高性价比", "均衡实用", "高端旗舰")
TIER_SUFFIX: Final = (
    ("Lite", "Go", "SE", ""),
    ("", "Plus", "2", "3"),
    ("Pro", "Ultra", "Max", "Elite"),
)

COLOUR_ZH: Final = {
    "black": "黑色", "white": "白色", "silver": "银色", "blue": "蓝色", "red": "红色",
    "green": "绿色", "grey": "灰色", "pink": "粉色", "gold": "金色", "navy": "藏青色",
    "beige": "米色", "natural": "原木色",
}  # fmt: skip

MATERIAL_ZH: Final = {
    "silicone": "硅胶", "plastic": "塑料", "aluminium": "铝合金", "leather": "皮革",
    "mesh": "网布", "knit": "针织", "polyester": "涤纶", "cotton": "纯棉", "nylon": "尼龙",
    "rubber": "天然橡胶", "cork": "软木", "down": "羽绒", "denim": "牛仔布", "canvas": "帆布",
    "stainless steel": "不锈钢", "glass": "玻璃", "cast iron": "铸铁", "carbon steel": "碳钢",
    "ceramic": "陶瓷", "damascus steel": "大马士革钢", "mahogany": "桃花心木", "maple": "枫木",
    "spruce": "云杉", "alder": "桤木", "nickel": "镍", "linen": "亚麻", "metal": "金属",
}  # fmt: skip

BRAND_ZH: Final = {
    "Apple": "苹果", "Samsung": "三星", "Xiaomi": "小米", "Huawei": "华为", "Google": "谷歌",
    "OnePlus": "一加", "Sony": "索尼", "Bose": "博士", "Sennheiser": "森海塞尔", "Lenovo": "联想",
    "Dell": "戴尔", "Asus": "华硕", "HP": "惠普", "Nike": "耐克", "Adidas": "阿迪达斯",
    "Asics": "亚瑟士", "New Balance": "新百伦", "Li-Ning": "李宁", "Uniqlo": "优衣库",
    "Decathlon": "迪卡侬", "The North Face": "北面", "Columbia": "哥伦比亚", "Arc'teryx": "始祖鸟",
    "Levi's": "李维斯", "Converse": "匡威", "Samsonite": "新秀丽", "Philips": "飞利浦",
    "De'Longhi": "德龙", "Nespresso": "奈斯派索", "Starbucks": "星巴克", "Supor": "苏泊尔",
    "Zwilling": "双立人", "Lego": "乐高", "Shiseido": "资生堂", "L'Oréal": "欧莱雅",
    "Dior": "迪奥", "Chanel": "香奈儿", "Yamaha": "雅马哈", "Casio": "卡西欧", "Roland": "罗兰",
    "Fender": "芬达", "Gibson": "吉普森", "Marshall": "马歇尔", "IKEA": "宜家", "Muji": "无印良品",
    "Garmin": "佳明", "Penguin": "企鹅出版社", "Lululemon": "露露乐蒙", "Kiehl's": "科颜氏",
}  # fmt: skip

BRAND_TIER: Final = {
    "Apple": 2, "Bose": 2, "Sennheiser": 2, "Google": 1, "Anker": 0, "Xiaomi": 0, "Spigen": 0,
    "Hoka": 2, "Lululemon": 2, "Decathlon": 0, "Uniqlo": 0, "Patagonia": 2, "Arc'teryx": 2,
    "H&M": 0, "Zara": 0, "Coach": 2, "Breville": 2, "Hario": 0, "Keurig": 0, "Illy": 2,
    "Blue Bottle": 2, "Le Creuset": 2, "All-Clad": 2, "T-fal": 0, "Lodge": 0, "Supor": 0,
    "Shun": 2, "Wüsthof": 2, "Victorinox": 0, "Phaidon": 2, "Mega Bloks": 0, "Ty": 0,
    "Jellycat": 2, "SK-II": 2, "The Ordinary": 0, "CeraVe": 0, "Maybelline": 0, "Dior": 2,
    "Chanel": 2, "Jo Malone": 2, "Gibson": 2, "Taylor": 2, "Epiphone": 0, "Casio": 0,
    "Ernie Ball": 1, "IKEA": 0, "Brooklinen": 2, "Casper": 2, "Muji": 1, "Garmin": 2, "Fitbit": 1,
}  # fmt: skip

MODEL_WORDS: Final = (
    "Aero", "Nova", "Pulse", "Core", "Flex", "Edge", "Zen", "Vibe", "Sonic", "Terra", "Luma",
    "Orbit", "Peak", "Swift", "Atlas", "Echo", "Halo", "Ion", "Metro", "Nimbus", "Pixel", "Quest",
    "Ridge", "Summit", "Tempo", "Vista", "Wave", "Flow", "Spark", "Drift",
)  # fmt: skip

BOOK_ADJECTIVES: Final = (
    ("Silent", "寂静"), ("Hidden", "隐秘"), ("Last", "最后"), ("Golden", "金色"),
    ("Distant", "遥远"), ("Broken", "破碎"), ("Endless", "无尽"), ("Secret", "秘密"),
    ("Quiet", "安静"), ("Burning", "燃烧"), ("Simple", "简单"), ("Little", "小小"),
)  # fmt: skip

BOOK_NOUNS: Final = {
    "fiction": (("River", "河流"), ("Garden", "花园"), ("Letters", "信件"), ("Summer", "夏天"),
                ("House", "房子"), ("Daughter", "女儿"), ("Island", "岛屿")),
    "scifi": (("Stars", "星辰"), ("Machine", "机器"), ("Colony", "殖民地"), ("Signal", "信号"),
              ("Horizon", "地平线"), ("Empire", "帝国"), ("Orbit", "轨道")),
    "cookbooks": (("Kitchen", "厨房"), ("Table", "餐桌"), ("Bread", "面包"), ("Spices", "香料"),
                  ("Feast", "盛宴"), ("Oven", "烤箱")),
    "business": (("Habits", "习惯"), ("Strategy", "战略"), ("Leader", "领导者"),
                 ("Advantage", "优势"), ("Startup", "创业"), ("Focus", "专注")),
}  # fmt: skip

FIRST_NAMES: Final = (
    "Anna", "James", "Mei", "Oliver", "Sofia", "Daniel", "Lina", "Marcus",
    "Yuki", "Elena", "Wei", "Grace", "Tom", "Priya", "Lucas", "Hannah",
)  # fmt: skip
LAST_NAMES: Final = (
    "Walker", "Chen", "Novak", "Garcia", "Okafor", "Lindqvist", "Tanaka",
    "Moreau", "Kim", "Rossi", "Brennan", "Zhang", "Patel", "Fischer",
)  # fmt: skip

AUDIENCE: Final = {
    "Electronics": "everyday use, work and travel", "Sports": "runners and active people",
    "Fashion": "city life and weekend trips", "Kitchen": "home cooks and coffee lovers",
    "Books": "curious readers", "Toys": "kids and families", "Beauty": "a simple daily routine",
    "Music": "players at every level", "Home": "a calm, comfortable home",
}  # fmt: skip

INTRO_EN: Final = (
    "The {brand} {model} is {tier} {noun} made for {audience}.",
    "Meet the {model} {noun} from {brand}, {tier} pick for {audience}.",
    "{brand}'s {model} {noun}: {tier} choice for {audience}.",
    "If you want {tier} {noun}, the {brand} {model} is built for {audience}.",
)
BOOK_INTRO_EN: Final = (
    "{title} by {author} is {tier} {noun} from {brand}.",
    "{brand} presents {title}, {tier} {noun} by {author}.",
    "In {title}, {author} delivers {tier} {noun} for curious readers.",
)
OUTRO_EN: Final = (
    "Customers rate it {rating} out of 5.",
    "It holds an average rating of {rating} stars.",
    "Reviewers give it {rating}/5 on average.",
)
INTRO_ZH: Final = (
    "{brand} {model} {noun}，{tier}之选。",
    "这款{brand}{noun}（{model}）定位{tier}，适合日常使用。",
    "{brand}推出的{model}{noun}，主打{tier}。",
)
BOOK_INTRO_ZH: Final = (
    "《{title}》，{author}著，{brand}出版。",
    "{author}作品《{title}》，{tier}之选。",
)
OUTRO_ZH: Final = ("用户平均评分{rating}分。", "买家评分{rating}/5。")

ATTR_SENTENCES_EN: Final = {
    "colour": ("It comes in {v}.", "Available in a {v} finish."),
    "material": ("Made of {v}.", "The {v} construction feels solid."),
    "weight_g": ("It weighs just {v} g.", "At {v} g it is easy to carry."),
    "battery_h": ("The battery lasts up to {v} hours.",),
    "battery_mah": ("A {v} mAh battery keeps it going all day.",),
    "storage_gb": ("It offers {v} GB of storage.",),
    "ram_gb": ("{v} GB of RAM keeps multitasking smooth.",),
    "screen_in": ("The {v}-inch display is bright and sharp.",),
    "size_eu": ("This pair is EU size {v}.",),
    "size": ("This one is size {v}.",),
    "capacity_ml": ("It holds {v} ml.",),
    "capacity_l": ("With {v} litres of space it fits the essentials.",),
    "wattage_w": ("It runs at {v} W.",),
    "pages": ("{v} pages long.", "A {v}-page read."),
    "format": ("This edition is a {v}.",),
    "roast": ("A {v} roast.",),
    "origin": ("The beans come from {v}.",),
    "pieces": ("The set has {v} pieces.",),
    "age_min": ("Suitable for ages {v} and up.",),
    "volume_ml": ("Each bottle holds {v} ml.",),
    "skin_type": ("Formulated for {v} skin.",),
    "keys": ("It has {v} full-size keys.",),
    "strings": ("A {v}-string instrument.",),
    "diameter_cm": ("It measures {v} cm across.",),
}
ATTR_SENTENCES_ZH: Final = {
    "colour": ("颜色：{v}。",),
    "material": ("采用{v}材质。",),
    "weight_g": ("重量仅{v}克。",),
    "battery_h": ("续航长达{v}小时。",),
    "storage_gb": ("存储容量{v}GB。",),
    "screen_in": ("{v}英寸高清屏幕。",),
    "capacity_ml": ("容量{v}毫升。",),
    "pages": ("全书{v}页。",),
    "pieces": ("共{v}块积木。",),
    "volume_ml": ("净含量{v}毫升。",),
    "wattage_w": ("功率{v}瓦。",),
    "age_min": ("适合{v}岁以上。",),
}
