// The treatment record module: SQLite through GRDB, hash-chained.
