"""``briefbot ingest --workers 2`` stores exactly what ``--workers 1`` stores.

The articles below (our own text) introduce companies with a ticker beside a new
name (a new listing, a longer form of an exchange short name), then use the name
alone in later articles, which the other worker digests.  In one process those
later articles know the name (a single token, a mention, a shifted term weight);
workers must know it too, so every stored row is compared.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from digests.parallel import MIN_PARALLEL_BATCH
from tests.conftest import ROOT

_INTRO = [
    (
        "晶研創新掛牌首日表現亮眼 台光電子擴產高階銅箔基板",
        [
            "新創公司晶研創新（7854）今日以每股85元登錄興櫃，首日成交量放大，"
            "公司主攻矽光子檢測設備，客戶涵蓋國內外光通訊模組廠。",
            "銅箔基板大廠台光電子(2383)同日宣布，將在桃園擴建高階材料產線，"
            "新產能預計明年第二季開出，鎖定AI伺服器與交換器需求。",
            "法人指出，晶研創新今年營收可望年增四成，毛利率維持在五成以上；"
            "台光電子則受惠高速傳輸規格升級，出貨組合持續改善。",
        ],
    ),
    (
        "晶研創新接獲大單 矽光子檢測需求升溫",
        [
            "晶研創新表示，近期接獲北美客戶的檢測設備訂單，金額約新台幣六億元，"
            "將於明年上半年陸續交貨，帶動全年營收再創新高。",
            "業界人士分析，矽光子模組良率仍是量產瓶頸，檢測設備需求將隨出貨量攀升，"
            "晶研創新與台光電子都被視為這一波規格升級的受惠者。",
        ],
    ),
    (
        "奧克洛小型核電廠計畫加速 資料中心搶綠電",
        [
            "美國核能新創奧克洛(OKLO-US)宣布與多家雲端業者簽訂供電意向書，"
            "小型模組化反應爐預計在本世紀末前商轉，股價單日大漲兩成。",
            "分析師認為，資料中心用電快速成長，奧克洛的計畫若能如期推進，"
            "將成為科技巨頭取得穩定低碳電力的重要選項。",
        ],
    ),
    (
        "緯穎科技出貨創高 伺服器供應鏈同步走強",
        [
            "伺服器代工廠緯穎科技(6669)公布十月營收年增七成，創下單月新高，"
            "主因雲端客戶的AI機櫃出貨放量。",
            "法人表示，緯穎科技與台光電子的營收動能都來自同一批雲端資本支出，"
            "明年上半年的能見度仍高。",
        ],
    ),
]

_LATER = [
    "晶研創新與奧克洛今年股價表現都相當搶眼，市場關注兩家公司的訂單能見度。",
    "台光電子的新產線進度順利，法人預估高階材料占營收比重將提升至六成。",
    "緯穎科技表示，液冷機櫃的出貨比重持續提高，毛利率有望逐季改善。",
    "奧克洛的反應爐設計取得監管機關初步審查意見，後續仍需完成安全評估。",
    "晶研創新的檢測設備已打入兩家光通訊模組廠，明年出貨量可望倍增。",
]


def _articles() -> list[tuple[str, list[str]]]:
    articles = list(_INTRO)
    for i in range(MIN_PARALLEL_BATCH + 2 - len(_INTRO)):
        paragraphs = [
            _LATER[(i + j) % len(_LATER)] + f"這是第{i + 1}篇追蹤報導的第{j + 1}段。"
            for j in range(4)
        ]
        articles.append((f"產業追蹤第{i + 1}篇：晶研創新、奧克洛與緯穎科技近況", paragraphs))
    return articles


_SKIP_COLUMNS = {"applied_at", "ingested_at", "started_at", "finished_at", "duration_ms"}
_SKIP_COLUMNS |= {"updated_at", "created_at"}
_SKIP_META = {"webhook_secret"}


def _ingest(db: Path, sources: list[Path], workers: int) -> dict[str, list[tuple[object, ...]]]:
    """Ingest in a fresh process (as ``briefbot ingest`` does) and read every table back."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    argv = ["--db", str(db), "ingest", "--workers", str(workers), "--quiet"]
    command = [sys.executable, "-m", "bot.cli", *argv, *map(str, sources)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    tables: dict[str, list[tuple[object, ...]]] = {}
    con = sqlite3.connect(db)
    try:
        names = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index_%' ORDER BY name"
            )
        ]
        for name in names:
            cursor = con.execute(f"SELECT * FROM [{name}]")  # our own table names
            keep = [i for i, d in enumerate(cursor.description) if d[0] not in _SKIP_COLUMNS]
            rows = [tuple(row[i] for i in keep) for row in cursor]
            if name == "meta":
                rows = [row for row in rows if row[0] not in _SKIP_META]
            tables[name] = sorted(rows, key=repr)
    finally:
        con.close()
    return tables


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers are capped at the core count")
def test_two_workers_store_what_one_process_stores(tmp_path: Path) -> None:
    sources = []
    for number, (title, paragraphs) in enumerate(_articles()):
        path = tmp_path / f"article_{number:02d}.txt"
        path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        sources.append(path)
    one = _ingest(tmp_path / "one.db", sources, workers=1)
    two = _ingest(tmp_path / "two.db", sources, workers=2)
    # The fixture must exercise what it is about: learned companies, mentions of them
    # in articles after the one that taught them.
    learned = {row[0]: row[2] for row in one["companies"] if row[-1] == "learned"}
    assert {"晶研創新", "奧克洛"} <= set(learned.values())
    mentioning = {row[1] for row in one["mentions"] if row[3] in learned}  # article, company
    assert len(mentioning) > len(_INTRO), "later articles must name the learned companies"
    assert len(one["articles"]) == len(sources)
    for name in sorted(one):
        assert two[name] == one[name], name


