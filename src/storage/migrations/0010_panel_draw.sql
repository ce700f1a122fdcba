
    CREATE TABLE panel_draw (
        id           INTEGER PRIMARY KEY,
        selection_id INTEGER NOT NULL REFERENCES selection(id),
        size         INTEGER NOT NULL,
        lottery      INTEGER NOT NULL,
        quotas       TEXT NOT NULL,
        respondents  TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        table_hash   TEXT NOT NULL,
        operator     TEXT NOT NULL,
        at           TEXT NOT NULL
    );
    CREATE TABLE panel_draw_pick (
        id       INTEGER PRIMARY KEY,
        draw_id  INTEGER NOT NULL REFERENCES panel_draw(id),
        number   INTEGER NOT NULL,
        source   TEXT NOT NULL,
        operator TEXT NOT NULL,
        at       TEXT NOT NULL
    );
    CREATE TABLE panel_draw_print (
        id       INTEGER PRIMARY KEY,
        draw_id  INTEGER NOT NULL REFERENCES panel_draw(id),
        operator TEXT NOT NULL,
        at       TEXT NOT NULL
    );
    CREATE TRIGGER panel_draw_print_no_update BEFORE UPDATE ON panel_draw_print
        BEGIN SELECT RAISE(ABORT, 'a print is never changed'); END;
    CREATE TRIGGER panel_draw_print_no_delete BEFORE DELETE ON panel_draw_print
        BEGIN SELECT RAISE(ABORT, 'a print is never deleted'); END;
    CREATE TABLE panel_draw_replace (
        id          INTEGER PRIMARY KEY,
        draw_id     INTEGER NOT NULL REFERENCES panel_draw(id),
        member      TEXT NOT NULL,
        replacement TEXT NOT NULL,
        number      INTEGER NOT NULL,
        candidates  INTEGER NOT NULL,
        source      TEXT NOT NULL,
        reason      TEXT NOT NULL,
        operator    TEXT NOT NULL,
        at          TEXT NOT NULL
    );
    CREATE TRIGGER panel_draw_replace_no_update BEFORE UPDATE ON panel_draw_replace
        BEGIN SELECT RAISE(ABORT, 'a replacement is never changed'); END;
    CREATE TRIGGER panel_draw_replace_no_delete BEFORE DELETE ON panel_draw_replace
        BEGIN SELECT RAISE(ABORT, 'a replacement is never deleted'); END;
    CREATE TRIGGER panel_draw_no_update BEFORE UPDATE ON panel_draw
        BEGIN SELECT RAISE(ABORT, 'a draw is never changed'); END;
    CREATE TRIGGER panel_draw_no_delete BEFORE DELETE ON panel_draw
        BEGIN SELECT RAISE(ABORT, 'a draw is never deleted'); END;
    CREATE TRIGGER panel_draw_pick_no_update BEFORE UPDATE ON panel_draw_pick
        BEGIN SELECT RAISE(ABORT, 'a drawn number is never changed'); END;
    CREATE TRIGGER panel_draw_pick_no_delete BEFORE DELETE ON panel_draw_pick
        BEGIN SELECT RAISE(ABORT, 'a drawn number is never deleted'); END;
