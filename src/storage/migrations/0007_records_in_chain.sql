
    ALTER TABLE audit_log ADD COLUMN records TEXT;
    CREATE TRIGGER ballot_no_update BEFORE UPDATE ON ballot
        BEGIN SELECT RAISE(ABORT, 'printed ballots are never changed'); END;
    CREATE TRIGGER ballot_no_delete BEFORE DELETE ON ballot
        BEGIN SELECT RAISE(ABORT, 'printed ballots are never deleted'); END;
    CREATE TRIGGER ballot_entry_update BEFORE UPDATE ON ballot_entry
        WHEN NEW.id IS NOT OLD.id OR NEW.selection_id IS NOT OLD.selection_id OR NEW.serial IS NOT OLD.serial
          OR NEW.operator IS NOT OLD.operator OR NEW.at IS NOT OLD.at OR NEW.marks IS NOT OLD.marks
          OR NEW.verdict IS NOT OLD.verdict OR NEW.findings IS NOT OLD.findings
          OR NEW.doubtful IS NOT OLD.doubtful OR NEW.box_id IS NOT OLD.box_id
          OR (OLD.status = 'discarded' AND NEW.status = 'active')
          OR (OLD.resolved = 1 AND NEW.resolved = 0)
          OR (NEW.entry_no IS NOT OLD.entry_no AND NOT (NEW.entry_no = 1 AND NEW.resolved = 1))
          OR (SELECT status FROM selection WHERE id = OLD.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'an entry is never edited, only discarded or resolved'); END;
    CREATE TRIGGER ballot_entry_no_delete BEFORE DELETE ON ballot_entry
        BEGIN SELECT RAISE(ABORT, 'entries are never deleted'); END;
    CREATE TRIGGER review_no_update BEFORE UPDATE ON review
        BEGIN SELECT RAISE(ABORT, 'a decision is never changed'); END;
    CREATE TRIGGER review_no_delete BEFORE DELETE ON review
        BEGIN SELECT RAISE(ABORT, 'a decision is never deleted'); END;
    CREATE TRIGGER recheck_update BEFORE UPDATE ON recheck
        WHEN OLD.done_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.selection_id IS NOT OLD.selection_id
          OR NEW.serial IS NOT OLD.serial OR NEW.codes IS NOT OLD.codes
          OR NEW.requested_by IS NOT OLD.requested_by OR NEW.requested_at IS NOT OLD.requested_at
        BEGIN SELECT RAISE(ABORT, 'a recheck is only marked done, once'); END;
    CREATE TRIGGER recheck_no_delete BEFORE DELETE ON recheck
        BEGIN SELECT RAISE(ABORT, 'a recheck is never deleted'); END;
    CREATE TRIGGER ballot_box_update BEFORE UPDATE ON ballot_box
        WHEN NEW.id IS NOT OLD.id OR NEW.selection_id IS NOT OLD.selection_id OR NEW.name IS NOT OLD.name
          OR NEW.location IS NOT OLD.location OR NEW.expected IS NOT OLD.expected
          OR (SELECT status FROM selection WHERE id = OLD.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a box keeps its name, place and number'); END;
    CREATE TRIGGER ballot_box_no_delete BEFORE DELETE ON ballot_box
        BEGIN SELECT RAISE(ABORT, 'a box is never deleted'); END;
    CREATE TRIGGER table_verdict_update BEFORE UPDATE ON table_verdict
        WHEN NEW.id IS NOT OLD.id OR NEW.table_id IS NOT OLD.table_id OR NEW.selection_id IS NOT OLD.selection_id
          OR NEW.verdict IS NOT OLD.verdict OR NEW.operator IS NOT OLD.operator OR NEW.at IS NOT OLD.at
          OR (OLD.status = 'discarded' AND NEW.status = 'active')
          OR (SELECT status FROM selection WHERE id = OLD.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a verdict is never edited, only discarded'); END;
    CREATE TRIGGER table_verdict_no_delete BEFORE DELETE ON table_verdict
        BEGIN SELECT RAISE(ABORT, 'a verdict is never deleted'); END;
    CREATE TRIGGER table_drop_no_update BEFORE UPDATE ON table_drop
        BEGIN SELECT RAISE(ABORT, 'a drop-out is never changed'); END;
    CREATE TRIGGER table_drop_no_delete BEFORE DELETE ON table_drop
        BEGIN SELECT RAISE(ABORT, 'a drop-out is never deleted'); END;
    CREATE TRIGGER panel_vote_no_update BEFORE UPDATE ON panel_vote
        BEGIN SELECT RAISE(ABORT, 'a vote is never changed'); END;
    CREATE TRIGGER panel_vote_no_delete BEFORE DELETE ON panel_vote
        BEGIN SELECT RAISE(ABORT, 'a vote is never deleted'); END;
    CREATE TRIGGER panel_amendment_no_update BEFORE UPDATE ON panel_amendment
        BEGIN SELECT RAISE(ABORT, 'an amendment is never changed'); END;
    CREATE TRIGGER panel_amendment_no_delete BEFORE DELETE ON panel_amendment
        BEGIN SELECT RAISE(ABORT, 'an amendment is never deleted'); END;
    CREATE TRIGGER selection_closed BEFORE UPDATE ON selection
        WHEN OLD.status = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER selection_no_delete BEFORE DELETE ON selection
        BEGIN SELECT RAISE(ABORT, 'a selection is never deleted'); END;
    CREATE TRIGGER plan_closed_update BEFORE UPDATE ON plan
        WHEN (SELECT status FROM selection WHERE id = OLD.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER plan_closed_delete BEFORE DELETE ON plan
        WHEN (SELECT status FROM selection WHERE id = OLD.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER plan_closed_insert BEFORE INSERT ON plan
        WHEN (SELECT status FROM selection WHERE id = NEW.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER ballot_closed_insert BEFORE INSERT ON ballot
        WHEN (SELECT status FROM selection WHERE id = NEW.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER ballot_entry_closed_insert BEFORE INSERT ON ballot_entry
        WHEN (SELECT status FROM selection WHERE id = NEW.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER review_closed_insert BEFORE INSERT ON review
        WHEN (SELECT status FROM selection WHERE id = NEW.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    CREATE TRIGGER ballot_box_closed_insert BEFORE INSERT ON ballot_box
        WHEN (SELECT status FROM selection WHERE id = NEW.selection_id) = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed count is closed'); END;
    