
    CREATE TABLE selection (
        id          INTEGER PRIMARY KEY,
        edition     TEXT NOT NULL,
        wijk        TEXT NOT NULL,
        budget_cents INTEGER NOT NULL CHECK (budget_cents >= 0),
        method      TEXT NOT NULL CHECK (method IN ('tables','ballots','panel')),
        status      TEXT NOT NULL CHECK (status IN ('draft','open','closed')),
        created_at  TEXT NOT NULL
    );
    CREATE TABLE plan (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        code         TEXT NOT NULL,
        title        TEXT NOT NULL,
        description  TEXT NOT NULL,
        cost_cents   INTEGER NOT NULL CHECK (cost_cents >= 0),
        initiator    TEXT NOT NULL,
        UNIQUE (selection_id, code)
    );
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        operator  TEXT NOT NULL,
        action    TEXT NOT NULL,
        entity    TEXT NOT NULL,
        before    TEXT,
        after     TEXT,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    