//! Gelote wijkpanels: members, rounds, votes, amendments, the projector.

use super::*;

impl Session {
    pub fn add_member(&mut self, selection_id: i64, code: &str, name: &str) -> Res<crate::panel::Member> {
        let who = self.coordinator()?;
        self.store.add_member(&who, selection_id, code, name)
    }

    pub fn set_quorum(&mut self, selection_id: i64, quorum: u32) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_quorum(&who, selection_id, quorum)
    }

    pub fn open_round(
        &mut self,
        selection_id: i64,
        format: &crate::panel::RoundFormat,
        present: &[String],
    ) -> Res<u32> {
        let who = self.coordinator()?;
        self.store.open_round(&who, selection_id, format, present)
    }

    pub fn cast_vote(&mut self, selection_id: i64, round: u32, member: &str, votes: &[(String, u32)]) -> Res<()> {
        let who = self.who()?;
        self.store.cast_vote(&who, selection_id, round, member, votes)
    }

    pub fn close_round(&mut self, selection_id: i64, round: u32, override_reason: Option<&str>) -> Res<()> {
        let who = self.coordinator()?;
        self.store.close_round(&who, selection_id, round, override_reason)
    }

    pub fn set_frozen(&mut self, selection_id: i64, frozen: bool) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_frozen(&who, selection_id, frozen)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn amend(
        &mut self,
        selection_id: i64,
        plan: &str,
        new_cost_cents: Option<i64>,
        withdraw: bool,
        merge_from: Option<&str>,
        reason: &str,
    ) -> Res<()> {
        let who = self.coordinator()?;
        self.store.amend(&who, selection_id, plan, new_cost_cents, withdraw, merge_from, reason)
    }

    pub fn record_consent(
        &mut self,
        selection_id: i64,
        round: u32,
        member: &str,
        agree: bool,
        objection: &str,
    ) -> Res<()> {
        let who = self.who()?;
        self.store.record_consent(&who, selection_id, round, member, agree, objection)
    }

    /// Print the cards of the open round, one per present member.
    pub fn print_round_cards(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let st = crate::panel::views::panel_state(self.store.db(), selection_id)?;
        let r =
            st.rounds.last().filter(|r| !r.closed).ok_or_else(|| Failure::from(Problem::new("panel.no_open_round")))?;
        let members: Vec<(String, String)> = st
            .members
            .iter()
            .filter(|m| r.present.contains(&m.code))
            .map(|m| (m.code.clone(), m.name.clone()))
            .collect();
        let pdf = crate::pdf::round_cards(
            &sel,
            r.no,
            &members,
            &crate::panel::store::live_plans(self.store.db(), selection_id)?,
            &r.format,
            lang,
        )?;
        write_export(&format!("stemkaarten-{}-ronde{}.pdf", slug(&sel.wijk), r.no), &pdf)
    }

    /// Compute the draw by lot from the quotas and the respondents (CSV
    /// texts) and keep it with its table of `lottery` numbered panels.
    #[cfg(feature = "draw-solver")]
    pub fn panel_draw(
        &mut self,
        selection_id: i64,
        quotas_csv: &str,
        pool_csv: &str,
        size: u32,
        lottery: usize,
    ) -> Res<crate::panel::lot::DrawRecord> {
        let who = self.coordinator()?;
        // Refuse early what the write would refuse, before seconds of computing.
        crate::panel::store::panel_selection(self.store.db(), selection_id)?;
        let out = crate::panel::draw::compute(quotas_csv, pool_csv, size, Some(lottery))?;
        self.store.record_draw(&who, selection_id, &out, quotas_csv, pool_csv)
    }

    /// The same from the two files chosen on the laptop (UTF-8 CSV).
    #[cfg(feature = "draw-solver")]
    pub fn panel_draw_files(
        &mut self,
        selection_id: i64,
        quotas_path: &str,
        respondents_path: &str,
        size: u32,
        lottery: usize,
    ) -> Res<crate::panel::lot::DrawRecord> {
        self.coordinator()?;
        let text = |path: &str| -> Res<String> {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::from(Problem::new("draw.io").with("detail", format!("{path}: {e}"))))?;
            String::from_utf8(bytes).map_err(|_| Problem::new("draw.not_utf8").with("path", path).into())
        };
        let (quotas, pool) = (text(quotas_path)?, text(respondents_path)?);
        self.panel_draw(selection_id, &quotas, &pool, size, lottery)
    }

    /// Record the number drawn in public, or a public seed, and seat that panel.
    pub fn panel_pick(
        &mut self,
        selection_id: i64,
        pick: &crate::panel::lot::Pick,
    ) -> Res<crate::panel::lot::DrawPick> {
        let who = self.coordinator()?;
        self.store.pick_panel(&who, selection_id, pick)
    }

    /// Who may take a declining member's seat, numbered from 0.
    pub fn replacement_candidates(&self, selection_id: i64, member: &str) -> Res<Vec<String>> {
        self.coordinator()?;
        crate::panel::store::panel_selection(self.store.db(), selection_id)?;
        Ok(crate::panel::lot::seat_to_fill(self.store.db(), selection_id, member)?.candidates)
    }

    /// A drawn member declines: draw who takes the seat, with the reason.
    pub fn replace_member(
        &mut self,
        selection_id: i64,
        member: &str,
        pick: &crate::panel::lot::Pick,
        reason: &str,
    ) -> Res<crate::panel::lot::Replacement> {
        let who = self.coordinator()?;
        self.store.replace_member(&who, selection_id, member, pick, reason)
    }

    pub fn panel_draw_record(&self, selection_id: i64) -> Res<Option<crate::panel::lot::DrawRecord>> {
        self.who()?;
        crate::panel::store::panel_selection(self.store.db(), selection_id)?;
        crate::panel::lot::draw_record(self.store.db(), selection_id)
    }

    /// Print the selection's lottery table (PDF in the export folder).
    /// From the first print on, the table stands: no new computation.
    pub fn print_lottery(&mut self, selection_id: i64, lang: crate::i18n::Lang) -> Res<String> {
        let who = self.coordinator()?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let table = self.store.print_draw(&who, selection_id)?;
        let pdf = crate::pdf::lottery_table(&table, lang);
        write_export(&format!("lotingtabel-{}.pdf", slug(&sel.wijk)), &pdf)
    }

    pub fn close_panel(&mut self, selection_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        self.store.close_panel(&who, selection_id)
    }

    /// Members' names stay on this laptop: only for someone signed in.
    pub fn panel_state(&self, selection_id: i64) -> Res<crate::panel::PanelState> {
        self.who()?;
        crate::panel::views::panel_state(self.store.db(), selection_id)
    }

    pub fn projector(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::panel::ProjectorView> {
        self.who()?;
        crate::panel::views::projector(self.store.db(), selection_id, lang)
    }

    pub fn panel_package(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::panel::PanelPackage> {
        self.who()?;
        let (funded, total_cost_cents, explanation) =
            crate::panel::views::panel_package(self.store.db(), selection_id, lang)?;
        Ok(crate::panel::PanelPackage { funded, total_cost_cents, explanation })
    }
}
