//! Gesprekstafels: tables per round, verdicts, drop-outs, the overview.

use super::*;

impl Session {
    pub fn table_settings(&self, selection_id: i64) -> Res<Option<crate::tables::TableSettings>> {
        crate::tables::store::table_settings(self.store.db(), selection_id)
    }

    pub fn set_table_settings(&mut self, selection_id: i64, settings: &crate::tables::TableSettings) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_table_settings(&who, selection_id, settings)
    }

    pub fn add_table(&mut self, selection_id: i64, input: &crate::tables::TableInput) -> Res<crate::tables::TableView> {
        let who = self.coordinator()?;
        self.store.add_table(&who, selection_id, input)
    }

    pub fn tables(&self, selection_id: i64) -> Res<Vec<crate::tables::TableView>> {
        self.who()?;
        crate::tables::store::tables(self.store.db(), selection_id)
    }

    pub fn enter_verdict(
        &mut self,
        selection_id: i64,
        table_id: i64,
        verdict: &crate::tables::VerdictInput,
    ) -> Res<crate::tables::TableView> {
        let who = self.who()?;
        self.store.enter_verdict(&who, selection_id, table_id, verdict)
    }

    /// What a scanned table sheet names: the table id, if it is one of this selection's.
    pub fn table_scan(&self, selection_id: i64, scan: &str) -> Res<i64> {
        match crate::tables::parse_table_scan(scan) {
            Some((sel, id)) if sel == selection_id => Ok(id),
            Some((sel, _)) => {
                let other = crate::selection::read(self.store.db(), sel).map(|s| s.wijk).unwrap_or_else(|_| "?".into());
                let this = crate::selection::read(self.store.db(), selection_id)?.wijk;
                Err(Problem::new("paper.other_selection").with("other", other).with("this", this).into())
            }
            None => Err(Problem::new("ballot.unreadable").into()),
        }
    }

    pub fn drop_preview(&self, selection_id: i64, after_round: u32, threshold: &str) -> Res<Vec<String>> {
        self.coordinator()?;
        crate::tables::store::drop_preview(self.store.db(), selection_id, after_round, threshold)
    }

    pub fn confirm_drop(&mut self, selection_id: i64, after_round: u32, threshold: &str) -> Res<Vec<String>> {
        let who = self.coordinator()?;
        self.store.confirm_drop(&who, selection_id, after_round, threshold)
    }

    pub fn close_tables(&mut self, selection_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        self.store.close_tables(&who, selection_id)
    }

    pub fn tables_overview(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::tables::TablesOverview> {
        self.coordinator()?;
        crate::tables::store::tables_overview(self.store.db(), selection_id, lang)
    }

    /// Print the table sheets of a round (or all rounds) into the export folder.
    pub fn print_table_sheets(&self, selection_id: i64, round: Option<u32>, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let settings = crate::tables::store::table_settings(self.store.db(), selection_id)?
            .ok_or_else(|| Failure::from(Problem::new("tables.no_settings")))?;
        let tables: Vec<_> = crate::tables::store::tables(self.store.db(), selection_id)?
            .into_iter()
            .filter(|t| round.is_none_or(|r| t.round == r))
            .collect();
        if tables.is_empty() {
            return Err(match round {
                Some(r) => Problem::new("tables.no_round").with("round", r),
                None => Problem::new("tables.none_yet"),
            }
            .into());
        }
        let pdf = crate::pdf::table_sheets(
            &sel,
            &tables,
            &crate::selection::list_plans(self.store.db(), selection_id)?,
            &settings.format,
            lang,
        )?;
        write_export(
            &format!(
                "tafelbladen-{}-{}.pdf",
                slug(&sel.wijk),
                round.map(|r| format!("ronde{r}")).unwrap_or_else(|| "alle".into())
            ),
            &pdf,
        )
    }
}
