"""The ingestion log: one row per source attempt, successful or not."""

from __future__ import annotations

from sqlite_utils import Database

from store.records import IngestionRecord


def log_ingestion(
    db: Database,
    *,
    source: str,
    kind: str | None,
    status: str,
    error: str | None,
    articles: int,
    new: int,
    updated: int,
    unchanged: int,
    sections: int,
    started_at: str,
    finished_at: str,
    duration_ms: int,
    warnings: str | None = None,
) -> int:
    with db.atomic():
        return (
            db["ingestions"]
            .insert(
                {
                    "source": source,
                    "kind": kind,
                    "status": status,
                    "error": error,
                    "articles": articles,
                    "new": new,
                    "updated": updated,
                    "unchanged": unchanged,
                    "sections": sections,
                    "started_at": started_at,
                    "finished_at": finished_at,
                    "duration_ms": duration_ms,
                    "warnings": warnings,
                }
            )
            .last_pk
        )


def recent_ingestions(db: Database, limit: int = 20) -> list[IngestionRecord]:
    return [
        IngestionRecord(
            r["id"],
            r["source"],
            r["kind"],
            r["status"],
            r["error"],
            r["articles"] or 0,
            r["started_at"],
            r["finished_at"],
            r.get("warnings"),
        )
        for r in db.query("SELECT * FROM ingestions ORDER BY id DESC LIMIT ?", [limit])
    ]
