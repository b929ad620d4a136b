"""Corpus mode: Parquet shards of analysed documents (resumable runs), syndication clusters, queries, reports."""
