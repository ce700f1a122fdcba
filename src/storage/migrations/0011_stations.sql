
    CREATE TABLE station_origin (
        selection_id        INTEGER PRIMARY KEY REFERENCES selection(id),
        coordinator_key     TEXT NOT NULL,
        coordinator_public  TEXT NOT NULL,
        origin_selection_id INTEGER NOT NULL,
        setup_hash          TEXT NOT NULL,
        imported_at         TEXT NOT NULL
    );
    CREATE TABLE station (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        key_id       TEXT NOT NULL,
        name         TEXT NOT NULL,
        admitted_by  TEXT NOT NULL,
        admitted_at  TEXT NOT NULL,
        UNIQUE (selection_id, key_id),
        UNIQUE (selection_id, name)
    );
    CREATE TABLE station_package (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        station_id   INTEGER NOT NULL REFERENCES station(id),
        sha256       TEXT NOT NULL,
        number       INTEGER NOT NULL,
        imported_at  TEXT NOT NULL,
        added        INTEGER NOT NULL,
        repeated     INTEGER NOT NULL,
        conflicts    INTEGER NOT NULL,
        withdrawn    INTEGER NOT NULL,
        UNIQUE (selection_id, sha256)
    );
    CREATE TABLE station_export (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        number       INTEGER NOT NULL,
        sha256       TEXT NOT NULL,
        at           TEXT NOT NULL,
        UNIQUE (selection_id, number)
    );
    CREATE TABLE station_conflict (
        id            INTEGER PRIMARY KEY,
        selection_id  INTEGER NOT NULL REFERENCES selection(id),
        station_id    INTEGER NOT NULL REFERENCES station(id),
        station_entry INTEGER NOT NULL,
        serial        TEXT NOT NULL,
        marks         TEXT NOT NULL,
        operator      TEXT NOT NULL,
        at            TEXT NOT NULL,
        reason        TEXT NOT NULL,
        settled_by    TEXT,
        settled_at    TEXT,
        settled_note  TEXT,
        UNIQUE (selection_id, station_id, station_entry)
    );
    CREATE TABLE online_source (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        file_name    TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        format       TEXT NOT NULL CHECK (format IN ('pb','csv')),
        votes        INTEGER NOT NULL,
        imported_by  TEXT NOT NULL,
        imported_at  TEXT NOT NULL,
        UNIQUE (selection_id, sha256)
    );
    CREATE TABLE online_vote (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        source_id    INTEGER NOT NULL REFERENCES online_source(id),
        voter        TEXT NOT NULL,
        marks        TEXT NOT NULL,
        UNIQUE (selection_id, voter)
    );
    CREATE TRIGGER online_source_no_update BEFORE UPDATE ON online_source
        BEGIN SELECT RAISE(ABORT, 'an imported online vote is never changed'); END;
    CREATE TRIGGER online_source_no_delete BEFORE DELETE ON online_source
        BEGIN SELECT RAISE(ABORT, 'an imported online vote is never deleted'); END;
    CREATE TRIGGER online_vote_no_update BEFORE UPDATE ON online_vote
        BEGIN SELECT RAISE(ABORT, 'an imported online vote is never changed'); END;
    CREATE TRIGGER online_vote_no_delete BEFORE DELETE ON online_vote
        BEGIN SELECT RAISE(ABORT, 'an imported online vote is never deleted'); END;
    ALTER TABLE ballot_entry ADD COLUMN station_id INTEGER REFERENCES station(id);
    ALTER TABLE ballot_entry ADD COLUMN station_entry INTEGER;
    CREATE UNIQUE INDEX ballot_entry_station ON ballot_entry (selection_id, station_id, station_entry) WHERE station_id IS NOT NULL;
    CREATE TRIGGER ballot_entry_station_update BEFORE UPDATE ON ballot_entry
        WHEN NEW.station_id IS NOT OLD.station_id OR NEW.station_entry IS NOT OLD.station_entry
        BEGIN SELECT RAISE(ABORT, 'an entry keeps the station it came from'); END;
    CREATE TRIGGER station_origin_no_update BEFORE UPDATE ON station_origin
        BEGIN SELECT RAISE(ABORT, 'a station keeps its set-up'); END;
    CREATE TRIGGER station_origin_no_delete BEFORE DELETE ON station_origin
        BEGIN SELECT RAISE(ABORT, 'a station keeps its set-up'); END;
    CREATE TRIGGER station_no_update BEFORE UPDATE ON station
        BEGIN SELECT RAISE(ABORT, 'an admitted station is never changed'); END;
    CREATE TRIGGER station_no_delete BEFORE DELETE ON station
        BEGIN SELECT RAISE(ABORT, 'an admitted station is never deleted'); END;
    CREATE TRIGGER station_package_no_update BEFORE UPDATE ON station_package
        BEGIN SELECT RAISE(ABORT, 'an imported package is never changed'); END;
    CREATE TRIGGER station_package_no_delete BEFORE DELETE ON station_package
        BEGIN SELECT RAISE(ABORT, 'an imported package is never deleted'); END;
    CREATE TRIGGER station_export_no_update BEFORE UPDATE ON station_export
        BEGIN SELECT RAISE(ABORT, 'an exported package is never changed'); END;
    CREATE TRIGGER station_export_no_delete BEFORE DELETE ON station_export
        BEGIN SELECT RAISE(ABORT, 'an exported package is never deleted'); END;
    CREATE TRIGGER station_conflict_update BEFORE UPDATE ON station_conflict
        WHEN OLD.settled_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.selection_id IS NOT OLD.selection_id
          OR NEW.station_id IS NOT OLD.station_id OR NEW.station_entry IS NOT OLD.station_entry
          OR NEW.serial IS NOT OLD.serial OR NEW.marks IS NOT OLD.marks OR NEW.operator IS NOT OLD.operator
          OR NEW.at IS NOT OLD.at OR NEW.reason IS NOT OLD.reason
        BEGIN SELECT RAISE(ABORT, 'a conflict is only settled, once'); END;
    CREATE TRIGGER station_conflict_no_delete BEFORE DELETE ON station_conflict
        BEGIN SELECT RAISE(ABORT, 'a conflict is never deleted'); END;
