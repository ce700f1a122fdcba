
    ALTER TABLE selection ADD COLUMN table_format TEXT;
    CREATE TABLE conv_table (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        round        INTEGER NOT NULL CHECK (round >= 1),
        name         TEXT NOT NULL,
        facilitator  TEXT NOT NULL,
        location     TEXT NOT NULL,
        plans        TEXT NOT NULL,
        UNIQUE (selection_id, round, name)
    );
    CREATE TABLE table_verdict (
        id           INTEGER PRIMARY KEY,
        table_id     INTEGER NOT NULL REFERENCES conv_table(id),
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        verdict      TEXT NOT NULL,
        operator     TEXT NOT NULL,
        at           TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','discarded'))
    );
    CREATE UNIQUE INDEX table_verdict_active ON table_verdict (table_id) WHERE status = 'active';
    CREATE TABLE table_drop (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        after_round  INTEGER NOT NULL,
        threshold    TEXT NOT NULL,
        codes        TEXT NOT NULL,
        operator     TEXT NOT NULL,
        at           TEXT NOT NULL
    );
    