
    ALTER TABLE selection ADD COLUMN panel_quorum INTEGER;
    CREATE TABLE panel_member (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        code         TEXT NOT NULL,
        name         TEXT NOT NULL,
        UNIQUE (selection_id, code)
    );
    CREATE TABLE panel_round (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        no           INTEGER NOT NULL,
        format       TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
        frozen       INTEGER NOT NULL DEFAULT 0,
        snapshot     TEXT,
        quorum_note  TEXT,
        UNIQUE (selection_id, no)
    );
    CREATE TABLE panel_attendance (
        round_id  INTEGER NOT NULL REFERENCES panel_round(id),
        member_id INTEGER NOT NULL REFERENCES panel_member(id),
        PRIMARY KEY (round_id, member_id)
    );
    CREATE TABLE panel_vote (
        id        INTEGER PRIMARY KEY,
        round_id  INTEGER NOT NULL REFERENCES panel_round(id),
        member_id INTEGER NOT NULL REFERENCES panel_member(id),
        votes     TEXT NOT NULL,
        operator  TEXT NOT NULL,
        at        TEXT NOT NULL,
        UNIQUE (round_id, member_id)
    );
    CREATE TABLE panel_amendment (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        after_round  INTEGER NOT NULL,
        plan         TEXT NOT NULL,
        withdraw     INTEGER NOT NULL DEFAULT 0,
        merge_from   TEXT,
        detail       TEXT NOT NULL,
        reason       TEXT NOT NULL,
        operator     TEXT NOT NULL,
        at           TEXT NOT NULL
    );
    