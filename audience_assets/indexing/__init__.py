"""Indexing: normalised records from the SQL store into Solr, one broadcast date at a time."""
