"""Company, sector and search answers: SQL here, composition in :mod:`digests.answers`.

Shared by the command line and the Telegram commands.  Every query reads a bounded
number of rows through an index, so answers stay fast on a large store.  One module per
kind of answer; this package re-exports what callers use.
"""

from store.answers.common import RECENT_ARTICLES
from store.answers.company import CompanyAnswer, company_answer
from store.answers.search import SearchAnswer, SearchHit, search_answer
from store.answers.sector import SectorAnswer, SectorArticle, sector_answer
from store.answers.tags import TopicCount, article_tags, topic_counts

__all__ = [
    "RECENT_ARTICLES",
    "CompanyAnswer",
    "SearchAnswer",
    "SearchHit",
    "SectorAnswer",
    "SectorArticle",
    "TopicCount",
    "article_tags",
    "company_answer",
    "search_answer",
    "sector_answer",
    "topic_counts",
]
