
    CREATE TABLE panel_voted (
        round_id  INTEGER NOT NULL REFERENCES panel_round(id),
        member_id INTEGER NOT NULL REFERENCES panel_member(id),
        operator  TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (round_id, member_id)
    );
    CREATE TABLE panel_ballot (
        id       INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES panel_round(id),
        votes    TEXT NOT NULL
    );
    INSERT INTO panel_voted (round_id, member_id, operator, at) SELECT round_id, member_id, operator, at FROM panel_vote;
    INSERT INTO panel_ballot (id, round_id, votes)
        SELECT abs(random() % 9007199254740991), round_id, votes FROM panel_vote ORDER BY random();
    DROP TABLE panel_vote;
    CREATE TRIGGER panel_voted_no_update BEFORE UPDATE ON panel_voted
        BEGIN SELECT RAISE(ABORT, 'a vote is never changed'); END;
    CREATE TRIGGER panel_voted_no_delete BEFORE DELETE ON panel_voted
        BEGIN SELECT RAISE(ABORT, 'a vote is never deleted'); END;
    CREATE TRIGGER panel_ballot_no_update BEFORE UPDATE ON panel_ballot
        BEGIN SELECT RAISE(ABORT, 'a vote is never changed'); END;
    CREATE TRIGGER panel_ballot_no_delete BEFORE DELETE ON panel_ballot
        BEGIN SELECT RAISE(ABORT, 'a vote is never deleted'); END;
    CREATE TRIGGER panel_ballot_closed_round BEFORE INSERT ON panel_ballot
        WHEN (SELECT status FROM panel_round WHERE id = NEW.round_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    