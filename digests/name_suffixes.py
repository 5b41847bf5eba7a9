"""Whether an industry word after a short listed name still names that company.

東元電機 is 東元 and 長榮航空 is a 長榮 company, but 晶華半導體 is not 晶華 (2707, a
hotel group): the exchange short name plus an industry word is often a *different*
company's name, and new or unlisted companies are named exactly that way.  A generic
company word (公司, 集團, 國際, 控股) fits any company; an industry word fits a company
whose exchange industry can make or sell it.  When the listed company's industry says
it cannot (a hotel does not make semiconductors, a chip maker is no airline), the
compound needs stronger evidence than the short name inside it: a printed ticker or
the exact full name.  Companies without an exchange industry (abroad, curated) keep
the compound: nothing contradicts it.

Suffixes are Simplified, as the segmenter's tokens are.
"""

from __future__ import annotations

_TECH = frozenset(
    {"半导体", "电子", "科技", "光电", "精密", "材料", "电脑", "通讯", "晶圆", "电机", "电信"}
)
_BIO = frozenset({"生技"})
_CHEMICALS = frozenset({"化学", "化工", "塑胶", "钢铁"})
_SHIPPING = frozenset({"航空", "海运", "航运"})
_FINANCE = frozenset({"金控"})

_SERVICES = frozenset(
    {
        "觀光餐旅",
        "食品工業",
        "金融保險業",
        "建材營造業",
        "貿易百貨業",
        "居家生活",
        "運動休閒",
        "文化創意業",
        "航運業",
        "油電燃氣業",
    }
)
"""Exchange industries whose companies make no electronics, drugs or chemicals: such
an industry word after one of their short names names another company."""


def suffix_fits(suffix: str, industry: str | None) -> bool:
    """Whether ``suffix`` after a company's short name can still be that company."""
    if industry is None:
        return True
    if suffix in _SHIPPING:
        return industry == "航運業"
    if suffix in _FINANCE:
        return industry == "金融保險業"
    if suffix in _TECH or suffix in _BIO or suffix in _CHEMICALS:
        return industry not in _SERVICES
    return True  # 公司, 集團, 國際, 控股…: any company