_MORE = [
    (
        "晶馳科技登錄興櫃 光聖科技擴產",
        [
            "新創公司晶馳科技(6999)今日登錄興櫃，主攻車用雷達晶片，首日股價上漲三成。",
            "光通訊元件廠光聖科技(6442)宣布擴建產線，因應資料中心高速傳輸需求。",
        ],
    ),
    (
        "那斯凱爾小型反應爐獲准 核能股走強",
        ["美國核能新創那斯凱爾(SMR-US)取得設計許可，股價大漲，晶研創新也受惠檢測需求。"],
    ),
]


def _more_later() -> list[tuple[str, list[str]]]:
    return [
        (
            f"追蹤第{i + 1}篇：晶馳科技、光聖科技與那斯凱爾",
            [
                "晶馳科技的雷達晶片已送樣歐洲車廠，光聖科技則接獲北美雲端大單。",
                f"那斯凱爾與奧克洛的競爭日趨激烈，這是第{i + 1}篇追蹤。",
            ],
        )
        for i in range(MIN_PARALLEL_BATCH)
    ]


_STATE_SCRIPT = """
import hashlib, json, os, sys, time
from functools import partial

from digests import parallel, textproc
from digests.lexicon import default_lexicon
from digests.models import Article, Section
from tests.test_parallel_determinism import _MORE, _articles, _more_later


def state(lexicon):
    # Everything learning changes: the directory (aliases and their order, ambiguity),
    # the words taught to jieba (frequencies, total, how many) and the words we own.
    d = lexicon.directory
    tok = textproc._tokenizer()
    # Which parts of jieba's table a process has loaded depends on the texts it
    # segmented, not on what it learned: compare whole tables.
    tok.shards.load_all()
    parts = (
        list(d.companies.items()),
        [(alias, sorted(keys)) for alias, keys in d.by_alias.items()],
        sorted(d.ambiguous), sorted(d.weak), list(d.phrases.items()),
        sorted((k, sorted(v)) for k, v in d.exact_case.items()),
        sorted((k, sorted(v)) for k, v in d.mixed.items()), list(d.by_ticker.items()),
        tok.total, len(tok.FREQ), [(w, tok.FREQ.get(w)) for w in sorted(textproc._our_words)],
        textproc.words_taught(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def probe(log_end, _):
    parallel._catch_up(parallel._worker_lexicon, log_end)
    time.sleep(0.2)  # let the other worker take the next probe
    return os.getpid(), state(parallel._worker_lexicon)


def article(i, title, paragraphs):
    return Article(title, (Section("", tuple(paragraphs)),), source=f"a{i}", source_kind="text")


first = [article(i, *a) for i, a in enumerate(_articles())]
more = [article(100 + i, *a) for i, a in enumerate([*_MORE, *_more_later()])]
# In-process before the pool exists, on the workers, in-process while the pool
# exists (the workers must catch up on it), on the workers again.
batches = [first[:2], first[2:], more[: len(_MORE)], more[len(_MORE) :]]
lexicon = default_lexicon()
digests = hashlib.sha256()
with parallel.Digester(int(sys.argv[1]), lexicon) as digester:
    for batch in batches:
        assert (len(batch) >= parallel.MIN_PARALLEL_BATCH) == (batch in batches[1::2])
        for digested in digester.digest(batch):
            digests.update(repr(digested).encode())
    workers = []
    if digester._pool is not None:
        workers = digester._pool.map(partial(probe, digester._log_end), range(6), chunksize=1)
print(json.dumps({"parent": state(lexicon), "workers": sorted(set(workers)),
                  "digests": digests.hexdigest()}))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers are capped at the core count")
def test_batches_in_and_out_of_workers_digest_and_learn_as_one_process() -> None:
    def run(workers: int) -> dict[str, object]:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        command = [sys.executable, "-c", _STATE_SCRIPT, str(workers)]
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    one, two = run(1), run(2)
    assert two["digests"] == one["digests"]
    assert two["parent"] == one["parent"]
    pids = {pid for pid, _ in two["workers"]}
    assert len(pids) == 2, "both workers must be probed"
    assert {state for _, state in two["workers"]} == {one["parent"]}
