
    ALTER TABLE selection ADD COLUMN ballot_style TEXT;
    ALTER TABLE selection ADD COLUMN double_entry INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE ballot (
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        serial       TEXT NOT NULL,
        style_hash   TEXT NOT NULL,
        batch        INTEGER NOT NULL,
        PRIMARY KEY (selection_id, serial)
    );
    CREATE TABLE ballot_entry (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        serial       TEXT NOT NULL,
        entry_no     INTEGER NOT NULL CHECK (entry_no IN (1, 2)),
        operator     TEXT NOT NULL,
        at           TEXT NOT NULL,
        marks        TEXT NOT NULL,
        verdict      TEXT NOT NULL CHECK (verdict IN ('valid','blank','invalid')),
        findings     TEXT NOT NULL,
        doubtful     TEXT,
        status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','discarded')),
        resolved     INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX ballot_entry_active ON ballot_entry (selection_id, serial, entry_no) WHERE status = 'active';
    