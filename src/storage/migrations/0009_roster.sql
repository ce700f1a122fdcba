
    CREATE TABLE roster (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        name_key   TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('coordinator', 'volunteer')),
        pin_hash   TEXT NOT NULL,
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL
    );
    CREATE TRIGGER roster_no_delete BEFORE DELETE ON roster
        BEGIN SELECT RAISE(ABORT, 'nobody is deleted from the roster'); END;
    CREATE TRIGGER roster_name_fixed BEFORE UPDATE OF id, name, name_key, created_at ON roster
        BEGIN SELECT RAISE(ABORT, 'a name on the roster is never changed'); END;
    