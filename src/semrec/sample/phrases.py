"""Review and search-query vocabulary, split by sentiment and price level.

Positive and negative phrases are disjoint, so a review's sentiment can be checked by
looking for them in its text (the tests do exactly that).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ASPECTS",
    "MIXED_OPENERS",
    "NEGATIVE_CLOSERS",
    "NEGATIVE_OPENERS",
    "POSITIVE_OPENERS",
    "QUERY_TEMPLATES_EN",
    "QUERY_TEMPLATES_ZH",
    "negative_phrases",
    "positive_phrases",
]

#: aspect -> (English positive, English negative, Chinese positive, Chinese negative)
ASPECTS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "sound": (("great sound", "crisp, detailed sound", "the bass is rich and punchy"),
              ("the sound is muddy", "tinny sound", "the audio crackles at high volume"),
              ("音质很棒",), ("音质很差",)),
    "battery": (("the battery lasts forever", "battery life is excellent"),
                ("the battery drains far too fast", "battery life is disappointing"),
                ("续航超长",), ("掉电太快",)),
    "comfort": (("very comfortable to wear all day", "super comfortable"),
                ("uncomfortable after an hour", "it pinches and feels stiff"),
                ("穿戴很舒服",), ("戴久了不舒服",)),
    "noise_cancelling": (("the noise cancelling blocks out everything",),
                         ("the noise cancelling barely works",),
                         ("降噪效果一流",), ("降噪几乎没用",)),
    "build": (("solid build quality", "feels sturdy and well made"),
              ("feels cheap and flimsy", "it broke within a month"), ("做工扎实",), ("做工粗糙",)),
    "screen": (("the screen is bright and sharp",), ("the screen is dim and washed out",),
               ("屏幕清晰明亮",), ("屏幕发灰",)),
    "camera": (("the camera takes stunning photos",), ("photos come out blurry",),
               ("拍照效果惊艳",), ("拍照很模糊",)),
    "performance": (("fast and smooth, no lag at all",), ("it lags and stutters constantly",),
                    ("运行流畅",), ("经常卡顿",)),
    "value": (("great value for the price", "worth every penny"),
              ("overpriced for what you get", "a waste of money"),
              ("性价比超高",), ("太贵了不值",)),
    "fit": (("the fit is perfect", "true to size"), ("runs two sizes small", "the fit is awkward"),
            ("尺码很准",), ("尺码偏小",)),
    "durability": (("still holding up after months of use",),
                   ("started falling apart after a few weeks",), ("非常耐用",), ("没几周就坏了",)),
    "design": (("looks gorgeous", "sleek design"), ("looks dated", "the design is ugly in person"),
               ("颜值很高",), ("外观很丑",)),
    "warmth": (("keeps me warm even in freezing wind",), ("not warm enough for winter",),
               ("非常保暖",), ("一点都不保暖",)),
    "flavour": (("rich, smooth flavour",), ("bitter and stale taste",),
                ("口感醇厚",), ("又苦又涩",)),
    "freshness": (("arrived fresh and aromatic",), ("arrived old and flat",),
                  ("非常新鲜",), ("收到时已经不新鲜",)),
    "ease_of_use": (("really easy to use and clean",), ("a pain to use and clean",),
                    ("操作简单",), ("用起来很麻烦",)),
    "heat": (("heats evenly",), ("hot spots everywhere, it burns food",),
             ("受热均匀",), ("受热不均",)),
    "sharpness": (("razor sharp out of the box",), ("dull out of the box",),
                  ("非常锋利",), ("刀刃很钝",)),
    "story": (("a gripping story I could not put down",), ("the plot drags and goes nowhere",),
              ("故事引人入胜",), ("情节拖沓",)),
    "characters": (("unforgettable characters",), ("the characters are paper thin",),
                   ("人物鲜活",), ("人物单薄",)),
    "writing": (("beautifully written",), ("clumsy, flat writing",), ("文笔优美",), ("文笔平淡",)),
    "fun": (("hours of fun for the whole family",), ("boring after ten minutes",),
            ("全家玩得很开心",), ("玩几分钟就腻了",)),
    "softness": (("incredibly soft and cuddly",), ("scratchy and thin",),
                 ("超级柔软",), ("摸起来很扎",)),
    "texture": (("lovely lightweight texture",), ("greasy, sticky texture",),
                ("质地清爽",), ("质地油腻",)),
    "results": (("my skin has never looked better",), ("it broke me out",),
                ("皮肤状态变好了",), ("用了爆痘",)),
    "scent": (("a gorgeous scent",), ("the scent is overpowering and cheap",),
              ("味道很好闻",), ("味道刺鼻",)),
    "longevity": (("lasts all day",), ("fades within an hour",), ("持久不脱妆",), ("很快就掉了",)),
    "tone": (("warm, rich tone",), ("the tone is thin and buzzy",), ("音色温暖",), ("音色发闷",)),
    "playability": (("plays like a dream",), ("the action is high and hard to play",),
                    ("手感很好",), ("很难弹",)),
}  # fmt: skip

#: Openers by language: index 0 English, 1 Chinese.
POSITIVE_OPENERS: Final = (
    ("Absolutely love it!", "Highly recommend.", "Exceeded my expectations.",
     "Really happy with this purchase.", "Very good overall.", "Would buy again."),
    ("非常满意！", "强烈推荐。", "超出预期！", "整体很好。"),
)  # fmt: skip
MIXED_OPENERS: Final = (
    ("It's okay.", "Mixed feelings.", "Decent, nothing special.", "Average at best."),
    ("一般般。", "还行吧。", "中规中矩。"),
)
NEGATIVE_OPENERS: Final = (
    ("Really disappointed.", "Would not recommend.", "Returned it.", "Regret buying this."),
    ("非常失望。", "不推荐购买。", "已经退货了。"),
)
NEGATIVE_CLOSERS: Final = (
    ("Avoid.", "I expected much better.", "Save your money."),
    ("别买。", "太失望了。"),
)

#: Search-query templates by price level (budget, mid, premium); {q} is a product noun.
QUERY_TEMPLATES_EN: Final = (
    ("cheap {q}", "affordable {q}", "{q} on sale", "budget {q}"),
    ("{q}", "best {q}", "{colour} {q}", "{q} reviews"),
    ("premium {q}", "best {q} 2025", "high end {q}", "luxury {q}"),
)
QUERY_TEMPLATES_ZH: Final = (
    ("便宜的{q}", "平价{q}", "{q}打折"),
    ("{q}", "{q}推荐", "{colour}{q}"),
    ("高端{q}", "{q}旗舰款", "最好的{q}"),
)


def positive_phrases() -> list[str]:
    """Every positive opener and aspect phrase, both languages."""
    out = [p for group in POSITIVE_OPENERS for p in group]
    for en_pos, _, zh_pos, _ in ASPECTS.values():
        out.extend(en_pos + zh_pos)
    return out


def negative_phrases() -> list[str]:
    """Every negative opener, closer and aspect phrase, both languages."""
    out = [p for group in NEGATIVE_OPENERS + NEGATIVE_CLOSERS for p in group]
    for _, en_neg, _, zh_neg in ASPECTS.values():
        out.extend(en_neg + zh_neg)
    return out
