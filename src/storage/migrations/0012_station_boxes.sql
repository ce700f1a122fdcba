
    CREATE TABLE station_box_state (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        package_id   INTEGER NOT NULL REFERENCES station_package(id),
        box_name     TEXT NOT NULL,
        closed       INTEGER NOT NULL CHECK (closed IN (0, 1)),
        entries      TEXT NOT NULL,
        UNIQUE (package_id, box_name)
    );
    CREATE TRIGGER station_box_state_no_update BEFORE UPDATE ON station_box_state
        BEGIN SELECT RAISE(ABORT, 'what a package said is never changed'); END;
    CREATE TRIGGER station_box_state_no_delete BEFORE DELETE ON station_box_state
        BEGIN SELECT RAISE(ABORT, 'what a package said is never deleted'); END;
    CREATE TABLE station_box_origin (
        box_id        INTEGER PRIMARY KEY REFERENCES ballot_box(id),
        selection_id  INTEGER NOT NULL REFERENCES selection(id),
        origin_box_id INTEGER NOT NULL,
        UNIQUE (selection_id, origin_box_id)
    );
    CREATE TRIGGER station_box_origin_no_update BEFORE UPDATE ON station_box_origin
        BEGIN SELECT RAISE(ABORT, 'a station keeps its boxes'); END;
    CREATE TRIGGER station_box_origin_no_delete BEFORE DELETE ON station_box_origin
        BEGIN SELECT RAISE(ABORT, 'a station keeps its boxes'); END;
