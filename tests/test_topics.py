"""Topic taxonomy and scoring."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from digests.lexicon import default_lexicon
from digests.models import Article, Section
from digests.sources.pagedump import parse_page_dump
from digests.summarize import digest_article
from digests.taxonomy import load_taxonomy, parse_taxonomy

REQUIRED = [
    "半導體",
    "AI與資料中心",
    "儲能與電力",
    "稀土與關鍵礦產",
    "電動車與電池",
    "機器人與自動化",
    "工業軟體與數位分身",
    "散熱",
    "金融與資產管理",
    "生質與再生能源",
    "ESG與綠色投資",
    "特用化學與新材料",
    "消費與餐飲",
    "電商與企業軟體",
    "國防與航太",
]


def test_taxonomy_has_required_topics_with_short_ascii_ids() -> None:
    taxonomy = load_taxonomy()
    names = {t.name for t in taxonomy.topics}
    assert set(REQUIRED) <= names
    for topic in taxonomy.topics:
        assert topic.id.isascii() and len(f"topic:{topic.id}".encode()) <= 64
        assert topic.aliases and len(topic.terms) >= 10


@pytest.mark.parametrize(
    ("query", "topic_id"),
    [
        ("儲能", "energy_storage"),
        ("储能", "energy_storage"),
        ("Energy Storage", "energy_storage"),
        ("半导体", "semiconductors"),
        ("稀土與關鍵礦產", "rare_earths"),
        # Sectors as readers name them (issue 10).
        ("IC設計", "semiconductors"),
        ("晶圆代工", "semiconductors"),
        ("記憶體", "semiconductors"),
        ("伺服器", "ai_datacenter"),
        ("电信", "telecom"),
        ("光通訊", "optical"),
        ("硅光子", "optical"),
        ("工具機", "machinery"),
        ("machine tools", "machinery"),
        ("醫材", "biotech"),
        ("medical devices", "biotech"),
        ("銀行", "finance"),
        ("壽險", "finance"),
        ("新股申購", "ipo"),
        ("IPO", "ipo"),
        ("营建", "construction"),
        ("鋼鐵", "steel"),
        ("塑化", "petrochem"),
        ("航空", "travel"),
        ("airlines", "travel"),
        ("PCB", "components"),
        ("被動元件", "components"),
        ("面板", "display"),
    ],
)
def test_lookup_any_script(query: str, topic_id: str) -> None:
    assert load_taxonomy().lookup(query).id == topic_id


def test_no_label_names_two_topics() -> None:
    from digests.normalize import name_key

    owners: dict[str, set[str]] = {}
    for topic in load_taxonomy().topics:
        for label in (topic.id, topic.name, *topic.aliases):
            owners.setdefault(name_key(label), set()).add(topic.id)
    assert {label: ids for label, ids in owners.items() if len(ids) > 1} == {}


def test_bad_topic_id_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_taxonomy('[[topic]]\nid = "半導體"\nname = "半導體"\n')


def _main_topic(title: str, *sections: tuple[str, str]) -> str | None:
    article = Article(title, tuple(Section(h, (t,)) for h, t in sections), "t", "text")
    topics = digest_article(article, default_lexicon()).topics
    return topics[0].topic_id if topics else None


def test_scoring_uses_the_text_not_only_the_title() -> None:
    # A vague title; the body is plainly about grid storage.
    assert (
        _main_topic(
            "下一個十年的關鍵產業",
            ("", "磷酸鐵鋰電池價格下跌,讓儲能系統的建置成本大幅降低,電網業者加速布局。"),
            ("調頻與輔助服務", "台電的輔助服務市場帶動儲能案場,電池櫃與電力轉換設備需求同步成長。"),
        )
        == "energy_storage"
    )


def test_headings_weigh_more() -> None:
    body = "公司營收成長,法人看好後市表現,股價創下新高。"
    assert _main_topic("觀察", ("", body), ("市場", body)) is None
    assert _main_topic("觀察", ("", body), ("咖啡連鎖的價格戰", body)) == "consumer"


def test_several_topics_main_first() -> None:
    article = Article(
        "AI伺服器的散熱革命",
        (
            Section(
                "",
                (
                    "晶片功耗暴增,液冷散熱與水冷板成為標配,冷板式液冷滲透率快速提升,"
                    "均熱片與風扇廠也轉型,散熱模組廠營收創新高。",
                ),
            ),
            Section("資料中心", ("雲端業者擴建資料中心,AI算力需求帶動伺服器出貨。",)),
        ),
        "t",
        "text",
    )
    topics = [t.topic_id for t in digest_article(article, default_lexicon()).topics]
    assert topics[0] == "cooling"
    assert "ai_datacenter" in topics


# Main topic a reader would name for each seed article, by title hash prefix.
SEED_MAIN_TOPICS = {
    "476b745462737392": "rare_earths",
    "7f433a2d4008e14b": "energy_storage",
    "2799284beff06c53": "industrial_software",
    "e32d466e2c336e27": "finance",
    "45679aa64611effe": "renewables",
    "9f552418eac6b5f7": "esg",
    "2032eec392885dbe": "cooling",
    "1f5af47633b375d5": "consumer",
    "fd081e0ed531f78a": "consumer",
    "74003d7715b4d28d": "ecommerce_saas",
}


def test_seed_articles_main_topics(corpus_path: Path) -> None:
    articles = parse_page_dump(corpus_path.read_text(encoding="utf-8"), "seed")
    for article in articles:
        digested = digest_article(article, default_lexicon())
        key = hashlib.sha256(article.title.encode()).hexdigest()[:16]
        assert digested.topics[0].topic_id == SEED_MAIN_TOPICS[key], article.title
