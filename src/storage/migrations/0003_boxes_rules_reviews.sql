
    ALTER TABLE selection ADD COLUMN entry_rules TEXT;
    ALTER TABLE selection ADD COLUMN entry_paused INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE ballot_box (
        id              INTEGER PRIMARY KEY,
        selection_id    INTEGER NOT NULL REFERENCES selection(id),
        name            TEXT NOT NULL,
        location        TEXT NOT NULL,
        expected        INTEGER NOT NULL CHECK (expected >= 0),
        status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
        closed_by       TEXT,
        closed_at       TEXT,
        override_reason TEXT,
        UNIQUE (selection_id, name)
    );
    ALTER TABLE ballot_entry ADD COLUMN box_id INTEGER REFERENCES ballot_box(id);
    CREATE INDEX ballot_entry_serial ON ballot_entry (selection_id, serial);
    CREATE TABLE review (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        serial       TEXT NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('doubtful','warning')),
        code         TEXT NOT NULL,
        decision     TEXT CHECK (decision IN ('valid','invalid')),
        explanation  TEXT NOT NULL,
        operator     TEXT NOT NULL,
        at           TEXT NOT NULL
    );
    CREATE TABLE recheck (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        serial       TEXT NOT NULL,
        codes        TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        done_by      TEXT,
        done_at      TEXT
    );
    CREATE TABLE entry_draft (
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        operator     TEXT NOT NULL,
        draft        TEXT NOT NULL,
        at           TEXT NOT NULL,
        PRIMARY KEY (selection_id, operator)
    );
    